import { UpgradeError, msg } from '../../shared/message';
import type { Evidence } from '../../shared/plan';
import type { CrmConnection, CrmSite } from '../ports';
import { poolsOf, startAll, stopAll } from './pools';
import { connectionStepId } from '../../shared/step-id';
import type { StepContext, StepDefinition, StepOutcome } from '../run/context';
import { sameVersionText } from '../../shared/version-name';
import { farmQuiet } from '../farm/gates';
import { versionOrNull } from './artifacts';
import { restoreDatabaseInFarm } from './farm';
import { lockoutOff, lockoutUrl } from './lockout';

/** Procedure steps 4-7: the admin presses "Aggiorna Database" per connection; the engine reads the database's version. */
/** Procedure steps 4-6 for the first connection; step 7 (optional) for every other one. */
export function databaseUpdate(c: CrmConnection, first: boolean): StepDefinition {
  return {
    id: connectionStepId('after.db-update', c.name),
    phase: 'after',
    kind: 'manual',
    optional: !first,
    skippable: false,
    connection: c.name,
    practice: 'aggiorna-database',
    title: msg('step.after.db-update.title', { connection: c.name }),
    instructions: msg(first ? 'after.db-update.instructions.first' : 'after.db-update.instructions.next', {
      connection: c.name,
    }),
    async run(ctx): Promise<StepOutcome> {
      const found = await versionOrNull(ctx, c);
      const expected = ctx.kitVersion?.text ?? '?';
      const seen = { database: c.database, [`dbVersion.${c.name}`]: found ?? 'unknown' };
      if (found === null) return { status: 'waiting', evidence: { ...seen, url: lockoutUrl(ctx) } };
      if (sameVersionText(found, expected)) return updated(ctx, c, found);
      // Issue 15: "Aggiorna Database" only while the farm is quiet; the practice button is not offered before.
      const behindAt = behindSince(ctx, c);
      const refused = await farmRefusal(ctx, c, { ...seen, version: found, behindAt });
      if (refused) return refused;
      return {
        status: 'waiting',
        finding: msg('after.db-update.waiting', {
          url: lockoutUrl(ctx),
          connection: c.name,
          database: c.database,
          found,
        }),
        evidence: { ...seen, version: found, url: lockoutUrl(ctx), farmReady: true, behindAt },
      };
    },
    async confirm(ctx) {
      const found = await versionOrNull(ctx, c);
      const expected = ctx.kitVersion?.text ?? '?';
      if (found === null) {
        return {
          status: 'warning',
          finding: msg('after.db-update.unchecked', { database: c.database }),
          remedy: msg('after.db-update.unchecked.remedy'),
          evidence: { database: c.database, confirmedByAdmin: true },
        };
      }
      if (sameVersionText(found, expected)) return updated(ctx, c, found);
      const evidence = { database: c.database, version: found, expected, [`dbVersion.${c.name}`]: found };
      const refused = await farmRefusal(ctx, c, { ...evidence, behindAt: behindSince(ctx, c) });
      if (refused) return refused;
      return {
        status: 'waiting',
        finding: msg('after.db-update.not-yet', evidence),
        remedy: msg('after.db-update.not-yet.remedy', { connection: c.name }),
        evidence: { ...evidence, farmReady: true, behindAt: behindSince(ctx, c) },
      };
    },
    /** The admin may have pressed "Aggiorna Database": a database whose version moved comes back from its backup. */
    async undo(ctx) {
      for (const site of [ctx.discovery.site, ctx.discovery.mobileSite])
        for (const pool of site?.pools ?? [])
          await ctx.host.iis.stopPool(pool, ctx.options.poolStopTimeoutMs);
      // Found done by the farm, with no backup here: another server's to put back, not this one's.
      const step = ctx.steps.find((s) => s.id === connectionStepId('after.db-update', c.name));
      const backedUp = ctx.artifacts.some(
        (a) => a.kind === 'db-backup' && a.connection === c.name && a.verified,
      );
      if (!backedUp && step?.status === 'passed' && step.evidence.updatedHere === false)
        return { status: 'done', finding: msg('farm.undo.no-backup-here', { database: c.database }) };
      return restoreDatabaseInFarm(ctx, c);
    },
  };
}

/**
 * Waiting for the farm, with the gate's words, when it does not let this server update `c` now:
 * this server's pools are stopped meanwhile, so that the CRM's own button cannot be pressed here
 * either; once the farm allows it, they start again for the admin.
 */
