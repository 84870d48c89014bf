import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UpgradeError, isMessageKey } from '../../shared/message';
import { runnerAnswering } from './fixtures/fake-shell';
import {
  FULL_CONTROL as FULL,
  type FolderRule as Rule,
  ADMINISTRATORS_FULL as adminsFull,
  protectedFolderFacts,
  SYSTEM_FULL as systemFull,
} from './fixtures/folder-and-os-facts';
import { osArchFromEnv } from './paths';
import { fileVersionFrom } from './readers';
import { chooseBackupDrive, windowsSystem } from './system';

/*
 * Windows only: that the scripts read the registry keys and the token as their comments say, that
 * [IO.DriveInfo] reports a USB stick as Removable (some report Fixed: hence the exclusion of the
 * app's own drive, tested here), and fs.statfs's numbers on an NTFS volume.
 */

const SCRIPTS_DIR = fileURLToPath(new URL('../../../resources/scripts', import.meta.url));
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const GB = 1024 ** 3;

/** Protect-Folder.ps1's description of a folder, as a server would print it. */
const folderFacts = (params: Record<string, unknown>, over: Record<string, unknown> = {}) =>
  JSON.stringify(protectedFolderFacts(params.path, over));
/** A folder the script has just made: Administrators and SYSTEM only, nothing inherited. */
const madeNow = (params: Record<string, unknown>) => folderFacts(params, { created: true });

describe('the OS architecture from the environment', () => {
  it.each([
    ['64-bit process on 64-bit Windows', { PROCESSOR_ARCHITECTURE: 'AMD64' }, 'x64'],
    [
      '32-bit process on 64-bit Windows (WOW64)',
      { PROCESSOR_ARCHITECTURE: 'x86', PROCESSOR_ARCHITEW6432: 'AMD64' },
      'x64',
    ],
    ['32-bit Windows', { PROCESSOR_ARCHITECTURE: 'x86' }, 'x86'],
    ['ARM64 Windows', { PROCESSOR_ARCHITECTURE: 'ARM64' }, 'arm64'],
    [
      '32-bit process on ARM64 Windows',
      { PROCESSOR_ARCHITECTURE: 'x86', PROCESSOR_ARCHITEW6432: 'ARM64' },
      'arm64',
    ],
    ['names in another case', { processor_architecture: 'x86', Processor_ArchiteW6432: 'amd64' }, 'x64'],
    ['an empty WOW64 variable', { PROCESSOR_ARCHITECTURE: 'x86', PROCESSOR_ARCHITEW6432: '' }, 'x86'],
    ['Itanium', { PROCESSOR_ARCHITECTURE: 'IA64' }, null],
    ['nothing said', {}, null],
  ] as const)('%s', (_name, env, want) => {
    expect(osArchFromEnv(env)).toBe(want);
  });
});

describe('the default backup drive', () => {
  const drive = (name: string, free: number) => ({ name, freeBytes: free * GB });
  it.each([
    ['only the system drive', [drive('C:\\', 80)], 'C:', undefined, 'C:\\CrmUpgradeBackups'],
    [
      'a data drive with more room',
      [drive('C:\\', 50), drive('D:\\', 200)],
      'C:',
      undefined,
      'D:\\CrmUpgradeBackups',
    ],
    [
      'a data drive with less room',
      [drive('C:\\', 300), drive('D:\\', 200)],
      'C:',
      undefined,
      'C:\\CrmUpgradeBackups',
    ],
    [
      'a tie goes to the system drive',
      [drive('D:\\', 100), drive('C:\\', 100)],
      'C:',
      undefined,
      'C:\\CrmUpgradeBackups',
    ],
    [
      'never the stick the app runs from, even when it says fixed',
      [drive('C:\\', 50), drive('E:\\', 900)],
      'C:',
      'E:\\CrmKit',
      'C:\\CrmUpgradeBackups',
    ],
    [
      'the stick is left out, another drive still wins',
      [drive('C:\\', 50), drive('D:\\', 200), drive('F:\\', 900)],
      'C:',
      'f:\\kit\\',
      'D:\\CrmUpgradeBackups',
    ],
    [
      'the app copied to the system drive does not exclude it',
      [drive('C:\\', 50)],
      'C:',
      'C:\\Users\\admin\\Desktop\\kit',
      'C:\\CrmUpgradeBackups',
    ],
    [
      'a network path for the app excludes nothing',
      [drive('C:\\', 50), drive('D:\\', 60)],
      'C:',
      '\\\\nas\\kit',
      'D:\\CrmUpgradeBackups',
    ],
    ['no drive reported', [], 'C:', undefined, 'C:\\CrmUpgradeBackups'],
    ['Windows on D:', [drive('d:\\', 10)], 'D:', undefined, 'D:\\CrmUpgradeBackups'],
  ] as const)('%s', (_name, drives, systemDrive, appDir, want) => {
    expect(chooseBackupDrive({ drives, systemDrive, appDir })).toBe(want);
  });
});

