import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../shared/plan';
import { treeHash } from '../files/tree';
import { type AppSession, openSession } from '../session';
import { FROM_VERSION, TO_VERSION } from '../../host/practice/content';
import { restartPracticeServer, setPracticeInstallerBusy } from '../../host/practice/processes';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { closeAfterEach, settle } from '../../testing/session-harness';
import { JOURNAL_FILE, readJournal, replay } from './journal';

/*
 * Issue 13, the setup's exit codes on the practice server, which keeps what a Windows server keeps
 * for a restart (files to replace, pending-reboot markers, a last boot time) until `practice
 * restart`. Each "start again" is a new session, as after the server's restart: the run resumes
 * from its journal.
 */

let fx: PracticeFixture | undefined;
let session: AppSession | undefined;
closeAfterEach(() => [session, fx]);

const open = async () => {
  session = await openSession({ host: fx!.host, kitDir: fx!.kitDir, setupTimeoutMs: 20_000 });
  return session;
};

const step = (snap: Session, id: string) => snap.steps.find((s) => s.id === id);

/** Up to the setups: users logged off, the release notes read. */
async function runToSetups(kit: Parameters<typeof practiceFixture>[0]): Promise<AppSession> {
  fx = await practiceFixture(kit);
  const s = await open();
  await s.handlers.practiceLogOffUsers();
  expect(await s.handlers.startRun()).toEqual({ ok: true });
  await settle(s);
  expect(await s.handlers.confirmStep('check.release-notes')).toEqual({ ok: true });
  return s;
}

const versionFile = () => readFile(path.join(fx!.appDir, 'bin', 'version.txt'), 'utf8');

/** The session closed and opened again: the upgrade manager started again on the same kit. */
async function startAgain(): Promise<Session> {
  await session?.close();
  const s = await open();
  const snap = await s.handlers.getSession();
  expect(snap.run.resumed).toBe(true);
  expect(snap.run.actions).toContain('continue');
  expect(await s.handlers.startRun()).toEqual({ ok: true });
  return settle(s);
}

describe('a setup that has started the restart (1641)', () => {
  it('stops the run resumable: nothing else runs, no rollback; after the restart it goes on', async () => {
    const s = await runToSetups({ kit: { setupFailsWith: 1641 } });
    let snap = await settle(s);
    expect(snap.run.state).toBe('paused');
    expect(step(snap, 'upgrade.setup')).toMatchObject({
      status: 'warning',
      finding: { key: 'upgrade.setup.restarting.finding', params: { code: 1641 } },
      evidence: { restart: 'started', exitCode: 1641 },
    });
    expect(step(snap, 'upgrade.mobile-setup')).toMatchObject({
      status: 'pending',
      finding: { key: 'upgrade.restart.in-progress' },
      remedy: { key: 'upgrade.restart.in-progress.remedy' },
    });
    expect(step(snap, 'upgrade.start-pool')?.status).toBe('pending');
    // Neither Continue nor Rollback in this process: the restart ends it.
    expect(snap.run.actions).toEqual([]);
    expect(snap.run.rollbackBegun).toBe(false);
    expect(await s.handlers.rollback()).toMatchObject({ ok: false });
    expect(await s.handlers.startRun()).toMatchObject({ ok: false });
    const journal = replay(await readJournal(path.join(s.runFolder, JOURNAL_FILE)));
    expect(journal.state).toBe('paused');
    expect(journal.undos.size).toBe(0);

    // Started again before the server has restarted: it asks again, and stops again.
    snap = await startAgain();
    expect(snap.run.state).toBe('paused');
    expect(step(snap, 'upgrade.mobile-setup')).toMatchObject({
      status: 'pending',
      finding: { key: 'upgrade.restart.in-progress' },
    });

    await restartPracticeServer(fx!.serverDir);
    snap = await startAgain();
    expect(step(snap, 'upgrade.mobile-setup')?.status).toBe('passed');
    expect(step(snap, 'upgrade.check-version')).toMatchObject({
      status: 'passed',
      evidence: { expected: TO_VERSION, found: TO_VERSION },
    });
    expect(snap.run.state).toBe('waiting'); // "Aggiorna Database", as after any setup
  });
});

