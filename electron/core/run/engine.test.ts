import type { StepId } from '../../shared/step-id';
import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../shared/plan';
import { treeHash } from '../files/tree';
import { type AppSession, openSession } from '../session';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { closeAfterEach, settle } from '../../testing/session-harness';
import { JOURNAL_FILE, readJournal, replay } from './journal';

let fx: PracticeFixture | undefined;
let session: AppSession | undefined;
closeAfterEach(() => [session, fx]);

async function open(options: Parameters<typeof practiceFixture>[0] = {}): Promise<AppSession> {
  fx = await practiceFixture(options);
  session = await openSession({ host: fx.host, kitDir: fx.kitDir, setupTimeoutMs: 20_000 });
  return session;
}

const statusOf = (snap: Session, id: string) => snap.steps.find((s) => s.id === id)?.status;

/** NOTA BENE 1: the run waits until the admin says the release notes were read. */
async function readTheNotes(s: AppSession): Promise<void> {
  const snap = await settle(s);
  expect(snap.run.state).toBe('waiting');
  expect(statusOf(snap, 'check.release-notes')).toBe('waiting');
  expect(statusOf(snap, 'backup.files')).toBe('pending');
  expect(snap.releaseNotes.map((n) => `${n.version} ${n.lang}`)).toEqual([
    '7.8.5.13100517_x64 en',
    '7.8.5.13100517_x64 it',
  ]);
  expect(await s.handlers.confirmStep('check.release-notes')).toEqual({ ok: true });
}

/** Drives the after-upgrade steps the way an admin does in the CRM, then confirms each. */
async function doManualSteps(s: AppSession): Promise<Session> {
  for (;;) {
    const snap = await settle(s);
    const waiting = snap.steps.find((x) => x.status === 'waiting');
    if (!waiting) return snap;
    if (waiting.id.startsWith('after.db-update:')) {
      const before = await s.handlers.confirmStep(waiting.id);
      expect(before).toMatchObject({ ok: false, error: { key: 'after.db-update.not-yet' } });
      expect(await s.handlers.practicePressAggiornaDatabase(waiting.id.split(':')[1] ?? '')).toEqual({
        ok: true,
      });
    }
    expect(await s.handlers.confirmStep(waiting.id)).toEqual({ ok: true });
  }
}

