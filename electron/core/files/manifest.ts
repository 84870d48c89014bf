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
  zip: z.object({ file: z.string(), bytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  durationMs: z.number().nonnegative(),
});
export type BackupManifest = z.infer<typeof backupManifestSchema>;
export type ManifestEntry = BackupManifest['entries'][number];

export const manifestPathFor = (zipPath: string): string => `${zipPath}.manifest.json`;

export interface FileProgress {
  itemsDone: number;
  itemsTotal: number;
  bytesDone: number;
  bytesTotal: number;
}
