import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UpgradeError, msg } from '../../shared/message';
import type { Session } from '../../shared/plan';
import { treeHash } from '../files/tree';
import type { Host } from '../ports';
import { type ReportProof, reportProofs, restoredAsBefore } from '../report/report';
import { type AppSession, openSession } from '../session';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { closeAfterEach, settle } from '../../testing/session-harness';
import { JOURNAL_FILE, artifactKey, readJournal, replay } from './journal';

/**
 * Issue 11: every folder a setup can change is backed up, verified and restored (the CRM's and
 * MOBILE's), and a half-finished upgrade is found instead of "no upgrade needed".
 */

const FROM = '7.8.4.13050210_x64';
const TO = '7.8.5.13100517_x64';

let fx: PracticeFixture | undefined;
let session: AppSession | undefined;
closeAfterEach(() => [session, fx]);

const mobileDir = (f: PracticeFixture) => path.join(f.serverDir, 'C', 'inetpub', 'wwwroot', 'CRMMobile');
const versionOf = async (folder: string) =>
  (await readFile(path.join(folder, 'bin', 'version.txt'), 'utf8')).trim();

/** A run started on the practice server and NOTA BENE 1 confirmed: on through the setups. */
async function pastTheNotes(f: PracticeFixture): Promise<AppSession> {
  session = await openSession({ host: f.host, kitDir: f.kitDir, setupTimeoutMs: 20_000 });
  await session.handlers.practiceLogOffUsers();
  await session.handlers.startRun();
  await settle(session);
  expect(await session.handlers.confirmStep('check.release-notes')).toEqual({ ok: true });
  return session;
}

describe('every folder a setup changes is backed up, verified and restored', () => {
  it('the MOBILE setup fails after the main one succeeded: the rollback brings both folders back, the report proves both', async () => {
    fx = await practiceFixture({ kit: { mobileSetupFailsWith: 1603 } });
    const crm = fx.appDir;
    const mobile = mobileDir(fx);
    const crmBefore = await treeHash(crm, ['App_Data/Logs']);
    const mobileBefore = await treeHash(mobile, ['App_Data/Logs']);
    const s = await pastTheNotes(fx);
    let snap = await settle(s);
    const ids = snap.steps.map((x) => x.id);
    expect(ids.indexOf('backup.mobile-files')).toBe(ids.indexOf('backup.verify-files') + 1);
    expect(ids.indexOf('backup.verify-mobile-files')).toBe(ids.indexOf('backup.mobile-files') + 1);
    expect(snap.run.state).toBe('paused');
    expect(snap.steps.find((x) => x.id === 'upgrade.setup')?.status).toBe('passed');
    expect(snap.steps.find((x) => x.id === 'upgrade.mobile-setup')).toMatchObject({
      status: 'failed',
      finding: { key: 'upgrade.setup.exit-1603.finding', params: { code: 1603 } },
    });
    expect(await versionOf(crm)).toBe(TO);
    expect(await treeHash(mobile, ['App_Data/Logs'])).not.toBe(mobileBefore);

    expect(await s.handlers.rollback()).toEqual({ ok: true });
    snap = await settle(s);
    expect(snap.run.state).toBe('rolled-back');
    expect(await versionOf(crm)).toBe(FROM);
    expect(await versionOf(mobile)).toBe(FROM);
    expect(await treeHash(crm, ['App_Data/Logs'])).toBe(crmBefore);
    expect(await treeHash(mobile, ['App_Data/Logs'])).toBe(mobileBefore);

    // Each folder has its own verified backup in the journal, by its own key.
    const runDir = path.dirname(snap.report?.jsonPath ?? '');
    const { artifacts } = replay(await readJournal(path.join(runDir, JOURNAL_FILE)));
    expect(
      artifacts
        .filter((a) => a.kind === 'files-backup')
        .map((a) => [artifactKey(a), a.kind === 'files-backup' ? a.source : '', a.verified]),
    ).toEqual([
      ['files', crm, true],
      ['files:mobile', mobile, true],
    ]);

    const report = JSON.parse(await readFile(snap.report?.jsonPath ?? '', 'utf8')) as {
      proofs: ReportProof[];
      rollback: { treeHashMatches: boolean; undos: { stepId: string; status: string }[] };
    };
    expect(report.rollback.treeHashMatches).toBe(true);
    const folders = report.proofs.filter((p) => p.kind === 'folder');
    // The proof: the tree hash found after the restore equals the one its backup recorded.
    expect(folders.map((p) => [p.name, p.rolledBack?.found, p.rolledBack?.matches])).toEqual([
      [crm, folders[0]?.before, true],
      [mobile, folders[1]?.before, true],
    ]);
    expect(folders[1]?.before).toBe(mobileBefore);
    expect(report.proofs.filter((p) => p.kind === 'database').map((p) => [p.name, p.verified])).toEqual([
      ['CRM_PROD', true],
      ['CRM_FORMAZIONE', true],
    ]);
    const html = await readFile(snap.report?.htmlPath ?? '', 'utf8');
    expect(html).toContain('Cartelle e database');
    expect(html).toContain(`cartella <b>${crm}</b>`);
    expect(html).toContain(`cartella <b>${mobile}</b>`);
    expect(html.match(/ripristinato: identico a prima/g)?.length).toBe(2);
  });
});

