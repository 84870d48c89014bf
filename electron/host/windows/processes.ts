import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import path from 'node:path';
import type { Processes, SetupRun } from '../../core/ports';
import { UpgradeError, msg } from '../../shared/message';
import { type ExecFileFn, execFileNoShell, taskkillTreeArgs } from './appcmd';
import { type Env, type ProcessArch, taskkillPath } from './paths';

export type SpawnFn = (file: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

export interface WindowsProcessesOptions {
  spawn?: SpawnFn;
  /** Runs taskkill. */
  exec?: ExecFileFn;
  env?: Env;
  /** The environment of the setup and of taskkill (environment.ts), instead of this process's. */
  childEnv?: Record<string, string>;
  arch?: ProcessArch;
  /** After taskkill, how long to wait for the setup to be gone before killing it directly. */
  killWaitMs?: number;
}

const OUTPUT_LIMIT = 64 * 1024;

/**
 * The spawn options of a setup: an argument array, never a shell, no console window, its own
 * folder as cwd. It runs elevated: with the environment built from the OS when given, never the user's.
 */
export function setupSpawnOptions(program: string, env?: Record<string, string>): SpawnOptions {
  return {
    shell: false,
    windowsHide: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: path.dirname(program),
    ...(env ? { env } : {}),
  };
}

/**
 * An .exe by a full path: `C:\…` or `\\server\share\…` (not `\kit\setup.exe`, relative to the current
 * drive); a POSIX absolute path only where the host is not Windows (the tests' stand-in).
 */
export function isRunnableSetup(program: string, platform: NodeJS.Platform = process.platform): boolean {
  const full =
    /^([A-Za-z]:[\\/]|[\\/]{2}[^\\/])/.test(program) ||
    (platform !== 'win32' && path.posix.isAbsolute(program));
  return full && path.win32.extname(program).toLowerCase() === '.exe';
}

/**
 * Setups run as real child processes of the (elevated) upgrade manager. Only an .exe by absolute
 * path: a bare name would be searched in the current folder and on PATH, and Node refuses .bat and
 * .cmd without a shell (CVE-2024-27980), which this host never uses. On timeout the whole tree
 * goes (taskkill /T /F): a setup's work is often done by a child (msiexec, an unpacked copy).
 */
export function windowsProcesses(options: WindowsProcessesOptions = {}): Processes {
  const doSpawn = options.spawn ?? ((file, args, o) => spawn(file, [...args], o));
  const exec = options.exec ?? execFileNoShell;
  const env = options.env ?? process.env;
  const arch = options.arch ?? process.arch;
  const killWaitMs = options.killWaitMs ?? 15_000;

  return {
    runSetup(program, args, { timeoutMs, onOutput }) {
      if (!isRunnableSetup(program)) {
        return Promise.reject(new UpgradeError(msg('windows.setup-not-executable', { program })));
      }
      const started = Date.now();
      return new Promise<SetupRun>((resolve, reject) => {
        let child: ChildProcess;
        try {
          child = doSpawn(program, args, setupSpawnOptions(program, options.childEnv));
        } catch (err) {
          reject(new UpgradeError(msg('windows.setup-start-failed', { program }), String(err)));
          return;
        }
        let output = '';
        let timedOut = false;
        let pending = '';
        const emit = (line: string) => {
          if (!line.trim()) return;
          output = `${output}${line}\n`.slice(-OUTPUT_LIMIT);
          onOutput?.(line);
        };
        const onData = (chunk: Buffer) => {
          pending += chunk.toString('utf8');
          const parts = pending.split(/\r?\n/);
          pending = parts.pop() ?? '';
          for (const line of parts) emit(line);
        };
        child.stdout?.on('data', onData);
        child.stderr?.on('data', onData);
        let directKill: NodeJS.Timeout | undefined;
        const timer = setTimeout(() => {
          timedOut = true;
          const pid = child.pid;
          if (pid !== undefined)
            void exec(taskkillPath(env, arch), taskkillTreeArgs(pid), { timeoutMs: 30_000 }).catch(
              () => undefined,
            );
          // If taskkill could not end it, end at least the setup itself.
          directKill = setTimeout(() => child.kill('SIGKILL'), pid === undefined ? 0 : killWaitMs);
        }, timeoutMs);
        child.on('error', (err) => {
          clearTimeout(timer);
          clearTimeout(directKill);
          reject(new UpgradeError(msg('windows.setup-start-failed', { program }), String(err)));
        });
        child.on('close', (code) => {
          clearTimeout(timer);
          clearTimeout(directKill);
          emit(pending);
          resolve({ exitCode: timedOut ? null : code, timedOut, durationMs: Date.now() - started, output });
        });
      });
    },
  };
}
