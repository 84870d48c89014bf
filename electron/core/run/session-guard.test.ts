import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { procStartTime } from '../../host/practice/system';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { KIT_REPORTS } from '../kit/kit-manifest';
import { type AppSession, openSession } from '../session';
import { JOURNAL_FILE, SERVER_RUNS, serverJournalFile } from './journal';
import { LOCK_FILE, acquireLock, inspectLock } from './run-lock';

let fx: PracticeFixture | undefined;
let session: AppSession | undefined;
let other: ChildProcess | undefined;
let tmp: string | undefined;
afterEach(async () => {
  other?.kill('SIGKILL');
  other = undefined;
  await session?.close();
  session = undefined;
  await fx?.dispose();
  fx = undefined;
  if (tmp) await rm(tmp, { recursive: true, force: true });
  tmp = undefined;
});

const startTimeOf = (pid: number) => procStartTime(pid);

/** A run that has begun and stopped (the practice user is still on: paused at check.users); the session is closed. */
async function begunRun(): Promise<{ f: PracticeFixture; stateDir: string; runId: string }> {
  const f = await practiceFixture();
  fx = f;
  const stateDir = await f.host.system.stateDir();
  const s = await openSession({ host: f.host, kitDir: f.kitDir });
  await s.handlers.startRun();
  await s.idle();
  const snap = await s.handlers.getSession();
  expect(snap.run.state).toBe('paused');
  await s.close();
  return { f, stateDir, runId: snap.run.id };
}

const kitJournal = (f: PracticeFixture, runId: string) =>
  path.join(f.kitDir, KIT_REPORTS, 'CRM-APP01', runId, JOURNAL_FILE);

describe('the journal on the server', () => {
  it('is the truth, and the kit holds the same records', async () => {
    const { f, stateDir, runId } = await begunRun();
    const server = await readFile(serverJournalFile(stateDir, runId), 'utf8');
    expect(server.split('\n').length).toBeGreaterThan(5);
    expect(await readFile(kitJournal(f, runId), 'utf8')).toBe(server);
    // Paused and closed is not the end: the lock stays this process's until finished or rolled back.
    expect(await inspectLock(stateDir, startTimeOf)).toMatchObject({
      kind: 'live',
      lock: { runId, pid: process.pid },
    });
  });

  it('damaged in the middle: the session refuses, names the file and the backups, and starts nothing', async () => {
    const { f, stateDir, runId } = await begunRun();
    const file = serverJournalFile(stateDir, runId);
    const lines = (await readFile(file, 'utf8')).split('\n');
    const backup = {
      t: 'artifact',
      at: '2026-11-27T10:00:00.000Z',
      artifact: {
        kind: 'files-backup',
        zipPath: '/backups/CRM-20261127.zip',
        source: '/srv/crm',
        treeHash: 'h',
        bytes: 1,
        sha256: 'abc',
        entries: 1,
        durationMs: 1,
        verified: true,
      },
    };
    // A backup recorded, then a line torn by a crash that a resume appended after.
    lines.splice(1, 0, JSON.stringify(backup), '{"t":"step","at":"x","st');
    await writeFile(file, lines.join('\n'));
    const runsBefore = await readdir(path.join(stateDir, SERVER_RUNS));
    const kitBefore = await readdir(path.join(f.kitDir, KIT_REPORTS, 'CRM-APP01'));
    const bytesBefore = await readFile(file);

    const opened = openSession({ host: f.host, kitDir: f.kitDir });
    await expect(opened).rejects.toMatchObject({
      name: 'UpgradeError',
      message_: {
        key: 'journal.damaged',
        params: { file, line: 3, runId, backups: expect.stringContaining('/backups/CRM-20261127.zip') },
      },
    });
    await expect(opened).rejects.toMatchObject({
      detail: expect.stringContaining('/backups/CRM-20261127.zip'),
    });
    // Nothing new, nothing touched.
    expect(await readdir(path.join(stateDir, SERVER_RUNS))).toEqual(runsBefore);
    expect(await readdir(path.join(f.kitDir, KIT_REPORTS, 'CRM-APP01'))).toEqual(kitBefore);
    expect(await readFile(file)).toEqual(bytesBefore);
  });

  it('a run found on the kit alone is not continued, and the checks say so', async () => {
    const { f, stateDir, runId } = await begunRun();
    // The server no longer knows it (its state folder was lost); the kit still holds it.
    await rm(path.join(stateDir, SERVER_RUNS), { recursive: true });
    await rm(path.join(stateDir, LOCK_FILE));
    session = await openSession({ host: f.host, kitDir: f.kitDir });
    const snap = await session.handlers.getSession();
    expect(snap.run.resumed).toBe(false);
    expect(snap.run.id).not.toBe(runId);
    await session.handlers.startRun();
    await session.idle();
    const steps = (await session.handlers.getSession()).steps;
    expect(steps.find((s) => s.id === 'check.exclusive')).toMatchObject({
      status: 'warning',
      finding: { key: 'journal.kit-only', params: { runId, file: kitJournal(f, runId) } },
    });
  });
});

