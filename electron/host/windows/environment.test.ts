import { describe, expect, it } from 'vitest';
import { UpgradeError } from '../../shared/message';
import {
  KERNEL_SYSTEM_ROOT,
  type OsProbe,
  hostEnvironment,
  isLocalWindowsPath,
  powershellEnvironment,
  readOsFacts,
  resolveSystemRoot,
} from './environment';

/*
 * The Windows folder as the OS says it, with the OS played by a probe: on Linux there is no
 * \\?\GLOBALROOT. That Node's realpath of it answers `C:\Windows` on a real server is for
 * e2e/windows/ACCEPTANCE.md to confirm.
 */

function probe(answers: { kernel?: string | Error; files?: string[] }): OsProbe {
  return {
    realpath: async (p) => {
      if (p !== KERNEL_SYSTEM_ROOT) throw new Error(`unexpected realpath ${p}`);
      const a = answers.kernel ?? new Error('ENOENT');
      if (a instanceof Error) throw a;
      return a;
    },
    exists: async (p) => (answers.files ?? []).includes(p),
    userInfo: () => ({ username: 'admin', homedir: 'C:\\Users\\admin' }),
    hostname: () => 'SRV-CRM',
  };
}

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as UpgradeError,
  );

describe('the Windows folder', () => {
  it("takes the kernel's answer, whatever the environment says", async () => {
    const planted = { SystemRoot: 'D:\\Evil', windir: 'D:\\Evil' };
    expect(await resolveSystemRoot(planted, probe({ kernel: 'C:\\Windows' }))).toEqual({
      dir: 'C:\\Windows',
      source: 'kernel',
    });
    expect(await resolveSystemRoot(planted, probe({ kernel: '\\\\?\\E:\\WINDOWS' }))).toEqual({
      dir: 'E:\\WINDOWS',
      source: 'kernel',
    });
  });

  it('without that answer, trusts C:\\Windows only where it holds ntdll.dll and the environment agrees', async () => {
    const ntdll = ['C:\\Windows\\System32\\ntdll.dll'];
    expect(await resolveSystemRoot({ SYSTEMROOT: 'c:\\windows\\' }, probe({ files: ntdll }))).toEqual({
      dir: 'C:\\Windows',
      source: 'default',
    });
    for (const [env, files] of [
      [{ SystemRoot: 'D:\\Windows' }, ntdll], // Windows on D:, and C:\Windows anyone's folder
      [{}, ntdll],
      [{ SystemRoot: 'C:\\Windows' }, []],
    ] as const) {
      const err = await refusal(resolveSystemRoot(env, probe({ files: [...files] })));
      expect(err).toBeInstanceOf(UpgradeError);
      expect(err?.message_.key).toBe('windows.system-root-unknown');
    }
  });

  it('refuses a kernel answer that is not a local absolute folder', async () => {
    for (const kernel of [
      '\\\\?\\UNC\\evil\\share',
      '\\\\evil\\share\\Windows',
      'Windows',
      'C:\\Win\\..\\Evil',
    ]) {
      const err = await refusal(resolveSystemRoot({}, probe({ kernel })));
      expect(err?.message_.key, kernel).toBe('windows.system-root-unknown');
    }
  });

  it.each([
    ['C:\\Windows', true],
    ['D:\\Sistema\\Windows', true],
    ['C:\\', false],
    ['C:Windows', false],
    ['\\\\?\\C:\\Windows', false],
    ['C:\\Windows\\..\\Users', false],
    ['C:\\Windows\\System32:stream', false],
    ['C:\\Windows\\\\System32', false],
  ])('%s is a local absolute path: %s', (p, want) => {
    expect(isLocalWindowsPath(p)).toBe(want);
  });
});

describe('the environment built from the OS', () => {
  it('takes the user from the process token and knows a 32-bit process by Sysnative', async () => {
    const facts = await readOsFacts(
      { USERPROFILE: 'D:\\Evil', USERNAME: 'evil' },
      'ia32',
      probe({ kernel: 'C:\\Windows', files: ['C:\\Windows\\Sysnative'] }),
    );
    expect(facts).toEqual({
      systemRoot: 'C:\\Windows',
      systemRootSource: 'kernel',
      userProfile: 'C:\\Users\\admin',
      userName: 'admin',
      computerName: 'SRV-CRM',
      wow64: true,
    });
    expect(hostEnvironment(facts, 'ia32', {}).PROCESSOR_ARCHITEW6432).toBe('AMD64');
    expect(powershellEnvironment(facts, 'ia32').PROCESSOR_ARCHITECTURE).toBe('AMD64');
  });

  it("gives the host's code the OS's folders, and only the portable launcher's folder from this process", () => {
    const facts = {
      systemRoot: 'E:\\WINDOWS',
      systemRootSource: 'kernel' as const,
      userProfile: 'E:\\Users\\admin',
      userName: 'admin',
      computerName: 'SRV',
      wow64: false,
    };
    const parent = { SystemRoot: 'D:\\Evil', ProgramData: 'D:\\Evil', PORTABLE_EXECUTABLE_DIR: 'F:\\' };
    expect(hostEnvironment(facts, 'x64', parent)).toEqual({
      SystemRoot: 'E:\\WINDOWS',
      windir: 'E:\\WINDOWS',
      SystemDrive: 'E:',
      ProgramData: 'E:\\ProgramData',
      PROCESSOR_ARCHITECTURE: 'AMD64',
      PORTABLE_EXECUTABLE_DIR: 'F:\\',
    });
    const child = powershellEnvironment(facts, 'x64');
    expect(child.PSModulePath).toBe('E:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\Modules');
    expect(child.TEMP).toBe('E:\\WINDOWS\\Temp');
    expect(child.HOMEDRIVE + child.HOMEPATH!).toBe('E:\\Users\\admin');
    // Every variable libuv would otherwise copy from this process is set (Windows compares names
    // without case).
    const names = new Set(Object.keys(child).map((k) => k.toUpperCase()));
    for (const required of [
      'HOMEDRIVE',
      'HOMEPATH',
      'LOGONSERVER',
      'PATH',
      'SYSTEMDRIVE',
      'SYSTEMROOT',
      'TEMP',
      'USERDOMAIN',
      'USERNAME',
      'USERPROFILE',
      'WINDIR',
    ])
      expect(names.has(required), required).toBe(true);
  });
});
