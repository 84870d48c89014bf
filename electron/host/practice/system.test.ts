import type { Stats } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { System } from '../../core/ports';
import { UpgradeError, isMessageKey } from '../../shared/message';
import { practiceFolderProblem, practiceSystem } from './system';

/*
 * Issue 12: the practice server's protected folders, as Linux can observe them for real. Mode
 * 0o700 stands for "Administrators and SYSTEM only"; a folder someone else prepared is refused.
 */

let root: string;
let server: string;
let system: System;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'crmum-protected-'));
  server = path.join(root, 'server');
  system = practiceSystem(server);
});
afterEach(() => rm(root, { recursive: true, force: true }));

const stateFolder = () => path.join(server, 'C', 'ProgramData', 'CrmUpgradeManager');
const backupFolder = () => path.join(server, 'C', 'CrmUpgradeBackups');
const modeOf = async (dir: string) => (await lstat(dir)).mode & 0o777;
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as UpgradeError,
  );

describe('folders the practice server makes', () => {
  it('the state folder and the default backup folder are made with mode 0o700, and accepted again', async () => {
    expect(await system.stateDir()).toBe(stateFolder());
    expect(await system.defaultBackupDir()).toBe(backupFolder());
    expect(await modeOf(stateFolder())).toBe(0o700);
    expect(await modeOf(backupFolder())).toBe(0o700);
    // A second run (or a retry) finds its own folders and takes them.
    expect(await system.stateDir()).toBe(stateFolder());
    expect(await system.defaultBackupDir()).toBe(backupFolder());
  });

  it('a folder the admin gives is made with mode 0o700, its missing parents too', async () => {
    const dir = path.join(root, 'srv', 'copie', 'crm');
    expect(await system.protectedFolder(dir)).toBe(dir);
    expect(await modeOf(dir)).toBe(0o700);
  });

  it('a relative path is refused, and nothing is made', async () => {
    const err = await refusal(system.protectedFolder('copie'));
    expect(err?.message_).toEqual({ key: 'host-protection.folder-relative', params: { dir: 'copie' } });
  });
});

describe('folders someone else prepared', () => {
  it('a world-writable state folder made first is refused with what to do, and left as it was', async () => {
    await mkdir(stateFolder(), { recursive: true });
    await chmod(stateFolder(), 0o777);
    await writeFile(path.join(stateFolder(), 'planted.txt'), 'x');
    const err = await refusal(system.stateDir());
    expect(err).toBeInstanceOf(UpgradeError);
    expect(err?.message_).toEqual({
      key: 'host-protection.folder-open',
      params: { dir: stateFolder(), who: 'group/other (mode 0777)' },
    });
    expect(isMessageKey('host-protection.folder-open.remedy')).toBe(true);
    expect(await modeOf(stateFolder())).toBe(0o777);
    expect(await readdir(stateFolder())).toEqual(['planted.txt']);
  });

  it.each([
    ['the default backup folder, readable by its group', () => backupFolder(), 0o750, '0750'],
    ['a folder the admin gives, readable by everyone', () => path.join(root, 'copie'), 0o755, '0755'],
  ])('%s is refused', async (_name, dir, mode, shown) => {
    await mkdir(dir(), { recursive: true });
    await chmod(dir(), mode);
    const err = await refusal(
      dir() === backupFolder() ? system.defaultBackupDir() : system.protectedFolder(dir()),
    );
    expect(err?.message_).toEqual({
      key: 'host-protection.folder-open',
      params: { dir: dir(), who: `group/other (mode ${shown})` },
    });
  });

  it('a symlink in place of the state folder is refused, and nothing is made or removed through it', async () => {
    const target = path.join(root, 'elsewhere');
    await mkdir(target, { mode: 0o700 });
    await writeFile(path.join(target, 'keep.txt'), 'x');
    await mkdir(path.dirname(stateFolder()), { recursive: true });
    await symlink(target, stateFolder());
    const err = await refusal(system.stateDir());
    expect(err?.message_).toEqual({ key: 'host-protection.folder-link', params: { dir: stateFolder() } });
    expect(await readdir(target)).toEqual(['keep.txt']);
    expect((await lstat(stateFolder())).isSymbolicLink()).toBe(true);
  });

  it('a dangling symlink in place of the backup folder is refused, and its target is not made', async () => {
    const target = path.join(root, 'made-by-nobody');
    await mkdir(path.dirname(backupFolder()), { recursive: true });
    await symlink(target, backupFolder());
    const err = await refusal(system.defaultBackupDir());
    expect(err?.message_.key).toBe('host-protection.folder-link');
    await expect(lstat(target)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a file in place of the folder is refused', async () => {
    const dir = path.join(root, 'copie');
    await writeFile(dir, 'x');
    expect((await refusal(system.protectedFolder(dir)))?.message_.key).toBe(
      'host-protection.folder-not-folder',
    );
  });
});

describe('what is observed of an existing folder', () => {
  const stats = (over: Partial<Record<'uid' | 'mode', number>> & { link?: boolean; dir?: boolean }) =>
    ({
      uid: over.uid ?? process.getuid?.() ?? 0,
      mode: over.mode ?? 0o40700,
      isSymbolicLink: () => over.link ?? false,
      isDirectory: () => over.dir ?? true,
    }) as unknown as Stats;

  it('a folder owned by another uid than this process’s is refused (chown needs root: observed here)', () => {
    const other = (process.getuid?.() ?? 0) + 1;
    expect(practiceFolderProblem('/srv/copie', stats({ uid: other }), 'linux')).toEqual({
      key: 'host-protection.folder-owner',
      params: { dir: '/srv/copie', owner: `uid ${other}` },
    });
  });

  it('this process’s own 0o700 folder is accepted', () => {
    expect(practiceFolderProblem('/srv/copie', stats({}), 'linux')).toBeNull();
  });

  it('on Windows (a practice edition) uids and mode bits mean nothing; a junction still does', () => {
    expect(practiceFolderProblem('C:\\copie', stats({ uid: 4242, mode: 0o40777 }), 'win32')).toBeNull();
    expect(practiceFolderProblem('C:\\copie', stats({ link: true }), 'win32')?.key).toBe(
      'host-protection.folder-link',
    );
  });
});
