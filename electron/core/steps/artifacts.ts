import { UpgradeError, msg } from '../../shared/message';
import { type StepId, connectionStepId } from '../../shared/step-id';
import { treeHash } from '../files/tree';
import { restoreZip } from '../files/zip-restore';
import type { CrmConnection } from '../ports';
import type { StepContext, UndoOutcome } from '../run/context';
import type { Artifact } from '../run/journal';

type FilesBackup = Extract<Artifact, { kind: 'files-backup' }>;
type DbBackup = Extract<Artifact, { kind: 'db-backup' }>;

/** The reason the admin gave for skipping a backup step, if they skipped it. */
const skipReason = (ctx: StepContext, id: StepId): string | undefined =>
  ctx.steps.find((s) => s.id === id && s.status === 'skipped')?.skipReason;

/** The database's version, or null when the profile gives no way to read it: then the admin's word stands. */
export async function versionOrNull(ctx: StepContext, c: CrmConnection): Promise<string | null> {
  try {
    return await ctx.host.databases.schemaVersion(c);
  } catch (err) {
    if (err instanceof UpgradeError && err.message_.key === 'sql.no-version-query') return null;
    throw err;
  }
}

/**
 * Puts a folder back as its verified backup saved it, and proves it by the tree hash taken
 * before the upgrade, computed again from the disk. A different tree is a failed undo.
 */
export async function restoreFolder(ctx: StepContext, folder: string): Promise<UndoOutcome> {
  const backup = ctx.artifacts.find(
    (a): a is FilesBackup => a.kind === 'files-backup' && a.verified && a.source === folder,
  );
  if (!backup) {
    const isMobile =
      folder === ctx.discovery.mobileSite?.physicalPath && folder !== ctx.discovery.site?.physicalPath;
    const reason = skipReason(ctx, isMobile ? 'backup.mobile-files' : 'backup.files');
    return reason !== undefined
      ? { status: 'warning', finding: msg('undo.files.backup-skipped', { path: folder, reason }) }
      : { status: 'warning', finding: msg('undo.files.no-backup', { path: folder }) };
  }
  let restored: string | null = null;
  let problem: UpgradeError | null = null;
  try {
    restored = await restoreZip(backup.zipPath, backup.source, (p) => ctx.progress(p));
  } catch (err) {
    if (!(err instanceof UpgradeError)) throw err;
    // A restore that stopped or came out different is a failed undo, with the folder's proof as it is now.
    problem = err;
  }
  const onDisk = await treeHash(backup.source, ctx.profile.backupExclusions).catch(() => '');
  const treeHashMatches = restored === backup.treeHash && onDisk === backup.treeHash;
  const evidence = {
    path: folder,
    zip: backup.zipPath,
    treeHash: onDisk,
    expectedTreeHash: backup.treeHash,
    treeHashMatches,
  };
  if (treeHashMatches)
    return {
      status: 'done',
      finding: msg('undo.files.restored', { path: folder, zip: backup.zipPath }),
      evidence,
    };
  return {
    status: 'failed',
    finding: problem?.message_ ?? msg('undo.files.mismatch', { path: folder }),
    evidence,
  };
}

/** Puts a database back from its verified backup when its version moved; an unchanged one is left alone. */
export async function restoreDatabase(ctx: StepContext, connection: CrmConnection): Promise<UndoOutcome> {
  const backup = ctx.artifacts.find(
    (a): a is DbBackup => a.kind === 'db-backup' && a.verified && a.connection === connection.name,
  );
  const database = connection.database;
  if (!backup) {
    const reason = skipReason(ctx, connectionStepId('backup.db', connection.name));
    return reason !== undefined
      ? { status: 'warning', finding: msg('undo.db.backup-skipped', { database, reason }) }
      : { status: 'failed', finding: msg('undo.db.no-backup', { database }) };
  }
  const now = await versionOrNull(ctx, connection);
  if (now === backup.schemaVersion)
    return {
      status: 'done',
      finding: msg('undo.db.unchanged', { database, version: now }),
      evidence: { database, version: now },
    };
  await ctx.host.databases.restore(connection, backup, (percent) => ctx.progress({ percent }));
  // Without a version query the restore itself is the proof: SQL Server checked the backup's checksums.
  const after = (await versionOrNull(ctx, connection)) ?? backup.schemaVersion;
  const evidence = { database, path: backup.path, version: after, expected: backup.schemaVersion };
  return after === backup.schemaVersion
    ? { status: 'done', finding: msg('undo.db.restored', { database, path: backup.path }), evidence }
    : {
        status: 'failed',
        finding: msg('undo.db.mismatch', { database, version: after, expected: backup.schemaVersion }),
        evidence,
      };
}