describe('a folder that does not come back is a failed rollback', () => {
  it('a MOBILE backup damaged after it was verified: the undo fails, with the folder named, and the rollback stops', async () => {
    fx = await practiceFixture({ kit: { mobileSetupFailsWith: 1603 } });
    const s = await pastTheNotes(fx);
    let snap = await settle(s);
    expect(snap.steps.find((x) => x.id === 'upgrade.mobile-setup')?.status).toBe('failed');
    const { artifacts } = replay(await readJournal(path.join(s.runFolder, JOURNAL_FILE)));
    const zip = artifacts.find((a) => artifactKey(a) === 'files:mobile');
    const zipPath = zip?.kind === 'files-backup' ? zip.zipPath : '';
    const bytes = await readFile(zipPath);
    bytes[40] = (bytes[40] ?? 0) ^ 0xff;
    await writeFile(zipPath, bytes);

    await s.handlers.rollback();
    snap = await settle(s);
    expect(snap.run.state).not.toBe('rolled-back');
    const { undos } = replay(await readJournal(path.join(s.runFolder, JOURNAL_FILE)));
    expect(undos.get('upgrade.mobile-setup')).toMatchObject({
      status: 'failed',
      evidence: { path: mobileDir(fx), treeHashMatches: false },
    });
    // The rollback stopped there: the CRM folder's undo did not run over it.
    expect(undos.has('upgrade.setup')).toBe(false);
  });
});

/** Files at the kit's version, databases and MOBILE as given: what an upgrade cut short leaves. */
async function halfFinished(options: { databases: 'old' | 'new'; mobile: 'old' | 'new' }): Promise<Session> {
  fx = await practiceFixture();
  await writeFile(path.join(fx.appDir, 'bin', 'version.txt'), `${TO}\n`);
  if (options.databases === 'new') {
    await fx.host.practice?.pressAggiornaDatabase('Produzione');
    await fx.host.practice?.pressAggiornaDatabase('Formazione');
  }
  if (options.mobile === 'new') await writeFile(path.join(mobileDir(fx), 'bin', 'version.txt'), `${TO}\n`);
  session = await openSession({ host: fx.host, kitDir: fx.kitDir });
  await session.handlers.practiceLogOffUsers();
  await session.handlers.startRun();
  return settle(session);
}

const versionStep = (snap: Session) => snap.steps.find((x) => x.id === 'check.version');

