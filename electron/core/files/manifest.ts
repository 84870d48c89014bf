import { open } from 'node:fs/promises';
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

/**
 * Writes the manifest beside the zip: one entry per line, in blocks, so that a manifest of
 * 90,000 entries is never one string of 25 MB; then flushes it to the disk.
 */
export async function writeManifest(file: string, manifest: BackupManifest): Promise<void> {
  const { entries, ...rest } = manifest;
  const head = JSON.stringify({ ...rest, entries: [] }, null, 1);
  const cut = head.lastIndexOf('[]');
  const handle = await open(file, 'w');
  try {
    await handle.write(`${head.slice(0, cut)}[\n`);
    let block: string[] = [];
    let size = 0;
    for (let i = 0; i < entries.length; i++) {
      const line = `  ${JSON.stringify(entries[i])}${i + 1 < entries.length ? ',' : ''}\n`;
      block.push(line);
      size += line.length;
      if (size >= 1 << 20) {
        await handle.write(block.join(''));
        block = [];
        size = 0;
      }
    }
    block.push(` ]${head.slice(cut + 2)}`);
    await handle.write(block.join(''));
    await handle.sync();
  } finally {
    await handle.close();
  }
}
