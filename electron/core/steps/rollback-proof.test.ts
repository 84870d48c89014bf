import { writeFileSync } from 'node:fs';
import { copyFile, mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256Of } from '../files/hash';
import { type BackupManifest, manifestPathFor } from '../files/manifest';
import { sha256OfFile } from '../files/sealed-copy';
import { treeHash } from '../files/tree';
import { zipFolder } from '../files/zip-backup';
import type { CrmConnection } from '../ports';
import type { StepContext } from '../run/context';
import { type Artifact, artifactKey } from '../run/journal';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { closeAfterEach } from '../../testing/session-harness';
import { practiceStepContext } from '../../testing/step-context';
import { restoreDatabase, restoreFolder } from './artifacts';
import { databaseBackup, databaseVerify, filesBackup, filesVerify } from './backup';

/**
 * Issue 12: every path a rollback touches is one this run discovered or created, and every file
 * it restores from is the one verified. Artifacts here are planted as a tampered journal would
 * hold them; each is refused before anything is touched.
 */

type FilesBackup = Extract<Artifact, { kind: 'files-backup' }>;
type DbBackup = Extract<Artifact, { kind: 'db-backup' }>;

let fx: PracticeFixture | undefined;
closeAfterEach(() => [fx]);

interface Run {
  ctx: StepContext & { artifacts: Artifact[] };
  crm: string;
  files: FilesBackup;
  /** Called on each progress report of the undo (after the backups), synchronously: the restore goes on after it. */
  during: { progress: () => void };
}

/** A practice server whose CRM folder was backed up and verified, then changed by a setup. */
async function backedUp(): Promise<Run> {
  fx = await practiceFixture();
  const during: Run['during'] = { progress: () => undefined };
  const ctx = await practiceStepContext(fx, {
    backupDir: path.join(fx.root, 'backups'),
    progress: () => during.progress(),
  });
  expect((await filesBackup.run(ctx)).status).toBe('passed');
  expect((await filesVerify.run(ctx)).status).toBe('passed');
  const files = ctx.artifacts.find((a): a is FilesBackup => artifactKey(a) === 'files');
  if (!files) throw new Error('no files backup');
  // What a setup does: a file added, one changed (the restore must read it from the zip).
  await writeFile(path.join(fx.appDir, 'added-by-setup.txt'), 'a setup wrote this');
  await writeFile(path.join(fx.appDir, 'bin', 'version.txt'), `${TO}\n`);
  return { ctx, crm: fx.appDir, files, during };
}

const plant = (run: Run, a: Artifact) => {
  const i = run.ctx.artifacts.findIndex((x) => artifactKey(x) === artifactKey(a));
  run.ctx.artifacts[i] = a;
};

/** A folder of someone else's, with a file in it. */
async function otherFolder(): Promise<string> {
  const other = path.join(fx!.root, 'other');
  await mkdir(other);
  await writeFile(path.join(other, 'theirs.txt'), 'not the CRM');
  return other;
}

const EXCLUDED = ['App_Data/Logs'];
const TO = '7.8.5.13100517_x64';

describe('a planted folder artifact is refused, and nothing is touched', () => {
  it('it names another folder as its source', async () => {
    const run = await backedUp();
    const other = await otherFolder();
    const crmBefore = await treeHash(run.crm, EXCLUDED);
    const otherBefore = await treeHash(other);
    plant(run, { ...run.files, source: other });
    expect(await restoreFolder(run.ctx, run.crm, 'crm')).toMatchObject({
      status: 'failed',
      finding: { key: 'rollback-proof.source-mismatch', params: { source: other, path: run.crm } },
    });
    expect(await treeHash(run.crm, EXCLUDED)).toBe(crmBefore);
    expect(await treeHash(other)).toBe(otherBefore);
  });

  it('the rollback is asked to restore, as the CRM folder, a folder discovery did not find', async () => {
    const run = await backedUp();
    const other = await otherFolder();
    const before = await treeHash(other);
    plant(run, { ...run.files, source: other });
    expect(await restoreFolder(run.ctx, other, 'crm')).toMatchObject({
      status: 'failed',
      finding: { key: 'rollback-proof.folder-not-discovered', params: { path: other, crm: run.crm } },
    });
    expect(await treeHash(other)).toBe(before);
  });

  it("its zip lies outside this run's backup folder, with hashes that match that zip", async () => {
    const run = await backedUp();
    const evil = path.join(fx!.root, 'attacker', 'crm');
    await mkdir(evil, { recursive: true });
    await writeFile(path.join(evil, 'shell.aspx'), 'pwned');
    const zipPath = path.join(fx!.root, 'attacker', 'backup.zip');
    await zipFolder(evil, zipPath, { exclusions: run.ctx.profile.backupExclusions });
    const manifest = JSON.parse(await readFile(manifestPathFor(zipPath), 'utf8')) as BackupManifest;
    const forged = Buffer.from(JSON.stringify({ ...manifest, source: run.crm }));
    await writeFile(manifestPathFor(zipPath), forged);
    const before = await treeHash(run.crm, EXCLUDED);
    plant(run, {
      ...run.files,
      zipPath,
      sha256: manifest.zip.sha256,
      treeHash: manifest.treeHash,
      manifestSha256: sha256Of(forged),
    });
    expect(await restoreFolder(run.ctx, run.crm, 'crm')).toMatchObject({
      status: 'failed',
      finding: { key: 'rollback-proof.zip-outside', params: { zip: zipPath, path: run.crm } },
    });
    expect(await treeHash(run.crm, EXCLUDED)).toBe(before);
  });
});

