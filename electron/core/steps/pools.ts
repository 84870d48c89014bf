import { remedyOf } from '../../shared/i18n';
import { type Message, UpgradeError, msg } from '../../shared/message';
import type { Evidence, Step } from '../../shared/plan';
import type { CrmSite, WebServices } from '../ports';
import type { StepContext } from '../run/context';

/**
 * The CRM's application pools held stopped while the setups run, and started again (issue 13):
 * the host keeps each stopped pool's autoStart false (an iisreset or a WAS restart by a setup
 * would otherwise start it) and records the value it had on the server; the stop step journals it
 * as well, for a start whose server record is gone.
 */

const STOP_POOLS: Step['id'] = 'backup.stop-pool';

export const poolsOf = (list: readonly CrmSite[]) => [...new Set(list.flatMap((site) => site.pools))];

/** The autoStart the stop step journaled for the pool, if it did. */
export function journaledAutoStart(ctx: StepContext, pool: string): { autoStart?: boolean } {
  const raw = ctx.steps.find((s) => s.id === STOP_POOLS)?.evidence[`autoStart.${pool}`];
  return typeof raw === 'boolean' ? { autoStart: raw } : {};
}

export function webServicesEvidence(s: WebServices): Evidence {
  return {
    'webServices.was': s.was,
    'webServices.w3svc': s.w3svc,
    'webServices.started': s.started.join(','),
  };
}

/** Each pool stopped and held so, its worker processes gone: the state, the autoStart it had, the PIDs followed. */
export async function stopAll(ctx: StepContext, list: readonly CrmSite[]): Promise<Evidence> {
  const evidence: Evidence = {};
  for (const pool of poolsOf(list)) {
    const stopped = await ctx.host.iis.stopPool(pool, ctx.options.poolStopTimeoutMs);
    evidence[pool] = await ctx.host.iis.poolState(pool);
    evidence[`autoStart.${pool}`] = stopped.autoStart;
    if (stopped.workers.length > 0) evidence[`workers.${pool}`] = stopped.workers.join(',');
  }
  return evidence;
}

/** WAS and W3SVC running, then each pool started with its autoStart put back. */
export async function startAll(ctx: StepContext, list: readonly CrmSite[]): Promise<Evidence> {
  const evidence = webServicesEvidence(await ctx.host.iis.ensureWebServices());
  for (const pool of poolsOf(list)) {
    const started = await ctx.host.iis.startPool(pool, journaledAutoStart(ctx, pool));
    evidence[pool] = await ctx.host.iis.poolState(pool);
    evidence[`autoStart.${pool}`] = started.autoStart;
  }
  return evidence;
}

/**
 * After a setup: W3SVC and WAS running again, as found and as started (a setup may leave them
 * stopped; the held pools stay stopped all the same). Evidence, never the setup's failure: a
 * service that had to be started, or that will not start, comes back as a warning, and the
 * start-pool step, which needs them, stops the run if they are still down then.
 */
export async function webServicesAfterSetup(
  ctx: StepContext,
): Promise<{ evidence: Evidence; warning?: { finding: Message; remedy: Message } }> {
  try {
    const found = await ctx.host.iis.ensureWebServices();
    const evidence = webServicesEvidence(found);
    if (found.started.length === 0) return { evidence };
    const services = found.started.join(', ');
    return {
      evidence,
      warning: {
        finding: msg('upgrade.web-services.started.finding', { services }),
        remedy: msg('upgrade.web-services.started.remedy'),
      },
    };
  } catch (err) {
    if (!(err instanceof UpgradeError)) throw err;
    ctx.log('warn', err.message_, err.detail);
    return {
      evidence: { 'webServices.running': false },
      warning: {
        finding: err.message_,
        remedy: remedyOf(err.message_) ?? msg('iis.web-services-not-running.remedy'),
      },
    };
  }
}
