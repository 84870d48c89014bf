import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('./bin.mjs', import.meta.url));
const run = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kit-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('keygen → create → verify → tamper → verify fails with the exit code for its kind', async () => {
  expect((await run('kit', 'keygen', '--out', path.join(dir, 'keys'), '--name', 'v1')).code).toBe(0);
  await mkdir(path.join(dir, 'notes'));
  await writeFile(path.join(dir, 'notes', '7.9.0.14010110_x64.it.md'), '# 7.9\n- novità\n');
  await writeFile(path.join(dir, 'notes', '7.9.0.14010110_x64.en.md'), '# 7.9\n- news\n');
  await writeFile(path.join(dir, 'CrmSetup.exe'), 'MZ not really a setup');
  const kit = path.join(dir, 'kit');
  const created = await run(
    'kit',
    'create',
    '--version',
    '7.9.0.14010110_x64',
    '--setup',
    path.join(dir, 'CrmSetup.exe'),
    '--setup-arg',
    '/quiet',
    '--setup-arg',
    '{installPath}',
    '--notes',
    path.join(dir, 'notes'),
    '--key',
    path.join(dir, 'keys', 'v1.key.pem'),
    '--out',
    kit,
    '--minimum',
    '7.5',
  );
  expect(created.code).toBe(0);
  const manifest = JSON.parse(await readFile(path.join(kit, 'kit.json'), 'utf8')) as {
    setups: { args: string[] }[];
    minimumInstalledVersion: string;
  };
  expect(manifest.setups[0]?.args).toEqual(['/quiet', '{installPath}']);
  expect(manifest.minimumInstalledVersion).toBe('7.5');

  const trust = ['--trust', path.join(dir, 'keys', 'v1.pub.pem')];
  expect((await run('kit', 'verify', kit, ...trust)).code).toBe(0);
  // Not shipped in resources/keys: a real server does not know this key.
  expect((await run('kit', 'verify', kit)).code).toBe(3);

  await writeFile(path.join(kit, 'setup', 'CrmSetup.exe'), 'MZ not really a setup!');
  expect((await run('kit', 'verify', kit, ...trust)).code).toBe(4);
  await writeFile(path.join(kit, 'setup', 'CrmSetup.exe'), 'MZ not really a setup');
  expect((await run('kit', 'verify', kit, ...trust)).code).toBe(0);

  const json = await readFile(path.join(kit, 'kit.json'), 'utf8');
  await writeFile(path.join(kit, 'kit.json'), json.replace('7.5', '7.0'));
  const tampered = await run('kit', 'verify', kit, ...trust, '--json');
  expect(tampered.code).toBe(3);
  expect(JSON.parse(tampered.stdout)).toMatchObject({ ok: false, error: { key: 'kit.bad-signature' } });
});

it('refuses bad usage with exit code 2', async () => {
  expect((await run('kit', 'create', '--version', '7.9')).code).toBe(2);
  expect((await run('kit', 'verify')).code).toBe(2);
  expect((await run('kit', 'frobnicate')).code).toBe(2);
  const badNotes = path.join(dir, 'bad-notes');
  await mkdir(badNotes);
  await writeFile(path.join(badNotes, 'readme.txt'), 'x');
  const r = await run(
    'kit',
    'create',
    '--version',
    '7.9.0.14010110_x64',
    '--setup',
    path.join(dir, 'CrmSetup.exe'),
    '--notes',
    badNotes,
    '--key',
    path.join(dir, 'keys', 'v1.key.pem'),
    '--out',
    path.join(dir, 'kit2'),
  );
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('<version name>.<it|en>.md');
});
