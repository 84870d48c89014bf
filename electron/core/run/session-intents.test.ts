import { access, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { choicesFor, parseChoice } from '../../cli/prompt';
import { stepActions } from '../../../renderer/src/logic/steps';
import { msg } from '../../shared/message';
import type { Session } from '../../shared/plan';
import type { StepId } from '../../shared/step-id';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { closeAfterEach, settle } from '../../testing/session-harness';
import type { StepDefinition } from './context';
import { type AppSession, openSession } from '../session';
import { buildPlan } from '../steps/plan';
import { JOURNAL_FILE, readJournal, replay } from './journal';

let fx: PracticeFixture | undefined;
let session: AppSession | undefined;
closeAfterEach(() => [session, fx]);

const stepOf = (snap: Session, id: string) => snap.steps.find((s) => s.id === id);

/** Past the users check and NOTA BENE 1, to the first step that needs the admin after them. */
async function throughTheChecks(s: AppSession): Promise<Session> {
  await s.handlers.practiceLogOffUsers();
  expect(await s.handlers.startRun()).toEqual({ ok: true });
  await settle(s, { waitForUsers: true });
  expect(await s.handlers.confirmStep('check.release-notes')).toEqual({ ok: true });
  return settle(s, { waitForUsers: true });
}

describe('a step defined in one place', () => {
  it('shows in the window and the terminal with its actions, and the rollback calls its undo', async () => {
    fx = await practiceFixture();
    const undone: string[] = [];
    const extra: StepDefinition = {
      id: 'upgrade.extra' as StepId,
      phase: 'upgrade',
      kind: 'action',
      skippable: false,
      title: msg('step.upgrade.setup.title'),
      run: async () => ({ status: 'failed', finding: msg('engine.step-crashed') }),
      undo: async () => {
        undone.push('upgrade.extra');
        return { status: 'done', finding: msg('undo.setup.no-site') };
      },
    };
    const plan: typeof buildPlan = (ctx) => {
      const steps = buildPlan(ctx);
      const at = steps.findIndex((d) => d.id === 'upgrade.setup');
      return [...steps.slice(0, at), extra, ...steps.slice(at)];
    };
    session = await openSession({ host: fx.host, kitDir: fx.kitDir, plan });
    const snap = await throughTheChecks(session);
    const step = stepOf(snap, 'upgrade.extra');
    expect(step).toMatchObject({ status: 'failed', actions: ['retry'] });
    expect(snap.run.actions).toEqual(['rollback']);
    // The window shows exactly those buttons…
    expect(stepActions(step ?? snap.steps[0]!)).toMatchObject({ retry: true, skip: false, confirm: false });
    // …and the terminal offers exactly those keys.
    expect(choicesFor(snap).map((c) => c.label.key)).toEqual(['r', 'b', 'q']);
    expect(parseChoice(snap, 's')).toBeNull();

    expect(await session.handlers.rollback()).toEqual({ ok: true });
    const after = await settle(session, { waitForUsers: true });
    expect(after.run.state).toBe('rolled-back');
    expect(undone).toEqual(['upgrade.extra']);
    const { undos } = replay(await readJournal(path.join(session.runFolder, JOURNAL_FILE)));
    // Newest first: the extra step, the databases (unchanged: nothing restored), the pools, then
    // the lockout (users let back in last).
    expect([...undos.keys()]).toEqual([
      'upgrade.extra',
      'backup.db:Formazione',
      'backup.db:Produzione',
      'backup.stop-pool',
      'backup.lockout-on',
    ]);
    expect(undos.get('backup.db:Produzione')?.finding?.key).toBe('undo.db.unchanged');
  });
});

describe('intents, one at a time', () => {
  it('confirm and rollback sent together: one is refused, and the journal tells one story', async () => {
    fx = await practiceFixture();
    session = await openSession({ host: fx.host, kitDir: fx.kitDir });
    const s = session;
    // To the first "Aggiorna Database": confirm and rollback are both on offer there.
    let snap = await throughTheChecks(s);
    expect(stepOf(snap, 'after.db-update:Produzione')?.actions).toContain('confirm');
    expect(snap.run.actions).toContain('rollback');
    await s.handlers.practicePressAggiornaDatabase('Produzione');
    const [confirmed, rolledBack] = await Promise.all([
      s.handlers.confirmStep('after.db-update:Produzione'),
      s.handlers.rollback(),
    ]);
    expect(confirmed).toEqual({ ok: true });
    expect(rolledBack).toMatchObject({ ok: false, error: { key: 'engine.intent-under-way' } });
    snap = await settle(s, { waitForUsers: true });
    const records = await readJournal(path.join(s.runFolder, JOURNAL_FILE));
    expect(records.some((r) => r.t === 'undo')).toBe(false);
    expect(records.filter((r) => r.t === 'state' && r.state === 'rolling-back')).toHaveLength(0);
    expect(stepOf(snap, 'after.db-update:Produzione')?.status).toBe('passed');
  });

  it('rollback first: the confirmation that follows in the same tick is refused', async () => {
    fx = await practiceFixture();
    session = await openSession({ host: fx.host, kitDir: fx.kitDir });
    const s = session;
    await throughTheChecks(s);
    const [rolledBack, confirmed] = await Promise.all([
      s.handlers.rollback(),
      s.handlers.confirmStep('after.db-update:Produzione'),
    ]);
    expect(rolledBack).toEqual({ ok: true });
    expect(confirmed.ok).toBe(false);
    expect((await settle(s, { waitForUsers: true })).run.state).toBe('rolled-back');
    const records = await readJournal(path.join(s.runFolder, JOURNAL_FILE));
    const lastStepRecord = records
      .filter((r) => r.t === 'step' && r.step.id === 'after.db-update:Produzione')
      .at(-1);
    expect(lastStepRecord?.t === 'step' && lastStepRecord.step.status).toBe('waiting');
  });
});

describe('the optional "Aggiorna Database" of a second connection', () => {
  it('is offered for skipping in the window and the terminal, and the engine accepts it', async () => {
    fx = await practiceFixture();
    session = await openSession({ host: fx.host, kitDir: fx.kitDir });
    const s = session;
    await throughTheChecks(s);
    await s.handlers.practicePressAggiornaDatabase('Produzione');
    expect(await s.handlers.confirmStep('after.db-update:Produzione')).toEqual({ ok: true });
    const snap = await settle(s, { waitForUsers: true });
    const second = stepOf(snap, 'after.db-update:Formazione');
    expect(second).toMatchObject({ status: 'waiting', optional: true, connection: 'Formazione' });
    expect(second?.actions).toEqual(['confirm', 'skip', 'practice-aggiorna-database']);
    expect(stepActions(second ?? snap.steps[0]!)).toMatchObject({
      skip: true,
      practiceAggiornaDatabase: 'Formazione',
    });
    expect(parseChoice(snap, 's')).toMatchObject({ kind: 'step', action: 'skip' });
    // The first connection was not optional: it never offered a skip.
    expect(stepOf(snap, 'after.db-update:Produzione')?.optional).toBe(false);

    expect(await s.handlers.skipStep('after.db-update:Formazione', 'Formazione non si usa più')).toEqual({
      ok: true,
    });
    const next = await settle(s, { waitForUsers: true });
    expect(stepOf(next, 'after.db-update:Formazione')).toMatchObject({
      status: 'skipped',
      skipReason: 'Formazione non si usa più',
    });
    expect(await s.handlers.confirmStep('after.add-functions')).toEqual({ ok: true });
    expect((await settle(s, { waitForUsers: true })).run.state).toBe('finished');
  });
});

describe('waiting for users to log off', () => {
  it('the engine re-checks by itself until nobody is connected, then the run goes on', async () => {
    fx = await practiceFixture();
    session = await openSession({ host: fx.host, kitDir: fx.kitDir, usersRecheckMs: 20 });
    const s = session;
    expect(await s.handlers.startRun()).toEqual({ ok: true });
    let snap = await settle(s, { waitForUsers: true });
    expect(stepOf(snap, 'check.users')?.actions).toEqual([
      'retry',
      'skip',
      'wait-for-users',
      'practice-log-off-users',
    ]);
    expect(await s.handlers.waitForUsers('check.users')).toEqual({ ok: true });
    snap = await s.handlers.getSession();
    expect(snap.run.waitingForUsers?.stepId).toBe('check.users');
    expect(stepOf(snap, 'check.users')?.actions).toEqual(['stop-waiting', 'practice-log-off-users']);
    // Other intents wait their turn: only stopping the wait is on offer.
    expect(await s.handlers.skipStep('check.users', 'un motivo qualunque')).toMatchObject({
      ok: false,
      error: { key: 'engine.waiting-for-users' },
    });
    // It re-checks quietly: the user is still there, and nothing is journaled for a look that changed nothing.
    const journal = path.join(s.runFolder, JOURNAL_FILE);
    const recordsBefore = (await readJournal(journal)).length;
    const checks = new Set<string>();
    await expect
      .poll(
        async () => {
          const at = (await s.handlers.getSession()).run.waitingForUsers?.lastCheckedAt;
          if (at) checks.add(at);
          return checks.size;
        },
        { timeout: 30_000 },
      )
      .toBeGreaterThanOrEqual(3);
    expect((await readJournal(journal)).length).toBe(recordsBefore);
    expect(stepOf(await s.handlers.getSession(), 'check.users')?.actions).toEqual([
      'stop-waiting',
      'practice-log-off-users',
    ]);
    await s.handlers.practiceLogOffUsers();
    snap = await settle(s, { waitForUsers: true });
    expect(snap.run.waitingForUsers).toBeUndefined();
    expect(stepOf(snap, 'check.users')?.status).toBe('passed');
    expect(stepOf(snap, 'check.release-notes')?.status).toBe('waiting');
  });

  it('stop waiting: the check stays failed and the usual actions come back', async () => {
    fx = await practiceFixture();
    session = await openSession({ host: fx.host, kitDir: fx.kitDir, usersRecheckMs: 60_000 });
    const s = session;
    await s.handlers.startRun();
    await settle(s, { waitForUsers: true });
    expect(await s.handlers.waitForUsers('check.users')).toEqual({ ok: true });
    expect(await s.handlers.stopWaitingForUsers('check.users')).toEqual({ ok: true });
    const snap = await settle(s, { waitForUsers: true });
    expect(snap.run.waitingForUsers).toBeUndefined();
    expect(stepOf(snap, 'check.users')?.actions).toContain('wait-for-users');
  });
});

describe('correcting the folder', () => {
  it('is offered only before anything ran, and the session then names the new run', async () => {
    fx = await practiceFixture();
    const appDir = fx.appDir;
    session = await openSession({ host: fx.host, kitDir: fx.kitDir, chooseFolder: async () => appDir });
    const s = session;
    const before = s.runFolder;
    expect((await s.handlers.getSession()).run.actions).toContain('correct-install-path');
    expect(await s.handlers.correctInstallPath()).toEqual({ ok: true });
    const snap = await s.handlers.getSession();
    expect(s.runFolder).not.toBe(before);
    expect(s.runFolder.endsWith(snap.run.id)).toBe(true);
    await s.handlers.startRun();
    const running = await settle(s, { waitForUsers: true });
    expect(running.run.actions).not.toContain('correct-install-path');
    expect(await s.handlers.correctInstallPath()).toMatchObject({
      ok: false,
      error: { key: 'engine.not-now' },
    });
  });
});

describe('leftovers', () => {
  it('a partial backup left by an interrupted step is removed when the run ends; the verified one stays', async () => {
    fx = await practiceFixture();
    session = await openSession({ host: fx.host, kitDir: fx.kitDir });
    const s = session;
    const snap = await throughTheChecks(s);
    const zip = String(stepOf(snap, 'backup.files')?.evidence.zip ?? '');
    expect(zip).toMatch(/\.zip$/);
    const leftover = path.join(path.dirname(zip), 'CRM-files-19990101-000000.zip');
    await writeFile(leftover, 'partial');
    await writeFile(`${leftover}.manifest.json`, '');
    for (;;) {
      const now = await settle(s, { waitForUsers: true });
      const waiting = now.steps.find((x) => x.actions.includes('confirm'));
      if (!waiting) break;
      if (waiting.connection) await s.handlers.practicePressAggiornaDatabase(waiting.connection);
      expect(await s.handlers.confirmStep(waiting.id)).toEqual({ ok: true });
    }
    expect((await settle(s, { waitForUsers: true })).run.state).toBe('finished');
    await expect(access(leftover)).rejects.toThrow();
    await expect(access(`${leftover}.manifest.json`)).rejects.toThrow();
    await access(zip);
  });
});
