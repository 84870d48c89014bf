import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { farmStatusOnKit } from '../core/farm/farm-session';
import { sourceResourcesDir } from '../core/resources';
import { type AppSession, openSession } from '../core/session';
import { openPracticeHost } from '../host/practice';
import { initPracticeFarm } from '../host/practice/farm-init';
import type { Language } from '../shared/i18n';
import { UpgradeError } from '../shared/message';
import type { Session } from '../shared/plan';
import { farmStatusLines } from './farm-commands';
import { createPracticeKit } from './practice-kit';
import { stepNeedingAdmin } from './prompt';
import { TerminalView } from './terminal';
import { say } from './usage';

/** How a visit to one server ended. */
type VisitEnd = 'finished' | 'rolled-back' | 'farm' | 'failed';

/** Waiting for the farm: a step whose finding is one of the farm's gates. */
const waitsOnFarm = (s: Session) => {
  const step = stepNeedingAdmin(s);
  return (
    s.run.state === 'waiting' &&
    step?.status === 'waiting' &&
    (step.finding?.key.startsWith('farm.') ?? false)
  );
};

/** One visit, as the admin would make it: start or continue, confirm, press "Aggiorna Database", until the farm is needed. */
async function visit(session: AppSession, lang: Language, rollback: boolean): Promise<VisitEnd> {
  const h = session.handlers;
  const it = lang === 'it';
  let s = await h.getSession();
  if (rollback) {
    if (!s.run.actions.includes('rollback')) return s.run.state === 'rolled-back' ? 'rolled-back' : 'failed';
    say(it ? '    (demo) Ripristina.' : '    (demo) Roll back.');
    await h.rollback();
    await session.settled();
    return (await h.getSession()).run.state === 'rolled-back' ? 'rolled-back' : 'failed';
  }
  // Back on a server whose run waits for the farm: one "Check again", as the farm view says.
  let checkedAgain = !waitsOnFarm(s);
  if (s.run.actions.includes('start') || s.run.actions.includes('continue')) await h.startRun();
  for (;;) {
    await session.settled();
    s = await h.getSession();
    if (s.run.state === 'finished') return 'finished';
    if (s.run.state === 'rolled-back') return 'rolled-back';
    const step = stepNeedingAdmin(s);
    if (!step || s.run.state !== 'waiting' || !step.actions.includes('confirm')) return 'failed';
    if (waitsOnFarm(s)) {
      if (checkedAgain) return 'farm';
      checkedAgain = true;
      say(it ? '    (demo) Ricontrolla.' : '    (demo) Check again.');
    } else if (step.actions.includes('practice-aggiorna-database') && step.connection) {
      say(
        it
          ? `    (demo) «Aggiorna Database» premuto per ${step.connection}.`
          : `    (demo) "Aggiorna Database" pressed for ${step.connection}.`,
      );
      const pressed = await h.practicePressAggiornaDatabase(step.connection);
      if (!pressed.ok) throw new UpgradeError(pressed.error);
    } else say(it ? '    (demo) Confermo.' : '    (demo) Confirm.');
    const ack = await h.confirmStep(step.id);
    if (!ack.ok && !waitsOnFarm(await h.getSession())) throw new UpgradeError(ack.error);
  }
}

/**
 * `demo --farm N`: a practice farm of N servers on one SQL Server, upgraded end to end in the
 * farm's order. The demo goes where the farm view says the next thing is, as the admin would.
 */
export async function farmDemo(servers: number, lang: Language, setupFails?: number): Promise<number> {
  const it = lang === 'it';
  const root = await mkdtemp(path.join(tmpdir(), 'crm-upgrade-farm-demo-'));
  const kitDir = path.join(root, 'kit');
  const farm = await initPracticeFarm(path.join(root, 'farm'), { servers });
  say(
    it
      ? `Farm di prova: ${farm.dir} (${servers} server, SQL Server ${farm.sqlServer})`
      : `Practice farm: ${farm.dir} (${servers} servers, SQL Server ${farm.sqlServer})`,
  );
  const manifest = await createPracticeKit(kitDir, {
    resourcesDir: sourceResourcesDir(),
    ...(setupFails !== undefined ? { setupFailsWith: setupFails } : {}),
  });
  say(it ? `Kit di prova:  ${kitDir}` : `Practice kit:  ${kitDir}`);
  const view = new TerminalView(lang);
  let target: string | null = farm.servers[0]?.hostname ?? null;
  let status = await farmStatusOnKit(kitDir, manifest.version);
  for (let visits = 0; target !== null && visits < servers * 4 + 4; visits++) {
    const dir = farm.servers.find((s) => s.hostname === target)?.dir;
    if (!dir) break;
    say();
    say(`━━ ${target} ━━`);
    const session = await openSession({ host: await openPracticeHost(dir), kitDir });
    session.subscribe((event, payload) => {
      if (event === 'session') view.onSession(payload as Session);
    });
    try {
      if (visits === 0) await session.handlers.practiceLogOffUsers();
      let end = await visit(session, lang, status.rollback);
      if (end === 'failed' && !status.rollback) {
        say(
          it
            ? '    (demo) Un passo è fallito: la farm si ripristina.'
            : '    (demo) A step failed: the farm rolls back.',
        );
        end = await visit(session, lang, true);
      }
    } finally {
      await session.close();
    }
    status = await farmStatusOnKit(kitDir, manifest.version);
    say(`    → ${farmStatusLines(status, lang).at(-1) ?? ''}`);
    if (status.complete || (status.rollback && !status.servers.some((s) => s.mustRollBack))) break;
    target = status.next.server;
  }
  say();
  for (const line of farmStatusLines(status, lang)) say(line);
  say(`${it ? 'Rapporto della farm' : "Farm's report"}: ${path.join(kitDir, 'reports', 'farm-report.html')}`);
  return status.complete ? 0 : 1;
}
