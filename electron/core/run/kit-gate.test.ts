import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Step } from '../../shared/plan';
import { treeHash } from '../files/tree';
import { loadProfile } from '../profile';
import { sourceResourcesDir } from '../resources';
import { type AppSession, openSession } from '../session';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { closeAfterEach, settle } from '../../testing/session-harness';
import { paths, serverFileSchema, readJson, writeJsonAtomic } from '../../host/practice/layout';

let fx: PracticeFixture | undefined;
let session: AppSession | undefined;
closeAfterEach(() => [session, fx]);

const byId = (steps: readonly Step[], id: string) => steps.find((s) => s.id === id);

async function checks(
  setUp: (fx: PracticeFixture) => Promise<void>,
  backupDir?: (fx: PracticeFixture) => string,
): Promise<Step[]> {
  fx = await practiceFixture();
  await setUp(fx);
  session = await openSession({
    host: fx.host,
    kitDir: fx.kitDir,
    readOnly: true,
    ...(backupDir ? { backupDir: backupDir(fx) } : {}),
  });
  return session.runChecks();
}

describe('the kit gates everything', () => {
  it('a tampered kit is refused before any step that changes the server', async () => {
    fx = await practiceFixture();
    const before = await treeHash(fx.appDir);
    const setup = path.join(fx.kitDir, 'setup', 'payload-crm', 'files', 'bin', 'Crm.Web.dll');
    const bytes = await readFile(setup);
    bytes[10] = (bytes[10] ?? 0) ^ 1;
    await writeFile(setup, bytes);
    session = await openSession({ host: fx.host, kitDir: fx.kitDir });
    await session.handlers.practiceLogOffUsers();
    await session.handlers.startRun();
    const snap = await settle(session);
    expect(byId(snap.steps, 'check.kit')).toMatchObject({
      status: 'failed',
      skippable: false,
      finding: { key: 'kit.file-hash' },
    });
    expect(await session.handlers.skipStep('check.kit', 'lo so, procedi')).toMatchObject({ ok: false });
    expect(snap.steps.filter((s) => s.phase !== 'checks').every((s) => s.status === 'pending')).toBe(true);
    expect(await treeHash(fx.appDir)).toBe(before);
    expect(await fx.host.iis.poolState('CRMAppPool')).toBe('started');
  });

  it('lifts downloaded-file marks only after the signature and hashes pass', async () => {
    const marked = (dir: string) => path.join(dir, 'setup', 'crm-setup.mjs:Zone.Identifier');
    let steps = await checks(async (f) => writeFile(marked(f.kitDir), '[ZoneTransfer]\r\nZoneId=3\r\n'));
    expect(byId(steps, 'check.kit')).toMatchObject({ status: 'passed', evidence: { unblocked: 1 } });
    await expect(readFile(marked(fx?.kitDir ?? ''))).rejects.toThrow();
    await session?.close();
    await fx?.dispose();

    steps = await checks(async (f) => {
      await writeFile(marked(f.kitDir), '[ZoneTransfer]\r\nZoneId=3\r\n');
      await writeFile(path.join(f.kitDir, 'kit.sig'), 'broken');
    });
    expect(byId(steps, 'check.kit')).toMatchObject({
      status: 'failed',
      finding: { key: 'kit.signature-malformed' },
    });
    await expect(readFile(marked(fx?.kitDir ?? ''), 'utf8')).resolves.toContain('ZoneId=3');
  });
});

it("a kit's own signed profile is the one used", async () => {
  const profile = {
    ...(await loadProfile(path.join(sourceResourcesDir(), 'profiles', 'crm.json'))),
    iis: { siteName: 'CRM-Nuovo' },
  };
  fx = await practiceFixture({ kit: { profile } });
  session = await openSession({ host: fx.host, kitDir: fx.kitDir, readOnly: true });
  const steps = await session.runChecks();
  expect(byId(steps, 'check.installation')).toMatchObject({
    status: 'failed',
    finding: { key: 'check.installation.no-site.finding', params: { site: 'CRM-Nuovo' } },
  });
});

