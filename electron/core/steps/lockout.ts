import { type Message, UpgradeError, msg } from '../../shared/message';
import type { Evidence, Step } from '../../shared/plan';
import type { CrmSite, SiteBinding } from '../ports';
import type { StepContext, StepDefinition, StepOutcome, UndoOutcome } from '../run/context';
import { asTheRunFoundIt, versionSkew } from '../farm/gates';
import { usersCheck } from './checks';
import { MAINTENANCE_HTML } from './upgrade';

/**
 * The lockout window (issue 11): from the users check until every connection has had "Aggiorna
 * Database", only this server reaches the CRM and MOBILE. On stock IIS (no URL Rewrite, no IP
 * restrictions) the sites keep loopback bindings only and their public bindings answer, on a
 * small maintenance site, with the maintenance page. The host records the original bindings on
 * the server before changing anything; the step's evidence records them again in the journal.
 */

const LOCKOUT_ON: Step['id'] = 'backup.lockout-on';
const LOCKOUT_OFF: Step['id'] = 'after.lockout-off';

function lockedSites(ctx: StepContext): CrmSite[] {
  const site = ctx.discovery.site;
  if (!site)
    throw new UpgradeError(msg('check.installation.no-site.finding', { site: ctx.profile.iis.siteName }));
  return [site, ...(ctx.discovery.mobileSite ? [ctx.discovery.mobileSite] : [])];
}

const bindingsKey = (site: CrmSite) => `bindings.${site.siteName}`;

/** The original bindings as the lockout-on step journaled them, for a server whose own record is gone. */
function journaledBindings(ctx: StepContext, site: CrmSite): SiteBinding[] | undefined {
  const raw = ctx.steps.find((s) => s.id === LOCKOUT_ON)?.evidence[bindingsKey(site)];
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed = JSON.parse(raw) as unknown;
    return Array.isArray(parsed) ? (parsed as SiteBinding[]) : undefined;
  } catch {
    return undefined;
  }
}

const names = (list: CrmSite[]) => list.map((s) => s.siteName).join(', ');

/** Where the admin reaches the CRM during the lockout: the loopback address lockout-on recorded, or its own. */
export function lockoutUrl(ctx: StepContext): string {
  const site = ctx.discovery.site;
  const loopback = ctx.steps.find((s) => s.id === LOCKOUT_ON)?.evidence[`loopback.${site?.siteName}`];
  return typeof loopback === 'string' && loopback !== '' ? loopback : (site?.url ?? '');
}

/** Every site locked out and proved so: from outside the maintenance page, never the CRM. */
async function lockOutAll(ctx: StepContext): Promise<StepOutcome> {
  const list = lockedSites(ctx);
  const evidence: Evidence = {};
  let since = '';
  let url = '';
  for (const site of list) {
    const lockout = await ctx.host.iis.lockOut(site, MAINTENANCE_HTML);
    evidence[bindingsKey(site)] = JSON.stringify(lockout.original);
    evidence[`loopback.${site.siteName}`] = lockout.loopbackUrl;
    since ||= lockout.since;
    url ||= lockout.loopbackUrl;
  }
  evidence.since = since;
  let unchecked: CrmSite | null = null;
  for (const site of list) {
    const outside = await askFromOutside(ctx, site);
    if (outside === null) {
      evidence[`outside.${site.siteName}`] = 'no answer';
      unchecked ??= site;
      continue;
    }
    evidence[`outside.${site.siteName}`] = outside.status;
    if (outside.status >= 200 && outside.status < 400) {
      return {
        status: 'failed',
        finding: msg('lockout.not-effective.finding', { site: site.siteName, status: outside.status }),
        remedy: msg('lockout.not-effective.remedy', { site: site.siteName }),
        evidence,
      };
    }
  }
  // The lockout is on: a proof that could not be made is a warning for the admin, not a failure.
  if (unchecked) {
    const at = { url: unchecked.url };
    return {
      status: 'warning',
      finding: msg('lockout.outside-unchecked.finding', at),
      remedy: msg('lockout.outside-unchecked.remedy', at),
      evidence,
    };
  }
  return { status: 'passed', finding: msg('lockout.on.done', { sites: names(list), url }), evidence };
}

