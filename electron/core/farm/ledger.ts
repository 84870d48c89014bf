import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { farmServerNameSchema } from '../../shared/farm';
import { type Message, msg } from '../../shared/message';
import { runStateSchema, stepStatusSchema } from '../../shared/plan';
import { stepIdSchema } from '../../shared/step-id';
import { KIT_REPORTS } from '../kit/kit-manifest';
import { artifactSchema } from '../run/journal';
import { hostFolderName } from '../run/run-ids';

/**
 * The farm's ledger on the kit (issue 15): each server writes its own entry, so that several
 * Remote Desktop sessions can share the stick; the admin's list of the farm's servers beside
 * them. The ledger guides: every safety decision is made again from what a server observes.
 */
export const LEDGER_DIR = '_ledger';
const FARM_FILE = 'farm.json';

const dbBackupSchema = artifactSchema.options[1].extend({ takenBy: z.string() });
export type LedgerDbBackup = z.infer<typeof dbBackupSchema>;

export const ledgerEntrySchema = z.object({
  format: z.literal(1),
  kind: z.literal('crm-farm-ledger'),
  hostname: z.string().min(1).max(64),
  runId: z.string().max(64),
  kitVersion: z.string().max(64),
  /** Which installation (its SQL Server and databases): one stick may serve a test server and production. */
  installation: z.string().max(2000).default(''),
  fromVersion: z.string().max(64).nullable(),
  /** The CRM's version in this server's files, as its run last read them. */
  codeVersion: z.string().max(64).nullable(),
  runState: runStateSchema,
  /** The first step not done, where the run stands. */
  step: z
    .object({ id: stepIdSchema, status: stepStatusSchema, waitsOnFarm: z.boolean().default(false) })
    .nullable(),
  lockout: z.enum(['on', 'off']),
  pools: z.enum(['started', 'stopped']),
  rollbackBegun: z.boolean(),
  /** Each database's version as this server last read it. */
  databases: z
    .array(z.object({ connection: z.string(), database: z.string(), version: z.string(), at: z.string() }))
    .max(64),
  /** The database backups this server took (or adopted from another, `takenBy`), and whether verified. */
  backups: z.array(dbBackupSchema).max(64),
  /** "Aggiorna Database" seen done from here: the database moved to the kit's version during this run. */
  updates: z.array(z.object({ connection: z.string(), database: z.string(), at: z.string() })).max(64),
  restores: z.array(z.object({ connection: z.string(), database: z.string(), at: z.string() })).max(64),
  updatedAt: z.string(),
});
export type LedgerEntry = z.infer<typeof ledgerEntrySchema>;

export const farmListSchema = z.object({
  format: z.literal(1),
  kind: z.literal('crm-farm'),
  kitVersion: z.string().max(64),
  installation: z.string().max(2000).default(''),
  servers: z.array(farmServerNameSchema).min(1).max(32),
  confirmedBy: z.string().max(64),
  confirmedAt: z.string(),
});
export type FarmList = z.infer<typeof farmListSchema>;

export interface FarmLedger {
  entries: LedgerEntry[];
  list: FarmList | null;
  problems: Message[];
}

const ledgerDir = (kitDir: string) => path.join(kitDir, KIT_REPORTS, LEDGER_DIR);
export const ledgerFile = (kitDir: string, hostname: string) =>
  path.join(ledgerDir(kitDir), `${hostFolderName(hostname)}.json`);

/**
 * Written whole, then renamed into place: a crash leaves the old entry or the new one. `durable`
 * syncs it first (the admin's list). A server's entry is rewritten at every step of its run and
 * only guides: it is not synced each time (a torn one reads as a problem, the next step rewrites
 * it, and the server's own journal is the truth).
 */
