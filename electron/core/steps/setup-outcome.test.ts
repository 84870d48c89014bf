import { describe, expect, it } from 'vitest';
import { type KitSetup, kitManifestSchema, setupSchema } from '../kit/kit-manifest';
import {
  exitCodeKind,
  exitCodeTable,
  installerOf,
  setupArgs,
  setupFailure,
  writesLog,
} from './setup-outcome';

const exe: KitSetup = { role: 'main', path: 'setup/CrmSetup.exe', args: [] };
const msi: KitSetup = { role: 'main', path: 'setup/Crm.msi', args: ['INSTALLDIR={installPath}'] };
const inno: KitSetup = { role: 'main', path: 'setup/crm-setup.exe', installer: 'inno', args: [] };

describe("a setup's exit code, by its installer's table", () => {
  it("an .msi and a setup.exe take Windows Installer's codes by default", () => {
    for (const setup of [msi, exe]) {
      expect(exitCodeKind(setup, 0)).toBe('success');
      expect(exitCodeKind(setup, 3010)).toBe('restart-needed');
      expect(exitCodeKind(setup, 1641)).toBe('restarting');
      for (const code of [1602, 1603, 1618, 1, 5]) expect(exitCodeKind(setup, code)).toBe('failure');
    }
    expect(installerOf(msi)).toBe('msi');
    expect(installerOf({ ...msi, path: 'setup/CRM.MSI' })).toBe('msi');
    expect(installerOf(exe)).toBe('exe');
  });

  it('Inno Setup: 0 succeeds, 1 to 8 fail with their documented meanings, 5 is a file in use', () => {
    expect(exitCodeKind(inno, 0)).toBe('success');
    for (let code = 1; code <= 8; code++) {
      expect(exitCodeKind(inno, code)).toBe('failure');
      expect(setupFailure(inno, code, '').finding.key).toBe(`upgrade.setup.inno-${code}.finding`);
    }
    expect(exitCodeKind(inno, 3010)).toBe('failure');
    expect(setupFailure(inno, 5, 'x').remedy.key).toBe('upgrade.setup.inno-5.remedy');
    expect(setupFailure(inno, 8, 'x').remedy.key).toBe('upgrade.setup.inno-8.remedy');
    expect(setupFailure(inno, 9, 'x').finding.key).toBe('upgrade.setup.failed.finding');
  });

  it('MSI failures 1602, 1603 and 1618 each say what they mean; 1618 says to wait and retry', () => {
    expect(setupFailure(msi, 1602, 'x').finding).toEqual({
      key: 'upgrade.setup.exit-1602.finding',
      params: { code: 1602, output: 'x' },
    });
    expect(setupFailure(exe, 1603, 'x').finding.key).toBe('upgrade.setup.exit-1603.finding');
    expect(setupFailure(msi, 1618, 'x')).toMatchObject({
      finding: { key: 'upgrade.setup.exit-1618.finding' },
      remedy: { key: 'upgrade.setup.installer-busy.remedy' },
    });
    expect(setupFailure(exe, 32, 'x').finding.key).toBe('upgrade.setup.in-use.finding');
    expect(setupFailure(exe, 4242, 'x')).toMatchObject({
      finding: { key: 'upgrade.setup.failed.finding', params: { code: 4242 } },
      remedy: { key: 'upgrade.setup.failed.remedy' },
    });
  });

  it("the kit's own lists win; 1641 among an older kit's reboot codes still means restarting", () => {
    const old: KitSetup = { ...exe, successExitCodes: [0, 1], rebootExitCodes: [3010, 1641] };
    expect(exitCodeKind(old, 1)).toBe('success');
    expect(exitCodeKind(old, 1641)).toBe('restarting');
    expect(exitCodeKind(old, 3010)).toBe('restart-needed');
    const own: KitSetup = { ...inno, rebootExitCodes: [9], rebootingExitCodes: [] };
    expect(exitCodeTable(own)).toEqual({ success: [0], restartNeeded: [9], restarting: [] });
    expect(exitCodeKind(own, 9)).toBe('restart-needed');
  });
});

describe("a setup's arguments for this run", () => {
  const dir = 'C:\\inetpub\\wwwroot\\CRM Città';
  const log = 'C:\\ProgramData\\CrmUpgradeManager\\runs\\r1\\setup-main.log';

  it('puts the install path in whole elements, or whole .msi property values, and the log at an end', () => {
    expect(
      setupArgs({ ...exe, args: ['/s', '{installPath}', '/LOG={setupLog}', 'x{installPath}'] }, dir, log),
    ).toEqual(['/s', dir, `/LOG=${log}`, 'x{installPath}']);
    expect(setupArgs({ ...msi, args: ['INSTALLDIR={installPath}', 'X=a{installPath}'] }, dir, log)).toEqual([
      `INSTALLDIR=${dir}`,
      'X=a{installPath}',
    ]);
    expect(writesLog(msi)).toBe(true);
    expect(writesLog(exe)).toBe(false);
    expect(writesLog({ ...exe, args: ['/f2{setupLog}'] })).toBe(true);
  });
});

describe('the kit manifest: setups', () => {
  it('keeps an older kit valid: successExitCodes and rebootExitCodes as they were', () => {
    expect(
      setupSchema.safeParse({
        role: 'main',
        path: 'setup/CrmSetup.exe',
        args: ['/s'],
        successExitCodes: [0],
        rebootExitCodes: [3010, 1641],
      }).success,
    ).toBe(true);
    expect(setupSchema.safeParse({ ...exe, successExitCodes: [] }).success).toBe(false);
  });

  it.each([
    ['an .msi with a switch', { ...msi, args: ['/quiet'] }],
    ['an .msi with its own log', { ...msi, args: ['LOG={setupLog}'] }],
    ['installer msi on an .exe', { ...exe, installer: 'msi' }],
    ['installer inno on an .msi', { ...msi, installer: 'inno' }],
    ['the log in the middle', { ...exe, args: ['/LOG={setupLog}.txt'] }],
    ['the log twice', { ...exe, args: ['/a={setupLog}', '/b={setupLog}'] }],
    ['an unknown installer', { ...exe, installer: 'nsis' }],
    ['a non-integer code', { ...exe, rebootingExitCodes: [1641.5] }],
  ])('refuses %s', (_what, setup) => {
    expect(setupSchema.safeParse(setup).success).toBe(false);
  });

  it('takes .msi setups and the installer type in a signed kit', () => {
    const kit = {
      format: 1,
      product: { id: 'crm', name: 'CRM' },
      version: '7.8.5.13100517_x64',
      minimumInstalledVersion: '7.0',
      files: [{ path: 'setup/Crm.msi', size: 1, sha256: 'a'.repeat(64) }],
      setups: [{ ...msi, rebootingExitCodes: [1641] }],
      releaseNotes: [],
    };
    expect(kitManifestSchema.safeParse(kit).success).toBe(true);
  });
});
