import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import path from 'node:path';
import type { Processes, SetupOptions, SetupRun } from '../../core/ports';
import { UpgradeError, msg } from '../../shared/message';
import { type SetupLeftovers, type SetupProcess, watchSetup } from '../setup-watch';
import { type ExecFileFn, execFileNoShell, taskkillTreeArgs } from './appcmd';
import { type Env, type ProcessArch, msiexecPath, taskkillPath } from './paths';
import type { PowerShellRunner } from './powershell';

export type SpawnFn = (file: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

/** A process as Win32_Process lists it (Get-SetupProcesses.ps1). */
export interface ListedProcess {
  pid: number;
  parentPid: number;
  name: string;
  /** CreationDate, UTC, round-trip format; null when Windows does not say. */
  created: string | null;
}

/** What the runner asks Windows about installations (PowerShell scripts on a server). */
export interface InstallerProbe {
  /** The `_MSIExecute` mutex is held: Windows Installer is running an installation. */
  busy(): Promise<boolean>;
  /** The processes created since `since`, and every msiexec.exe. */
  processes(since: Date): Promise<ListedProcess[]>;
  lastBoot(): Promise<string | null>;
}

/** The probe through the allowlisted scripts. */
export function powershellProbe(runner: PowerShellRunner): InstallerProbe {
  return {
    async busy() {
      const { result } = await runner.run('Test-InstallerBusy', {});
      // A mutex that exists but may not be opened is someone's installation all the same.
      return result.mutex === 'held' || result.mutex === 'denied';
    },
    async processes(since) {
      const { result } = await runner.run('Get-SetupProcesses', { since: since.toISOString() });
      return result.processes;
    },
    async lastBoot() {
      return (await runner.run('Get-LastBoot', {})).result.lastBoot ?? null;
    },
  };
}

export interface WindowsProcessesOptions {
  /** The PowerShell session the probe's scripts run in; or `probe` itself (tests). */
  runner?: PowerShellRunner;
  probe?: InstallerProbe;
  spawn?: SpawnFn;
  /** Runs taskkill. */
  exec?: ExecFileFn;
  env?: Env;
  /** The environment of the setup and of taskkill (environment.ts), instead of this process's. */
  childEnv?: Record<string, string>;
  arch?: ProcessArch;
  /** After taskkill, how long to wait for the setup to be gone before killing it directly. */
  killWaitMs?: number;
  /** How often what is left of a setup is asked for, once its own process has exited. */
  pollMs?: number;
  /** After the end, how long the output pipes may take to close (a grandchild may hold them). */
  closeGraceMs?: number;
}

/** Creation times are compared with this much slack: Windows and this process read different clocks. */
const CLOCK_SLACK_MS = 2_000;

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

const extension = (program: string) => path.win32.extname(program).toLowerCase();

/**
 * An .exe or .msi by a full path: `C:\…` or `\\server\share\…` (not `\kit\setup.exe`, relative to
 * the current drive); a POSIX absolute path only where the host is not Windows (the tests' stand-in).
 */
export function isRunnableSetup(program: string, platform: NodeJS.Platform = process.platform): boolean {
  const full =
    /^([A-Za-z]:[\\/]|[\\/]{2}[^\\/])/.test(program) ||
    (platform !== 'win32' && path.posix.isAbsolute(program));
  return full && (extension(program) === '.exe' || extension(program) === '.msi');
}

/** A path or property value in msiexec's own syntax: in double quotes, a quote inside doubled. */
const msiQuoted = (text: string) => `"${text.replace(/"/g, '""')}"`;

/**
 * msiexec's arguments for an .msi: silent, no restart of its own (a restart is the run's to
 * announce), a verbose log. msiexec parses its command line itself and wants `NAME="value"`, not
 * the `"NAME=value"` Node would write for a value with a space: these go verbatim, each quoted here.
 */
export function msiexecArgs(msi: string, logFile: string, properties: readonly string[]): string[] {
  const props = properties.map((p) => {
    const eq = p.indexOf('=');
    if (eq <= 0 || !/^[A-Z_][A-Z0-9_.]*$/.test(p.slice(0, eq)))
      throw new UpgradeError(
        msg('windows.setup-not-runnable', { program: msi }),
        `not an MSI property: ${p}`,
      );
    return `${p.slice(0, eq)}=${msiQuoted(p.slice(eq + 1))}`;
  });
  return ['/i', msiQuoted(msi), '/qn', '/norestart', '/l*v', msiQuoted(logFile), ...props];
}

/**
 * The setup's processes among those listed: every process descended from its own (PID `rootPid`),
 * the setup's included while it lives, created since it started. A PID Windows gave again to an
 * unrelated process later is told apart by its creation time.
 */
export function setupTree(rootPid: number, listed: readonly ListedProcess[], started: Date): SetupProcess[] {
  const since = started.getTime() - CLOCK_SLACK_MS;
  const fresh = listed.filter((p) => p.created === null || Date.parse(p.created) >= since);
  const tree = new Map<number, ListedProcess>();
  const root = fresh.find((p) => p.pid === rootPid);
  if (root) tree.set(root.pid, root);
  const parents = new Set([rootPid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of fresh) {
      if (tree.has(p.pid) || !parents.has(p.parentPid) || p.pid === p.parentPid) continue;
      tree.set(p.pid, p);
      parents.add(p.pid);
      grew = true;
    }
  }
  return [...tree.values()].map((p) => ({ pid: p.pid, name: p.name }));
}

const isMsiexec = (p: ListedProcess) => p.name.toLowerCase() === 'msiexec.exe';

/**
 * Setups run as real child processes of the (elevated) upgrade manager. Only an .exe or .msi by
 * absolute path: a bare name would be searched in the current folder and on PATH, and Node refuses
 * .bat and .cmd without a shell (CVE-2024-27980), which this host never uses. An .msi runs through
 * System32's msiexec. A setup is done when its process has exited, every process it started has
 * ended, and Windows Installer is free; on timeout the whole tree goes (taskkill /T /F), and what
 * was still running, msiexec included, is named.
 */
export function windowsProcesses(options: WindowsProcessesOptions = {}): Processes {
  const doSpawn = options.spawn ?? ((file, args, o) => spawn(file, [...args], o));
  const exec = options.exec ?? execFileNoShell;
  const env = options.env ?? process.env;
  const arch = options.arch ?? process.arch;
  const probe = options.probe ?? (options.runner ? powershellProbe(options.runner) : null);
  if (!probe) throw new TypeError('windowsProcesses needs the PowerShell runner (or a probe)');
  const killTree = (pid: number) =>
    exec(taskkillPath(env, arch), taskkillTreeArgs(pid), { timeoutMs: 30_000 }).catch(() => undefined);

  async function leftovers(rootPid: number | undefined, started: Date): Promise<SetupLeftovers> {
    const [listed, installerBusy] = await Promise.all([probe!.processes(started), probe!.busy()]);
    const processes = rootPid === undefined ? [] : setupTree(rootPid, listed, started);
    const msiexec = listed.filter(isMsiexec).map((p) => ({ pid: p.pid, name: p.name }));
    return { processes, installerBusy, msiexec };
  }

  function start(program: string, args: readonly string[], logFile: string | undefined): ChildProcess {
    const spawnOptions = setupSpawnOptions(program, options.childEnv);
    if (extension(program) !== '.msi') return doSpawn(program, args, spawnOptions);
    if (!logFile) throw new TypeError('an .msi setup needs its log file');
    const msiexec = msiexecPath(env, arch);
    return doSpawn(msiexec, msiexecArgs(program, logFile, args), {
      ...spawnOptions,
      windowsVerbatimArguments: true,
    });
  }

  return {
    async runSetup(program, args, { timeoutMs, logFile, onOutput }: SetupOptions): Promise<SetupRun> {
      if (!isRunnableSetup(program)) throw new UpgradeError(msg('windows.setup-not-runnable', { program }));
      const started = new Date();
      let child: ChildProcess;
      try {
        child = start(program, args, logFile);
      } catch (err) {
        if (err instanceof UpgradeError) throw err;
        throw new UpgradeError(msg('windows.setup-start-failed', { program }), String(err));
      }
      const watch = {
        leftovers: (pid: number | undefined) => leftovers(pid, started),
        async kill(pid: number | undefined, left: readonly SetupProcess[]) {
          const pids = new Set([...(pid === undefined ? [] : [pid]), ...left.map((p) => p.pid)]);
          for (const p of pids) await killTree(p);
        },
        pollMs: options.pollMs ?? 2_000,
        closeGraceMs: options.closeGraceMs ?? 2_000,
        killWaitMs: options.killWaitMs ?? 15_000,
      };
      const run = { timeoutMs, started: started.getTime(), ...(onOutput ? { onOutput } : {}) };
      return watchSetup(child, run, watch).catch((err: unknown) => {
        throw new UpgradeError(msg('windows.setup-start-failed', { program }), String(err));
      });
    },
    installerBusy: () => probe.busy(),
    lastBoot: () => probe.lastBoot(),
  };
}
