import { expect, it } from 'vitest';
import { relaunchElevatedCommand } from './relaunch';

it('relaunches the exe from the stick elevated, its path in the environment and never in the command text', () => {
  const exe = "E:\\Kit CRM\\O'Brien $(calc) `x`\\CRM Upgrade Manager.exe";
  const cmd = relaunchElevatedCommand(exe, { SystemRoot: 'C:\\Windows' });
  expect(cmd.file).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
  expect(cmd.args).toEqual([
    '-NoProfile',
    '-NonInteractive',
    '-Command',
    'Start-Process -FilePath $env:CRMUM_RELAUNCH -Verb RunAs',
  ]);
  expect(cmd.args.join(' ')).not.toContain('Brien');
  expect(cmd.env.CRMUM_RELAUNCH).toBe(exe);
});
