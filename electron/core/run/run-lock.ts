import { constants } from 'node:fs';
import { link, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UpgradeError, msg } from '../../shared/message';

const lockSchema = z.object({
  runId: z.string(),
  pid: z.number().int(),
  /**
   * When the process with that PID started, as the host tells it (`System.processStartTime`):
   * a PID recycled by an unrelated process has another start time and does not hold the lock.
   * Absent in locks written before it existed, or by a host that cannot tell.
   */
  processStart: z.string().nullable().optional(),
  hostname: z.string(),
  startedAt: z.string(),
  kitDir: z.string(),
});
export type RunLock = z.infer<typeof lockSchema>;

export const LOCK_FILE = 'run.lock';

/** `System.processStartTime`: null when the host cannot tell. */
type StartTimeOf = (pid: number) => Promise<string | null>;

type LockState =
  | { kind: 'free' }
  /** Held by a process that is alive and is the one that took it. */
  | { kind: 'live'; lock: RunLock; file: string }
  /** Left by a process that is gone (or a recycled PID): it holds nothing, but names its run. */
  | { kind: 'stale'; lock: RunLock }
  /** Empty or garbled (a power cut while it was created): no one can be named as its holder. */
  | { kind: 'unreadable'; file: string; detail: string };

/*
 * The lock is never opened through a link. The state folder is for Administrators and SYSTEM
 * only (System.stateDir), so nobody else can plant one; these flags hold even if that fails. On
 * POSIX O_NOFOLLOW refuses a link at the lock's name (ELOOP) and O_EXCL never opens an existing
 * file, so a planted temp name is never written through. Windows has no O_NOFOLLOW (0 here): there
 * the folder's ACL is what holds, and making a symbolic link needs an administrator's privilege.
 * rename, link and rm act on a link itself, never on its target.
 */
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const NONBLOCK = constants.O_NONBLOCK ?? 0;

