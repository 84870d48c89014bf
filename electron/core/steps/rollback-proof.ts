import { readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { UpgradeError, msg } from '../../shared/message';
import { manifestPathFor } from '../files/manifest';
import { sha256Of } from '../files/hash';
import { isWithin, samePath } from '../files/paths';
import { sealedCopy, sealedWrite, sha256OfFile } from '../files/sealed-copy';
import { parseManifestBytes } from '../files/zip-verify';
import type { CrmConnection } from '../ports';
import type { StepContext } from '../run/context';
import { type Artifact, artifactKey } from '../run/journal';
import { runBackupDir } from './backup';
import { type FilesBackup, manifestProblem } from './backup-proof';

/**
 * Before a rollback touches anything: the artifact it restores from names only what this run
 * discovered and created, and the files are, byte for byte, the ones verified during the backup.
 */

type DbBackup = Extract<Artifact, { kind: 'db-backup' }>;

const mismatch = (file: string, expected: string, found: string) =>
  new UpgradeError(msg('rollback-proof.hash-mismatch', { file, expected, found }));

/** A folder backup names the folder discovery found and a zip directly in this run's backup folder. */
async function folderArtifactProblem(
  ctx: StepContext,
  backup: FilesBackup,
  folder: string,
): Promise<UpgradeError | null> {
  const { zipPath, source } = backup;
  if (!samePath(source, folder))
    return new UpgradeError(msg('rollback-proof.source-mismatch', { zip: zipPath, source, path: folder }));
  const dir = await runBackupDir(ctx);
  if (!path.isAbsolute(zipPath) || !samePath(path.dirname(zipPath), dir) || !/\.zip$/i.test(zipPath))
    return new UpgradeError(msg('rollback-proof.zip-outside', { zip: zipPath, dir, path: folder }));
  return null;
}

/** A copy of a backup made for one restore: the zip to restore from, and how to remove the copy. */
interface ProvedCopy {
  zipPath: string;
  dispose(): Promise<void>;
}

/** A folder of the run's backup folder for one artifact's copy, made protected; a leftover copy goes first. */
async function privateFolder(ctx: StepContext, backup: FilesBackup, names: string[]): Promise<string> {
  const runDir = await runBackupDir(ctx);
  const dir = await ctx.host.system.protectedFolder(
    path.join(runDir, `.rollback-${artifactKey(backup).replace(/[^a-z0-9]/gi, '-')}`),
  );
  // Only the names this copy uses: protectedFolder refused a link in its place, so these are ours.
  for (const name of names) await rm(path.join(dir, name), { force: true });
  return dir;
}

/** Room for the copy, said before it is made: a rollback that fills the disk helps no one. */
async function ensureRoom(ctx: StepContext, dir: string, zip: string, bytes: number): Promise<void> {
  const free = await ctx.host.system.freeBytes(dir);
  if (free < bytes) {
    const mb = (n: number) => Math.ceil(n / (1 << 20));
    throw new UpgradeError(
      msg('rollback-proof.copy-no-space', { zip, dir, needMb: mb(bytes), freeMb: mb(free) }),
    );
  }
}

/**
 * The folder backup, proved and copied where nobody else can write: its manifest read once
 * (hashed and parsed from the same bytes, held to the journal), its zip copied into a protected
 * folder of this run's backup folder while the copy's bytes are hashed (held to the SHA-256 the
 * zip writer computed and the verification found). The restore reads the copy alone, so a zip
 * swapped after this check changes nothing. Throws an UpgradeError naming the file; nothing in
 * the folder is touched by then.
 */
export async function provedFolderCopy(
  ctx: StepContext,
  backup: FilesBackup,
  folder: string,
): Promise<ProvedCopy> {
  const refused = await folderArtifactProblem(ctx, backup, folder);
  if (refused) throw refused;
  const manifestFile = manifestPathFor(backup.zipPath);
  const raw = await readFile(manifestFile).catch((err: unknown) => {
    throw new UpgradeError(msg('backup.files.manifest-missing', { zip: backup.zipPath }), String(err));
  });
  // A journal of an older version has no manifest hash: the entries are held to the tree hash below.
  const found = sha256Of(raw);
  if (backup.manifestSha256 !== undefined && found !== backup.manifestSha256)
    throw mismatch(manifestFile, backup.manifestSha256, found);
  const problem = manifestProblem(
    backup,
    parseManifestBytes(raw, backup.zipPath),
    ctx.profile.backupExclusions,
    manifestFile,
  );
  if (problem) throw problem;

  const name = path.basename(backup.zipPath);
  const names = [name, path.basename(manifestFile)];
  const dir = await privateFolder(ctx, backup, names);
  const zipPath = path.join(dir, name);
  const dispose = async () => {
    for (const n of names) await rm(path.join(dir, n), { force: true });
    await rmdir(dir).catch(() => undefined);
  };
  try {
    await ensureRoom(ctx, dir, backup.zipPath, backup.bytes + raw.length);
    await sealedWrite(manifestPathFor(zipPath), raw);
    const zipHash = await sealedCopy(backup.zipPath, zipPath).catch((err: unknown) => {
      throw new UpgradeError(msg('rollback-proof.copy-failed', { zip: backup.zipPath, dir }), String(err));
    });
    if (zipHash !== backup.sha256) throw mismatch(backup.zipPath, backup.sha256, zipHash);
    return { zipPath, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/** A database backup names the connection's own database, and its .bak lies where no user drops files. */
export function databaseArtifactProblem(
  ctx: StepContext,
  backup: DbBackup,
  connection: CrmConnection,
): UpgradeError | null {
  const { database } = connection;
  const discovered = ctx.discovery.connections.some(
    (c) => c.name === connection.name && c.database === database,
  );
  if (!discovered)
    return new UpgradeError(
      msg('rollback-proof.db-not-discovered', { connection: connection.name, database }),
    );
  if (backup.connection !== connection.name || backup.database !== database)
    return new UpgradeError(
      msg('rollback-proof.db-other', { connection: connection.name, database, found: backup.database }),
    );
  const file = backup.path;
  const absolute = path.isAbsolute(file) || path.win32.isAbsolute(file);
  const userFolders = [ctx.kitDir, ctx.discovery.site?.physicalPath, ctx.discovery.mobileSite?.physicalPath];
  if (
    !absolute ||
    file.split(/[\\/]/).includes('..') ||
    !/\.bak$/i.test(file) ||
    userFolders.some((f) => f !== undefined && isWithin(file, f))
  )
    return new UpgradeError(msg('rollback-proof.bak-path', { database, path: file }));
  return null;
}

/**
 * The .bak's SHA-256 now against the one its verification recorded; null when they agree or the
 * file was never readable from this server (it is on the SQL Server alone). A journal of an
 * older version recorded no hash: its .bak is not restored.
 */
export async function bakHashProblem(backup: DbBackup): Promise<UpgradeError | null> {
  const expected = backup.bakSha256;
  if (expected === undefined)
    return new UpgradeError(
      msg('rollback-proof.bak-no-hash', { database: backup.database, path: backup.path }),
    );
  if (expected === null) return null;
  const found = await sha256OfFile(backup.path).catch(() => null);
  if (found === null) return new UpgradeError(msg('rollback-proof.bak-unreadable', { file: backup.path }));
  return found === expected ? null : mismatch(backup.path, expected, found);
}
