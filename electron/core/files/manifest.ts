import { type FileHandle, open, rm } from 'node:fs/promises';
import { z } from 'zod';

const entrySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('dir'), path: z.string(), mode: z.number().int() }),
  z.object({
    type: z.literal('file'),
    path: z.string(),
    size: z.number().int().nonnegative(),
    mtimeMs: z.number(),
    mode: z.number().int(),
    crc32: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    stored: z.boolean(),
  }),
  z.object({ type: z.literal('symlink'), path: z.string(), target: z.string() }),
]);

/** Written beside the zip: what was in the folder, so verify and restore can prove their work. */
export const backupManifestSchema = z.object({
  format: z.literal(1),
  source: z.string(),
  createdAt: z.string(),
  exclusions: z.array(z.string()),
  entries: z.array(entrySchema),
  treeHash: z.string().regex(/^[0-9a-f]{64}$/),
  zip: z.object({
    file: z.string(),
    bytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  durationMs: z.number().nonnegative(),
});
export type BackupManifest = z.infer<typeof backupManifestSchema>;
export type ManifestEntry = BackupManifest['entries'][number];

export const manifestPathFor = (zipPath: string): string => `${zipPath}.manifest.json`;

const envelopeSchema = backupManifestSchema.extend({ entries: z.array(z.unknown()) });
const SHA256 = /^[0-9a-f]{64}$/;
const isInt = (x: unknown, min = Number.MIN_SAFE_INTEGER) => Number.isSafeInteger(x) && (x as number) >= min;

/** Why an entry is not one the schema allows, or null; the same rules as the schema's, checked in place. */
function entryProblem(e: unknown): string | null {
  if (typeof e !== 'object' || e === null) return 'not an object';
  const o = e as Record<string, unknown>;
  if (typeof o.path !== 'string') return 'path';
  if (o.type === 'dir') return isInt(o.mode) ? null : 'mode';
  if (o.type === 'symlink') return typeof o.target === 'string' ? null : 'target';
  if (o.type !== 'file') return 'type';
  if (!isInt(o.size, 0)) return 'size';
  if (typeof o.mtimeMs !== 'number' || !Number.isFinite(o.mtimeMs)) return 'mtimeMs';
  if (!isInt(o.mode)) return 'mode';
  if (!isInt(o.crc32, 0)) return 'crc32';
  if (typeof o.sha256 !== 'string' || !SHA256.test(o.sha256)) return 'sha256';
  if (typeof o.stored !== 'boolean') return 'stored';
  return null;
}

/**
 * The manifest's schema, checked without copying its entries: zod checks the envelope, and the
 * entries (90,000 of them at scale 10 of the benchmark) are checked in place by the same rules.
 * zod building a copy of each took 0.7 s and doubled the memory for a moment.
 */
export function parseManifest(
  json: unknown,
): { success: true; data: BackupManifest } | { success: false; error: string } {
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { success: false, error: envelope.error.message };
  const entries = envelope.data.entries;
  for (let i = 0; i < entries.length; i++) {
    const problem = entryProblem(entries[i]);
    if (problem) return { success: false, error: `entries[${i}]: ${problem}` };
  }
  return { success: true, data: envelope.data as BackupManifest };
}

export interface FileProgress {
  itemsDone: number;
  itemsTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

/** What a backup returns: its manifest without the entries, which are in the file beside the zip. */
export type BackupSummary = Omit<BackupManifest, 'entries'> & { entryCount: number };

/** Lines gathered before they go to the file. */
const MANIFEST_BLOCK = 1 << 20;

/**
 * The manifest, written beside the zip while the zip is written: one entry per line, as each
 * entry goes into the zip, so that a backup of 90,000 entries never holds them all (measured at
 * scale 10 of the benchmark: 25 MB of heap). What is only known at the end (the tree hash, the
 * zip's SHA-256, the duration) comes after the entries; a manifest cut short is not valid JSON,
 * and verify refuses it.
 */
export class ManifestWriter {
  private lines: string[] = [];
  private gathered = 0;
  private count = 0;

  private constructor(
    private readonly handle: FileHandle,
    private readonly head: Pick<BackupManifest, 'format' | 'source' | 'createdAt' | 'exclusions'>,
  ) {}

  /** Creates the file (it must not exist yet) and writes what is known before the first entry. */
  static async create(
    file: string,
    head: Pick<BackupManifest, 'source' | 'createdAt' | 'exclusions'>,
  ): Promise<ManifestWriter> {
    const handle = await open(file, 'wx');
    const writer = new ManifestWriter(handle, { format: 1, ...head });
    const opening = JSON.stringify(writer.head, null, 1);
    try {
      await handle.write(`${opening.slice(0, opening.lastIndexOf('}')).trimEnd()},\n "entries": [\n`);
    } catch (err) {
      // A disk that fills as the manifest is created leaves no 0-byte manifest: the file is ours, it goes.
      await handle.close().catch(() => undefined);
      await rm(file, { force: true });
      throw err;
    }
    return writer;
  }

  add(entry: ManifestEntry): void {
    const line = `${this.count > 0 ? ',\n' : ''}  ${JSON.stringify(entry)}`;
    this.count++;
    this.lines.push(line);
    this.gathered += line.length;
  }

  /** Writes the gathered lines once there are enough of them. */
  async flushSome(): Promise<void> {
    if (this.gathered >= MANIFEST_BLOCK) await this.flush();
  }

  private async flush(): Promise<void> {
    const text = this.lines.join('');
    this.lines = [];
    this.gathered = 0;
    await this.handle.write(text);
  }

  /** Writes the end, flushes the file to the disk and closes it. */
  async finish(tail: Pick<BackupManifest, 'treeHash' | 'zip' | 'durationMs'>): Promise<BackupSummary> {
    const closing = JSON.stringify(tail, null, 1);
    this.lines.push(`\n ],\n${closing.slice(closing.indexOf('{') + 1)}\n`);
    await this.flush();
    await this.handle.sync();
    await this.handle.close();
    return { ...this.head, ...tail, entryCount: this.count };
  }

  /** Closes the file; the caller removes it. */
  async abandon(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }
}
