import { createHash } from 'node:crypto';
import { UpgradeError, msg } from '../../shared/message';
import { unsafeEntry } from '../files/link-targets';
import type { BackupManifest } from '../files/manifest';
import { samePath } from '../files/paths';
import { treeLine } from '../files/tree';
import type { Artifact } from '../run/journal';

/**
 * What binds a folder backup's manifest to what the backup step measured and the journal
 * recorded: the verification and the rollback both hold the manifest to it, so that a manifest
 * changed or swapped after the backup decides nothing a restore writes.
 */

export type FilesBackup = Extract<Artifact, { kind: 'files-backup' }>;
/** Which folder a backup is of: the CRM's, MOBILE's, or another the kit says a setup changes. */
export type FolderRole = NonNullable<FilesBackup['folder']>;

function sameList(a: readonly string[], b: readonly string[]): boolean {
  const sorted = [...b].sort();
  return a.length === b.length && [...a].sort().every((x, i) => x === sorted[i]);
}

/** The tree hash that the manifest's entries describe, line by line as treeHash makes it from the disk. */
function entriesTreeHash(manifest: BackupManifest): string {
  const h = createHash('sha256');
  for (const e of manifest.entries) h.update(treeLine(e, e.type === 'file' ? e : undefined));
  return h.digest('hex');
}

/**
 * Why `manifest` (read from `file`) is not the manifest of the backup the journal recorded, or
 * why it cannot be restored safely; null when it is that one. Its entries are held to the tree
 * hash taken from the folder when it was backed up (every name, type, mode, mtime, size,
 * content hash and link target), its zip to the SHA-256 the zip writer computed, its source and
 * exclusions to the folder and the profile.
 */
export function manifestProblem(
  backup: FilesBackup,
  manifest: BackupManifest,
  exclusions: readonly string[],
  file: string,
): UpgradeError | null {
  const differs = (field: string) =>
    new UpgradeError(msg('rollback-proof.manifest-mismatch', { file, field }));
  if (manifest.zip.sha256 !== backup.sha256) return differs('zip.sha256');
  if (!samePath(manifest.source, backup.source)) return differs('source');
  if (!sameList(manifest.exclusions, exclusions)) return differs('exclusions');
  if (manifest.treeHash !== backup.treeHash) return differs('treeHash');
  if (entriesTreeHash(manifest) !== backup.treeHash) return differs('entries');
  return unsafeEntry(manifest.entries, backup.source);
}
