import { access, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { remedyOf } from '../../shared/i18n';
import { type Message, UpgradeError, msg } from '../../shared/message';
import { type StepId, connectionStepId, folderStepId } from '../../shared/step-id';
import { manifestPathFor } from '../files/manifest';
import { sha256OfFile } from '../files/sealed-copy';
import { zipFolder } from '../files/zip-backup';
import { verifyBackup } from '../files/zip-verify';
import type { CrmConnection, CrmSite } from '../ports';
import type { Artifact } from '../run/journal';
import type { StepContext, StepDefinition, StepOutcome } from '../run/context';
import { type FilesBackup, type FolderRole, manifestProblem } from './backup-proof';
import { farmDatabaseBackup, undoDatabaseBackup } from './farm';
import { type TouchedFolder, resolveTouched, touchedFolders } from './touched-folders';

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');

function asFailure(err: unknown, fallback: Message): StepOutcome {
  const finding = err instanceof UpgradeError ? err.message_ : fallback;
  return { status: 'failed', finding, remedy: remedyOf(finding) ?? msg('engine.step-crashed.remedy') };
}

/** Where a folder is on this server, and the name its zips start with; or why it cannot be copied. */
type Located = { name: string; path: string } | { problem: Message };

/** A folder a setup can change, with its own backup and verify steps and its own artifact key. */
interface BackupFolder {
  role: FolderRole;
  backupId: StepId;
  verifyId: StepId;
  backupTitle: Message;
  verifyTitle: Message;
  /** The artifact key, as artifactKey gives it: 'files' for the CRM, 'files:mobile', 'files:touched:<name>'. */
  produces: string;
  /** `backupDir` is the run's backup folder: a folder inside it is refused. */
  locate(ctx: StepContext, backupDir: string): Promise<Located>;
  /** A folder a setup may create: absent before the upgrade is a fact its rollback undoes, not a failure. */
  mayBeAbsent?: boolean;
}

const siteFolder =
  (pick: (ctx: StepContext) => CrmSite | null) =>
  async (ctx: StepContext): Promise<Located> => {
    const site = pick(ctx);
    return site
      ? { name: site.siteName, path: site.physicalPath }
      : { problem: msg('check.disk.no-site.finding') };
  };

const CRM_FOLDER: BackupFolder = {
  role: 'crm',
  backupId: 'backup.files',
  verifyId: 'backup.verify-files',
  backupTitle: msg('step.backup.files.title'),
  verifyTitle: msg('step.backup.verify-files.title'),
  produces: 'files',
  locate: siteFolder((ctx) => ctx.discovery.site),
};

const MOBILE_FOLDER: BackupFolder = {
  role: 'mobile',
  backupId: 'backup.mobile-files',
  verifyId: 'backup.verify-mobile-files',
  backupTitle: msg('step.backup.mobile-files.title'),
  verifyTitle: msg('step.backup.verify-mobile-files.title'),
  produces: 'files:mobile',
  locate: siteFolder((ctx) => ctx.discovery.mobileSite),
};

/** Another folder the kit says a setup changes: found from the signed manifest and discovery alone. */
function touchedBackupFolder(folder: TouchedFolder): BackupFolder {
  const role = `touched:${folder.name}` as const;
  const params = { name: folder.name };
  return {
    role,
    backupId: folderStepId('backup.folder', folder.name),
    verifyId: folderStepId('backup.verify-folder', folder.name),
    backupTitle: msg('step.backup.folder.title', params),
    verifyTitle: msg('step.backup.verify-folder.title', params),
    produces: `files:${role}`,
    mayBeAbsent: true,
    async locate(ctx, backupDir) {
      const where = resolveTouched(folder, ctx.discovery, backupDir);
      return 'problem' in where ? where : { name: `folder-${folder.name}`, path: where.path };
    },
  };
}

const exists = (p: string) =>
  access(p).then(
    () => true,
    () => false,
  );

const folderRole = (a: FilesBackup): FolderRole => a.folder ?? 'crm';

/** The evidence key under which the disk check (passed) and each folder backup journal the run's backup folder. */
export const RUN_BACKUP_DIR = 'runBackupDir';

/**
 * The run's backup folder: one per run, so that everything in it belongs to this run. The disk
 * check, or the first folder backup when that check was skipped, decides it and journals it in
 * its evidence; every later use (the other backups, the rollback's proof, the tidy-up, a resumed
 * run) reads that one. Decided again, it could move: the default drive is the one with most
 * room, and the zips change which that is.
 */
export async function runBackupDir(ctx: StepContext): Promise<string> {
  const journaled = ctx.steps
    .map((s) => s.evidence[RUN_BACKUP_DIR])
    .find((dir): dir is string => typeof dir === 'string');
  if (journaled !== undefined) return journaled;
  const base = ctx.options.backupDir ?? (await ctx.host.system.defaultBackupDir());
  return path.join(base, `${ctx.discovery.hostname}-${ctx.runId}`);
}

/**
 * Removes what an interrupted backup of this folder left in the run's backup folder: a partial
 * zip, its manifest, a 0-byte manifest. What the journal names (a backup taken, verified or
 * not) stays; so does anything that is not one of this folder's backup files.
 */
async function removeLeftovers(ctx: StepContext, name: string, dir: string): Promise<string[]> {
  const named = new Set(
    ctx.artifacts.flatMap((a) =>
      a.kind === 'files-backup' ? [path.resolve(a.zipPath), path.resolve(manifestPathFor(a.zipPath))] : [],
    ),
  );
  const prefix = `${name}-files-`;
  const names = await readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !/\.zip(\.manifest\.json)?$/.test(name)) continue;
    const full = path.resolve(dir, name);
    if (named.has(full)) continue;
    await rm(full, { force: true });
    removed.push(full);
  }
  if (removed.length > 0)
    ctx.log('info', msg('backup.files.leftovers-removed', { files: removed.join(', ') }));
  return removed;
}