describe('a half-finished upgrade is found, whatever the kit', () => {
  it('files newer than the databases: "Aggiorna Database" is still needed, not "no upgrade needed"', async () => {
    const snap = await halfFinished({ databases: 'old', mobile: 'new' });
    expect(versionStep(snap)).toMatchObject({
      status: 'warning',
      finding: {
        key: 'check.version.db-behind.finding',
        params: { installed: TO, connections: 'Produzione, Formazione' },
      },
      remedy: { key: 'check.version.db-behind.remedy' },
      evidence: { 'database:Produzione': FROM, 'database:Formazione': FROM },
    });
  });

  it('it leads to "Aggiorna Database": backups taken, the setup not run again on files already at the kit version', async () => {
    const snap = await halfFinished({ databases: 'old', mobile: 'new' });
    const crmBefore = await treeHash(fx!.appDir, ['App_Data/Logs']);
    const mobileBefore = await treeHash(mobileDir(fx!), ['App_Data/Logs']);
    expect(snap.run.state).toBe('waiting');
    await session!.handlers.confirmStep('check.release-notes');
    const after = await settle(session!);
    const step = (id: string) => after.steps.find((x) => x.id === id);
    expect(step('backup.verify-files')?.status).toBe('passed');
    expect(step('backup.verify-db:Produzione')?.status).toBe('passed');
    for (const id of ['upgrade.setup', 'upgrade.mobile-setup'])
      expect(step(id)).toMatchObject({
        status: 'passed',
        finding: { key: 'upgrade.setup.already-installed', params: { version: TO } },
        evidence: { setupRun: false },
      });
    expect(await treeHash(fx!.appDir, ['App_Data/Logs'])).toBe(crmBefore);
    expect(await treeHash(mobileDir(fx!), ['App_Data/Logs'])).toBe(mobileBefore);
    expect(after.run.state).toBe('waiting');
    expect(step('after.db-update:Produzione')?.status).toBe('waiting');
  });

  it('MOBILE behind the CRM: the CRM setup is left, the MOBILE setup runs', async () => {
    await halfFinished({ databases: 'new', mobile: 'old' });
    await session!.handlers.confirmStep('check.release-notes');
    const after = await settle(session!);
    const step = (id: string) => after.steps.find((x) => x.id === id);
    expect(step('upgrade.setup')?.evidence).toMatchObject({ setupRun: false });
    expect(step('upgrade.mobile-setup')).toMatchObject({ status: 'passed', evidence: { exitCode: 0 } });
    expect(await versionOf(mobileDir(fx!))).toBe(TO);
  });

  it('one database behind is named alone', async () => {
    fx = await practiceFixture();
    await writeFile(path.join(fx.appDir, 'bin', 'version.txt'), `${TO}\n`);
    await writeFile(path.join(mobileDir(fx), 'bin', 'version.txt'), `${TO}\n`);
    await fx.host.practice?.pressAggiornaDatabase('Produzione');
    session = await openSession({ host: fx.host, kitDir: fx.kitDir });
    await session.handlers.startRun();
    const snap = await settle(session);
    expect(versionStep(snap)?.finding).toEqual({
      key: 'check.version.db-behind.finding',
      params: { installed: TO, kit: TO, connections: 'Formazione' },
    });
  });

  it('MOBILE at another version than the CRM: the MOBILE setup is still needed', async () => {
    const snap = await halfFinished({ databases: 'new', mobile: 'old' });
    expect(versionStep(snap)).toMatchObject({
      status: 'warning',
      finding: { key: 'check.version.mobile-behind.finding', params: { installed: TO, mobile: FROM } },
      evidence: { mobile: FROM },
    });
  });

  it('everything at the kit version is the same build again', async () => {
    const snap = await halfFinished({ databases: 'new', mobile: 'new' });
    expect(versionStep(snap)).toMatchObject({
      status: 'failed',
      skippable: true,
      finding: { key: 'check.version.same.finding' },
      evidence: { 'database:Produzione': TO, mobile: TO },
    });
  });

  it('a profile that cannot read the database version cannot tell: it passes on, said in the evidence', async () => {
    fx = await practiceFixture();
    await writeFile(path.join(fx.appDir, 'bin', 'version.txt'), `${TO}\n`);
    await writeFile(path.join(mobileDir(fx), 'bin', 'version.txt'), `${TO}\n`);
    const practice = fx.host;
    const host: Host = {
      ...practice,
      databases: {
        ...practice.databases,
        schemaVersion: () => Promise.reject(new UpgradeError(msg('sql.no-version-query'))),
      },
    };
    session = await openSession({ host, kitDir: fx.kitDir });
    await session.handlers.startRun();
    const snap = await settle(session);
    expect(versionStep(snap)).toMatchObject({
      finding: { key: 'check.version.same.finding' },
      evidence: { 'database:Produzione': 'unknown', 'database:Formazione': 'unknown' },
    });
  });
});