async function writeWhole(file: string, value: object, durable: boolean): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(value, null, 1)}\n`);
    if (durable) await handle.sync();
  } finally {
    await handle.close();
  }
  await renameOverReaders(tmp, file).catch(async (err: unknown) => {
    await rm(tmp, { force: true });
    throw err;
  });
}

/** Windows refuses a rename onto a file another process has open (EPERM, EBUSY, EACCES): a reader on the kit goes soon. */
const SHARING = new Set(['EPERM', 'EBUSY', 'EACCES']);
export async function renameOverReaders(
  tmp: string,
  file: string,
  move: (from: string, to: string) => Promise<void> = rename,
  attempts = 20,
): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await move(tmp, file);
    } catch (err) {
      if (i >= attempts || !SHARING.has((err as NodeJS.ErrnoException).code ?? '')) throw err;
      await new Promise((resolve) => setTimeout(resolve, 25 * i));
    }
  }
}

/** `durable`: what other servers' gates rely on changed (lockout, pools, backups, updates, restores). */
export const writeLedgerEntry = (kitDir: string, entry: LedgerEntry, durable = false): Promise<void> =>
  writeWhole(ledgerFile(kitDir, entry.hostname), entry, durable);

/** The part of an entry the other servers' gates read: a change to it is written durably. */
export const gateFacts = (e: LedgerEntry): string =>
  JSON.stringify([e.lockout, e.pools, e.rollbackBegun, e.backups, e.updates, e.restores]);

export const writeFarmList = (kitDir: string, list: FarmList): Promise<void> =>
  writeWhole(path.join(ledgerDir(kitDir), FARM_FILE), list, true);

async function readJsonOrProblem<T>(
  file: string,
  schema: z.ZodType<T>,
): Promise<{ value: T } | { problem: Message } | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { problem: msg('farm.ledger.unreadable', { file, problem: String(err).slice(0, 200) }) };
  }
  try {
    return { value: schema.parse(JSON.parse(text)) };
  } catch (err) {
    const problem = err instanceof z.ZodError ? (err.issues[0]?.message ?? 'schema') : 'JSON';
    return { problem: msg('farm.ledger.unreadable', { file, problem: problem.slice(0, 200) }) };
  }
}

/**
 * Every server's entry for this kit's version, and the list, as the kit holds them now. An entry
 * that cannot be read, or that is filed under another server's name, is a problem, never a fact.
 */
export async function readLedger(kitDir: string, kitVersion: string, installation = ''): Promise<FarmLedger> {
  const ours = (other: string) => installation === '' || other === installation;
  const dir = ledgerDir(kitDir);
  const names = await readdir(dir).catch(() => [] as string[]);
  const entries: LedgerEntry[] = [];
  const problems: Message[] = [];
  let list: FarmList | null = null;
  for (const name of names.sort()) {
    if (!name.endsWith('.json')) continue;
    const file = path.join(dir, name);
    if (name === FARM_FILE) {
      const read = await readJsonOrProblem(file, farmListSchema);
      if (read && 'problem' in read) problems.push(read.problem);
      else if (read && read.value.kitVersion === kitVersion && ours(read.value.installation))
        list = read.value;
      continue;
    }
    const read = await readJsonOrProblem(file, ledgerEntrySchema);
    if (!read) continue;
    if ('problem' in read) problems.push(read.problem);
    else if (`${hostFolderName(read.value.hostname)}.json` !== name)
      problems.push(msg('farm.ledger.misfiled', { file, hostname: read.value.hostname }));
    else if (read.value.kitVersion === kitVersion && ours(read.value.installation)) entries.push(read.value);
  }
  return { entries, list, problems };
}

export const sameHost = (a: string, b: string): boolean => a.toUpperCase() === b.toUpperCase();

/**
 * The installation the connections name: each database on its SQL Server, the server as its host's
 * first name (a local one, ".", "(local)", "localhost", as this server). Servers of one farm read
 * the same; a test server and production, even with the same database names, do not.
 */
export function installationOf(
  hostname: string,
  connections: readonly { server: string; database: string }[],
): string {
  const serverName = (server: string) => {
    const [host = '', instance = ''] =
      server
        .replace(/^(tcp|np|lpc):/i, '')
        .split(',')[0]
        ?.split('\\') ?? [];
    const local = ['.', '(local)', 'localhost', '127.0.0.1'].includes(host.toLowerCase());
    const name = local ? hostname : /^[\d.]+$/.test(host) ? host : (host.split('.')[0] ?? host);
    return `${name}${instance ? `\\${instance}` : ''}`.toLowerCase();
  };
  const parts = connections.map((c) => `${serverName(c.server)}/${c.database.toLowerCase()}`);
  return [...new Set(parts)].sort().join(';');
}