describe('a DLL’s version from (Get-Item).VersionInfo', () => {
  const recorded = JSON.parse(fixture('versioninfo.json')) as Parameters<typeof fileVersionFrom>[0];
  it.each([
    ['the recorded FileVersion, whose last part does not fit 16 bits', recorded, '7.8.5.13100517'],
    [
      'text after the number',
      { ...recorded, fileVersion: '7.8.5.13100517 (release, built by: CRM-BUILD)' },
      '7.8.5.13100517',
    ],
    ['an old resource script with commas', { ...recorded, fileVersion: '7, 8, 5, 1310' }, '7.8.5.1310'],
    ['no string: the binary parts', { ...recorded, fileVersion: null }, '7.8.5.58853'],
    ['a string that is not a version: the binary parts', { ...recorded, fileVersion: 'n/a' }, '7.8.5.58853'],
    [
      'no version resource at all',
      {
        fileVersion: null,
        productVersion: null,
        fileMajorPart: 0,
        fileMinorPart: 0,
        fileBuildPart: 0,
        filePrivatePart: 0,
      },
      null,
    ],
  ] as const)('%s', (_name, info, want) => {
    expect(fileVersionFrom(info)).toBe(want);
  });
});

describe('the System port on Windows', () => {
  const answers = {
    'Get-Elevation': '{"elevated":true,"user":"CONTOSO\\\\admin"}',
    'Get-PendingReboot': '{"reasons":["CBS","PendingFileRenameOperations"]}',
    'Get-FixedDrives':
      '{"drives":[{"name":"C:\\\\","freeBytes":53687091200,"totalBytes":107374182400,"format":"NTFS"},{"name":"D:\\\\","freeBytes":214748364800,"totalBytes":536870912000,"format":"NTFS"},{"name":"E:\\\\","freeBytes":900000000000,"totalBytes":1000000000000,"format":"exFAT"}]}',
    'Get-OsArchitecture': '{"architecture":"AMD64","is64BitOperatingSystem":true}',
    'Get-FileVersion': fixture('versioninfo.json'),
    'Get-ProcessStartTime': '{"startTime":"2026-11-27T18:02:11.1234567Z"}',
  };

  it("reads a process's start time from Get-Process, for the run lock's owner", async () => {
    const runner = runnerAnswering(SCRIPTS_DIR, answers);
    const system = windowsSystem({ runner, env: { PROCESSOR_ARCHITECTURE: 'AMD64' } });
    expect(await system.processStartTime(4242)).toBe('2026-11-27T18:02:11.1234567Z');
    expect(runner.calls).toEqual([{ script: 'Get-ProcessStartTime', params: { pid: 4242 } }]);
    const gone = runnerAnswering(SCRIPTS_DIR, { 'Get-ProcessStartTime': '{"startTime":null}' });
    expect(await windowsSystem({ runner: gone, env: {} }).processStartTime(4242)).toBeNull();
  });

  it('asks the scripts for elevation, pending reboot and the file version', async () => {
    const runner = runnerAnswering(SCRIPTS_DIR, answers);
    const system = windowsSystem({ runner, env: { PROCESSOR_ARCHITECTURE: 'AMD64' } });
    expect(system.mode).toBe('windows');
    expect(await system.isElevated()).toBe(true);
    expect(await system.pendingReboot()).toEqual(['CBS', 'PendingFileRenameOperations']);
    expect(await system.fileVersion('C:\\inetpub\\wwwroot\\CRM\\bin\\Crm.Web.dll')).toBe('7.8.5.13100517');
    expect(runner.calls).toEqual([
      { script: 'Get-Elevation', params: {} },
      { script: 'Get-PendingReboot', params: {} },
      { script: 'Get-FileVersion', params: { path: 'C:\\inetpub\\wwwroot\\CRM\\bin\\Crm.Web.dll' } },
    ]);
    expect(await system.hostname()).toBe(os.hostname());
  });

  it('reads the architecture from the environment, and asks the script only when it does not say', async () => {
    const runner = runnerAnswering(SCRIPTS_DIR, answers);
    expect(
      await windowsSystem({
        runner,
        env: { PROCESSOR_ARCHITECTURE: 'x86', PROCESSOR_ARCHITEW6432: 'AMD64' },
      }).osArch(),
    ).toBe('x64');
    expect(runner.calls).toEqual([]);
    expect(await windowsSystem({ runner, env: {} }).osArch()).toBe('x64');
    expect(runner.calls).toEqual([{ script: 'Get-OsArchitecture', params: {} }]);
    const odd = runnerAnswering(SCRIPTS_DIR, {
      'Get-OsArchitecture': '{"architecture":"IA64","is64BitOperatingSystem":true}',
    });
    const err = (await windowsSystem({ runner: odd, env: {} })
      .osArch()
      .catch((e: unknown) => e)) as UpgradeError;
    expect(err.message_).toEqual({ key: 'windows.arch-unknown', params: { arch: 'IA64' } });
  });

  it("gives Windows' version as the OS reports it, without asking PowerShell", async () => {
    const runner = runnerAnswering(SCRIPTS_DIR, answers);
    expect(await windowsSystem({ runner, env: {}, release: () => '6.3.9600' }).osVersion()).toBe('6.3.9600');
    expect(runner.calls).toEqual([]);
  });

  it('puts the backup on the fixed drive with most room that is not the stick, made by Protect-Folder', async () => {
    const runner = runnerAnswering(SCRIPTS_DIR, { ...answers, 'Protect-Folder': madeNow });
    const env = { SystemDrive: 'C:', PORTABLE_EXECUTABLE_DIR: 'E:\\' };
    expect(await windowsSystem({ runner, env }).defaultBackupDir()).toBe('D:\\CrmUpgradeBackups');
    expect(runner.calls).toEqual([
      { script: 'Get-FixedDrives', params: {} },
      { script: 'Protect-Folder', params: { path: 'D:\\CrmUpgradeBackups' } },
    ]);
  });

  it('keeps its state under ProgramData, made by Protect-Folder, and measures free space with statfs', async () => {
    const runner = runnerAnswering(SCRIPTS_DIR, { 'Protect-Folder': madeNow });
    const system = windowsSystem({ runner, env: { PROGRAMDATA: 'C:\\ProgramData' } });
    expect(await system.stateDir()).toBe('C:\\ProgramData\\CrmUpgradeManager');
    expect(runner.calls).toEqual([
      { script: 'Protect-Folder', params: { path: 'C:\\ProgramData\\CrmUpgradeManager' } },
    ]);
    const here = await mkdtemp(path.join(os.tmpdir(), 'crmum-statfs-'));
    try {
      expect(await system.freeBytes(here)).toBeGreaterThan(0);
    } finally {
      await rm(here, { recursive: true, force: true });
    }
  });
});