/** At the end of a run, upgraded or rolled back: the backup folder keeps only what the journal names. */
export async function removeRunLeftovers(ctx: StepContext): Promise<void> {
  const dir = await runBackupDir(ctx);
  for (const folder of backupFolders(ctx)) {
    const where = await folder.locate(ctx, dir);
    if ('name' in where) await removeLeftovers(ctx, where.name, dir);
  }
}

/** Zips the folder into the run's backup folder `dir` and records the backup, unverified. */
async function backUpFolder(ctx: StepContext, folder: BackupFolder, dir: string): Promise<StepOutcome> {
  const site = await folder.locate(ctx, dir);
  if ('problem' in site)
    return { status: 'failed', finding: site.problem, remedy: remedyOf(site.problem) ?? undefined };
  if (folder.mayBeAbsent && !(await exists(site.path)))
    return {
      status: 'warning',
      finding: msg('backup.folder.absent', { path: site.path }),
      evidence: { folder: site.path, absent: true },
    };
  // For Administrators and SYSTEM only (the zips hold web.config): the folder holding this run's
  // (the admin's own, or the default) is checked or made like the default one, and this run's
  // folder is made (or, on a retry, checked) inside it. A refusal fails the step with what to do.
  await ctx.host.system.protectedFolder(path.dirname(dir));
  await ctx.host.system.protectedFolder(dir);
  // A retry after a crash: the partial zip and manifest of the attempt cut short go first.
  await removeLeftovers(ctx, site.name, dir);
  const zipPath = path.join(dir, `${site.name}-files-${stamp()}.zip`);
  ctx.log('info', msg('backup.files.started', { source: site.path, zip: zipPath }));
  try {
    const manifest = await zipFolder(site.path, zipPath, {
      exclusions: ctx.profile.backupExclusions,
      onProgress: (p) => ctx.progress(p),
    });
    const artifact: Artifact = {
      kind: 'files-backup',
      ...(folder.role === 'crm' ? {} : { folder: folder.role }),
      zipPath,
      source: site.path,
      treeHash: manifest.treeHash,
      bytes: manifest.zip.bytes,
      sha256: manifest.zip.sha256,
      entries: manifest.entryCount,
      durationMs: manifest.durationMs,
      verified: false,
    };
    await ctx.recordArtifact(artifact);
    return {
      status: 'passed',
      finding: msg('backup.files.done', { zip: zipPath }),
      evidence: {
        folder: site.path,
        zip: zipPath,
        bytes: artifact.bytes,
        entries: artifact.entries,
        sha256: artifact.sha256,
        treeHash: artifact.treeHash,
        excluded: ctx.profile.backupExclusions.join(', '),
      },
    };
  } catch (err) {
    ctx.log('error', msg('backup.files.failed'), String(err));
    return asFailure(err, msg('backup.files.failed', { zip: zipPath }));
  }
}