/** The lock's text, read without following a link; a link, a FIFO or a folder there is an error. */
async function readLockFile(file: string): Promise<string> {
  const handle = await open(file, constants.O_RDONLY | NOFOLLOW | NONBLOCK);
  try {
    if (!(await handle.stat()).isFile()) throw new Error(`${file} is not a regular file`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Writes `text` to a file made new at `file` (whatever was there, a planted link included, goes first), synced. */
async function writeNewFile(file: string, text: string): Promise<void> {
  await rm(file, { force: true });
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW;
  const handle = await open(file, flags, 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * This process's own start time, once the host has told it: every check of a lock this process
 * holds asks it (on Windows a PowerShell call), and it never changes while the process runs.
 */
let ownStart: { pid: number; start: Promise<string | null> } | null = null;

/** The host's answer, or null: a host that cannot tell (or a failing look) never crashes the lock. */
async function askStart(startTimeOf: StartTimeOf, pid: number): Promise<string | null> {
  try {
    return (await startTimeOf(pid)) ?? null;
  } catch {
    return null;
  }
}

async function startOf(startTimeOf: StartTimeOf | undefined, pid: number): Promise<string | null> {
  if (!startTimeOf) return null;
  if (pid !== process.pid) return askStart(startTimeOf, pid);
  if (ownStart?.pid !== pid) {
    const start = askStart(startTimeOf, pid);
    ownStart = { pid, start };
    // "Cannot tell" may be a passing failure: asked again next time rather than kept.
    void start.then((known) => {
      if (known === null && ownStart?.start === start) ownStart = null;
    });
  }
  return ownStart.start;
}

/** The same process that wrote the lock: its PID lives and, when both are known, started when it did. */
async function holderLives(lock: RunLock, startTimeOf: StartTimeOf | undefined): Promise<boolean> {
  if (!alive(lock.pid)) return false;
  if (!lock.processStart) return true;
  const now = await startOf(startTimeOf, lock.pid);
  return now === null || now === lock.processStart;
}

/** Whether the lock was taken by this very process. */
async function isOurs(lock: RunLock, startTimeOf?: StartTimeOf): Promise<boolean> {
  if (lock.pid !== process.pid) return false;
  if (!lock.processStart) return true;
  const mine = await startOf(startTimeOf, process.pid);
  return mine === null || mine === lock.processStart;
}

/** What the lock file says, never throwing: free, held by a live process, stale, or unreadable. */
export async function inspectLock(stateDir: string, startTimeOf?: StartTimeOf): Promise<LockState> {
  const file = path.join(stateDir, LOCK_FILE);
  let raw: string;
  try {
    raw = await readLockFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'free' };
    return { kind: 'unreadable', file, detail: String(err) };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    return { kind: 'unreadable', file, detail: String(err) };
  }
  const parsed = lockSchema.safeParse(json);
  if (!parsed.success) return { kind: 'unreadable', file, detail: parsed.error.message };
  return (await holderLives(parsed.data, startTimeOf))
    ? { kind: 'live', lock: parsed.data, file }
    : { kind: 'stale', lock: parsed.data };
}

/** Whether a live lock keeps run `runId` of this process out: another process's, or another run's. */
async function heldByOther(lock: RunLock, runId: string | null, startTimeOf?: StartTimeOf): Promise<boolean> {
  return (runId !== null && lock.runId !== runId) || !(await isOurs(lock, startTimeOf));
}

/**
 * What keeps run `runId` of this process from this server: a live lock held by someone else, or
 * a lock that cannot be read. With a null `runId` (a session opening, before it knows its run)
 * any run of this process will do. Null when the lock is free, stale or ours. Never throws.
 */
export async function otherHolder(
  stateDir: string,
  runId: string | null,
  startTimeOf: StartTimeOf,
): Promise<{ kind: 'held'; lock: RunLock } | Extract<LockState, { kind: 'unreadable' }> | null> {
  const state = await inspectLock(stateDir, startTimeOf);
  if (state.kind === 'unreadable') return state;
  if (state.kind === 'live' && (await heldByOther(state.lock, runId, startTimeOf)))
    return { kind: 'held', lock: state.lock };
  return null;
}

/** An unreadable lock, for the admin: where it is and what to do. */
export function lockUnreadableError(state: { file: string; detail: string }): UpgradeError {
  // The detail stands alone too (a shell that shows only the error's text, not the catalogue's).
  return new UpgradeError(
    msg('run.lock-unreadable', { file: state.file }),
    `${state.file} cannot be read (${state.detail}). If no crm-upgrade process runs on this server, no run holds it: delete it and start again.`,
  );
}

/** Another process's live run, for the admin: who holds it. */
export function lockHeldError(lock: RunLock): UpgradeError {
  return new UpgradeError(
    msg('run.lock-held', { runId: lock.runId, pid: lock.pid, since: lock.startedAt, kit: lock.kitDir }),
    `run ${lock.runId} is held by process ${lock.pid} (started ${lock.processStart ?? '?'}) since ${lock.startedAt}, kit ${lock.kitDir}: nothing was changed.`,
  );
}

/**
 * Taken when a run starts changing things and again when it resumes; refused (the holder is
 * returned) while another live process holds it, or while a live lock names another run. A
 * lock this process took for this run is taken again. The file appears whole or not at all:
 * written beside, synced, then linked into place (which fails if someone else got there first).
 * Throws `run.lock-unreadable` for a lock that cannot be read.
 */
export async function acquireLock(
  stateDir: string,
  lock: RunLock,
  startTimeOf?: StartTimeOf,
): Promise<RunLock | null> {
  const file = path.join(stateDir, LOCK_FILE);
  const mine: RunLock = {
    ...lock,
    processStart: lock.processStart ?? (await startOf(startTimeOf, lock.pid)),
  };
  for (let attempt = 0; ; attempt++) {
    const state = await inspectLock(stateDir, startTimeOf);
    if (state.kind === 'unreadable') throw lockUnreadableError(state);
    if (state.kind === 'live' && (await heldByOther(state.lock, lock.runId, startTimeOf))) return state.lock;
    const temp = path.join(stateDir, `${LOCK_FILE}.${process.pid}.tmp`);
    await writeNewFile(temp, JSON.stringify(mine));
    try {
      // No lock: linked into place, which fails if another process got there first. A stale
      // lock (or ours): replaced in one rename.
      if (state.kind === 'free') await link(temp, file);
      else await rename(temp, file);
      return null;
    } catch (err) {
      // Another process linked its lock in between: look again, once.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    } finally {
      await rm(temp, { force: true });
    }
  }
}

/**
 * Removes this run's lock, live or stale; someone else's, a stale one of another run (evidence),
 * or one that cannot be read, is left where it is.
 */
export async function releaseLock(stateDir: string, runId: string): Promise<void> {
  const state = await inspectLock(stateDir);
  if ((state.kind === 'live' || state.kind === 'stale') && state.lock.runId === runId)
    await rm(path.join(stateDir, LOCK_FILE), { force: true });
}