describe('protected folders on Windows (Protect-Folder.ps1)', () => {
  const protect = (answer: (params: Record<string, unknown>) => string) => {
    const runner = runnerAnswering(SCRIPTS_DIR, { 'Protect-Folder': answer });
    return { runner, system: windowsSystem({ runner, env: { ProgramData: 'C:\\ProgramData' } }) };
  };
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: unknown) => e as UpgradeError,
    );

  it('has the script make a folder the admin gives, and accepts what it made', async () => {
    const { runner, system } = protect(madeNow);
    expect(await system.protectedFolder('D:\\Copie CRM')).toBe('D:\\Copie CRM');
    expect(runner.calls).toEqual([{ script: 'Protect-Folder', params: { path: 'D:\\Copie CRM' } }]);
  });

  it('accepts an existing folder for Administrators and SYSTEM only, a Deny rule for others included', async () => {
    const deny: Rule = { sid: 'S-1-1-0', name: 'Everyone', allow: false, rights: FULL, inherited: false };
    const { system } = protect((p) => folderFacts(p, { rules: [adminsFull, systemFull, deny] }));
    expect(await system.protectedFolder('C:\\CrmUpgradeBackups')).toBe('C:\\CrmUpgradeBackups');
  });

  const authenticatedUsers: Rule = {
    sid: 'S-1-5-11',
    name: 'NT AUTHORITY\\Authenticated Users',
    allow: true,
    rights: 1245631,
    inherited: true,
  };
  it.each([
    [
      'made first by a user (the owner is theirs)',
      { owner: { sid: 'S-1-5-21-1-2-3-1001', name: 'SRV\\mario' }, rules: [authenticatedUsers] },
      { key: 'host-protection.folder-owner', params: { dir: 'C:\\CrmUpgradeBackups', owner: 'SRV\\mario' } },
    ],
    [
      "made with a plain mkdir: C:\\'s Authenticated Users: Modify inherited",
      { inheritanceProtected: false, rules: [{ ...adminsFull, inherited: true }, authenticatedUsers] },
      {
        key: 'host-protection.folder-open',
        params: { dir: 'C:\\CrmUpgradeBackups', who: 'NT AUTHORITY\\Authenticated Users' },
      },
    ],
    [
      'Everyone allowed to read the zips',
      {
        rules: [adminsFull, systemFull, { ...adminsFull, sid: 'S-1-1-0', name: 'Everyone', rights: 1179817 }],
      },
      { key: 'host-protection.folder-open', params: { dir: 'C:\\CrmUpgradeBackups', who: 'Everyone' } },
    ],
    [
      'Administrators and SYSTEM only, but still inheriting from the parent',
      { inheritanceProtected: false },
      { key: 'host-protection.folder-inherits', params: { dir: 'C:\\CrmUpgradeBackups' } },
    ],
    [
      'a junction in its place',
      { reparsePoint: true, owner: null, rules: [] },
      { key: 'host-protection.folder-link', params: { dir: 'C:\\CrmUpgradeBackups' } },
    ],
    [
      'a file in its place',
      { isDirectory: false },
      { key: 'host-protection.folder-not-folder', params: { dir: 'C:\\CrmUpgradeBackups' } },
    ],
    [
      'an ACL that shuts administrators out',
      { aclUnreadable: true, owner: null, rules: [] },
      { key: 'host-protection.folder-closed', params: { dir: 'C:\\CrmUpgradeBackups' } },
    ],
  ] as const)('refuses a folder %s, saying what to do', async (_name, facts, want) => {
    const { system } = protect((p) => folderFacts(p, facts));
    const err = await refusal(system.protectedFolder('C:\\CrmUpgradeBackups'));
    expect(err).toBeInstanceOf(UpgradeError);
    expect(err?.message_).toEqual(want);
    expect(isMessageKey(`${want.key}.remedy`)).toBe(true);
  });

  it('asks for the state and backup folders once, and again after a refusal', async () => {
    let junction = true;
    const { runner, system } = protect((p) =>
      folderFacts(p, junction ? { reparsePoint: true, owner: null, rules: [] } : {}),
    );
    expect((await refusal(system.stateDir()))?.message_.key).toBe('host-protection.folder-link');
    // The admin removes the junction: the next call asks the script again, and that answer is kept.
    junction = false;
    expect(await system.stateDir()).toBe('C:\\ProgramData\\CrmUpgradeManager');
    expect(await system.stateDir()).toBe('C:\\ProgramData\\CrmUpgradeManager');
    expect(runner.calls).toHaveLength(2);

    const drives = runnerAnswering(SCRIPTS_DIR, {
      'Get-FixedDrives': '{"drives":[{"name":"C:\\\\","freeBytes":1,"totalBytes":2,"format":"NTFS"}]}',
      'Protect-Folder': madeNow,
    });
    const backups = windowsSystem({ runner: drives, env: { SystemDrive: 'C:' } });
    expect(await backups.defaultBackupDir()).toBe('C:\\CrmUpgradeBackups');
    expect(await backups.defaultBackupDir()).toBe('C:\\CrmUpgradeBackups');
    expect(drives.calls.map((c) => c.script)).toEqual(['Get-FixedDrives', 'Protect-Folder']);
  });

  it('refuses a state folder that a user turned into a junction (the run.lock attack)', async () => {
    const { runner, system } = protect((p) => folderFacts(p, { reparsePoint: true, owner: null, rules: [] }));
    const err = await refusal(system.stateDir());
    expect(err?.message_).toEqual({
      key: 'host-protection.folder-link',
      params: { dir: 'C:\\ProgramData\\CrmUpgradeManager' },
    });
    expect(runner.calls).toHaveLength(1);
  });

  it.each([['CrmUpgradeBackups'], ['\\CrmUpgradeBackups'], ['\\\\?\\C:\\x'], ['']])(
    'refuses %j as not a full path before any script runs',
    async (dir) => {
      const { runner, system } = protect(madeNow);
      expect((await refusal(system.protectedFolder(dir)))?.message_.key).toBe(
        'host-protection.folder-relative',
      );
      expect(runner.calls).toEqual([]);
    },
  );

  it('says the folder could not be made when the script fails, keeping the technical detail', async () => {
    const { system } = protect(() => '{"unexpected":true}');
    const err = await refusal(system.protectedFolder('\\\\nas\\copie\\crm'));
    expect(err?.message_).toEqual({
      key: 'host-protection.folder-failed',
      params: { dir: '\\\\nas\\copie\\crm' },
    });
    expect(err?.detail).toBeTruthy();
  });
});
