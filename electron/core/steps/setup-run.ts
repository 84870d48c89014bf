import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { remedyOf } from '../../shared/i18n';
import type { Evidence } from '../../shared/plan';
import { type Message, UpgradeError, msg } from '../../shared/message';
import type { KitSetup } from '../kit/kit-manifest';
import type { StagedKit } from '../kit/kit-staging';
import type { SignedKit } from '../kit/kit-verify';
import { stageRunKit } from '../kit/run-kit';
import type { CrmSite, SetupRun } from '../ports';
import type { StepContext, StepOutcome } from '../run/context';
import { SERVER_RUNS } from '../run/journal';
import { webServicesAfterSetup } from './pools';
import { exitCodeKind, installerOf, setupArgs, setupFailure, writesLog } from './setup-outcome';

/** The steps that run a setup, whose evidence says whether it asked for a restart. */
const SETUP_STEPS: ReadonlySet<string> = new Set(['upgrade.setup', 'upgrade.mobile-setup']);

/**
 * The run's staged copy of the kit in the protected state folder, verified again right now (a
 * file that no longer matches is copied again from the stick and verified); the failed outcome
 * when it cannot be made good. Setups never run from the stick.
 */
async function verifiedStage(ctx: StepContext, kit: SignedKit): Promise<StagedKit | StepOutcome> {
  try {
    return await stageRunKit(ctx, await ctx.host.system.stateDir(), kit);
  } catch (err) {
    if (!(err instanceof UpgradeError)) throw err;
    ctx.log('error', err.message_, err.detail);
    return {
      status: 'failed',
      finding: err.message_,
      remedy: remedyOf(err.message_) ?? msg('check.kit.remedy'),
    };
  }
}

/** The setup's own log: beside the run's journal in the state folder (msiexec /l*v, or `{setupLog}`). */
export const setupLogFile = (stateDir: string, runId: string, role: KitSetup['role']) =>
  path.join(stateDir, SERVER_RUNS, runId, `setup-${role}.log`);

/** A copy of the setup's log beside the report on the kit, for the vendor's support; none when there is no log. */
async function copyLog(ctx: StepContext, logFile: string, role: KitSetup['role']): Promise<Evidence> {
  const copy = path.join(ctx.runDir, `setup-${role}.log`);
  return copyFile(logFile, copy).then(
    () => ({ setupLogCopy: copy }),
    () => ({}),
  );
}

/** The run ran out of time: what was still running is named, msiexec and Windows Installer included. */
function timedOut(ctx: StepContext, result: SetupRun, evidence: Evidence): StepOutcome {
  const seconds = Math.round(ctx.options.setupTimeoutMs / 1000);
  const left = result.stillRunning ?? [];
  if (left.length === 0)
    return {
      status: 'failed',
      finding: msg('upgrade.setup.timeout.finding', {
        minutes: Math.round(ctx.options.setupTimeoutMs / 60000),
        seconds,
      }),
      remedy: msg('upgrade.setup.failed.remedy'),
      evidence,
    };
  return {
    status: 'failed',
    finding: msg('upgrade.setup.timeout-left.finding', { seconds, left: left.join(', ') }),
    remedy: msg('upgrade.setup.timeout-left.remedy'),
    evidence: {
      ...evidence,
      stillRunning: left.join(', '),
      msiexecRunning: left.some((l) => /^msiexec\.exe /i.test(l) || l.startsWith('Windows Installer')),
    },
  };
}

/**
 * A restart the setup asked for (3010) or started (1641): a warning, with what is needed to tell
 * later that the server has restarted since: its last boot now, and the pending-reboot markers.
 */
async function restartOutcome(
  ctx: StepContext,
  kind: 'restart-needed' | 'restarting',
  code: number,
  evidence: Evidence,
): Promise<StepOutcome> {
  const lastBoot = await ctx.host.processes.lastBoot().catch(() => null);
  const markers = await ctx.host.system.pendingReboot().catch(() => [] as string[]);
  const started = kind === 'restarting';
  return {
    status: 'warning',
    finding: msg(started ? 'upgrade.setup.restarting.finding' : 'upgrade.setup.restart-needed.finding', {
      code,
    }),
    remedy: msg(started ? 'upgrade.setup.restarting.remedy' : 'upgrade.setup.restart-needed.remedy'),
    evidence: {
      ...evidence,
      restart: started ? 'started' : 'needed',
      bootedBefore: lastBoot ?? '',
      pendingReboot: markers.join(', '),
    },
  };
}

