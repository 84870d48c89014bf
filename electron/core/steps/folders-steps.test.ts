import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestPathFor } from '../files/manifest';
import { type ReportRollback, renderReportHtml, reportProofs, restoredAsBefore } from '../report/report';
import { type Artifact, artifactKey } from '../run/journal';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { closeAfterEach } from '../../testing/session-harness';
import { practiceStepContext } from '../../testing/step-context';
import { filesBackup, filesVerify, mobileFilesBackup, mobileFilesVerify } from './backup';
import { buildPlan } from './plan';
import { versionCheck } from './checks';

/** Issue 11, step by step: each folder's backup, leftovers cleaned, the version check on half-done upgrades. */

const TO = '7.8.5.13100517_x64';
const FROM = '7.8.4.13050210_x64';

let fx: PracticeFixture | undefined;
closeAfterEach(() => [fx]);

describe('each folder its own backup', () => {
  it('the plan backs up the CRM folder and, when MOBILE is installed, the MOBILE folder', async () => {
    fx = await practiceFixture();
    const ctx = await practiceStepContext(fx, { backupDir: path.join(fx.root, 'copie') });
    const ids = buildPlan(ctx).map((s) => s.id);
    expect(ids.filter((id) => id.startsWith('backup.') && id.endsWith('files'))).toEqual([
      'backup.files',
      'backup.verify-files',
      'backup.mobile-files',
      'backup.verify-mobile-files',
    ]);
    expect(buildPlan(ctx).find((s) => s.id === 'backup.mobile-files')?.produces).toBe('files:mobile');
    const noMobile = buildPlan({ ...ctx, discovery: { ...ctx.discovery, mobileSite: null } }).map(
      (s) => s.id,
    );
    expect(noMobile).not.toContain('backup.mobile-files');
    expect(noMobile).not.toContain('backup.verify-mobile-files');
  });

  it('records a verified backup per folder, each under its own key; a retry removes what a killed one left', async () => {
    fx = await practiceFixture();
    const copie = path.join(fx.root, 'copie');
    const ctx = await practiceStepContext(fx, { backupDir: copie });
    const dir = path.join(copie, `${ctx.discovery.hostname}-run-1`);
    // As the killed run made them: for Administrators and SYSTEM only (0o700 here).
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // What a backup killed mid-way leaves: a partial zip, its manifest, a 0-byte manifest; and a stranger.
    await writeFile(path.join(dir, 'CRM-files-20261127-101010.zip'), 'PK partial');
    await writeFile(path.join(dir, 'CRM-files-20261127-101010.zip.manifest.json'), '{"format":1,');
    await writeFile(path.join(dir, 'CRM-files-20261127-101111.zip.manifest.json'), '');
    await writeFile(path.join(dir, 'LEGGIMI.txt'), 'not a backup: stays');

    expect((await filesBackup.run(ctx)).status).toBe('passed');
    const crmZip = ctx.artifacts[0]?.kind === 'files-backup' ? ctx.artifacts[0].zipPath : '';
    expect((await readdir(dir)).sort()).toEqual(
      ['LEGGIMI.txt', path.basename(crmZip), path.basename(manifestPathFor(crmZip))].sort(),
    );

    // Another killed attempt, now at MOBILE's: its retry cleans it, the CRM's backup stays.
    await writeFile(path.join(dir, 'CRM-Mobile-files-20261127-101212.zip'), 'PK partial');
    expect((await mobileFilesBackup.run(ctx)).status).toBe('passed');
    expect((await filesVerify.run(ctx)).status).toBe('passed');
    expect((await mobileFilesVerify.run(ctx)).status).toBe('passed');
    expect(
      ctx.artifacts.map((a) => [artifactKey(a), a.kind === 'files-backup' && a.source, a.verified]),
    ).toEqual([
      ['files', ctx.discovery.site?.physicalPath, true],
      ['files:mobile', ctx.discovery.mobileSite?.physicalPath, true],
    ]);
    const named = ctx.artifacts.flatMap((a) =>
      a.kind === 'files-backup' ? [path.basename(a.zipPath), path.basename(manifestPathFor(a.zipPath))] : [],
    );
    expect((await readdir(dir)).sort()).toEqual(['LEGGIMI.txt', ...named].sort());
  });

  it('a journal written before there were per-folder keys reads its files backup as the CRM folder', () => {
    const old = {
      kind: 'files-backup',
      zipPath: 'a.zip',
      source: 'C:\\inetpub\\wwwroot\\CRM',
      treeHash: 'x',
      bytes: 1,
      sha256: 'y',
      entries: 1,
      durationMs: 1,
      verified: true,
    } as const;
    expect(artifactKey(old)).toBe('files');
    expect(artifactKey({ ...old, folder: 'mobile' })).toBe('files:mobile');
  });
});

