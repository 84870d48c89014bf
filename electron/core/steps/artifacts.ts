import { access, rm } from 'node:fs/promises';
import { UpgradeError, msg } from '../../shared/message';
import { sameVersionText } from '../../shared/version-name';
import { type StepId, connectionStepId, folderStepId } from '../../shared/step-id';
import { samePath } from '../files/paths';
import { treeHash } from '../files/tree';
import { restoreZip } from '../files/zip-restore';
import type { CrmConnection } from '../ports';
import type { StepContext, UndoOutcome } from '../run/context';
import type { Artifact } from '../run/journal';
import type { FilesBackup, FolderRole } from './backup-proof';
import { bakHashProblem, databaseArtifactProblem, provedFolderCopy } from './rollback-proof';

type DbBackup = Extract<Artifact, { kind: 'db-backup' }>;

/** The reason the admin gave for skipping a backup step, if they skipped it. */
const skipReason = (ctx: StepContext, id: StepId): string | undefined =>
  ctx.steps.find((s) => s.id === id && s.status === 'skipped')?.skipReason;

/** The database's version, or null when the profile gives no way to read it: then the admin's word stands. */
export async function versionOrNull(
  ctx: Pick<StepContext, 'host'>,
  c: CrmConnection,
): Promise<string | null> {
  try {
    return await ctx.host.databases.schemaVersion(c);
  } catch (err) {
    if (err instanceof UpgradeError && err.message_.key === 'sql.no-version-query') return null;
    throw err;
  }
}

/** The backup step of a folder, for the reason it was skipped. */
function backupStepOf(role: FolderRole): StepId {
  if (role === 'crm') return 'backup.files';
  if (role === 'mobile') return 'backup.mobile-files';
  return folderStepId('backup.folder', role.slice('touched:'.length));
}

/** A folder that did not exist before the upgrade: put back as it was means gone. */
async function removeCreated(folder: string): Promise<UndoOutcome> {
  const existed = await access(folder).then(
    () => true,
    () => false,
  );
  if (existed) await rm(folder, { recursive: true, force: true });
  const gone = await access(folder).then(
    () => false,
    () => true,
  );
  const evidence = {
    path: folder,
    treeHash: gone ? 'absent' : 'present',
    expectedTreeHash: 'absent',
    treeHashMatches: gone,
  };
  if (!gone) return { status: 'failed', finding: msg('undo.files.mismatch', { path: folder }), evidence };
  return {
    status: 'done',
    finding: msg(existed ? 'undo.folder.removed' : 'undo.folder.still-absent', { path: folder }),
    evidence,
  };
}

/** Restores from a proved private copy of the backup; a refusal comes before anything is touched. */
async function restoreProved(ctx: StepContext, backup: FilesBackup, folder: string): Promise<string> {
  const copy = await provedFolderCopy(ctx, backup, folder);
  try {
    // provedFolderCopy hashed the copy as it wrote it and found backup.sha256: not read again.
    return await restoreZip(copy.zipPath, backup.source, (p) => ctx.progress(p), {
      provedZipSha256: backup.sha256,
    });
  } finally {
    await copy.dispose();
  }
}

/**
 * Puts a folder back as its verified backup saved it, and proves it by the tree hash taken
 * before the upgrade, computed again from the disk. A different tree is a failed undo. Only a
 * folder discovery found (`role` says which, as the caller found it), from this run's own
 * backup of it, proved first (rollback-proof.ts).
 */
export async function restoreFolder(
  ctx: StepContext,
  folder: string,
  role: FolderRole,
): Promise<UndoOutcome> {
  // A site's folder is where discovery found it; another one the caller resolved from those and the signed kit.
  const site = role === 'crm' ? ctx.discovery.site : ctx.discovery.mobileSite;
  if ((role === 'crm' || role === 'mobile') && !(site && samePath(folder, site.physicalPath)))
    return {
      status: 'failed',
      finding: msg('rollback-proof.folder-not-discovered', {
        path: folder,
        crm: ctx.discovery.site?.physicalPath ?? '-',
        mobile: ctx.discovery.mobileSite?.physicalPath ?? '-',
      }),
    };
  const backup = ctx.artifacts.find(
    (a): a is FilesBackup => a.kind === 'files-backup' && a.verified && (a.folder ?? 'crm') === role,
  );
  if (!backup) {
    const taken = ctx.steps.find((x) => x.id === backupStepOf(role));
    if (taken?.evidence.absent === true) return removeCreated(folder);
    const reason = skipReason(ctx, backupStepOf(role));
    return reason !== undefined
      ? { status: 'warning', finding: msg('undo.files.backup-skipped', { path: folder, reason }) }
      : { status: 'warning', finding: msg('undo.files.no-backup', { path: folder }) };
  }
  let restored: string | null = null;
  let problem: UpgradeError | null = null;
  try {
    restored = await restoreProved(ctx, backup, folder);
  } catch (err) {
    if (!(err instanceof UpgradeError)) throw err;
    // Refused, stopped or came out different: a failed undo, with the folder's proof as it is now.
    problem = err;
  }
  const onDisk = await treeHash(folder, ctx.profile.backupExclusions).catch(() => '');
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
  // An artifact naming another database or a file that is not the one verified: nothing is touched.
  const refusal = (e: UpgradeError): UndoOutcome => ({
    status: 'failed',
    finding: e.message_,
    evidence: { database, path: backup.path },
  });
  const planted = databaseArtifactProblem(ctx, backup, connection);
  if (planted) return refusal(planted);
  const now = await versionOrNull(ctx, connection);
  if (now !== null && sameVersionText(now, backup.schemaVersion))
    return {
      status: 'done',
      finding: msg('undo.db.unchanged', { database, version: now }),
      evidence: { database, version: now },
    };
  const swapped = await bakHashProblem(backup);
  if (swapped) return refusal(swapped);
  // Onto the discovered database, whatever else the artifact says.
  const target = { ...backup, connection: connection.name, database };
  await ctx.host.databases.restore(connection, target, (percent) => ctx.progress({ percent }));
  // SQL Server read the file by its path: one changed while it read is a failed undo, said as such.
  const changed = await bakHashProblem(backup);
  if (changed)
    return {
      status: 'failed',
      finding: msg('rollback-proof.bak-changed', { database, file: backup.path }),
      evidence: { database, path: backup.path, detail: changed.message_.key },
    };
  // Without a version query the restore itself is the proof: SQL Server checked the backup's checksums.
  const after = (await versionOrNull(ctx, connection)) ?? backup.schemaVersion;
  const evidence = { database, path: backup.path, version: after, expected: backup.schemaVersion };
  return sameVersionText(after, backup.schemaVersion)
    ? { status: 'done', finding: msg('undo.db.restored', { database, path: backup.path }), evidence }
    : {
        status: 'failed',
        finding: msg('undo.db.mismatch', { database, version: after, expected: backup.schemaVersion }),
        evidence,
      };
}