describe('the engine on the practice server', () => {
  it('runs the whole upgrade: checks, backups, setups, database step and report', async () => {
    const s = await open();
    const events: string[] = [];
    s.subscribe((event) => events.push(event));
    expect((await s.handlers.getSession()).run.state).toBe('ready');

    expect(await s.handlers.startRun()).toEqual({ ok: true });
    let snap = await settle(s);
    // The practice user is still on: the run pauses on the blocking check.
    expect(snap.run.state).toBe('paused');
    expect(statusOf(snap, 'check.users')).toBe('failed');
    expect(snap.steps.find((x) => x.id === 'check.users')?.finding).toMatchObject({
      key: 'check.users.finding',
      params: { count: 1 },
    });
    expect(statusOf(snap, 'backup.files')).toBe('pending');

    await s.handlers.practiceLogOffUsers();
    expect(await s.handlers.retryStep('check.users')).toEqual({ ok: true });
    snap = await doManualSteps(s);
    expect(snap.run.state).toBe('finished');
    expect(snap.steps.every((x) => x.status === 'passed')).toBe(true);
    expect(snap.server.installedVersion).toBe('7.8.5.13100517_x64');
    expect(events).toContain('progress');

    const report = JSON.parse(await readFile(snap.report?.jsonPath ?? '', 'utf8')) as {
      outcome: string;
      fromVersion: string;
      toVersion: string;
      steps: { status: string }[];
    };
    expect(report).toMatchObject({
      outcome: 'upgraded',
      fromVersion: '7.8.4.13050210_x64',
      toVersion: '7.8.5.13100517_x64',
    });
    expect(report.steps.every((x) => x.status === 'passed')).toBe(true);
    expect(await readFile(snap.report?.htmlPath ?? '', 'utf8')).toContain(
      '7.8.4.13050210_x64 → 7.8.5.13100517_x64',
    );

    // The server really changed, and was put back in service.
    const app = fx?.appDir ?? '';
    expect((await readFile(path.join(app, 'bin', 'version.txt'), 'utf8')).trim()).toBe('7.8.5.13100517_x64');
    await expect(access(path.join(app, 'app_offline.htm'))).rejects.toThrow();
    const site = await fx?.host.iis.findCrm('CRM');
    expect(site && (await fx?.host.iis.request(site))).toMatchObject({
      status: 200,
      version: '7.8.5.13100517_x64',
    });

    // The journal on the kit replays to the same end.
    const replayed = replay(await readJournal(path.join(s.runFolder, JOURNAL_FILE)));
    expect(replayed.state).toBe('finished');
    // The CRM folder, the MOBILE folder and both databases.
    expect(replayed.artifacts.filter((a) => a.verified)).toHaveLength(4);
  });

  it('a setup that exits 1603 pauses the run; rollback puts the folder back to the byte', async () => {
    const s = await open({ kit: { setupFailsWith: 1603 } });
    const before = await treeHash(fx?.appDir ?? '');
    await s.handlers.practiceLogOffUsers();
    await s.handlers.startRun();
    await readTheNotes(s);
    let snap = await settle(s);
    expect(snap.run.state).toBe('paused');
    const setup = snap.steps.find((x) => x.id === 'upgrade.setup');
    expect(setup).toMatchObject({
      status: 'failed',
      finding: { key: 'upgrade.setup.exit-1603.finding', params: { code: 1603 } },
      remedy: { key: 'upgrade.setup.failed.remedy' },
    });
    expect(setup?.finding?.params?.output).toBe('Error 1603: a fatal error occurred during installation.');
    expect(await treeHash(fx?.appDir ?? '')).not.toBe(before);
    expect(snap.run.actions).toContain('rollback');
    // A server-changing action can't be skipped away.
    expect(await s.handlers.skipStep('upgrade.setup', 'voglio andare avanti')).toMatchObject({
      ok: false,
      error: { key: 'engine.skip-not-allowed' },
    });

    expect(await s.handlers.rollback()).toEqual({ ok: true });
    snap = await settle(s);
    expect(snap.run.state).toBe('rolled-back');
    expect(snap.report?.outcome).toBe('rolled-back');
    expect(await treeHash(fx?.appDir ?? '')).toBe(before);
    expect(await fx?.host.iis.poolState('CRMAppPool')).toBe('started');
    await expect(access(path.join(fx?.appDir ?? '', 'app_offline.htm'))).rejects.toThrow();
    const report = JSON.parse(await readFile(snap.report?.jsonPath ?? '', 'utf8')) as {
      rollback: { treeHashMatches: boolean };
    };
    expect(report.rollback.treeHashMatches).toBe(true);
  });

  it('rollback restores a database that "Aggiorna Database" already changed', async () => {
    const s = await open();
    await s.handlers.practiceLogOffUsers();
    await s.handlers.startRun();
    await readTheNotes(s);
    let snap = await settle(s);
    expect(statusOf(snap, 'after.db-update:Produzione')).toBe('waiting');
    await s.handlers.practicePressAggiornaDatabase('Produzione');
    await s.handlers.confirmStep('after.db-update:Produzione');
    snap = await settle(s);
    expect(statusOf(snap, 'after.db-update:Formazione')).toBe('waiting');
    const prod = { name: 'Produzione', database: 'CRM_PROD', server: '.\\SQLEXPRESS', connectionString: '' };
    expect(await fx?.host.databases.schemaVersion(prod)).toBe('7.8.5.13100517_x64');
    expect(await s.handlers.rollback()).toEqual({ ok: true });
    snap = await settle(s);
    expect(snap.run.state).toBe('rolled-back');
    expect(await fx?.host.databases.schemaVersion(prod)).toBe('7.8.4.13050210_x64');
    expect((await readFile(path.join(fx?.appDir ?? '', 'bin', 'version.txt'), 'utf8')).trim()).toBe(
      '7.8.4.13050210_x64',
    );
  });

  it('skipping needs a skippable step and lands, with its reason, in the report', async () => {
    const s = await open();
    expect(await s.handlers.skipStep('check.kit', 'so io cosa faccio')).toMatchObject({
      ok: false,
      error: { key: 'engine.skip-not-allowed' },
    });
    expect(
      await s.handlers.skipStep('backup.db:Formazione', 'backup notturno automatico delle 02:00'),
    ).toEqual({ ok: true });
    let snap = await settle(s);
    expect(statusOf(snap, 'backup.db:Formazione')).toBe('skipped');
    // Its verification goes with it.
    expect(snap.steps.find((x) => x.id === 'backup.verify-db:Formazione')).toMatchObject({
      status: 'skipped',
      skipReason: 'backup notturno automatico delle 02:00',
    });
    await s.handlers.startRun();
    expect(statusOf(await settle(s), 'check.users')).toBe('failed');
    expect(await s.handlers.skipStep('check.users', 'utente di prova, lo avviso io')).toEqual({ ok: true });
    await settle(s);
    expect(await s.handlers.confirmStep('check.release-notes')).toEqual({ ok: true });
    // The lockout is on, and the users check again finds the same user: skipped for the same reason.
    expect(statusOf(await settle(s), 'backup.users-again')).toBe('failed');
    expect(await s.handlers.skipStep('backup.users-again', 'utente di prova, lo avviso io')).toEqual({
      ok: true,
    });
    snap = await doManualSteps(s);
    expect(snap.run.state).toBe('finished');
    const report = JSON.parse(await readFile(snap.report?.jsonPath ?? '', 'utf8')) as {
      steps: { id: string; status: string; skipReason?: string }[];
    };
    expect(report.steps.find((x) => x.id === 'check.users')).toMatchObject({
      status: 'skipped',
      skipReason: 'utente di prova, lo avviso io',
    });
  });

  it('the same build again is refused, unless the admin forces a reinstall with a reason', async () => {
    fx = await practiceFixture();
    // The whole installation at the kit's version: files, MOBILE and both databases.
    await writeFile(path.join(fx.appDir, 'bin', 'version.txt'), '7.8.5.13100517_x64\n');
    await writeFile(
      path.join(fx.serverDir, 'C', 'inetpub', 'wwwroot', 'CRMMobile', 'bin', 'version.txt'),
      '7.8.5.13100517_x64\n',
    );
    await fx.host.practice?.pressAggiornaDatabase('Produzione');
    await fx.host.practice?.pressAggiornaDatabase('Formazione');
    session = await openSession({ host: fx.host, kitDir: fx.kitDir });
    const s = session;
    await s.handlers.practiceLogOffUsers();
    await s.handlers.startRun();
    let snap = await settle(s);
    expect(snap.steps.find((x) => x.id === 'check.version')).toMatchObject({
      status: 'failed',
      skippable: true,
      finding: { key: 'check.version.same.finding' },
    });
    // A downgrade or an unreadable version can never be forced: only the same build opens the skip.
    expect(snap.steps.find((x) => x.id === 'check.kit')?.skippable).toBe(false);
    expect(
      await s.handlers.skipStep('check.version', 'reinstallazione chiesta dal supporto, ticket 4711'),
    ).toEqual({ ok: true });
    await settle(s);
    await s.handlers.confirmStep('check.release-notes');
    snap = await doManualSteps(s);
    expect(snap.run.state).toBe('finished');
    const report = JSON.parse(await readFile(snap.report?.jsonPath ?? '', 'utf8')) as {
      steps: { id: string; skipReason?: string }[];
    };
    expect(report.steps.find((x) => x.id === 'check.version')?.skipReason).toBe(
      'reinstallazione chiesta dal supporto, ticket 4711',
    );
  });

  it('refuses intents that do not fit the moment', async () => {
    const s = await open();
    expect(await s.handlers.retryStep('check.kit')).toMatchObject({
      ok: false,
      error: { key: 'engine.retry-not-failed' },
    });
    expect(await s.handlers.confirmStep('after.add-functions')).toMatchObject({
      ok: false,
      error: { key: 'engine.confirm-not-waiting' },
    });
    expect(await s.handlers.rollback()).toMatchObject({
      ok: false,
      error: { key: 'engine.rollback-not-available' },
    });
    expect(await s.handlers.retryStep('no.such-step' as StepId)).toMatchObject({
      ok: false,
      error: { key: 'engine.unknown-step' },
    });
    await s.handlers.startRun();
    expect(await s.handlers.startRun()).toMatchObject({ ok: false, error: { key: 'engine.busy' } });
    await settle(s);
  });

  it('a kit signed with the practice key is refused when the host is not a practice server', async () => {
    fx = await practiceFixture();
    const host = { ...fx.host, system: { ...fx.host.system, mode: 'windows' as const } };
    session = await openSession({ host, kitDir: fx.kitDir, readOnly: true });
    const steps = await session.runChecks();
    expect(steps.find((x) => x.id === 'check.kit')).toMatchObject({
      status: 'failed',
      finding: { key: 'kit.unknown-key' },
    });
  });
});
