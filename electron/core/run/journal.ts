import { mkdir, open, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UpgradeError, msg } from '../../shared/message';
import { messageSchema } from '../../shared/message';
import { evidenceSchema, runStateSchema, stepSchema } from '../../shared/plan';
import { type StepId, stepIdSchema } from '../../shared/step-id';

export const artifactSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('files-backup'),
    zipPath: z.string(),
    source: z.string(),
    treeHash: z.string(),
    bytes: z.number(),
    sha256: z.string(),
    entries: z.number(),
    durationMs: z.number(),
    verified: z.boolean(),
  }),
  z.object({
    kind: z.literal('db-backup'),
    connection: z.string(),
    database: z.string(),
    schemaVersion: z.string(),
    path: z.string(),
    bytes: z.number(),
    sha256: z.string(),
    position: z.number().int().positive(),
    durationMs: z.number(),
    verified: z.boolean(),
  }),
]);
export type Artifact = z.infer<typeof artifactSchema>;

/** One step's undo, as the rollback runs it: 'running' first, then how it ended. */
export const undoSchema = z.object({
  stepId: stepIdSchema,
  status: z.enum(['running', 'done', 'warning', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  finding: messageSchema.optional(),
  evidence: evidenceSchema.optional(),
});
export type UndoRecord = z.infer<typeof undoSchema>;

export const journalRecordSchema = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('run'),
    at: z.string(),
    runId: z.string(),
    hostname: z.string(),
    mode: z.enum(['practice', 'windows']),
    kitVersion: z.string(),
    installedVersion: z.string().nullable(),
    installPath: z.string().nullable(),
    steps: z.array(stepSchema),
  }),
  z.object({ t: z.literal('step'), at: z.string(), step: stepSchema }),
  z.object({ t: z.literal('state'), at: z.string(), state: runStateSchema }),
  z.object({ t: z.literal('artifact'), at: z.string(), artifact: artifactSchema }),
  z.object({ t: z.literal('undo'), at: z.string(), undo: undoSchema }),
]);
export type JournalRecord = z.infer<typeof journalRecordSchema>;
export type RunRecord = Extract<JournalRecord, { t: 'run' }>;

export const JOURNAL_FILE = 'journal.jsonl';

/**
 * The run's memory, on the kit: one JSON line per transition, appended and fsynced before the
 * transition takes effect. A crash can only cut the last line short, and a torn last line is
 * ignored on reading, so the journal always replays to a state the run really passed through.
 */
export class Journal {
  private tail: Promise<void> = Promise.resolve();

  private constructor(readonly file: string) {}

  static async create(file: string, first: RunRecord): Promise<Journal> {
    await mkdir(path.dirname(file), { recursive: true });
    const j = new Journal(file);
    await j.append(first);
    return j;
  }

  static async open(file: string): Promise<{ journal: Journal; records: JournalRecord[] }> {
    return { journal: new Journal(file), records: await readJournal(file) };
  }

  /** Appends are serialised: each waits for the one before it to reach the disk. */
  append(record: JournalRecord): Promise<void> {
    const parsed = journalRecordSchema.safeParse(record);
    if (!parsed.success) return Promise.reject(parsed.error);
    const line = `${JSON.stringify(parsed.data)}\n`;
    const next = this.tail.then(async () => {
      const handle = await open(this.file, 'a');
      try {
        await handle.write(line);
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export async function readJournal(file: string): Promise<JournalRecord[]> {
  const text = await readFile(file, 'utf8');
  const lines = text.split('\n');
  const out: JournalRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const isLast = lines.slice(i + 1).every((l) => l.trim() === '');
    try {
      out.push(journalRecordSchema.parse(JSON.parse(line)));
    } catch (err) {
      if (isLast) return; // torn by a crash mid-write: the transition never took effect
      throw new UpgradeError(msg('journal.corrupt', { file, line: i + 1 }), String(err));
    }
  });
  if (out[0]?.t !== 'run') throw new UpgradeError(msg('journal.corrupt', { file, line: 1 }));
  return out;
}

export interface Replayed {
  run: RunRecord;
  steps: Map<StepId, z.infer<typeof stepSchema>>;
  state: z.infer<typeof runStateSchema>;
  artifacts: Artifact[];
  /** Each undone step's last undo record, in the order the rollback reached them. */
  undos: Map<StepId, UndoRecord>;
}

export function replay(records: readonly JournalRecord[]): Replayed {
  const run = records[0] as RunRecord;
  const steps = new Map(run.steps.map((s) => [s.id, s]));
  let state: Replayed['state'] = 'ready';
  const artifacts: Artifact[] = [];
  const undos = new Map<StepId, UndoRecord>();
  for (const r of records.slice(1)) {
    if (r.t === 'undo') undos.set(r.undo.stepId, r.undo);
    else if (r.t === 'step') steps.set(r.step.id, r.step);
    else if (r.t === 'state') state = r.state;
    else if (r.t === 'artifact') {
      const same = artifacts.findIndex(
        (a) => a.kind === r.artifact.kind && artifactKey(a) === artifactKey(r.artifact),
      );
      if (same >= 0) artifacts[same] = r.artifact;
      else artifacts.push(r.artifact);
    }
  }
  return { run, steps, state, artifacts, undos };
}

export function artifactKey(a: Artifact): string {
  return a.kind === 'files-backup' ? 'files' : `db:${a.connection}`;
}

/** Runs on this kit for this host that ended neither upgraded nor rolled back. */
export async function findUnfinishedRun(hostDir: string): Promise<string | null> {
  const names = await readdir(hostDir).catch(() => [] as string[]);
  for (const name of names.sort().reverse()) {
    const file = path.join(hostDir, name, JOURNAL_FILE);
    const records = await readJournal(file).catch(() => null);
    if (!records) continue;
    const { state } = replay(records);
    if (state !== 'finished' && state !== 'rolled-back' && state !== 'ready') return file;
  }
  return null;
}
