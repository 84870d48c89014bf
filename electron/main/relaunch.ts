import { execFile } from 'node:child_process';
import path from 'node:path';

/**
 * The command that asks Windows to start the portable exe again with administrator rights.
 * The exe's path travels in an environment variable, never in the command text; the path is
 * the one on the stick (PORTABLE_EXECUTABLE_FILE), not the temp folder the wrapper unpacked to.
 */
export function relaunchElevatedCommand(
  exe: string,
  env: NodeJS.ProcessEnv,
): { file: string; args: string[]; env: NodeJS.ProcessEnv } {
  const windir = env.SystemRoot ?? env.windir ?? 'C:\\Windows';
  return {
    file: path.win32.join(windir, 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe'),
    args: [
      '-NoProfile',
      '-NonInteractive',
      '-Command',
      'Start-Process -FilePath $env:CRMUM_RELAUNCH -Verb RunAs',
    ],
    env: { ...env, CRMUM_RELAUNCH: exe },
  };
}

export function relaunchElevated(exe: string): Promise<void> {
  const cmd = relaunchElevatedCommand(exe, process.env);
  return new Promise((resolve, reject) => {
    execFile(cmd.file, cmd.args, { env: cmd.env, windowsHide: true }, (err) =>
      err ? reject(err) : resolve(),
    );
  });
}
