import { access, copyFile, mkdir, readFile, readdir, rename, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Of } from '../files/hash';
import { type BackupManifest, manifestPathFor } from '../files/manifest';
import { treeHash } from '../files/tree';
import { zipFolder } from '../files/zip-backup';
import type { Host } from '../ports';
import { type AppSession, openSession } from '../session';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { closeAfterEach, settle } from '../../testing/session-harness';
import { type Artifact, JOURNAL_FILE, artifactKey, readJournal, replay } from './journal';

/**
 * Issue 12, "Rollback verifies before it touches anything": the backups swapped after their
 * verification are refused by the rollback, which then touches nothing and does not say
 * "rolled back"; with the originals put back, the same rollback goes through.
 */

const FROM = '7.8.4.13050210_x64';
const TO = '7.8.5.13100517_x64';
const EXCLUDED = ['App_Data/Logs'];

let fx: PracticeFixture | undefined;
let session: AppSession | undefined;
closeAfterEach(() => [session, fx]);

/** A run started and under way (on the practice host as `wrap` changes it); with the CRM folder's tree hash before it began. */
async function open(
  options: Parameters<typeof practiceFixture>[0],
  wrap: (host: Host) => Host = (host) => host,
): Promise<{ s: AppSession; original: string }> {
  fx = await practiceFixture(options);
  const original = await treeHash(fx.appDir, EXCLUDED);
  session = await openSession({ host: wrap(fx.host), kitDir: fx.kitDir, setupTimeoutMs: 20_000 });
  await session.handlers.practiceLogOffUsers();
  await session.handlers.startRun();
  await settle(session);
  expect(await session.handlers.confirmStep('check.release-notes')).toEqual({ ok: true });
  return { s: session, original };
}

async function journalOf(s: AppSession) {
  return replay(await readJournal(path.join(s.runFolder, JOURNAL_FILE)));
}