function folderBackup(folder: BackupFolder): StepDefinition {
  return {
    id: folder.backupId,
    phase: 'backup',
    kind: 'action',
    skippable: true,
    skipAhead: true,
    skipAlso: [folder.verifyId],
    produces: folder.produces,
    title: folder.backupTitle,
    async run(ctx) {
      const dir = await runBackupDir(ctx);
      const outcome = await backUpFolder(ctx, folder, dir);
      // Journaled whatever the outcome: a retry cleans up in the same folder, and every later use reads it.
      return { ...outcome, evidence: { ...outcome.evidence, [RUN_BACKUP_DIR]: dir } };
    },
  };
}

/** The database was found already updated by the farm's run, with no backup in the ledger: nothing to verify. */
function alreadyUpdated(ctx: StepContext, c: CrmConnection): StepOutcome | null {
  const taken = ctx.steps.find((s) => s.id === connectionStepId('backup.db', c.name));
  if (taken?.status !== 'warning' || taken.evidence.alreadyUpdated !== true) return null;
  return { status: 'warning', finding: taken.finding, ...(taken.remedy ? { remedy: taken.remedy } : {}) };
}

const noBackup = (): StepOutcome => ({
  status: 'failed',
  finding: msg('backup.verify.no-backup'),
  remedy: msg('backup.verify.no-backup.remedy'),
});

function folderVerify(folder: BackupFolder): StepDefinition {
  return {
    id: folder.verifyId,
    phase: 'backup',
    kind: 'check',
    severity: 'blocking',
    skippable: false,
    title: folder.verifyTitle,
    async run(ctx) {
      const artifact = ctx.artifacts.find(
        (a): a is FilesBackup => a.kind === 'files-backup' && folderRole(a) === folder.role,
      );
      const taken = ctx.steps.find((x) => x.id === folder.backupId);
      if (!artifact && folder.mayBeAbsent && taken?.evidence.absent === true) {
        const where = String(taken.evidence.folder);
        return {
          status: 'passed',
          finding: msg('backup.folder.absent', { path: where }),
          evidence: { absent: true },
        };
      }
      if (!artifact) return noBackup();
      try {
        const verified = await verifyBackup(artifact.zipPath, (p) => ctx.progress(p));
        const { manifest, manifestSha256 } = verified;
        // Verified is the zip the writer wrote, whose manifest describes the folder it measured.
        const problem =
          verified.zipSha256 !== artifact.sha256
            ? new UpgradeError(
                msg('rollback-proof.verify-changed', {
                  file: artifact.zipPath,
                  expected: artifact.sha256,
                  found: verified.zipSha256,
                }),
              )
            : manifestProblem(
                artifact,
                manifest,
                ctx.profile.backupExclusions,
                manifestPathFor(artifact.zipPath),
              );
        if (problem) throw problem;
        // The hashes the rollback will hold the files to (the zip's is `sha256`, found equal here).
        await ctx.recordArtifact({ ...artifact, verified: true, manifestSha256 });
        return {
          status: 'passed',
          evidence: {
            folder: artifact.source,
            zip: artifact.zipPath,
            entries: manifest.entries.length,
            sha256: manifest.zip.sha256,
            manifestSha256,
            treeHash: artifact.treeHash,
          },
        };
      } catch (err) {
        return asFailure(
          err,
          msg('backup.files.verify-failed', { zip: artifact.zipPath, entry: '', problem: String(err) }),
        );
      }
    },
  };
}

/** The CRM folder's backup and verify: 'backup.files', 'backup.verify-files', artifact key 'files'. */
export const filesBackup: StepDefinition = folderBackup(CRM_FOLDER);
export const filesVerify: StepDefinition = folderVerify(CRM_FOLDER);
/** The MOBILE folder's, when MOBILE is installed: its setup changes it too. */
export const mobileFilesBackup: StepDefinition = folderBackup(MOBILE_FOLDER);
export const mobileFilesVerify: StepDefinition = folderVerify(MOBILE_FOLDER);

