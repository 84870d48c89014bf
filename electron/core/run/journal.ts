import { type FileHandle, access, mkdir, open, readFile, readdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { type MessageKey, UpgradeError, msg } from '../../shared/message';
import { messageSchema } from '../../shared/message';
import { type RunState, evidenceSchema, runStateSchema, stepSchema } from '../../shared/plan';
import { type StepId, stepIdSchema } from '../../shared/step-id';

export const artifactSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('files-backup'),
    /**
     * Which folder: 'crm' (the default, for journals written before there were others), 'mobile',
     * or 'touched:<name>', another folder the kit says its setups change.
     */
    folder: z
      .union([
        z.enum(['crm', 'mobile']),
        z.custom<`touched:${string}`>(
          (v) => typeof v === 'string' && /^touched:[A-Za-z0-9_-]{1,40}$/.test(v),
        ),
      ])
      .optional(),
    zipPath: z.string(),
    source: z.string(),
    treeHash: z.string(),
    bytes: z.number(),
    sha256: z.string(),
    entries: z.number(),
    durationMs: z.number(),
    verified: z.boolean(),
    /**
     * The SHA-256 of the manifest's bytes as the verification read them (the zip's is `sha256`,
     * which the verification found on the disk): the rollback restores nothing else. Absent in
     * journals of older versions.
     */
    manifestSha256: z.string().optional(),
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
    /**
     * The SHA-256 of the .bak file as its verification read it, held against the file before and
     * after a restore; null when this server cannot read the file (it is on the SQL Server
     * alone, whose own checksums are then the proof). Absent in journals of older versions.
     */
    bakSha256: z.string().nullable().optional(),
    /** Another server of the farm took it (issue 15): this run adopted it from the ledger and verified it again. */
    takenBy: z.string().max(64).optional(),
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

/** How the journal opens its files: the tests' seam for a full disk or a short write. */
export type OpenFile = (file: string, flags: string) => Promise<FileHandle>;

interface JournalOptions {
  /** The kit's copy (for the report and the other servers), written after the server's journal. */
  copy?: string;
  openFile?: OpenFile;
}

const FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

/** A journal whose lines up to `line` can be read and whose line `line` cannot. */
class JournalDamagedError extends UpgradeError {
  constructor(
    readonly file: string,
    readonly line: number,
    /** The records before the damage: the backups they name stay reachable. */
    readonly readable: JournalRecord[],
    cause?: string,
  ) {
    super(msg('journal.corrupt', { file, line }), cause);
  }
}

interface Parsed {
  records: JournalRecord[];
  /** The byte length of the whole lines: a torn last line starts here. */
  end: number;
}

/** Whole lines only: a last line without its newline, or that does not parse, was torn by a crash. */
function parseJournal(buf: Buffer, file: string): Parsed {
  const records: JournalRecord[] = [];
  let start = 0;
  let end = 0;
  let lineNo = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, start);
    if (nl < 0) break; // no newline: torn (or nothing)
    lineNo += 1;
    const line = buf.subarray(start, nl).toString('utf8');
    start = nl + 1;
    if (line.trim() === '') {
      end = start;
      continue;
    }
    try {
      records.push(journalRecordSchema.parse(JSON.parse(line)));
      end = start;
    } catch (err) {
      const rest = buf.subarray(start).toString('utf8');
      if (rest.trim() === '') break; // the last line, torn by a crash mid-write
      throw new JournalDamagedError(file, lineNo, records, String(err));
    }
  }
  return { records, end };
}

/**
 * The run's memory: one JSON line per transition, appended and fsynced before the transition
 * takes effect. The authoritative journal is on the server (the tool's state folder); the kit
 * holds a copy written right after it. A crash can only cut the last line short; that line is
 * ignored on reading and cut off before the next append, so the journal always replays to a
 * state the run really passed through. An append that cannot be written whole throws (a full
 * disk or kit), and leaves the file as it was.
 */
export class Journal {
  private tail: Promise<void> = Promise.resolve();
  /** The byte length of the whole lines on disk, as this journal last wrote or read them. */
  private size: number;
  private copySize = 0;
  /** The copy missed a record (or was never checked since opening): rewritten whole at the next append. */
  private copyBehind: boolean;
  private readonly openFile: OpenFile;

  private constructor(
    readonly file: string,
    size: number,
    private readonly options: JournalOptions,
    copyBehind: boolean,
  ) {
    this.size = size;
    this.copyBehind = copyBehind;
    this.openFile = options.openFile ?? ((f, flags) => open(f, flags));
  }

  static async create(file: string, first: RunRecord, options: JournalOptions = {}): Promise<Journal> {
    await mkdir(path.dirname(file), { recursive: true });
    // A copy that cannot be started is rewritten whole (and fails the append) at the first record.
    const copyMade =
      options.copy === undefined ||
      (await mkdir(path.dirname(options.copy), { recursive: true }).then(
        () => true,
        () => false,
      ));
    const j = new Journal(file, 0, options, !copyMade);
    await j.append(first);
    return j;
  }

