import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { remedyOf } from '../../shared/i18n';
import { type Message, UpgradeError, msg } from '../../shared/message';
import { connectionStepId } from '../../shared/step-id';
import { manifestPathFor } from '../files/manifest';
import { zipFolder } from '../files/zip-backup';
import { verifyZip } from '../files/zip-verify';
import type { CrmConnection, CrmSite } from '../ports';
import type { Artifact } from '../run/journal';
import type { StepContext, StepDefinition, StepOutcome } from '../run/context';

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');

function asFailure(err: unknown, fallback: Message): StepOutcome {
  const finding = err instanceof UpgradeError ? err.message_ : fallback;
  return { status: 'failed', finding, remedy: remedyOf(finding) ?? msg('engine.step-crashed.remedy') };
}

type FilesBackup = Extract<Artifact, { kind: 'files-backup' }>;
type FolderRole = NonNullable<FilesBackup['folder']>;

/** A folder a setup can change, with its own backup and verify steps and its own artifact key. */
interface BackupFolder {
  role: FolderRole;
  backupId: 'backup.files' | 'backup.mobile-files';
  verifyId: 'backup.verify-files' | 'backup.verify-mobile-files';
  /** The artifact key, as artifactKey gives it: 'files' for the CRM, 'files:mobile'. */
  produces: string;
  site: (ctx: Pick<StepContext, 'discovery'>) => CrmSite | null;
}

export const CRM_FOLDER: BackupFolder = {
  role: 'crm',
  backupId: 'backup.files',
  verifyId: 'backup.verify-files',
  produces: 'files',
  site: (ctx) => ctx.discovery.site,
};

export const MOBILE_FOLDER: BackupFolder = {
  role: 'mobile',
  backupId: 'backup.mobile-files',
  verifyId: 'backup.verify-mobile-files',
  produces: 'files:mobile',
  site: (ctx) => ctx.discovery.mobileSite,
};

const folderRole = (a: FilesBackup): FolderRole => a.folder ?? 'crm';

/** The run's backup folder: one per run, so that everything in it belongs to this run. */
async function runBackupDir(ctx: StepContext): Promise<string> {
  const base = ctx.options.backupDir ?? (await ctx.host.system.defaultBackupDir());
  return path.join(base, `${ctx.discovery.hostname}-${ctx.runId}`);
}

/**
 * Removes what an interrupted backup of this folder left in the run's backup folder: a partial
 * zip, its manifest, a 0-byte manifest. What the journal names (a backup taken, verified or
 * not) stays; so does anything that is not one of this folder's backup files.
 */
export async function removeLeftovers(ctx: StepContext, site: CrmSite, dir: string): Promise<string[]> {
  const named = new Set(
    ctx.artifacts.flatMap((a) =>
      a.kind === 'files-backup' ? [path.resolve(a.zipPath), path.resolve(manifestPathFor(a.zipPath))] : [],
    ),
  );
  const prefix = `${site.siteName}-files-`;
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
  for (const site of [ctx.discovery.site, ctx.discovery.mobileSite])
    if (site) await removeLeftovers(ctx, site, dir);
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
    title: msg(`step.${folder.backupId}.title`),
    async run(ctx) {
      const site = folder.site(ctx);
      if (!site)
        return {
          status: 'failed',
          finding: msg('check.disk.no-site.finding'),
          remedy: msg('check.disk.no-site.remedy'),
        };
      const dir = await runBackupDir(ctx);
      await mkdir(dir, { recursive: true });
      // A retry after a crash: the partial zip and manifest of the attempt cut short go first.
      await removeLeftovers(ctx, site, dir);
      const zipPath = path.join(dir, `${site.siteName}-files-${stamp()}.zip`);
      ctx.log('info', msg('backup.files.started', { source: site.physicalPath, zip: zipPath }));
      try {
        const manifest = await zipFolder(site.physicalPath, zipPath, {
          exclusions: ctx.profile.backupExclusions,
          onProgress: (p) => ctx.progress(p),
        });
        const artifact: Artifact = {
          kind: 'files-backup',
          ...(folder.role === 'crm' ? {} : { folder: folder.role }),
          zipPath,
          source: site.physicalPath,
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
            folder: site.physicalPath,
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
    },
  };
}

function folderVerify(folder: BackupFolder): StepDefinition {
  return {
    id: folder.verifyId,
    phase: 'backup',
    kind: 'check',
    severity: 'blocking',
    skippable: false,
    title: msg(`step.${folder.verifyId}.title`),
    async run(ctx) {
      const artifact = ctx.artifacts.find(
        (a): a is FilesBackup => a.kind === 'files-backup' && folderRole(a) === folder.role,
      );
      if (!artifact)
        return {
          status: 'failed',
          finding: msg('backup.verify.no-backup'),
          remedy: msg('backup.verify.no-backup.remedy'),
        };
      try {
        const manifest = await verifyZip(artifact.zipPath, (p) => ctx.progress(p));
        await ctx.recordArtifact({ ...artifact, verified: true });
        // The backup folder holds only verified backups and what the journal names.
        const site = folder.site(ctx);
        if (site) await removeLeftovers(ctx, site, path.dirname(artifact.zipPath));
        return {
          status: 'passed',
          evidence: {
            folder: artifact.source,
            zip: artifact.zipPath,
            entries: manifest.entries.length,
            sha256: manifest.zip.sha256,
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
    async run(ctx) {
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
          },
        };
      } catch (err) {
        ctx.log('error', msg('backup.db.failed', { database: c.database }), String(err));
        return asFailure(err, msg('backup.db.failed', { database: c.database }));
      }
    },
  };
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
      if (!artifact)
        return {
          status: 'failed',
          finding: msg('backup.verify.no-backup'),
          remedy: msg('backup.verify.no-backup.remedy'),
        };
      try {
        await ctx.host.databases.verify(c, artifact, (percent) => ctx.progress({ percent }));
        await ctx.recordArtifact({ ...artifact, verified: true });
        return { status: 'passed', evidence: { path: artifact.path, sha256: artifact.sha256 } };
      } catch (err) {
        return asFailure(err, msg('sql.verify-failed', { database: c.database, path: artifact.path }));
      }
    },
  };
}

export function backupSteps(ctx: Pick<StepContext, 'discovery'>): StepDefinition[] {
  return [
    filesBackup,
    filesVerify,
    ...(ctx.discovery.mobileSite ? [mobileFilesBackup, mobileFilesVerify] : []),
    ...ctx.discovery.connections.flatMap((c) => [databaseBackup(c), databaseVerify(c)]),
  ];
}