/**
 * Runs one of the kit's setups on a site, from the run's staged kit: not while another
 * installation holds Windows Installer (it would end with 1618), and judged by its installer's
 * exit-code table. Its own log's path goes into the evidence, and so into the report.
 */
export async function runSetup(ctx: StepContext, setup: KitSetup, site: CrmSite): Promise<StepOutcome> {
  const kit = ctx.kit;
  if (!kit) throw new UpgradeError(msg('kit.no-manifest', { dir: ctx.kitDir }));
  const staged = await verifiedStage(ctx, kit);
  if ('status' in staged) return staged;
  const program = path.join(staged.dir, ...setup.path.split('/'));
  const logFile = setupLogFile(await ctx.host.system.stateDir(), ctx.runId, setup.role);
  const args = setupArgs(setup, site.physicalPath, logFile);
  const logged = writesLog(setup);
  const base: Evidence = {
    program: setup.path,
    installer: installerOf(setup),
    installPath: site.physicalPath,
    ...(logged ? { setupLog: logFile } : {}),
  };
  if (await ctx.host.processes.installerBusy()) {
    const finding = msg('upgrade.setup.installer-busy.finding');
    ctx.log('warn', finding);
    return {
      status: 'failed',
      finding,
      remedy: msg('upgrade.setup.installer-busy.remedy'),
      evidence: { ...base, installerBusy: true },
    };
  }
  ctx.log(
    'info',
    msg('upgrade.setup.started', { program: setup.path, path: site.physicalPath }),
    JSON.stringify(args),
  );
  const started = Date.now();
  const result = await ctx.host.processes.runSetup(program, args, {
    timeoutMs: ctx.options.setupTimeoutMs,
    ...(installerOf(setup) === 'msi' ? { logFile } : {}),
    onOutput: (line) => ctx.log('info', msg('upgrade.setup.output', { line: line.slice(0, 300) })),
    onProgress: (percent) => ctx.progress({ percent }),
  });
  // A setup may leave W3SVC or WAS stopped (an iisreset /stop of its own): started again here,
  // as evidence; the held pools stay stopped all the same.
  const services = await webServicesAfterSetup(ctx);
  const evidence: Evidence = {
    ...base,
    ...(logged ? await copyLog(ctx, logFile, setup.role) : {}),
    exitCode: result.exitCode ?? 'none',
    durationMs: result.durationMs || Date.now() - started,
    ...services.evidence,
  };
  if (result.timedOut) return timedOut(ctx, result, evidence);
  const code = result.exitCode ?? -1;
  const kind = exitCodeKind(setup, code);
  if (kind === 'success')
    return services.warning
      ? { status: 'warning', ...services.warning, evidence }
      : { status: 'passed', evidence };
  if (kind !== 'failure') return restartOutcome(ctx, kind, code, evidence);
  const lastLine = result.output.trim().split(/\r?\n/).pop() ?? '';
  return { status: 'failed', ...setupFailure(setup, code, lastLine), evidence };
}

/** Whether the server has restarted since a setup's step recorded its evidence. */
async function restartedSince(ctx: StepContext, evidence: Evidence): Promise<boolean> {
  const before = typeof evidence.bootedBefore === 'string' ? evidence.bootedBefore : '';
  const now = await ctx.host.processes.lastBoot().catch(() => null);
  if (before && now) return now !== before;
  // The last boot unknown: the markers the setup left must be gone.
  const markers = String(evidence.pendingReboot ?? '')
    .split(', ')
    .filter(Boolean);
  const pending = await ctx.host.system.pendingReboot().catch(() => markers);
  return markers.length > 0 && !markers.some((m) => pending.includes(m));
}

/**
 * Why the run must stop before a step until the server has restarted, or null: a setup of this
 * run has started the restart (1641); with `needed`, also one that needs it to finish (3010:
 * files replaced at the reboot, so the version is not read before it).
 */
export const restartFirst =
  (which: 'started' | 'needed') =>
  async (ctx: StepContext): Promise<Message | null> => {
    let reason: Message | null = null;
    for (const step of ctx.steps) {
      const restart =
        SETUP_STEPS.has(step.id) && step.status === 'warning' ? step.evidence.restart : undefined;
      if (restart !== 'started' && !(restart === 'needed' && which === 'needed')) continue;
      if (await restartedSince(ctx, step.evidence)) continue;
      if (restart === 'started') return msg('upgrade.restart.in-progress');
      reason = msg('upgrade.restart.required');
    }
    return reason;
  };