describe('the run lock', () => {
  it.each(['', '{"runId":"2026', '{"pid":"x"}'])(
    'an unreadable lock (%j) is named with its path, never crashes, and no session opens over it',
    async (content) => {
      const f = await practiceFixture();
      fx = f;
      const stateDir = await f.host.system.stateDir();
      const lockFile = path.join(stateDir, LOCK_FILE);
      await writeFile(lockFile, content);
      expect(await inspectLock(stateDir, startTimeOf)).toMatchObject({ kind: 'unreadable' });
      await expect(openSession({ host: f.host, kitDir: f.kitDir })).rejects.toMatchObject({
        message_: { key: 'run.lock-unreadable', params: { file: lockFile } },
      });
      session = await openSession({ host: f.host, kitDir: f.kitDir, readOnly: true });
      const steps = await session.runChecks();
      expect(steps.find((s) => s.id === 'check.exclusive')).toMatchObject({
        status: 'failed',
        finding: { key: 'run.lock-unreadable', params: { file: lockFile } },
        remedy: { key: 'run.lock-unreadable.remedy', params: { file: lockFile } },
      });
      expect(await readFile(lockFile, 'utf8')).toBe(content);
    },
  );

  it('a live PID with another start time (a recycled PID) does not hold it', async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'run-lock-'));
    const mine = await procStartTime(process.pid);
    expect(mine).toMatch(/^\d+$/);
    const stale = {
      runId: 'old-run',
      pid: process.pid,
      processStart: `${Number(mine) + 1}`,
      hostname: 'CRM-APP01',
      startedAt: '2026-11-20T22:00:00.000Z',
      kitDir: '/media/usb',
    };
    await writeFile(path.join(tmp, LOCK_FILE), JSON.stringify(stale));
    expect(await inspectLock(tmp, startTimeOf)).toMatchObject({ kind: 'stale', lock: { runId: 'old-run' } });
    const lock = { ...stale, runId: 'new-run', processStart: undefined };
    expect(await acquireLock(tmp, lock, startTimeOf)).toBeNull();
    expect(await inspectLock(tmp, startTimeOf)).toMatchObject({
      kind: 'live',
      lock: { runId: 'new-run', processStart: mine },
    });
    // The same PID with its own start time holds it: another run is refused.
    expect(await acquireLock(tmp, { ...lock, runId: 'third' }, startTimeOf)).toMatchObject({
      runId: 'new-run',
    });
  });

  it('reads a start time after a command name holding spaces and parentheses', async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'proc-'));
    await mkdir(path.join(tmp, '4242'));
    const after = ['S', ...Array.from({ length: 18 }, (_, i) => String(i + 4)), '987654', '0', '0'];
    await writeFile(path.join(tmp, '4242', 'stat'), `4242 (crm (up) grade) ${after.join(' ')}\n`);
    expect(await procStartTime(4242, tmp)).toBe('987654');
    expect(await procStartTime(4243, tmp)).toBeNull();
  });

  it('a second copy finds the live run: says who holds it and changes nothing; the lock is taken at resume', async () => {
    const { f, stateDir, runId } = await begunRun();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    other = child;
    const pid = child.pid ?? 0;
    let started: string | null = null;
    for (let i = 0; i < 50 && started === null; i++) {
      started = await procStartTime(pid);
      if (started === null) await new Promise((r) => setTimeout(r, 20));
    }
    // The other copy took the lock of this very run.
    const lockFile = path.join(stateDir, LOCK_FILE);
    const held = {
      runId,
      pid,
      processStart: started,
      hostname: 'CRM-APP01',
      startedAt: '2026-11-27T10:00:00.000Z',
      kitDir: '/media/usb/kit',
    };
    await writeFile(lockFile, JSON.stringify(held));
    const journal = serverJournalFile(stateDir, runId);
    const before = [await readFile(journal), await readFile(kitJournal(f, runId)), await readFile(lockFile)];

    await expect(openSession({ host: f.host, kitDir: f.kitDir })).rejects.toMatchObject({
      message_: {
        key: 'run.lock-held',
        params: { runId, pid, since: '2026-11-27T10:00:00.000Z', kit: '/media/usb/kit' },
      },
    });
    expect([await readFile(journal), await readFile(kitJournal(f, runId)), await readFile(lockFile)]).toEqual(
      before,
    );

    // Once it is gone, this copy continues the run, and holds the lock from the start.
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    other = undefined;
    session = await openSession({ host: f.host, kitDir: f.kitDir });
    expect((await session.handlers.getSession()).run).toMatchObject({ id: runId, resumed: true });
    expect(await inspectLock(stateDir, startTimeOf)).toMatchObject({
      kind: 'live',
      lock: { runId, pid: process.pid, processStart: await procStartTime(process.pid) },
    });
  });
});