async function farmRefusal(
  ctx: StepContext,
  c: CrmConnection,
  evidence: Evidence,
): Promise<StepOutcome | null> {
  const verdict = await farmQuiet(ctx, [c]);
  const sites = [ctx.discovery.site, ctx.discovery.mobileSite].filter((x): x is CrmSite => x !== null);
  if (verdict.quiet) {
    const states = await Promise.all(poolsOf(sites).map((pool) => ctx.host.iis.poolState(pool)));
    if (states.some((state) => state !== 'started')) await startAll(ctx, sites);
    return null;
  }
  const pools = await stopAll(ctx, sites);
  return {
    status: 'waiting',
    finding: verdict.finding,
    remedy: verdict.remedy,
    evidence: { ...evidence, ...verdict.evidence, ...pools, farmReady: false },
  };
}

/** When this run first found the database behind the files (this step's earlier evidence), or now. */
function behindSince(ctx: StepContext, c: CrmConnection): string {
  const earlier = ctx.steps.find((s) => s.id === connectionStepId('after.db-update', c.name))?.evidence
    .behindAt;
  return typeof earlier === 'string' ? earlier : new Date().toISOString();
}

/** The database is at the kit's version: updated from here if this run saw it behind, else by the farm before. */
function updated(ctx: StepContext, c: CrmConnection, found: string): StepOutcome {
  // From here only if this run saw it behind while the farm let this server update it.
  const earlier = ctx.steps.find((s) => s.id === connectionStepId('after.db-update', c.name))?.evidence;
  const updatedHere = typeof earlier?.behindAt === 'string' && earlier.farmReady === true;
  return {
    status: 'passed',
    finding: msg(updatedHere ? 'after.db-update.done' : 'farm.db-update.done-before', {
      database: c.database,
      version: found,
    }),
    evidence: { database: c.database, version: found, [`dbVersion.${c.name}`]: found, updatedHere },
  };
}

/** Procedure step 8, optional: nothing the engine can read proves it, so the admin's word is recorded. */
export const addAllFunctions: StepDefinition = {
  id: 'after.add-functions',
  phase: 'after',
  kind: 'manual',
  optional: true,
  skippable: true,
  title: msg('step.after.add-functions.title'),
  instructions: msg('after.add-functions.instructions'),
  async run() {
    return { status: 'waiting' };
  },
  async confirm() {
    return { status: 'passed', evidence: { confirmedByAdmin: true } };
  },
};

export const crmAnswers: StepDefinition = {
  id: 'after.crm-answers',
  phase: 'after',
  kind: 'check',
  severity: 'blocking',
  skippable: false,
  title: msg('step.after.crm-answers.title'),
  async run(ctx) {
    const site = ctx.discovery.site;
    if (!site)
      return {
        status: 'failed',
        finding: msg('check.installation.no-site.finding', { site: ctx.profile.iis.siteName }),
        remedy: msg('check.installation.no-site.remedy'),
      };
    // From outside, as the users will: the lockout is over, so the CRM itself must answer.
    const expected = ctx.kitVersion?.text ?? '?';
    const answer = await ctx.host.iis.request(site, 'outside').catch((err: unknown) => {
      if (!(err instanceof UpgradeError)) throw err;
      ctx.log('warn', err.message_, err.detail);
      return null;
    });
    // No answer proves nothing either way, after steps that changed the server: a warning.
    if (answer === null) {
      return {
        status: 'warning',
        finding: msg('after.crm-answers.no-answer.finding', { url: site.url }),
        remedy: msg('after.crm-answers.no-answer.remedy', { url: site.url, expected }),
        evidence: { url: site.url, status: 'no answer', expected },
      };
    }
    const evidence = {
      url: site.url,
      status: answer.status,
      version: answer.version ?? '',
      expected,
      ...(answer.certificate
        ? {
            certificate: answer.certificate.trusted ? 'trusted' : (answer.certificate.problem ?? 'untrusted'),
          }
        : {}),
    };
    if (answer.status === 200 && answer.version === expected) return { status: 'passed', evidence };
    // It answers, but this host can't read a version from the page: the admin checks "Informazioni su".
    if (answer.status === 200 && answer.version === undefined) {
      return {
        status: 'warning',
        finding: msg('after.crm-answers.no-version', { url: site.url }),
        remedy: msg('after.crm-answers.no-version.remedy', { expected }),
        evidence,
      };
    }
    return {
      status: 'failed',
      finding: msg('after.crm-answers.finding', { ...evidence }),
      remedy: msg('after.crm-answers.remedy'),
      evidence,
    };
  },
};

export function afterSteps(ctx: Pick<StepContext, 'discovery'>): StepDefinition[] {
  return [
    ...ctx.discovery.connections.map((c, i) => databaseUpdate(c, i === 0)),
    addAllFunctions,
    // Issue 11: users come back only after every "Aggiorna Database" (and the admin's step 8).
    lockoutOff,
    crmAnswers,
  ];
}
