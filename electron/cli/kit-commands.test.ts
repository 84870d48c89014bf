import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runMain } from '../testing/run-main';

/**
 * `crm-upgrade kit keygen|create|verify` through the CLI's own entry point, in this process (the
 * output captured, the exit code returned): what is tested is each command's files and exit
 * code, not the process boundary, which cli.test.ts crosses (bin.mjs sets the exit code main
 * returns). A child through tsx costs a second or more on a loaded machine; this costs
 * milliseconds.
 */

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kit-cli-'));
  await mkdir(path.join(dir, 'notes'));
  await writeFile(path.join(dir, 'notes', '7.9.0.14010110_x64.it.md'), '# 7.9\n- novità\n');
  await writeFile(path.join(dir, 'notes', '7.9.0.14010110_x64.en.md'), '# 7.9\n- news\n');
  await writeFile(path.join(dir, 'CrmSetup.exe'), 'MZ not really a setup');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** `kit create` of the test's setup and notes, signed with the v1 key, into `out` (a folder name under dir). */
const kitCreate = (out: string, more: string[] = [], notes = path.join(dir, 'notes')) =>
  runMain(
    'kit',
    'create',
    '--version',
    '7.9.0.14010110_x64',
    '--setup',
    path.join(dir, 'CrmSetup.exe'),
    '--notes',
    notes,
    '--key',
    path.join(dir, 'keys', 'v1.key.pem'),
    '--out',
    path.join(dir, out),
    ...more,
  );

it('keygen → create → verify → tamper → verify fails with the exit code for its kind', async () => {
  const keygen = await runMain('kit', 'keygen', '--out', path.join(dir, 'keys'), '--name', 'v1');
  expect(keygen.code, keygen.stderr).toBe(0);
  expect(keygen.stdout).toMatch(/^key [0-9a-f]{16}: /);
  // The private key is for the vendor's eyes only.
  if (process.platform !== 'win32')
    expect((await stat(path.join(dir, 'keys', 'v1.key.pem'))).mode & 0o777).toBe(0o600);
  // A second keygen of the same name never replaces the key that kits were signed with.
  const pem = await readFile(path.join(dir, 'keys', 'v1.key.pem'), 'utf8');
  const again = await runMain('kit', 'keygen', '--out', path.join(dir, 'keys'), '--name', 'v1');
  expect(again.code).toBe(2);
  expect(again.stderr).toContain('a key named v1 is already in');
  expect(await readFile(path.join(dir, 'keys', 'v1.key.pem'), 'utf8')).toBe(pem);

  const kit = path.join(dir, 'kit');
  const created = await kitCreate('kit', [
    '--setup-arg',
    '/quiet',
    '--setup-arg',
    '{installPath}',
    '--minimum',
    '7.5',
  ]);
  expect(created.code, created.stderr).toBe(0);
  const manifest = JSON.parse(await readFile(path.join(kit, 'kit.json'), 'utf8')) as {
    setups: { args: string[] }[];
    minimumInstalledVersion: string;
  };
  expect(manifest.setups[0]?.args).toEqual(['/quiet', '{installPath}']);
  expect(manifest.minimumInstalledVersion).toBe('7.5');

  const trust = ['--trust', path.join(dir, 'keys', 'v1.pub.pem')];
  const verified = await runMain('kit', 'verify', kit, ...trust, '--json');
  expect(verified.code, verified.stderr).toBe(0);
  expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, version: '7.9.0.14010110_x64' });
  // Not shipped in resources/keys: a real server does not know this key.
  expect((await runMain('kit', 'verify', kit)).code).toBe(3);

  await writeFile(path.join(kit, 'setup', 'CrmSetup.exe'), 'MZ not really a setup!');
  expect((await runMain('kit', 'verify', kit, ...trust)).code).toBe(4);
  await writeFile(path.join(kit, 'setup', 'CrmSetup.exe'), 'MZ not really a setup');
  expect((await runMain('kit', 'verify', kit, ...trust)).code).toBe(0);

  const json = await readFile(path.join(kit, 'kit.json'), 'utf8');
  await writeFile(path.join(kit, 'kit.json'), json.replace('7.5', '7.0'));
  const tampered = await runMain('kit', 'verify', kit, ...trust, '--json');
  expect(tampered.code).toBe(3);
  expect(JSON.parse(tampered.stdout)).toMatchObject({ ok: false, error: { key: 'kit.bad-signature' } });

  await rm(path.join(kit, 'kit.json'));
  expect((await runMain('kit', 'verify', kit, ...trust)).code).toBe(5);
});

it('declares the installer and its exit-code tables only as the vendor gives them', async () => {
  const setupsOf = async (out: string) =>
    (JSON.parse(await readFile(path.join(dir, out, 'kit.json'), 'utf8')) as { setups: object[] }).setups;

  // Nothing given: no table in the manifest, so the installer's own defaults apply (MSI's for a
  // setup.exe: 3010 restart needed, 1641 restarting), never 1641 as a mere "reboot needed".
  expect((await kitCreate('kit-defaults')).code).toBe(0);
  expect(await setupsOf('kit-defaults')).toEqual([{ role: 'main', path: 'setup/CrmSetup.exe', args: [] }]);

  const inno = await kitCreate('kit-inno', [
    '--installer',
    'inno',
    '--reboot-codes',
    '8',
    '--rebooting-codes',
    '1641',
  ]);
  expect(inno.code, inno.stderr).toBe(0);
  expect(await setupsOf('kit-inno')).toEqual([
    {
      role: 'main',
      path: 'setup/CrmSetup.exe',
      installer: 'inno',
      args: [],
      rebootExitCodes: [8],
      rebootingExitCodes: [1641],
    },
  ]);

  const wrong = await kitCreate('kit-wrong', ['--installer', 'msi']);
  expect(wrong.code).toBe(2);
  expect(wrong.stderr).toContain('setup setup/CrmSetup.exe: installer: msi is for a .msi file, and only it');
  expect((await kitCreate('kit-odd', ['--installer', 'nsis'])).stderr).toContain(
    '--installer is msi, exe or inno, not nsis',
  );
});

it('refuses bad usage with exit code 2', async () => {
  expect((await runMain('kit', 'create', '--version', '7.9')).code).toBe(2);
  expect((await runMain('kit', 'verify')).code).toBe(2);
  expect((await runMain('kit', 'frobnicate')).code).toBe(2);
  const badNotes = path.join(dir, 'bad-notes');
  await mkdir(badNotes);
  await writeFile(path.join(badNotes, 'readme.txt'), 'x');
  const r = await kitCreate('kit2', [], badNotes);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('<version name>.<it|en>.md');
});