/** The request from outside, or null when nothing answered it (logged, with the detail). */
async function askFromOutside(ctx: StepContext, site: CrmSite) {
  try {
    return await ctx.host.iis.request(site, 'outside');
  } catch (err) {
    if (!(err instanceof UpgradeError)) throw err;
    ctx.log('warn', err.message_, err.detail);
    return null;
  }
}

async function endAll(ctx: StepContext): Promise<Evidence> {
  const evidence: Evidence = {};
  for (const site of lockedSites(ctx)) {
    const put = await ctx.host.iis.endLockout(site, journaledBindings(ctx, site));
    evidence[bindingsKey(site)] = put ? JSON.stringify(put) : 'unchanged';
  }
  return evidence;
}

/** Step 1 of the backup phase: nobody but this server reaches the CRM until the lockout ends. */
export const lockoutOn: StepDefinition = {
  id: 'backup.lockout-on',
  phase: 'backup',
  kind: 'action',
  skippable: false,
  title: msg('step.backup.lockout-on.title'),
  run: lockOutAll,
  async undo(ctx): Promise<UndoOutcome> {
    // Issue 15: rolled back, the server reopens only on code that matches every database.
    const skew = await versionSkew(ctx);
    if (!skew.matches && !asTheRunFoundIt(ctx, skew))
      return {
        status: 'failed',
        finding: msg('farm.rollback.locked', { code: skew.code ?? '?' }),
        evidence: skew.evidence,
      };
    const evidence = { ...skew.evidence, ...(await endAll(ctx)) };
    return {
      status: 'done',
      finding: msg('undo.lockout.ended', { sites: names(lockedSites(ctx)) }),
      evidence,
    };
  },
};

/**
 * The users check once more, with the lockout on: whoever logged in between the first check and
 * the lockout is found here, before any backup (what they write later would be lost on a rollback).
 */
export const usersAgain: StepDefinition = {
  ...usersCheck,
  id: 'backup.users-again',
  phase: 'backup',
  title: msg('step.backup.users-again.title'),
};

/** The connections whose "Aggiorna Database" the admin skipped with a reason. */
const skippedUpdates = (ctx: StepContext): string[] =>
  ctx.discovery.connections
    .filter((c) => ctx.steps.find((s) => s.id === `after.db-update:${c.name}`)?.status === 'skipped')
    .map((c) => c.name);

/**
 * After every "Aggiorna Database": the original bindings back, the maintenance site gone. It
 * refuses while a connection whose update was not skipped is still older than the files.
 */
export const lockoutOff: StepDefinition = {
  id: 'after.lockout-off',
  phase: 'after',
  kind: 'action',
  skippable: false,
  title: msg('step.after.lockout-off.title'),
  async run(ctx): Promise<StepOutcome> {
    const list = lockedSites(ctx);
    // Issue 15, the version-skew guard: users come back only to code that matches every database.
    const skipped = skippedUpdates(ctx);
    const skew = await versionSkew(ctx, skipped);
    if (!skew.matches)
      return { status: 'failed', finding: skew.finding, remedy: skew.remedy, evidence: skew.evidence };
    const evidence = { ...skew.evidence, ...(await endAll(ctx)) };
    let finding: Message = msg('lockout.off.done', { sites: names(list) });
    if (skipped.length > 0) {
      finding = msg('lockout.off.skipped', { connections: skipped.join(', ') });
      return { status: 'warning', finding, evidence };
    }
    return { status: 'passed', finding, evidence };
  },
  async undo(ctx): Promise<UndoOutcome> {
    const list = lockedSites(ctx);
    for (const site of list) await ctx.host.iis.lockOut(site, MAINTENANCE_HTML);
    return { status: 'done', finding: msg('undo.lockout.put-back', { sites: names(list) }) };
  },
};

/** When the lockout began, while it lasts: from the lockout-on step, until lockout-off passed or a rollback undid it. */
export function lockoutSince(steps: readonly Step[], undone: (id: Step['id']) => boolean): string | null {
  const on = steps.find((s) => s.id === LOCKOUT_ON);
  if (!on?.startedAt) return null;
  const off = steps.find((s) => s.id === LOCKOUT_OFF);
  if (off && (off.status === 'passed' || off.status === 'warning') && !undone(LOCKOUT_OFF)) return null;
  if (undone(LOCKOUT_ON)) return null;
  return on.startedAt;
}
