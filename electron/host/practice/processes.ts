import { spawn } from 'node:child_process';
import path from 'node:path';
import { type Message, UpgradeError, msg } from '../../shared/message';
import type { Processes } from '../../core/ports';
import { isInsideFolder } from './layout';

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
 * inside the practice server. Nothing else a kit writes reaches the command line.
 */
export function practiceSetupProblem(root: string, program: string, args: readonly string[]): Message | null {
  const fixedScript =
    path.isAbsolute(program) &&
    path.normalize(program) === program &&
    path.basename(program) === PRACTICE_SETUP_SCRIPT &&
    path.basename(path.dirname(program)) === PRACTICE_SETUP_FOLDER;
  if (!fixedScript) return msg('practice.setup-not-practice', { program });
  const [payloadFlag, payload = '', targetFlag, target = ''] = args;
  const expected =
    args.length === 4 &&
    payloadFlag === '--payload' &&
    PAYLOAD_NAME.test(payload) &&
    targetFlag === '--target' &&
    path.isAbsolute(target) &&
    isInsideFolder(path.resolve(root), path.resolve(target));
  return expected ? null : msg('practice-edition.setup-args', { args: JSON.stringify(args), root });
}

/**
 * The practice kit's setups are Node scripts standing for the vendor's setup.exe. They run as
 * real child processes with the same argument array; the server folder reaches them by env.
 */
export function practiceProcesses(root: string, runtime: RunnerRuntime = currentRunnerRuntime()): Processes {
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
      return runScript(node.executable, [program, ...args], env, options);
    },
  };
}

/** Runs a practice setup script to its end (or its timeout), reading its marker lines. */
function runScript(
  executable: string,
  argv: string[],
  env: NodeJS.ProcessEnv,
  { timeoutMs, onOutput, onProgress }: Parameters<Processes['runSetup']>[2],
): ReturnType<Processes['runSetup']> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(executable, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let windowsExitCode: number | null = null;
    let timedOut = false;
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      for (const line of text.split(/\r?\n/)) {
        if (!line.trim()) continue;
        // The practice setup's own marker: the code a Windows setup would return. Not setup output.
        const code = /^WINDOWS-EXIT-CODE (\d+)/.exec(line);
        if (code) {
          windowsExitCode = Number(code[1]);
          continue;
        }
        output = `${output}${line}\n`.slice(-64 * 1024);
        onOutput?.(line);
        // The practice setup prints "PROGRESS n/m file"; a real setup.exe may print nothing.
        const m = /^PROGRESS (\d+)\/(\d+)/.exec(line);
        if (m) onProgress?.(Math.round((Number(m[1]) / Number(m[2])) * 100));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      // A practice setup states the code a Windows setup would return; POSIX keeps only its low 8 bits.
      const exitCode = timedOut
        ? null
        : windowsExitCode !== null && (windowsExitCode & 0xff) === code
          ? windowsExitCode
          : code;
      resolve({ exitCode, timedOut, durationMs: Date.now() - started, output });
    });
  });
}
