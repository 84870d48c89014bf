import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { remedyOf } from '../../shared/i18n';
import { type Message, UpgradeError, msg } from '../../shared/message';
import { connectionStepId } from '../../shared/step-id';
import { zipFolder } from '../files/zip-backup';
import { verifyZip } from '../files/zip-verify';
import type { CrmConnection } from '../ports';
import type { Artifact } from '../run/journal';
import type { StepContext, StepDefinition, StepOutcome } from '../run/context';

const stamp = () => new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');

function asFailure(err: unknown, fallback: Message): StepOutcome {
  const finding = err instanceof UpgradeError ? err.message_ : fallback;
  return { status: 'failed', finding, remedy: remedyOf(finding) ?? msg('engine.step-crashed.remedy') };
}

export const filesBackup: StepDefinition = {
  id: 'backup.files',
  phase: 'backup',
  kind: 'action',
  skippable: true,
  skipAhead: true,
  skipAlso: ['backup.verify-files'],
  produces: 'files',
  title: msg('step.backup.files.title'),
  async run(ctx) {
    const site = ctx.discovery.site;
    if (!site)
      return {
        status: 'failed',
        finding: msg('check.disk.no-site.finding'),
        remedy: msg('check.disk.no-site.remedy'),
      };
    const base = ctx.options.backupDir ?? (await ctx.host.system.defaultBackupDir());
    const dir = path.join(base, `${ctx.discovery.hostname}-${ctx.runId}`);
    await mkdir(dir, { recursive: true });
    const zipPath = path.join(dir, `${site.siteName}-files-${stamp()}.zip`);
    ctx.log('info', msg('backup.files.started', { source: site.physicalPath, zip: zipPath }));
    try {
      const manifest = await zipFolder(site.physicalPath, zipPath, {
        exclusions: ctx.profile.backupExclusions,
        onProgress: (p) => ctx.progress(p),
      });
      const artifact: Artifact = {
        kind: 'files-backup',
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
          zip: zipPath,
          bytes: artifact.bytes,
          entries: artifact.entries,
          sha256: artifact.sha256,
          excluded: ctx.profile.backupExclusions.join(', '),
        },
      };
    } catch (err) {
      ctx.log('error', msg('backup.files.failed'), String(err));
      return asFailure(err, msg('backup.files.failed', { zip: zipPath }));
    }
  },
};

export const filesVerify: StepDefinition = {
  id: 'backup.verify-files',
  phase: 'backup',
  kind: 'check',
  severity: 'blocking',
  skippable: false,
  title: msg('step.backup.verify-files.title'),
  async run(ctx) {
    const artifact = ctx.artifacts.find(
      (a): a is Extract<Artifact, { kind: 'files-backup' }> => a.kind === 'files-backup',
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
      return {
        status: 'passed',
        evidence: { zip: artifact.zipPath, entries: manifest.entries.length, sha256: manifest.zip.sha256 },
      };
    } catch (err) {
      return asFailure(
        err,
        msg('backup.files.verify-failed', { zip: artifact.zipPath, entry: '', problem: String(err) }),
      );
    }
  },
};

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
    ...ctx.discovery.connections.flatMap((c) => [databaseBackup(c), databaseVerify(c)]),
  ];
}