  /** For resuming: the records up to a torn last line, which the first append cuts off. */
  static async open(
    file: string,
    options: JournalOptions = {},
  ): Promise<{ journal: Journal; records: JournalRecord[] }> {
    const { records, end } = checkedRun(parseJournal(await readFile(file), file), file);
    return { journal: new Journal(file, end, options, options.copy !== undefined), records };
  }

  /** Appends are serialised: each waits for the one before it to reach the disk. */
  append(record: JournalRecord): Promise<void> {
    const parsed = journalRecordSchema.safeParse(record);
    if (!parsed.success) return Promise.reject(parsed.error);
    const line = Buffer.from(`${JSON.stringify(parsed.data)}\n`, 'utf8');
    const next = this.tail.then(async () => {
      this.size = await appendWhole(this.openFile, this.file, this.size, line, 'journal.disk-full');
      const { copy } = this.options;
      if (copy === undefined) return;
      // The report on the kit must be complete: a copy that cannot follow fails the step too.
      try {
        // A copy shorter than written (the stick swapped or its folder emptied) is made whole again.
        const intact =
          !this.copyBehind &&
          (await stat(copy).then(
            (st) => st.size >= this.copySize,
            () => false,
          ));
        if (!intact) this.copySize = await this.rewriteCopy(copy);
        else this.copySize = await appendWhole(this.openFile, copy, this.copySize, line, 'journal.kit-full');
        this.copyBehind = false;
      } catch (err) {
        this.copyBehind = true;
        throw err instanceof UpgradeError ? err : writeError(err, copy, 'journal.kit-full');
      }
    });
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** The whole copy again from the server's journal: a temporary file, synced, then renamed over it. */
  private async rewriteCopy(copy: string): Promise<number> {
    const whole = (await readFile(this.file)).subarray(0, this.size);
    const temp = `${copy}.tmp`;
    await mkdir(path.dirname(copy), { recursive: true }).catch((err: unknown) => {
      throw writeError(err, copy, 'journal.kit-full');
    });
    const handle = await this.openFile(temp, 'w').catch((err: unknown) => {
      throw writeError(err, copy, 'journal.kit-full');
    });
    try {
      await writeFully(handle, whole, copy, 'journal.kit-full');
      await handle.sync();
    } catch (err) {
      throw writeError(err, copy, 'journal.kit-full');
    } finally {
      await handle.close().catch(() => undefined);
    }
    await rename(temp, copy).catch((err: unknown) => {
      throw writeError(err, copy, 'journal.kit-full');
    });
    return whole.length;
  }
}

type FullKey = Extract<MessageKey, 'journal.disk-full' | 'journal.kit-full'>;

/** What a failed write becomes for the admin: a full disk or kit, or another write error, with the path. */
function writeError(err: unknown, file: string, full: FullKey): UpgradeError {
  if (err instanceof UpgradeError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
  if (FULL_CODES.has(code)) return new UpgradeError(msg(full, { file }), String(err));
  return new UpgradeError(msg('journal.write-failed', { file, code }), String(err));
}

class ShortWrite extends Error {
  readonly code = 'ENOSPC';
  constructor(written: number, wanted: number) {
    super(`short write: ${written} of ${wanted} bytes`);
  }
}

async function writeFully(handle: FileHandle, data: Buffer, file: string, full: FullKey): Promise<void> {
  const { bytesWritten } = await handle.write(data, 0, data.length);
  // On a local file a write comes back short only when the space has run out.
  if (bytesWritten !== data.length) throw writeError(new ShortWrite(bytesWritten, data.length), file, full);
}

/**
 * One line appended whole and synced; on any failure the file is cut back to its whole lines.
 * A file longer than this writer knows (a torn line left by a crash or a failed cut) is first
 * trimmed to its last whole line. Returns the file's new length.
 */
async function appendWhole(
  openFile: OpenFile,
  file: string,
  knownSize: number,
  line: Buffer,
  full: FullKey,
): Promise<number> {
  const handle = await openFile(file, 'a').catch((err: unknown) => {
    throw writeError(err, file, full);
  });
  let size = knownSize;
  try {
    const actual = (await handle.stat()).size;
    if (actual !== knownSize) {
      size = parseJournal(await readFile(file), file).end;
      if (size < actual) await handle.truncate(size);
    }
    try {
      await writeFully(handle, line, file, full);
      await handle.sync();
    } catch (err) {
      await handle.truncate(size).catch(() => undefined);
      await handle.sync().catch(() => undefined);
      throw writeError(err, file, full);
    }
    return size + line.length;
  } catch (err) {
    throw err instanceof UpgradeError ? err : writeError(err, file, full);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function checkedRun(parsed: Parsed, file: string): Parsed {
  if (parsed.records[0]?.t !== 'run') throw new JournalDamagedError(file, 1, []);
  return parsed;
}

export async function readJournal(file: string): Promise<JournalRecord[]> {
  return checkedRun(parseJournal(await readFile(file), file), file).records;
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
  if (a.kind === 'db-backup') return `db:${a.connection}`;
  return a.folder === undefined || a.folder === 'crm' ? 'files' : `files:${a.folder}`;
}

/** The server's journals: `<stateDir>/runs/<runId>/journal.jsonl`. */
export const SERVER_RUNS = 'runs';

export function serverJournalFile(stateDir: string, runId: string): string {
  return path.join(stateDir, SERVER_RUNS, runId, JOURNAL_FILE);
}

/** A backup a journal recorded, in a line an admin (or support) can act on. */
function describeBackup(a: Artifact): string {
  const state = a.verified ? 'verified' : 'NOT verified';
  return a.kind === 'db-backup'
    ? `${a.connection} (${a.database}, ${a.schemaVersion}): ${a.path} [${state}, sha256 ${a.sha256}]`
    : `${a.folder ?? 'crm'} ${a.source}: ${a.zipPath} [${state}, sha256 ${a.sha256}]`;
}

/**
 * A damaged journal of a run that may be unfinished: nothing may continue it or start over it.
 * The message names the file and the backups its readable lines recorded.
 */
function damagedRunError(err: JournalDamagedError): UpgradeError {
  const readable = err.readable[0]?.t === 'run' ? replay(err.readable) : null;
  const backups = readable?.artifacts.map(describeBackup) ?? [];
  const list = backups.length > 0 ? backups.join('; ') : '-';
  return new UpgradeError(
    msg('journal.damaged', {
      file: err.file,
      line: err.line,
      runId: readable?.run.runId ?? path.basename(path.dirname(err.file)),
      state: readable?.state ?? '?',
      backups: list,
    }),
    `${err.file}:${err.line}: ${err.detail ?? 'unreadable'}\nDo not delete or edit it; contact support.\nBackups recorded before the damage:\n${backups.map((b) => `  ${b}`).join('\n') || '  -'}`,
  );
}

/** Whether the run is journaled on the server: a read-only look at the server stages nothing. */
export async function isJournaledRun(stateDir: string, runId: string): Promise<boolean> {
  return access(serverJournalFile(stateDir, runId)).then(
    () => true,
    () => false,
  );
}

/**
 * The state the run journaled in `file` replays to; 'absent' when there is no run there: no
 * journal, or a file holding no whole line (a cut while its first line was written: nothing
 * happened after it). A journal that cannot be read may be an unfinished run: it throws
 * (`journal.damaged`, with its path and backups) rather than being passed over.
 */
export async function journalState(file: string): Promise<RunState | 'absent'> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'absent'; // no journal in it: not a run
    throw damagedRunError(new JournalDamagedError(file, 1, [], String(err)));
  }
  try {
    const { records } = parseJournal(buf, file);
    if (records.length === 0) return 'absent';
    return replay(checkedRun({ records, end: 0 }, file).records).state;
  } catch (err) {
    throw err instanceof JournalDamagedError ? damagedRunError(err) : err;
  }
}

/** A run that began and ended neither upgraded nor rolled back. */
const unfinished = (state: RunState | 'absent'): boolean =>
  state !== 'absent' && state !== 'ready' && state !== 'finished' && state !== 'rolled-back';

/**
 * A run this kit holds as unfinished (or whose kit journal cannot be read) for this server, of
 * which the server has no journal: it is not trusted to steer anything, only named.
 */
export async function findKitOnlyRun(
  kitHostDir: string,
  stateDir: string,
  exceptRunId: string,
): Promise<{ runId: string; file: string } | null> {
  const names = await readdir(kitHostDir).catch(() => [] as string[]);
  for (const runId of names.sort().reverse()) {
    if (runId === exceptRunId || (await isJournaledRun(stateDir, runId))) continue;
    const file = path.join(kitHostDir, runId, JOURNAL_FILE);
    let state: RunState | 'absent';
    try {
      state = await journalState(file);
    } catch {
      return { runId, file };
    }
    if (unfinished(state)) return { runId, file };
  }
  return null;
}

/**
 * Runs in `runsDir` (the server's, or a kit's host folder) that ended neither upgraded nor
 * rolled back, newest first. A journal that cannot be read may be such a run: it throws
 * (`journal.damaged`, see journalState) rather than being passed over.
 */
export async function findUnfinishedRun(runsDir: string): Promise<string | null> {
  const names = await readdir(runsDir).catch(() => [] as string[]);
  for (const name of names.sort().reverse()) {
    const file = path.join(runsDir, name, JOURNAL_FILE);
    if (unfinished(await journalState(file))) return file;
  }
  return null;
}