describe('any other folder the kit says its setups touch', () => {
  const servicesDir = (f: PracticeFixture) =>
    path.join(f.serverDir, 'C', 'inetpub', 'wwwroot', 'CRMServices');

  /** The main setup (which changes CRMServices) passes, the MOBILE one fails: then the rollback. */
  async function rolledBackAfterMobileFails(
    withServices: boolean,
    beforeRollback: (s: AppSession) => Promise<void> = () => Promise.resolve(),
  ): Promise<{ snap: Session; before: string | null }> {
    fx = await practiceFixture({
      init: { withServices },
      kit: { mobileSetupFailsWith: 1603, servicesFolder: true },
    });
    const before = withServices ? await treeHash(servicesDir(fx)) : null;
    const s = await pastTheNotes(fx);
    const snap = await settle(s);
    const ids = snap.steps.map((x) => x.id);
    expect(ids).toContain('backup.folder:services');
    expect(ids.indexOf('backup.verify-folder:services')).toBe(ids.indexOf('backup.folder:services') + 1);
    expect(snap.steps.find((x) => x.id === 'upgrade.setup')?.status).toBe('passed');
    expect((await readFile(path.join(servicesDir(fx), 'version.txt'), 'utf8')).trim()).toBe(TO);
    await beforeRollback(s);
    expect(await s.handlers.rollback()).toEqual({ ok: true });
    return { snap: await settle(s), before };
  }

  it('backed up, verified and restored, proved by its tree hash in the report', async () => {
    const { snap, before } = await rolledBackAfterMobileFails(true);
    expect(snap.run.state).toBe('rolled-back');
    expect(await treeHash(servicesDir(fx!))).toBe(before);
    const report = JSON.parse(await readFile(snap.report?.jsonPath ?? '', 'utf8')) as {
      proofs: ReportProof[];
    };
    expect(
      report.proofs.filter((p) => p.kind === 'folder').map((p) => [p.name, p.rolledBack?.matches]),
    ).toEqual([
      [fx!.appDir, true],
      [mobileDir(fx!), true],
      [servicesDir(fx!), true],
    ]);
    const { artifacts } = replay(
      await readJournal(path.join(path.dirname(snap.report?.jsonPath ?? ''), JOURNAL_FILE)),
    );
    expect(artifacts.map(artifactKey)).toContain('files:touched:services');
  });

  it('one that does not come back: the rollback proof says so, though the CRM folder did', async () => {
    const { snap } = await rolledBackAfterMobileFails(true, async (s) => {
      const { artifacts } = replay(await readJournal(path.join(s.runFolder, JOURNAL_FILE)));
      const zip = artifacts.find((a) => artifactKey(a) === 'files:touched:services');
      const zipPath = zip?.kind === 'files-backup' ? zip.zipPath : '';
      const bytes = await readFile(zipPath);
      bytes[40] = (bytes[40] ?? 0) ^ 0xff;
      await writeFile(zipPath, bytes);
    });
    expect(snap.run.state).not.toBe('rolled-back');
    const { artifacts, undos } = replay(await readJournal(path.join(session!.runFolder, JOURNAL_FILE)));
    const undo = undos.get('upgrade.setup');
    expect(undo).toMatchObject({
      status: 'failed',
      evidence: {
        path: fx!.appDir,
        treeHashMatches: true,
        'touched:services.path': servicesDir(fx!),
        'touched:services.treeHashMatches': false,
      },
    });
    const proofs = reportProofs(artifacts, [...undos.values()]);
    expect(proofs.filter((p) => p.kind === 'folder').map((p) => [p.name, p.rolledBack?.matches])).toEqual([
      [fx!.appDir, true],
      [mobileDir(fx!), true],
      [servicesDir(fx!), false],
    ]);
    expect(restoredAsBefore(proofs)).toBe(false);
  });

  it('a folder the setup creates is not there before: the rollback removes it', async () => {
    const { snap } = await rolledBackAfterMobileFails(false);
    expect(snap.steps.find((x) => x.id === 'backup.folder:services')).toMatchObject({
      status: 'warning',
      finding: { key: 'backup.folder.absent' },
    });
    expect(snap.run.state).toBe('rolled-back');
    await expect(readFile(path.join(servicesDir(fx!), 'version.txt'))).rejects.toThrow();
  });
});
