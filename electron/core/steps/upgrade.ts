import { UpgradeError, msg } from '../../shared/message';
import { sameVersionText } from '../../shared/version-name';
import type { CrmSite } from '../ports';
import type { StepContext, StepDefinition, StepOutcome, UndoOutcome } from '../run/context';
import { restoreFolder } from './artifacts';
import { runBackupDir } from './backup';
import { asTheRunFoundIt, farmQuiet, versionSkew } from '../farm/gates';
import { poolsOf, startAll, stopAll } from './pools';
import { restartFirst, runSetup } from './setup-run';
import { resolveTouched, touchedFolders } from './touched-folders';
import { installSource, readInstalledVersion } from './read-install';

/** The maintenance page: what every request from outside gets during the lockout (503). */
export const MAINTENANCE_HTML = `<!doctype html>
<html lang="it"><head><meta charset="utf-8"><title>CRM in aggiornamento</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto">
<h1>CRM in aggiornamento</h1><p>Il CRM è in aggiornamento e tornerà disponibile tra pochi minuti.</p>
<h2 lang="en">CRM being upgraded</h2><p lang="en">The CRM is being upgraded and will be back in a few minutes.</p>
</body></html>
`;

function requireSite(ctx: StepContext): CrmSite {
  const site = ctx.discovery.site;
  if (!site)
    throw new UpgradeError(msg('check.installation.no-site.finding', { site: ctx.profile.iis.siteName }));
  return site;
}

const sites = (ctx: StepContext): CrmSite[] => [
  requireSite(ctx),
  ...(ctx.discovery.mobileSite ? [ctx.discovery.mobileSite] : []),
];

const poolsUndo =
  (started: boolean) =>
  async (ctx: StepContext): Promise<UndoOutcome> => {
    const list = sites(ctx);
    const evidence = started ? await startAll(ctx, list) : await stopAll(ctx, list);
    const pools = poolsOf(list).join(', ');
    return {
      status: 'done',
      finding: msg(started ? 'undo.pools.started' : 'undo.pools.stopped', { pools }),
      evidence,
    };
  };

/**
 * A setup's undo: its site's pools stopped (they hold the files), then the folder back from its
 * backup, then each other folder the kit says this setup changes. It stops at the first that
 * does not come back; each folder's proof is in the evidence, under its role for the others.
 */
async function undoSetup(
  ctx: StepContext,
  site: CrmSite | null,
  role: 'main' | 'mobile',
): Promise<UndoOutcome> {
  if (!site) return { status: 'done', finding: msg('undo.setup.no-site') };
  await stopAll(ctx, [site]);
  const own = await restoreFolder(ctx, site.physicalPath, role === 'main' ? 'crm' : 'mobile');
  if (own.status === 'failed') return own;
  const backupDir = await runBackupDir(ctx);
  let outcome = own;
  let evidence = { ...own.evidence };
  for (const touched of touchedFolders(ctx.kit, ctx.discovery).filter((t) => t.role === role)) {
    const where = resolveTouched(touched, ctx.discovery, backupDir);
    if ('problem' in where) return { status: 'failed', finding: where.problem, evidence };
    const prefix = `touched:${touched.name}` as const;
    const other = await restoreFolder(ctx, where.path, prefix);
    for (const [k, v] of Object.entries(other.evidence ?? {}))
      evidence = { ...evidence, [`${prefix}.${k}`]: v };
    if (other.status === 'failed') return { ...other, evidence };
    if (other.status === 'warning' && outcome.status === 'done') outcome = other;
  }
  return { ...outcome, evidence };
}

/** The pools stopped and held so, before the databases' backups (issue 15): nothing of this server's CRM holds them. */
export const stopPools: StepDefinition = {
  id: 'backup.stop-pool',
  phase: 'backup',
  kind: 'action',
  skippable: false,
  title: msg('step.backup.stop-pool.title'),
  async run(ctx) {
    return { status: 'passed', evidence: await stopAll(ctx, sites(ctx)) };
  },
  /** Started again only on code that matches every database: in a farm they may be another server's to restore. */
  async undo(ctx) {
    const skew = await versionSkew(ctx);
    if (!skew.matches && !asTheRunFoundIt(ctx, skew))
      return {
        status: 'failed',
        finding: msg('farm.rollback.held', { pools: poolsOf(sites(ctx)).join(', '), code: skew.code ?? '?' }),
        evidence: skew.evidence,
      };
    return poolsUndo(true)(ctx);
  },
};

/**
 * A half-finished upgrade (check.version's warning): a folder that was at the kit's version when
 * checked, and still is, is not set up again; the run goes on to "Aggiorna Database".
 */