describe('the report proves each folder and database', () => {
  it('lists each with its backup and, after a rollback, the tree hash or version found', () => {
    const artifacts: Artifact[] = [
      {
        kind: 'files-backup',
        zipPath: '/copie/CRM.zip',
        source: '/srv/CRM',
        treeHash: 'aaa',
        bytes: 1,
        sha256: 's1',
        entries: 1,
        durationMs: 1,
        verified: true,
      },
      {
        kind: 'files-backup',
        folder: 'mobile',
        zipPath: '/copie/Mobile.zip',
        source: '/srv/CRMMobile',
        treeHash: 'bbb',
        bytes: 1,
        sha256: 's2',
        entries: 1,
        durationMs: 1,
        verified: true,
      },
      {
        kind: 'db-backup',
        connection: 'Produzione',
        database: 'CRM_PROD',
        schemaVersion: FROM,
        path: '/sql/CRM_PROD.bak',
        bytes: 1,
        sha256: 's3',
        position: 1,
        durationMs: 1,
        verified: true,
      },
    ];
    const at = '2026-11-27T10:00:00.000Z';
    const rollback: ReportRollback = {
      startedAt: at,
      finishedAt: at,
      undos: [
        {
          stepId: 'upgrade.mobile-setup' as const,
          status: 'failed' as const,
          startedAt: at,
          title: { key: 'step.upgrade.mobile-setup.title' as const },
          evidence: { path: '/srv/CRMMobile', treeHash: 'ccc', treeHashMatches: false },
        },
        {
          stepId: 'upgrade.setup' as const,
          status: 'done' as const,
          startedAt: at,
          title: { key: 'step.upgrade.setup.title' as const },
          evidence: { path: '/srv/CRM', treeHash: 'aaa', treeHashMatches: true },
        },
        {
          stepId: 'after.db-update:Produzione' as const,
          status: 'done' as const,
          startedAt: at,
          title: { key: 'step.after.db-update.title' as const, params: { connection: 'Produzione' } },
          evidence: { database: 'CRM_PROD', version: FROM },
        },
      ],
    };
    expect(
      reportProofs(artifacts, rollback.undos).map((p) => [p.kind, p.name, p.rolledBack?.matches]),
    ).toEqual([
      ['folder', '/srv/CRM', true],
      ['folder', '/srv/CRMMobile', false],
      ['database', 'CRM_PROD', true],
    ]);
    expect(restoredAsBefore(reportProofs(artifacts, rollback.undos))).toBe(false);
    expect(reportProofs(artifacts).every((p) => p.rolledBack === null)).toBe(true);
    const session = {
      mode: 'practice',
      server: { hostname: 'CRM-APP01', installedVersion: FROM, installPath: '/srv/CRM' },
      steps: [],
    } as unknown as Parameters<typeof renderReportHtml>[0]['session'];
    const html = renderReportHtml(
      {
        session,
        outcome: 'failed',
        fromVersion: FROM,
        toVersion: TO,
        kitKey: null,
        artifacts,
        rollback,
        startedAt: at,
        finishedAt: at,
      },
      'en',
    );
    expect(html).toContain('Folders and databases');
    expect(html).toContain('folder <b>/srv/CRM</b>: copy verified /copie/CRM.zip; tree hash before aaa');
    expect(html).toContain('restored: DIFFERENT from before</b> (found ccc)');
    expect(html).toContain('database <b>CRM_PROD</b>');
  });
});

describe('check.version on a half-finished upgrade', () => {
  it('files at the kit version, databases behind: "Aggiorna Database" still needed on each, named', async () => {
    fx = await practiceFixture();
    await writeFile(path.join(fx.appDir, 'bin', 'version.txt'), `${TO}\n`);
    const ctx = await practiceStepContext(fx, { backupDir: path.join(fx.root, 'copie') });
    const mobile = ctx.discovery.mobileSite?.physicalPath ?? '';
    await writeFile(path.join(mobile, 'bin', 'version.txt'), `${TO}\n`);
    const out = await versionCheck.run(ctx);
    expect(out).toMatchObject({
      status: 'warning',
      finding: { key: 'check.version.db-behind.finding', params: { connections: 'Produzione, Formazione' } },
      evidence: { halfFinished: true },
    });
    expect(out.finding?.key).not.toBe('check.version.same.finding');

    // MOBILE left behind the CRM, the databases done.
    await fx.host.practice?.pressAggiornaDatabase('Produzione');
    await fx.host.practice?.pressAggiornaDatabase('Formazione');
    await writeFile(path.join(mobile, 'bin', 'version.txt'), `${FROM}\n`);
    expect(await versionCheck.run(ctx)).toMatchObject({
      status: 'warning',
      finding: { key: 'check.version.mobile-behind.finding', params: { mobile: FROM } },
    });
    // All at the kit version: the same build.
    await writeFile(path.join(mobile, 'bin', 'version.txt'), `${TO}\n`);
    expect((await versionCheck.run(ctx)).finding?.key).toBe('check.version.same.finding');
    expect(await readFile(path.join(fx.appDir, 'bin', 'version.txt'), 'utf8')).toBe(`${TO}\n`);
  });

  it('an upgrade not begun (files older than the kit) passes as before', async () => {
    fx = await practiceFixture();
    const ctx = await practiceStepContext(fx, { backupDir: path.join(fx.root, 'copie') });
    expect(await versionCheck.run(ctx)).toMatchObject({
      status: 'passed',
      finding: { key: 'check.version.upgrade' },
    });
  });
});
