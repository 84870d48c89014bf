import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { treeHash } from '../core/files/tree';
import { runMain } from '../testing/run-main';

/**
 * `crm-upgrade backup files|verify` and `crm-upgrade restore files`, through the CLI's own
 * entry point (in this process: the output is captured, the exit code returned).
 */

let work: string;
let app: string;

beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'cli-backup-'));
  app = path.join(work, 'app');
  await mkdir(path.join(app, 'bin'), { recursive: true });
  await mkdir(path.join(app, 'App_Data', 'Logs'), { recursive: true });
  await writeFile(path.join(app, 'web.config'), '<configuration/>');
  await writeFile(path.join(app, 'bin', 'Crm.Web.dll'), Buffer.alloc(50_000, 3));
  await writeFile(path.join(app, 'App_Data', 'Logs', 'oggi.log'), 'log');
});
afterEach(() => rm(work, { recursive: true, force: true }));

describe('crm-upgrade backup / restore', () => {
  it('backs up, verifies and restores a folder, exit 0 each time', async () => {
    const zip = path.join(work, 'copia.zip');
    const before = await treeHash(app, ['App_Data/Logs']);
    const backup = await runMain(
      'backup',
      'files',
      app,
      '--out',
      zip,
      '--exclude',
      'App_Data/Logs',
      '--lang',
      'en',
    );
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toContain(`Copy written to ${zip}`);
    expect(backup.stdout).toContain('excluded: App_Data/Logs');
    expect(backup.stderr).toContain('100 %');
    const manifest = JSON.parse(await readFile(`${zip}.manifest.json`, 'utf8')) as {
      exclusions: string[];
      treeHash: string;
    };
    expect(manifest).toMatchObject({ exclusions: ['App_Data/Logs'], treeHash: before });

    const verify = await runMain('backup', 'verify', zip);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toContain('è integra');

    await writeFile(path.join(app, 'web.config'), '<configuration changed="by the setup"/>');
    await writeFile(path.join(app, 'bin', 'Nuovo.dll'), 'new');
    const restore = await runMain('restore', 'files', zip, '--to', app, '--lang', 'en');
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stdout).toContain(`tree hash ${before}`);
    expect(await treeHash(app, ['App_Data/Logs'])).toBe(before);
    await expect(stat(path.join(app, 'bin', 'Nuovo.dll'))).rejects.toThrow();
  });

  it('fails with the translated message, what to do, and a non-zero exit', async () => {
    const zip = path.join(work, 'copia.zip');
    expect((await runMain('backup', 'files', app, '--out', zip)).code).toBe(0);
    const buf = await readFile(zip);
    buf[60] = (buf[60] ?? 0) ^ 0xff;
    await writeFile(zip, buf);

    const it = await runMain('backup', 'verify', zip);
    expect(it.code).toBe(1);
    expect(it.stderr).toContain('La copia copia.zip non corrisponde: copia.zip (sha256).');
    expect(it.stderr).toContain('→ La copia non è affidabile');
    const en = await runMain('restore', 'files', zip, '--to', app, '--lang', 'en');
    expect(en.code).toBe(1);
    expect(en.stderr).toContain('The copy copia.zip does not match: copia.zip (sha256).');

    const missing = await runMain(
      'backup',
      'files',
      path.join(work, 'nowhere'),
      '--out',
      path.join(work, 'x.zip'),
      '--lang',
      'en',
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('✖');
  });

  it('says how to use it, exit 2, when the arguments are wrong', async () => {
    const a = await runMain('backup', 'files', app);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('backup files DIR --out ZIP');
    expect((await runMain('restore', 'files', 'x.zip')).code).toBe(2);
    expect((await runMain('backup', 'copy')).code).toBe(2);
    expect((await runMain('backup', 'verify', 'a.zip', '--lang', 'fr')).code).toBe(2);
    const help = await runMain('--help');
    expect(help.stdout).toContain('crm-upgrade restore files ZIP --to DIR');
  });

  it('restores only into the folder the copy was taken from, unless told, and never deletes outside its tree', async () => {
    // The parent folder (…/wwwroot) holds the CRM and the MOBILE folder beside it.
    const wwwroot = path.join(work, 'wwwroot');
    const crm = path.join(wwwroot, 'CRM');
    const mobile = path.join(wwwroot, 'CRMMobile');
    await mkdir(path.join(crm, 'bin'), { recursive: true });
    await mkdir(path.join(mobile, 'bin'), { recursive: true });
    await writeFile(path.join(crm, 'web.config'), '<configuration/>');
    await writeFile(path.join(crm, 'bin', 'version.txt'), '7.8.4\n');
    await writeFile(path.join(mobile, 'bin', 'version.txt'), '7.8.4\n');
    const zip = path.join(work, 'crm.zip');
    expect((await runMain('backup', 'files', crm, '--out', zip)).code).toBe(0);
    const wwwBefore = await treeHash(wwwroot);

    const parent = await runMain('restore', 'files', zip, '--to', wwwroot, '--lang', 'en');
    expect(parent.code).toBe(1);
    expect(parent.stderr).toContain(`The copy was taken from ${crm}, not from ${wwwroot}`);
    expect(parent.stderr).toContain('--to-other-folder');
    // The parent is refused even when the admin says "another folder": it holds the source.
    const forced = await runMain(
      'restore',
      'files',
      zip,
      '--to',
      wwwroot,
      '--to-other-folder',
      '--lang',
      'en',
    );
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain(`The folder ${wwwroot} is not empty or holds ${crm}`);
    // A sibling folder with files in it: refused too, nothing deleted.
    const sibling = await runMain(
      'restore',
      'files',
      zip,
      '--to',
      mobile,
      '--to-other-folder',
      '--lang',
      'en',
    );
    expect(sibling.code).toBe(1);
    expect(await treeHash(wwwroot)).toBe(wwwBefore);
    expect(await readFile(path.join(mobile, 'bin', 'version.txt'), 'utf8')).toBe('7.8.4\n');

    // Named explicitly, into a new folder: allowed, and proved.
    const elsewhere = path.join(work, 'restored-CRM');
    const ok = await runMain('restore', 'files', zip, '--to', elsewhere, '--to-other-folder', '--lang', 'en');
    expect(ok.code, ok.stderr).toBe(0);
    expect(await treeHash(elsewhere)).toBe(await treeHash(crm));
    // And into its own folder, as always.
    await writeFile(path.join(crm, 'bin', 'version.txt'), '7.8.5\n');
    expect((await runMain('restore', 'files', zip, '--to', crm)).code).toBe(0);
    expect(await treeHash(wwwroot)).toBe(wwwBefore);
  });
});
