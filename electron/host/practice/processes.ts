import { spawn } from 'node:child_process';
import { mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { type Message, UpgradeError, msg } from '../../shared/message';
import type { Processes, SetupOptions, SetupRun } from '../../core/ports';
import { watchSetup } from '../setup-watch';
import { webServicesStarted } from './iis';
import {
  iisFileSchema,
  insidePractice,
  isInsideFolder,
  paths,
  readJson,
  serverFileSchema,
  writeJsonAtomic,
} from './layout';

/** The one script a practice kit may run, in its setup folder, as `practice kit` makes it. */
export const PRACTICE_SETUP_FOLDER = 'setup';
export const PRACTICE_SETUP_SCRIPT = 'crm-setup.mjs';
const PAYLOAD_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** What the practice runner needs to know about the process it runs in. */
export interface RunnerRuntime {
  execPath: string;
  /** Electron's version, when this process is Electron. */
  electron: string | undefined;
  /** Electron started as `electron <folder>`: development (`npm start`), not the packaged exe. */
  defaultApp: boolean;
  /** A Node single executable application: the exe runs its own code, never a script file. */
  sea: boolean;
}

export function currentRunnerRuntime(): RunnerRuntime {
  const sea = process.getBuiltinModule?.('node:sea') as { isSea?: () => boolean } | undefined;
  return {
    execPath: process.execPath,
    electron: process.versions.electron,
    defaultApp: (process as { defaultApp?: boolean }).defaultApp === true,
    sea: sea?.isSea?.() === true,
  };
}

/**
 * The Node that runs a practice setup: this process's executable only when it is a Node that runs
 * the script file it is given (plain Node: the CLI, the demo, the tests; development Electron made a
 * Node by ELECTRON_RUN_AS_NODE). A packaged app's executable is the elevated exe itself, which
 * reads Electron and Chromium switches anywhere in its arguments: never started with a kit's.
 */
export function practiceSetupNode(rt: RunnerRuntime): { executable: string; env: NodeJS.ProcessEnv } | null {
  if (rt.sea) return null;
  if (rt.electron === undefined) return { executable: rt.execPath, env: {} };
  return rt.defaultApp ? { executable: rt.execPath, env: { ELECTRON_RUN_AS_NODE: '1' } } : null;
}

/**
 * Why a practice setup may not run as asked, or null: only the kit's `setup/crm-setup.mjs`
 * (the path the signed manifest names, staged), with exactly `--payload NAME --target DIR`, DIR
 * inside the practice server, and optionally `--log FILE` (the run's log file for it, inside the
 * practice server too). Nothing else a kit writes reaches the command line.
 */
export function practiceSetupProblem(root: string, program: string, args: readonly string[]): Message | null {
  const fixedScript =
    path.isAbsolute(program) &&
    path.normalize(program) === program &&
    path.basename(program) === PRACTICE_SETUP_SCRIPT &&
    path.basename(path.dirname(program)) === PRACTICE_SETUP_FOLDER;
  if (!fixedScript) return msg('practice.setup-not-practice', { program });
  const [payloadFlag, payload = '', targetFlag, target = '', logFlag, log = ''] = args;
  const inside = (p: string) => path.isAbsolute(p) && isInsideFolder(path.resolve(root), path.resolve(p));
  const expected =
    (args.length === 4 || (args.length === 6 && logFlag === '--log' && inside(log))) &&
    payloadFlag === '--payload' &&
    PAYLOAD_NAME.test(payload) &&
    targetFlag === '--target' &&
    inside(target);
  return expected ? null : msg('practice-edition.setup-args', { args: JSON.stringify(args), root });
}

/** How often what is left of a practice setup is asked for, once its own process has exited. */
const POLL_MS = 50;

/**
 * The practice kit's setups are Node scripts standing for the vendor's setup.exe. They run as
 * real child processes with the same argument array; the server folder reaches them by env.
 * Watched as a server's are: done on exit, then while Windows Installer is busy (the practice
 * server's `installerBusy`) the wait goes on, up to the timeout.
 */
export function practiceProcesses(root: string, runtime: RunnerRuntime = currentRunnerRuntime()): Processes {
  const server = () => readJson(paths(root).server, serverFileSchema);
  const installerBusy = async () => (await server()).installerBusy === true;
  return {
    runSetup(program, args, options) {
      const problem = practiceSetupProblem(root, program, args);
      if (problem) return Promise.reject(new UpgradeError(problem, program));
      const node = practiceSetupNode(runtime);
      if (!node) {
        const refusal = msg('practice-edition.setup-packaged', { program: path.basename(program) });
        return Promise.reject(new UpgradeError(refusal, runtime.execPath));
      }
      // Nothing from the environment may add code to the setup's Node (--require, --import).
      const env: NodeJS.ProcessEnv = { ...process.env, ...node.env, CRM_PRACTICE_SERVER: root };
      delete env.NODE_OPTIONS;
      return runScript(node.executable, [program, ...args], env, options, installerBusy);
    },
    installerBusy,
    lastBoot: async () => (await server()).lastBoot ?? 'practice-boot-0',
  };
}

/** Runs a practice setup script to its end (or its timeout), reading its marker lines. */
async function runScript(
  executable: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
  { timeoutMs, onOutput, onProgress }: SetupOptions,
  installerBusy: () => Promise<boolean>,
): Promise<SetupRun> {
  const started = Date.now();
  const child = spawn(executable, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let windowsExitCode: number | null = null;
  const line = (text: string) => {
    // The practice setup's own marker: the code a Windows setup would return. Not setup output.
    const code = /^WINDOWS-EXIT-CODE (\d+)/.exec(text);
    if (code) {
      windowsExitCode = Number(code[1]);
      return false;
    }
    // The practice setup prints "PROGRESS n/m file"; a real setup.exe may print nothing.
    const m = /^PROGRESS (\d+)\/(\d+)/.exec(text);
    if (m) onProgress?.(Math.round((Number(m[1]) / Number(m[2])) * 100));
    return true;
  };
  const run = await watchSetup(
    child,
    { timeoutMs, started, ...(onOutput ? { onOutput } : {}) },
    {
      line,
      leftovers: async () => ({ processes: [], installerBusy: await installerBusy() }),
      kill: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      },
      pollMs: POLL_MS,
      closeGraceMs: 1_000,
      killWaitMs: 1_000,
    },
  );
  // A practice setup states the code a Windows setup would return; POSIX keeps only its low 8 bits.
  const code = run.exitCode;
  const exitCode =
    code !== null && windowsExitCode !== null && (windowsExitCode & 0xff) === code ? windowsExitCode : code;
  return { ...run, exitCode };
}

/** `practice installer DIR busy|idle`: another installation holds Windows Installer, or no longer. */
export async function setPracticeInstallerBusy(root: string, busy: boolean): Promise<void> {
  const file = paths(root).server;
  await writeJsonAtomic(file, { ...(await readJson(file, serverFileSchema)), installerBusy: busy });
}

/**
 * `practice restart DIR`: what the engine can see of a server that restarted. The files a setup
 * left for the restart are put in place (PendingFileRenameOperations), the pending-reboot markers
 * are gone, the last boot time changes, no installation is running, and the web services start
 * with every pool whose autoStart is true.
 */
export async function restartPracticeServer(root: string): Promise<{ renamed: number }> {
  const p = paths(root);
  const before = await readJson(p.server, serverFileSchema);
  const renames = before.pendingRenames ?? [];
  for (const r of renames) {
    const from = insidePractice(root, r.from, p.server);
    const to = insidePractice(root, r.to, p.server);
    await mkdir(path.dirname(to), { recursive: true });
    await rename(from, to);
  }
  const { pendingRenames: _done, ...rest } = before;
  const w3svc = before.iis.w3svc === 'missing' ? 'missing' : 'running';
  await writeJsonAtomic(p.server, {
    ...rest,
    pendingReboot: [],
    installerBusy: false,
    lastBoot: new Date().toISOString(),
    iis: { ...before.iis, w3svc },
  });
  if (w3svc === 'running')
    await writeJsonAtomic(p.iis, webServicesStarted(await readJson(p.iis, iisFileSchema)));
  return { renamed: renames.length };
}