describe('a setup that needs a restart to finish (3010)', () => {
  it('reads the version only after the restart: no failed check, no needless rollback', async () => {
    const s = await runToSetups({ kit: { setupFailsWith: 3010 } });
    let snap = await settle(s);
    expect(step(snap, 'upgrade.setup')).toMatchObject({
      status: 'warning',
      finding: { key: 'upgrade.setup.restart-needed.finding', params: { code: 3010 } },
      evidence: { restart: 'needed', pendingReboot: 'PendingFileRenameOperations' },
    });
    expect(step(snap, 'upgrade.mobile-setup')?.status).toBe('passed');
    expect(step(snap, 'upgrade.start-pool')?.status).toBe('passed');
    expect(step(snap, 'upgrade.check-version')).toMatchObject({
      status: 'pending',
      finding: { key: 'upgrade.restart.required' },
    });
    expect(snap.run.state).toBe('paused');
    expect(snap.run.actions).toEqual([]);
    // What the check would have read: the old version, its file replaced only at the restart.
    expect((await versionFile()).trim()).toBe(FROM_VERSION);

    await restartPracticeServer(fx!.serverDir);
    expect((await versionFile()).trim()).toBe(TO_VERSION);
    snap = await startAgain();
    expect(step(snap, 'upgrade.check-version')).toMatchObject({
      status: 'passed',
      evidence: { found: TO_VERSION },
    });
    expect(snap.steps.some((x) => x.status === 'failed')).toBe(false);
  });
});

describe('another installation running (1618)', () => {
  it('is checked before the setup starts: nothing installed, Retry once it is over', async () => {
    fx = await practiceFixture();
    await setPracticeInstallerBusy(fx.serverDir, true);
    const before = await treeHash(fx.appDir);
    const s = await open();
    await s.handlers.practiceLogOffUsers();
    await s.handlers.startRun();
    await settle(s);
    await s.handlers.confirmStep('check.release-notes');
    let snap = await settle(s);
    expect(step(snap, 'upgrade.setup')).toMatchObject({
      status: 'failed',
      finding: { key: 'upgrade.setup.installer-busy.finding' },
      remedy: { key: 'upgrade.setup.installer-busy.remedy' },
      evidence: { installerBusy: true },
    });
    expect(step(snap, 'upgrade.setup')?.evidence.exitCode).toBeUndefined();
    expect(await treeHash(fx.appDir)).toBe(before);

    await setPracticeInstallerBusy(fx.serverDir, false);
    expect(await s.handlers.retryStep('upgrade.setup')).toEqual({ ok: true });
    snap = await settle(s);
    expect(step(snap, 'upgrade.setup')?.status).toBe('passed');
    expect((await versionFile()).trim()).toBe(TO_VERSION);
  });

  it('returned by the setup itself says so, with the same remedy', async () => {
    const s = await runToSetups({ kit: { setupFailsWith: 1618 } });
    const snap = await settle(s);
    expect(step(snap, 'upgrade.setup')).toMatchObject({
      status: 'failed',
      finding: { key: 'upgrade.setup.exit-1618.finding', params: { code: 1618 } },
      remedy: { key: 'upgrade.setup.installer-busy.remedy' },
    });
    expect(snap.run.actions).toContain('rollback');
  });
});

describe("the setup's own log", () => {
  it('is written where the run says, named in the evidence, and copied beside the report', async () => {
    const s = await runToSetups({ kit: { setupFailsWith: 1603 } });
    const snap = await settle(s);
    const setup = step(snap, 'upgrade.setup');
    const log = setup?.evidence.setupLog;
    expect(typeof log).toBe('string');
    expect(path.basename(String(log))).toBe('setup-main.log');
    expect(String(log).startsWith(await fx!.host.system.stateDir())).toBe(true);
    expect(await readFile(String(log), 'utf8')).toMatch(/exit code 1603/);
    expect(setup?.evidence.setupLogCopy).toBe(path.join(s.runFolder, 'setup-main.log'));
    expect(await readFile(path.join(s.runFolder, 'setup-main.log'), 'utf8')).toMatch(/Error 1603/);
  });
});