async function artifact<K extends Artifact['kind']>(
  s: AppSession,
  key: string,
): Promise<Extract<Artifact, { kind: K }>> {
  const found = (await journalOf(s)).artifacts.find((a) => artifactKey(a) === key);
  if (!found) throw new Error(`no artifact ${key}`);
  return found as Extract<Artifact, { kind: K }>;
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/**
 * What an attacker who can write the backup folder leaves in place of the CRM's backup: a zip of
 * the CRM folder with a web shell and a link to `/` added, and a manifest that matches that zip,
 * naming the CRM folder as its source. Returns how to put the originals back.
 */
async function swapInAttackersBackup(crm: string, zipPath: string): Promise<() => Promise<void>> {
  const root = path.dirname(path.dirname(zipPath));
  const evil = path.join(root, 'evil');
  await mkdir(evil);
  await writeFile(path.join(evil, 'web.config'), '<configuration/>');
  await writeFile(path.join(evil, 'shell.aspx'), '<%@ Page Language="C#" %><% Response.Write("pwned"); %>');
  await symlink('/', path.join(evil, 'root'));
  const evilZip = path.join(root, 'evil.zip');
  await zipFolder(evil, evilZip, { exclusions: EXCLUDED });
  const manifest = JSON.parse(await readFile(manifestPathFor(evilZip), 'utf8')) as BackupManifest;
  manifest.source = crm;
  manifest.zip.file = path.basename(zipPath);
  const kept = path.join(root, 'kept');
  await mkdir(kept);
  await rename(zipPath, path.join(kept, 'zip'));
  await rename(manifestPathFor(zipPath), path.join(kept, 'manifest'));
  await copyFile(evilZip, zipPath);
  await writeFile(manifestPathFor(zipPath), JSON.stringify(manifest));
  return async () => {
    await rename(path.join(kept, 'zip'), zipPath);
    await rename(path.join(kept, 'manifest'), manifestPathFor(zipPath));
  };
}

describe('a backup swapped after its verification is refused by the rollback', () => {
  it('zip and manifest swapped after the 1603: the undo fails naming the file and both hashes, the folder is untouched, the run is not "rolled back"', async () => {
    const { s, original } = await open({ kit: { setupFailsWith: 1603 } });
    let snap = await settle(s);
    expect(snap.steps.find((x) => x.id === 'upgrade.setup')?.status).toBe('failed');
    const crm = fx!.appDir;
    const backup = await artifact<'files-backup'>(s, 'files');
    expect(backup.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
    const putBack = await swapInAttackersBackup(crm, backup.zipPath);
    const before = await treeHash(crm, EXCLUDED);

    expect(await s.handlers.rollback()).toEqual({ ok: true });
    snap = await settle(s);
    expect(snap.run.state).toBe('paused');
    expect(snap.report).toBeUndefined();
    const undo = (await journalOf(s)).undos.get('upgrade.setup');
    expect(undo).toMatchObject({
      status: 'failed',
      finding: {
        key: 'rollback-proof.hash-mismatch',
        params: { file: manifestPathFor(backup.zipPath), expected: backup.manifestSha256 },
      },
      evidence: { path: crm, treeHashMatches: false },
    });
    expect(undo?.finding?.params?.found).not.toBe(backup.manifestSha256);
    expect(await treeHash(crm, EXCLUDED)).toBe(before);
    expect(await exists(path.join(crm, 'shell.aspx'))).toBe(false);
    expect(await exists(path.join(crm, 'root'))).toBe(false);
    // The private copy is gone with the refusal: the backup folder holds what the journal names.
    expect((await readdir(path.dirname(backup.zipPath))).filter((n) => n.startsWith('.rollback'))).toEqual(
      [],
    );

    // The originals back in place: the same rollback goes through and proves the folder.
    await putBack();
    expect(await s.handlers.rollback()).toEqual({ ok: true });
    snap = await settle(s);
    expect(snap.run.state).toBe('rolled-back');
    expect(await treeHash(crm, EXCLUDED)).toBe(original);
    expect((await readFile(path.join(crm, 'bin', 'version.txt'), 'utf8')).trim()).toBe(FROM);
  });

  it('a database backup swapped for another valid one after "Aggiorna Database": refused, the database untouched', async () => {
    const { s } = await open({});
    let snap = await settle(s);
    expect(snap.steps.find((x) => x.id === 'after.db-update:Produzione')?.status).toBe('waiting');
    await s.handlers.practicePressAggiornaDatabase('Produzione');
    expect(await s.handlers.confirmStep('after.db-update:Produzione')).toEqual({ ok: true });
    await settle(s);
    const prod = await artifact<'db-backup'>(s, 'db:Produzione');
    const other = await artifact<'db-backup'>(s, 'db:Formazione');
    expect(prod.bakSha256).toMatch(/^[0-9a-f]{64}$/);
    // A valid backup, of the other database: the practice SQL Server would restore it without a word.
    await copyFile(prod.path, `${prod.path}.kept`);
    await copyFile(other.path, prod.path);
    const dataFile = path.join(path.dirname(path.dirname(prod.path)), 'DATA', 'CRM_PROD.json');
    const data = await readFile(dataFile);
    expect(JSON.parse(data.toString('utf8'))).toMatchObject({ name: 'CRM_PROD', schemaVersion: TO });

    expect(await s.handlers.rollback()).toEqual({ ok: true });
    snap = await settle(s);
    expect(snap.run.state).toBe('paused');
    expect((await journalOf(s)).undos.get('after.db-update:Produzione')).toMatchObject({
      status: 'failed',
      finding: { key: 'rollback-proof.hash-mismatch', params: { file: prod.path, expected: prod.bakSha256 } },
    });
    expect(sha256Of(await readFile(dataFile))).toBe(sha256Of(data));

    await rename(`${prod.path}.kept`, prod.path);
    expect(await s.handlers.rollback()).toEqual({ ok: true });
    snap = await settle(s);
    expect(snap.run.state).toBe('rolled-back');
    expect(JSON.parse(await readFile(dataFile, 'utf8'))).toMatchObject({
      name: 'CRM_PROD',
      schemaVersion: FROM,
    });
  });
});

describe("the run's backup folder is decided once", () => {
  it('a default folder that moves each time it is asked (the drive with most room, filled by the zips): the rollback restores from the verified zip', async () => {
    const answered: string[] = [];
    const { s, original } = await open({ kit: { setupFailsWith: 1603 } }, (host) => ({
      ...host,
      system: {
        ...host.system,
        defaultBackupDir: () => {
          const dir = path.join(fx!.serverDir, `Drive${answered.length}`, 'CrmUpgradeBackups');
          answered.push(dir);
          return host.system.protectedFolder(dir);
        },
      },
    }));
    let snap = await settle(s);
    expect(snap.steps.find((x) => x.id === 'upgrade.setup')?.status).toBe('failed');
    const backup = await artifact<'files-backup'>(s, 'files');
    // Every folder backup of the run went to the one folder decided first.
    const zipFolders = (await journalOf(s)).artifacts.flatMap((a) =>
      a.kind === 'files-backup' ? [path.dirname(a.zipPath)] : [],
    );
    expect(zipFolders.length).toBeGreaterThan(1);
    expect(new Set(zipFolders)).toEqual(new Set([path.dirname(backup.zipPath)]));
    expect(path.dirname(path.dirname(backup.zipPath))).toBe(answered[0]);

    expect(await s.handlers.rollback()).toEqual({ ok: true });
    snap = await settle(s);
    expect(snap.run.state).toBe('rolled-back');
    expect((await journalOf(s)).undos.get('upgrade.setup')).toMatchObject({
      status: 'done',
      evidence: { path: fx!.appDir, zip: backup.zipPath, treeHashMatches: true },
    });
    expect(await treeHash(fx!.appDir, EXCLUDED)).toBe(original);
    expect((await readFile(path.join(fx!.appDir, 'bin', 'version.txt'), 'utf8')).trim()).toBe(FROM);
  });
});