describe('a journal of an older version', () => {
  it('a folder backup without its manifest hash is restored when its manifest matches the tree hash recorded', async () => {
    const run = await backedUp();
    const { manifestSha256: _dropped, ...old } = run.files;
    plant(run, old);
    expect(await restoreFolder(run.ctx, run.crm, 'crm')).toMatchObject({
      status: 'done',
      evidence: { treeHashMatches: true },
    });
  });

  it('…and refused when its manifest was edited, even where no zip hash tells (a mode)', async () => {
    const run = await backedUp();
    const { manifestSha256: _dropped, ...old } = run.files;
    plant(run, old);
    const file = manifestPathFor(run.files.zipPath);
    const manifest = JSON.parse(await readFile(file, 'utf8')) as BackupManifest;
    const webConfig = manifest.entries.find((e) => e.path === 'web.config');
    if (webConfig?.type !== 'file') throw new Error('no web.config in the backup');
    webConfig.mode = 0o777;
    await writeFile(file, JSON.stringify(manifest));
    const before = await treeHash(run.crm, EXCLUDED);
    expect(await restoreFolder(run.ctx, run.crm, 'crm')).toMatchObject({
      status: 'failed',
      finding: { key: 'rollback-proof.manifest-mismatch', params: { file, field: 'entries' } },
    });
    expect(await treeHash(run.crm, EXCLUDED)).toBe(before);
  });
});

describe('the restore reads what was checked, and proves what it wrote', () => {
  it('the zip swapped during the restore, after its check: the restore reads its private copy', async () => {
    const run = await backedUp();
    let swapped = false;
    run.during.progress = () => {
      if (swapped) return;
      swapped = true;
      writeFileSync(run.files.zipPath, 'PK not the backup any more');
    };
    expect(await restoreFolder(run.ctx, run.crm, 'crm')).toMatchObject({
      status: 'done',
      evidence: { treeHashMatches: true },
    });
    expect(swapped).toBe(true);
    expect((await readdir(path.dirname(run.files.zipPath))).filter((n) => n.startsWith('.rollback'))).toEqual(
      [],
    );
  });

  it('a folder that does not come out as the backup recorded is a failed undo, with its proof', async () => {
    const run = await backedUp();
    let written = false;
    run.during.progress = () => {
      if (!written) writeFileSync(path.join(run.crm, 'intruder.aspx'), 'written during the restore');
      written = true;
    };
    const outcome = await restoreFolder(run.ctx, run.crm, 'crm');
    expect(outcome).toMatchObject({
      status: 'failed',
      finding: { key: 'backup.files.restore-failed', params: { path: run.crm, entry: 'intruder.aspx' } },
      evidence: { path: run.crm, treeHashMatches: false, expectedTreeHash: run.files.treeHash },
    });
    expect(outcome.evidence?.treeHash).toBe(await treeHash(run.crm, run.ctx.profile.backupExclusions));
  });
});

/** Both databases backed up and verified, and "Aggiorna Database" pressed on Produzione. */
async function databasesBackedUp() {
  const run = await backedUp();
  const connection = (name: string): CrmConnection => {
    const c = run.ctx.discovery.connections.find((x) => x.name === name);
    if (!c) throw new Error(`no connection ${name}`);
    return c;
  };
  const prodConnection = connection('Produzione');
  for (const c of [prodConnection, connection('Formazione')]) {
    expect((await databaseBackup(c).run(run.ctx)).status).toBe('passed');
    expect((await databaseVerify(c).run(run.ctx)).status).toBe('passed');
  }
  // "Aggiorna Database" after the setup: the database at the new files' version.
  await fx!.host.practice?.pressAggiornaDatabase('Produzione');
  const bak = (key: string) => run.ctx.artifacts.find((a): a is DbBackup => artifactKey(a) === key);
  const prod = bak('db:Produzione');
  const other = bak('db:Formazione');
  if (!prod || !other) throw new Error('no database backups');
  const dataDir = path.join(path.dirname(path.dirname(prod.path)), 'DATA');
  // Each database's file, by its hash (a deep compare of megabytes would take seconds).
  const data = async () => [
    sha256Of(await readFile(path.join(dataDir, 'CRM_PROD.json'))),
    sha256Of(await readFile(path.join(dataDir, 'CRM_FORMAZIONE.json'))),
  ];
  return { run, prodConnection, prod, other, data };
}

