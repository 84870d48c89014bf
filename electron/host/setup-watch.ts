import type { ChildProcess } from 'node:child_process';
import type { SetupRun } from '../core/ports';

/**
 * What a setup's run is made of, as both hosts watch it. The setup's own process exiting gives its
 * exit code ('exit', not 'close': a process the setup started may keep the output pipes open for
 * as long as it lives). The setup is over when, besides, everything it started has ended and
 * Windows Installer is free again: InstallShield's setup.exe hands over to a copy of itself and
 * exits, and an MSI's work runs in the Windows Installer service, not under the setup.
 */

/** A process of the setup's, by name and PID. */
export interface SetupProcess {
  pid: number;
  name: string;
}

/** What of the setup is still at work once its own process has exited. */
export interface SetupLeftovers {
  processes: SetupProcess[];
  /** Windows Installer still busy (its `_MSIExecute` mutex held). */
  installerBusy: boolean;
  /** msiexec.exe processes running now, its service included: named in the evidence on a timeout. */
  msiexec?: SetupProcess[];
}

export interface SetupWatch {
  /** Each line the setup writes, stdout and stderr; false for a line that is not the setup's output (a marker). */
  line?(text: string): boolean;
  /** What of the setup is still at work, asked every `pollMs` once its own process has exited. */
  leftovers(rootPid: number | undefined): Promise<SetupLeftovers>;
  /** The time is up: end the setup's process (still running or not) and what is left of it. */
  kill(rootPid: number | undefined, left: readonly SetupProcess[]): Promise<void>;
  pollMs: number;
  /** After the end, how long the output pipes may take to close before they are let go. */
  closeGraceMs: number;
  /** After kill, how long to wait for the setup's process to go before killing it directly. */
  killWaitMs: number;
}

const OUTPUT_LIMIT = 64 * 1024;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

const named = (p: SetupProcess) => `${p.name} (PID ${p.pid})`;

/** What was still at work when the time ran out, for the evidence. */
export function stillRunningText(left: SetupLeftovers): string[] {
  const seen = new Set<number>();
  const out: string[] = [];
  for (const p of [...left.processes, ...(left.msiexec ?? [])]) {
    if (seen.has(p.pid)) continue;
    seen.add(p.pid);
    out.push(named(p));
  }
  if (left.installerBusy) out.push('Windows Installer (_MSIExecute)');
  return out;
}

/** The setup's output, line by line, kept to its last 64 KiB. */
function outputReader(child: ChildProcess, watch: SetupWatch, onOutput?: (line: string) => void) {
  let output = '';
  let pending = '';
  const emit = (line: string) => {
    if (!line.trim() || watch.line?.(line) === false) return;
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
  return {
    text: () => output,
    /** The last line without its newline, and the pipes let go (a grandchild may hold them open). */
    finish() {
      emit(pending);
      pending = '';
      child.stdout?.destroy();
      child.stderr?.destroy();
    },
  };
}

type Ended = { exit: number | null } | { error: Error } | 'deadline';

/** Resolves with the setup's exit code, its start failure, or the deadline, whichever comes first. */
function firstOf(child: ChildProcess, deadline: number): Promise<Ended> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('deadline'), Math.max(0, deadline - Date.now()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ exit: code });
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ error });
    });
  });
}

const closed = (child: ChildProcess, ms: number) =>
  new Promise<void>((resolve) => {
    if (child.stdout?.closed !== false && child.stderr?.closed !== false) return resolve();
    const timer = setTimeout(resolve, ms);
    child.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Watches a started setup to its end or its timeout (from `started`). A setup that cannot start
 * rejects with the spawn error.
 */
export async function watchSetup(
  child: ChildProcess,
  options: { timeoutMs: number; started: number; onOutput?: (line: string) => void },
  watch: SetupWatch,
): Promise<SetupRun> {
  const deadline = options.started + options.timeoutMs;
  const output = outputReader(child, watch, options.onOutput);
  const ended = await firstOf(child, deadline);
  if (typeof ended === 'object' && 'error' in ended) {
    output.finish();
    throw ended.error;
  }
  const exitCode = ended === 'deadline' ? null : ended.exit;
  let left: SetupLeftovers = { processes: [], installerBusy: false };
  let timedOut = ended === 'deadline';
  const nothingLeft: SetupLeftovers = { processes: [], installerBusy: false };
  while (!timedOut) {
    // Not knowing what is left (PowerShell failed) ends the wait, as before there was one.
    left = await watch.leftovers(child.pid).catch(() => nothingLeft);
    if (left.processes.length === 0 && !left.installerBusy) break;
    const now = Date.now();
    if (now >= deadline) timedOut = true;
    else await sleep(Math.min(watch.pollMs, deadline - now));
  }
  let stillRunning: string[] | undefined;
  if (timedOut) {
    if (ended === 'deadline') left = await watch.leftovers(child.pid).catch(() => left);
    const listed = left.processes.some((p) => p.pid === child.pid);
    stillRunning = [
      ...(exitCode === null && child.pid !== undefined && !listed ? [`setup (PID ${child.pid})`] : []),
      ...stillRunningText(left),
    ];
    await watch.kill(child.pid, left.processes).catch(() => undefined);
    if (exitCode === null && child.exitCode === null) {
      // If the tree kill could not end it, end at least the setup itself.
      const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await Promise.race([gone, sleep(watch.killWaitMs)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
  await closed(child, watch.closeGraceMs);
  output.finish();
  return {
    exitCode,
    timedOut,
    durationMs: Date.now() - options.started,
    output: output.text(),
    ...(stillRunning ? { stillRunning } : {}),
  };
}