async function alreadyInstalled(
  ctx: StepContext,
  site: CrmSite,
  checkedAs: 'installed' | 'mobile',
): Promise<StepOutcome | null> {
  const check = ctx.steps.find((s) => s.id === 'check.version');
  const kit = ctx.kitVersion?.text;
  if (!kit || check?.status !== 'warning' || check.evidence.halfFinished !== true) return null;
  if (!sameVersionText(check.evidence[checkedAs], kit)) return null;
  if (checkedAs === 'mobile' && ctx.profile.installedVersion.kind === 'query') return null;
  const now = await readInstalledVersion(installSource(ctx, site.physicalPath));
  if (!sameVersionText(now, kit)) return null;
  const evidence = { installPath: site.physicalPath, found: kit, setupRun: false };
  return {
    status: 'passed',
    finding: msg('upgrade.setup.already-installed', { path: site.physicalPath, version: kit }),
    evidence,
  };
}

export const mainSetup: StepDefinition = {
  id: 'upgrade.setup',
  phase: 'upgrade',
  kind: 'action',
  skippable: false,
  title: msg('step.upgrade.setup.title'),
  async run(ctx) {
    const setup = ctx.kit?.manifest.setups.find((s) => s.role === 'main');
    if (!setup) throw new UpgradeError(msg('kit.manifest-invalid', { field: 'setups' }));
    const site = requireSite(ctx);
    return (await alreadyInstalled(ctx, site, 'installed')) ?? runSetup(ctx, setup, site);
  },
  undo: (ctx) => undoSetup(ctx, requireSite(ctx), 'main'),
};

export const mobileSetup: StepDefinition = {
  id: 'upgrade.mobile-setup',
  phase: 'upgrade',
  kind: 'action',
  skippable: false,
  title: msg('step.upgrade.mobile-setup.title'),
  waitsFor: restartFirst('started'),
  async run(ctx) {
    const setup = ctx.kit?.manifest.setups.find((s) => s.role === 'mobile');
    const site = ctx.discovery.mobileSite;
    if (!setup || !site)
      return {
        status: 'failed',
        finding: msg('upgrade.mobile-setup.missing.finding'),
        remedy: msg('upgrade.mobile-setup.missing.remedy'),
      };
    return (await alreadyInstalled(ctx, site, 'mobile')) ?? runSetup(ctx, setup, site);
  },
  undo: (ctx) => undoSetup(ctx, ctx.discovery.mobileSite, 'mobile'),
};

/**
 * Issue 15: the pools start on code that matches every database, or, for "Aggiorna Database",
 * on this server while the farm is quiet (every other server locked out, no CRM session from
 * another host). Otherwise they stay stopped, and the step waits for the farm.
 */
async function poolsHeld(ctx: StepContext): Promise<StepOutcome | null> {
  const skew = await versionSkew(ctx);
  if (skew.matches) return null;
  const verdict = await farmQuiet(ctx, ctx.discovery.connections);
  if (verdict.quiet) return null;
  return {
    status: 'waiting',
    finding: verdict.finding ?? msg('farm.pools-held'),
    ...(verdict.remedy ? { remedy: verdict.remedy } : {}),
    evidence: { ...skew.evidence, ...verdict.evidence, poolsHeld: true },
  };
}

export const startPools: StepDefinition = {
  id: 'upgrade.start-pool',
  phase: 'upgrade',
  kind: 'action',
  skippable: false,
  title: msg('step.upgrade.start-pool.title'),
  waitsFor: restartFirst('started'),
  waitsOnFarm: true,
  async run(ctx) {
    return (await poolsHeld(ctx)) ?? { status: 'passed', evidence: await startAll(ctx, sites(ctx)) };
  },
  undo: poolsUndo(false),
};

export const installedVersionCheck: StepDefinition = {
  id: 'upgrade.check-version',
  phase: 'upgrade',
  kind: 'check',
  severity: 'blocking',
  skippable: false,
  title: msg('step.upgrade.check-version.title'),
  // After 3010 the files are replaced at the restart: read before it, the old version would show.
  waitsFor: restartFirst('needed'),
  async run(ctx) {
    const site = requireSite(ctx);
    const expected = ctx.kitVersion?.text ?? '?';
    const found = (await readInstalledVersion(installSource(ctx, site.physicalPath))) ?? '?';
    const evidence = { expected, found };
    return sameVersionText(found, expected)
      ? { status: 'passed', evidence }
      : {
          status: 'failed',
          finding: msg('upgrade.check-version.finding', evidence),
          remedy: msg('upgrade.check-version.remedy'),
          evidence,
        };
  },
};

export function upgradeSteps(ctx: Pick<StepContext, 'discovery'>): StepDefinition[] {
  // The pools stop and start inside the lockout window (steps/lockout.ts): no maintenance steps here.
  return [mainSetup, ...(ctx.discovery.mobileSite ? [mobileSetup] : []), startPools, installedVersionCheck];
}
