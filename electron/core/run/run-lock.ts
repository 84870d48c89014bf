import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

const lockSchema = z.object({
  runId: z.string(),
  pid: z.number().int(),
  hostname: z.string(),
  startedAt: z.string(),
  kitDir: z.string(),
});
export type RunLock = z.infer<typeof lockSchema>;

export const LOCK_FILE = 'run.lock';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The lock of a run under way on this server, if its process still lives; a dead owner's lock is stale. */
export async function readLiveLock(stateDir: string): Promise<RunLock | null> {
  const raw = await readFile(path.join(stateDir, LOCK_FILE), 'utf8').catch(() => null);
  if (raw === null) return null;
  const parsed = lockSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) return null;
  return alive(parsed.data.pid) ? parsed.data : null;
}

/** Taken when a run starts changing things; refused while another live process holds it. */
export async function acquireLock(stateDir: string, lock: RunLock): Promise<RunLock | null> {
  const other = await readLiveLock(stateDir);
  if (other && other.runId !== lock.runId) return other;
  const file = path.join(stateDir, LOCK_FILE);
  await rm(file, { force: true });
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(JSON.stringify(lock));
    await handle.sync();
  } finally {
    await handle.close();
  }
  return null;
}

export async function releaseLock(stateDir: string, runId: string): Promise<void> {
  const raw = await readFile(path.join(stateDir, LOCK_FILE), 'utf8').catch(() => null);
  if (raw === null) return;
  const parsed = lockSchema.safeParse(JSON.parse(raw));
  if (parsed.success && parsed.data.runId !== runId) return; // not ours: leave it
  await rm(path.join(stateDir, LOCK_FILE), { force: true });
}