describe('upgrade path rules', () => {
  const setVersion = (v: string) => (f: PracticeFixture) =>
    writeFile(path.join(f.appDir, 'bin', 'version.txt'), `${v}\n`);

  it('an older installed version may jump straight to the kit', async () => {
    const steps = await checks(setVersion('7.1.0.12010100_x64'));
    expect(byId(steps, 'check.version')).toMatchObject({
      status: 'passed',
      evidence: { installed: '7.1.0.12010100_x64' },
    });
  });

  it('a kit older than the installed version is refused, and cannot be forced', async () => {
    const steps = await checks(setVersion('7.10.0.14010100_x64'));
    expect(byId(steps, 'check.version')).toMatchObject({
      status: 'failed',
      skippable: false,
      finding: { key: 'check.version.downgrade.finding' },
    });
  });

  it('an installation older than the kit minimum is refused, naming the version to install first', async () => {
    const steps = await checks(setVersion('6.9.9.11010100_x64'));
    expect(byId(steps, 'check.version')).toMatchObject({
      status: 'failed',
      finding: { key: 'check.version.too-old.finding', params: { minimum: '7.0' } },
    });
  });

  it('a 64-bit kit on a 32-bit operating system is refused', async () => {
    const steps = await checks(async (f) => {
      const file = paths(f.serverDir).server;
      await writeJsonAtomic(file, { ...(await readJson(file, serverFileSchema)), osArch: 'x86' });
    });
    expect(byId(steps, 'check.architecture')).toMatchObject({
      status: 'failed',
      finding: { key: 'check.architecture.finding', params: { os: 'x86', kit: 'x64' } },
    });
  });

  it('Windows Server 2012 R2 is refused, named, before anything else is asked of it', async () => {
    const steps = await checks(async (f) => {
      const file = paths(f.serverDir).server;
      await writeJsonAtomic(file, { ...(await readJson(file, serverFileSchema)), osVersion: '6.3.9600' });
    });
    expect(byId(steps, 'check.architecture')).toMatchObject({
      status: 'failed',
      skippable: false,
      finding: {
        key: 'check.architecture.windows-too-old.finding',
        params: { version: '6.3.9600', name: 'Windows Server 2012 R2' },
      },
    });
  });

  it('Windows Server 2016 is the minimum and passes, its version in the evidence', async () => {
    const steps = await checks(async (f) => {
      const file = paths(f.serverDir).server;
      await writeJsonAtomic(file, { ...(await readJson(file, serverFileSchema)), osVersion: '10.0.14393' });
    });
    expect(byId(steps, 'check.architecture')).toMatchObject({
      status: 'passed',
      evidence: { windows: '10.0.14393', os: 'x64', kit: 'x64' },
    });
  });

  it('an unreadable installed version blocks', async () => {
    const steps = await checks(setVersion('versione sconosciuta'));
    expect(byId(steps, 'check.version')).toMatchObject({
      status: 'failed',
      finding: { key: 'check.version.unreadable.finding' },
    });
  });

  it('licence without module 0 blocks, with NOTA BENE 2', async () => {
    const steps = await checks((f) =>
      writeFile(path.join(f.appDir, 'App_Data', 'licenza.txt'), 'Moduli: 3, 7, 10\n'),
    );
    expect(byId(steps, 'check.licence')).toMatchObject({
      status: 'failed',
      remedy: { key: 'check.licence.remedy' },
    });
  });

  it('a full backup disk blocks', async () => {
    const steps = await checks(async (f) => {
      const file = paths(f.serverDir).server;
      await writeJsonAtomic(file, { ...(await readJson(file, serverFileSchema)), freeBytes: 1000 });
    });
    expect(byId(steps, 'check.disk')).toMatchObject({
      status: 'failed',
      finding: { key: 'check.disk.files.finding' },
    });
  });

  it('a backup folder inside the application folder, or on the kit, blocks before anything is written', async () => {
    const inApp = await checks(
      async () => undefined,
      (f) => path.join(f.appDir, 'Backup'),
    );
    expect(byId(inApp, 'check.disk')).toMatchObject({
      status: 'failed',
      finding: { key: 'check.disk.inside-app.finding', params: { app: fx?.appDir } },
    });
    await session?.close();
    await fx?.dispose();
    const onKit = await checks(
      async () => undefined,
      (f) => path.join(f.kitDir, 'copie'),
    );
    expect(byId(onKit, 'check.disk')).toMatchObject({
      status: 'failed',
      finding: { key: 'check.disk.on-kit.finding' },
    });
    // Beside the application folder is fine.
    await session?.close();
    await fx?.dispose();
    const beside = await checks(
      async () => undefined,
      (f) => path.join(path.dirname(f.appDir), `${path.basename(f.appDir)}-copie`),
    );
    expect(byId(beside, 'check.disk')?.status).toBe('passed');
  });
});
