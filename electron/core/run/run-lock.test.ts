import { lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UpgradeError } from '../../shared/message';
import { LOCK_FILE, type RunLock, acquireLock, inspectLock, releaseLock } from './run-lock';

/*
 * Issue 12: the run lock cannot be redirected. Its folder is protected (System.stateDir); these
 * hold even if something were planted in it: no link is read or written through.
 */

let root: string;
let stateDir: string;
let elsewhere: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'crmum-lock-'));
  stateDir = path.join(root, 'state');
  elsewhere = path.join(root, 'precious.txt');
  await mkdir(stateDir, { mode: 0o700 });
  await writeFile(elsewhere, 'not the lock: must stay as it is\n');
});
afterEach(() => rm(root, { recursive: true, force: true }));

const lock = (runId: string): RunLock => ({
  runId,
  pid: process.pid,
  hostname: 'CRM-APP01',
  startedAt: '2027-03-01T21:00:00.000Z',
  kitDir: 'E:\\',
});
const untouched = async () =>
  expect(await readFile(elsewhere, 'utf8')).toBe('not the lock: must stay as it is\n');

describe('a run lock planted as a link', () => {
  it('is not read through: a link to a live lock elsewhere is unreadable, not "held"', async () => {
    await writeFile(elsewhere, JSON.stringify(lock('someone-else')));
    await symlink(elsewhere, path.join(stateDir, LOCK_FILE));
    const state = await inspectLock(stateDir);
    expect(state).toMatchObject({ kind: 'unreadable', file: path.join(stateDir, LOCK_FILE) });
    const err = await acquireLock(stateDir, lock('run-1')).then(
      () => null,
      (e: unknown) => e,
    );
    expect((err as UpgradeError).message_.key).toBe('run.lock-unreadable');
  });

  it('is never written through: a link at the lock’s temp name leaves its target as it was', async () => {
    await symlink(elsewhere, path.join(stateDir, `${LOCK_FILE}.${process.pid}.tmp`));
    expect(await acquireLock(stateDir, lock('run-1'))).toBeNull();
    await untouched();
    const placed = await lstat(path.join(stateDir, LOCK_FILE));
    expect(placed.isFile()).toBe(true);
    expect(JSON.parse(await readFile(path.join(stateDir, LOCK_FILE), 'utf8'))).toMatchObject({
      runId: 'run-1',
    });
  });

  it('is never deleted through: releasing removes at most the link, never its target', async () => {
    await symlink(elsewhere, path.join(stateDir, LOCK_FILE));
    await releaseLock(stateDir, 'run-1');
    await untouched();
  });

  it('a dangling link at the lock’s name creates nothing where it points', async () => {
    const target = path.join(root, 'created-by-nobody');
    await symlink(target, path.join(stateDir, LOCK_FILE));
    await acquireLock(stateDir, lock('run-1')).catch(() => undefined);
    await expect(lstat(target)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('the lock itself', () => {
  it('is written owner-only, taken and released by its run', async () => {
    expect(await acquireLock(stateDir, lock('run-1'))).toBeNull();
    const file = path.join(stateDir, LOCK_FILE);
    expect((await lstat(file)).mode & 0o077).toBe(0);
    expect(await inspectLock(stateDir)).toMatchObject({ kind: 'live', lock: { runId: 'run-1' } });
    await releaseLock(stateDir, 'run-1');
    expect(await inspectLock(stateDir)).toEqual({ kind: 'free' });
  });
});