export function databaseBackup(c: CrmConnection): StepDefinition {
  return {
    id: connectionStepId('backup.db', c.name),
    phase: 'backup',
    kind: 'action',
    skippable: true,
    skipAhead: true,
    connection: c.name,
    skipAlso: [connectionStepId('backup.verify-db', c.name)],
    produces: `db:${c.name}`,
    title: msg('step.backup.db.title', { connection: c.name, database: c.database }),
    waitsOnFarm: true,
    run: (ctx) => farmDatabaseBackup(ctx, c, () => takeDatabaseBackup(ctx, c)),
    /**
     * Issue 15: the database back as the farm's backup saved it, when its version moved; once for
     * the farm. Waiting for the farm, this server took none: the database is not its to restore.
     */
    undo: (ctx) => undoDatabaseBackup(ctx, c),
  };
}

/** This server's own backup of the database, recorded for its verification. */
async function takeDatabaseBackup(ctx: StepContext, c: CrmConnection): Promise<StepOutcome> {
  try {
    const b = await ctx.host.databases.backup(c, (percent) => ctx.progress({ percent }));
    await ctx.recordArtifact({ kind: 'db-backup', ...b, verified: false });
    return {
      status: 'passed',
      finding: msg('backup.db.done', { database: c.database, path: b.path }),
      evidence: {
        database: c.database,
        path: b.path,
        bytes: b.bytes,
        sha256: b.sha256,
        schemaVersion: b.schemaVersion,
        [`dbVersion.${c.name}`]: b.schemaVersion,
      },
    };
  } catch (err) {
    ctx.log('error', msg('backup.db.failed', { database: c.database }), String(err));
    return asFailure(err, msg('backup.db.failed', { database: c.database }));
  }
}

/** The .bak's SHA-256 for the rollback; null when this server cannot read it (it is on the SQL Server alone). */
async function bakHashOrNull(ctx: StepContext, file: string): Promise<string | null> {
  try {
    return await sha256OfFile(file);
  } catch (err) {
    ctx.log('info', msg('rollback-proof.bak-not-here', { path: file }), String(err));
    return null;
  }
}

export function databaseVerify(c: CrmConnection): StepDefinition {
  return {
    id: connectionStepId('backup.verify-db', c.name),
    connection: c.name,
    phase: 'backup',
    kind: 'check',
    severity: 'blocking',
    skippable: false,
    title: msg('step.backup.verify-db.title', { connection: c.name, database: c.database }),
    async run(ctx) {
      const artifact = ctx.artifacts.find(
        (a): a is Extract<Artifact, { kind: 'db-backup' }> =>
          a.kind === 'db-backup' && a.connection === c.name,
      );
      if (!artifact) return alreadyUpdated(ctx, c) ?? noBackup();
      try {
        // Hashed before SQL Server reads it: a file changed after this is refused by the rollback.
        const bakSha256 = await bakHashOrNull(ctx, artifact.path);
        await ctx.host.databases.verify(c, artifact, (percent) => ctx.progress({ percent }));
        await ctx.recordArtifact({ ...artifact, verified: true, bakSha256 });
        return {
          status: 'passed',
          evidence: { path: artifact.path, sha256: artifact.sha256, bakSha256: bakSha256 ?? '-' },
        };
      } catch (err) {
        return asFailure(err, msg('sql.verify-failed', { database: c.database, path: artifact.path }));
      }
    },
  };
}

/** Every folder a setup of this kit changes on this server: the CRM's, MOBILE's, the kit's others. */
function backupFolders(ctx: Pick<StepContext, 'discovery' | 'kit'>): BackupFolder[] {
  return [
    CRM_FOLDER,
    ...(ctx.discovery.mobileSite ? [MOBILE_FOLDER] : []),
    ...touchedFolders(ctx.kit, ctx.discovery).map(touchedBackupFolder),
  ];
}

/** Each folder's backup and its verification, then (after the pools stop) each database's. */
export function backupSteps(ctx: Pick<StepContext, 'discovery' | 'kit'>): {
  folders: StepDefinition[];
  databases: StepDefinition[];
} {
  return {
    folders: backupFolders(ctx).flatMap((f) => [folderBackup(f), folderVerify(f)]),
    databases: ctx.discovery.connections.flatMap((c) => [databaseBackup(c), databaseVerify(c)]),
  };
}
