import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeRecordFile } from './record-file';

/**
 * While the run holds an application pool stopped, both hosts keep a record of it on the server
 * (the tool's state folder): the pool's autoStart as it was before the run set it to false, and
 * the worker processes it had when it was stopped. Written and synced before autoStart changes,
 * kept on a retry (which would otherwise read the false the run set itself), removed once the
 * pool is started again: after a crash, this record, not memory, says what to put back.
 */

const workerSchema = z.object({ pid: z.number().int().positive(), startTime: z.string().nullable() });
export type PoolWorker = z.infer<typeof workerSchema>;

const holdSchema = z.object({
  format: z.literal(1),
  pool: z.string(),
  autoStart: z.boolean(),
  workers: z.array(workerSchema),
  since: z.string(),
});
export type PoolHold = Omit<z.infer<typeof holdSchema>, 'format'>;

/** One file per pool: a readable name, and a hash so that two names that differ only in odd characters stay apart. */
export function poolHoldFile(stateDir: string, pool: string): string {
  const safe = pool.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60);
  const hash = createHash('sha256').update(pool.toLowerCase(), 'utf8').digest('hex').slice(0, 12);
  return path.join(stateDir, 'pools', `${safe}-${hash}.json`);
}

export async function readPoolHold(stateDir: string, pool: string): Promise<PoolHold | null> {
  const raw = await readFile(poolHoldFile(stateDir, pool), 'utf8').catch(() => null);
  if (raw === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = holdSchema.safeParse(json);
  if (!parsed.success || parsed.data.pool.toLowerCase() !== pool.toLowerCase()) return null;
  const { format: _format, ...hold } = parsed.data;
  return hold;
}

/**
 * The hold kept, or a new one from what the server says now (`read`, asked only then): the first
 * record of a pool's autoStart is the one a retry keeps.
 */
export async function holdPool(
  stateDir: string,
  pool: string,
  read: () => Promise<{ autoStart: boolean; workers: PoolWorker[] }>,
  now = new Date(),
): Promise<PoolHold> {
  const kept = await readPoolHold(stateDir, pool);
  if (kept) return kept;
  const found = await read();
  const hold: PoolHold = {
    pool,
    autoStart: found.autoStart,
    workers: found.workers,
    since: now.toISOString(),
  };
  await writeRecordFile(poolHoldFile(stateDir, pool), hold);
  return hold;
}

export async function releasePoolHold(stateDir: string, pool: string): Promise<void> {
  await rm(poolHoldFile(stateDir, pool), { force: true });
}