describe('a planted database artifact is refused, and no database is touched', () => {
  it('it names another database than the connection’s', async () => {
    const { run, prodConnection, prod, data } = await databasesBackedUp();
    const before = await data();
    plant(run, { ...prod, database: 'CRM_FORMAZIONE' });
    expect(await restoreDatabase(run.ctx, prodConnection)).toMatchObject({
      status: 'failed',
      finding: { key: 'rollback-proof.db-other', params: { database: 'CRM_PROD', found: 'CRM_FORMAZIONE' } },
    });
    expect(await data()).toEqual(before);
  });

  it('its .bak lies on the kit, hashed by whoever put it there', async () => {
    const { run, prodConnection, prod, other, data } = await databasesBackedUp();
    const planted = path.join(fx!.kitDir, 'CRM_PROD.bak');
    await copyFile(other.path, planted);
    const before = await data();
    plant(run, { ...prod, path: planted, bakSha256: await sha256OfFile(planted) });
    expect(await restoreDatabase(run.ctx, prodConnection)).toMatchObject({
      status: 'failed',
      finding: { key: 'rollback-proof.bak-path', params: { database: 'CRM_PROD', path: planted } },
    });
    expect(await data()).toEqual(before);
  });

  it('it was recorded without the .bak’s hash (an older version): refused, said as such', async () => {
    const { run, prodConnection, prod, data } = await databasesBackedUp();
    const { bakSha256: _dropped, ...old } = prod;
    plant(run, old);
    const before = await data();
    expect(await restoreDatabase(run.ctx, prodConnection)).toMatchObject({
      status: 'failed',
      finding: { key: 'rollback-proof.bak-no-hash', params: { database: 'CRM_PROD', path: prod.path } },
    });
    expect(await data()).toEqual(before);
  });

  it('the .bak changed while SQL Server read it: a failed undo, said as such', async () => {
    const { run, prodConnection, prod, other } = await databasesBackedUp();
    const databases = run.ctx.host.databases;
    run.ctx.host = {
      ...run.ctx.host,
      databases: {
        ...databases,
        // The file changed while SQL Server read it: afterwards it is not the one verified.
        restore: async (c, b, onProgress) => {
          await databases.restore(c, b, onProgress);
          await copyFile(other.path, prod.path);
        },
      },
    };
    expect(await restoreDatabase(run.ctx, prodConnection)).toMatchObject({
      status: 'failed',
      finding: { key: 'rollback-proof.bak-changed', params: { database: 'CRM_PROD', file: prod.path } },
    });
  });

  it('the verified artifact itself restores the database', async () => {
    const { run, prodConnection, prod } = await databasesBackedUp();
    expect(await restoreDatabase(run.ctx, prodConnection)).toMatchObject({
      status: 'done',
      finding: { key: 'undo.db.restored', params: { database: 'CRM_PROD', path: prod.path } },
    });
  });
});

describe('the verification records what the rollback holds the files to', () => {
  async function backupOnly() {
    fx = await practiceFixture();
    const ctx = await practiceStepContext(fx, { backupDir: path.join(fx.root, 'backups') });
    return ctx;
  }

  it('the SHA-256 of the manifest and of each .bak, as read', async () => {
    const run = await databasesBackedUp();
    expect(run.run.files.manifestSha256).toBe(
      sha256Of(await readFile(manifestPathFor(run.run.files.zipPath))),
    );
    expect(run.prod.bakSha256).toBe(await sha256OfFile(run.prod.path));
  });

  it('a zip and manifest swapped between the backup and its verification: not verified', async () => {
    const ctx = await backupOnly();
    expect((await filesBackup.run(ctx)).status).toBe('passed');
    const files = ctx.artifacts.find((a): a is FilesBackup => artifactKey(a) === 'files');
    if (!files) throw new Error('no files backup');
    const evil = path.join(fx!.root, 'evil');
    await mkdir(evil);
    await writeFile(path.join(evil, 'shell.aspx'), 'pwned');
    const evilZip = path.join(fx!.root, 'evil.zip');
    await zipFolder(evil, evilZip, { exclusions: ctx.profile.backupExclusions });
    await copyFile(evilZip, files.zipPath);
    await copyFile(manifestPathFor(evilZip), manifestPathFor(files.zipPath));
    expect(await filesVerify.run(ctx)).toMatchObject({
      status: 'failed',
      finding: {
        key: 'rollback-proof.verify-changed',
        params: { file: files.zipPath, expected: files.sha256 },
      },
      remedy: { key: 'rollback-proof.verify-changed.remedy' },
    });
    expect(ctx.artifacts.find((a) => artifactKey(a) === 'files')?.verified).toBe(false);
  });

  it('a folder holding a link out of itself: its backup is not verified, before the upgrade', async () => {
    const ctx = await backupOnly();
    await symlink('/', path.join(fx!.appDir, 'root'));
    expect((await filesBackup.run(ctx)).status).toBe('passed');
    expect(await filesVerify.run(ctx)).toMatchObject({
      status: 'failed',
      finding: { key: 'rollback-proof.link-outside', params: { entry: 'root', target: '/' } },
      remedy: { key: 'rollback-proof.link-outside.remedy' },
    });
  });
});
