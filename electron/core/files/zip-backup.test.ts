import { mkdtemp, mkdir, readFile, rm, symlink, writeFile, chmod, utimes, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UpgradeError } from '../../shared/message';
import { treeHash } from './tree';
import { zipFolder } from './zip-backup';
import { restoreZip } from './zip-restore';
import { verifyZip } from './zip-verify';

let work: string;
let app: string;

beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'zipb-'));
  app = path.join(work, 'app');
  await mkdir(path.join(app, 'bin'), { recursive: true });
  await mkdir(path.join(app, 'empty-folder'), { recursive: true });
  await mkdir(path.join(app, 'App_Data', 'Logs'), { recursive: true });
  await writeFile(path.join(app, 'web.config'), '<configuration/>');
  await writeFile(path.join(app, 'bin', 'Crm.Web.dll'), Buffer.alloc(70_000, 7));
  await writeFile(path.join(app, 'empty.txt'), '');
  await writeFile(path.join(app, 'città è più.aspx'), 'unicode');
  await writeFile(path.join(app, `${'n'.repeat(200)}.txt`), 'long name');
  await writeFile(path.join(app, 'foto.jpg'), Buffer.from([0xff, 0xd8, 1, 2, 3]));
  await writeFile(path.join(app, 'App_Data', 'Logs', 'today.log'), 'excluded');
  await writeFile(path.join(app, 'readonly.txt'), 'ro');
  await chmod(path.join(app, 'readonly.txt'), 0o444);
  await symlink('/etc/hostname', path.join(app, 'outside-link'));
});
afterEach(async () => {
  await chmod(path.join(app, 'readonly.txt'), 0o644).catch(() => undefined);
  await rm(work, { recursive: true, force: true });
});

describe('application folder backup', () => {
  it('round-trips a folder after a setup adds, changes and deletes files', async () => {
    const before = await treeHash(app, ['App_Data/Logs']);
    const zip = path.join(work, 'backup.zip');
    const manifest = await zipFolder(app, zip, { exclusions: ['App_Data/Logs'] });
    expect(manifest.treeHash).toBe(before);
    expect(manifest.entries.find((e) => e.path === 'foto.jpg')).toMatchObject({ stored: true });
    expect(manifest.entries.find((e) => e.path === 'outside-link')).toMatchObject({ type: 'symlink', target: '/etc/hostname' });
    await verifyZip(zip);

    // What a setup does.
    await writeFile(path.join(app, 'bin', 'Crm.Web.dll'), 'new build');
    await writeFile(path.join(app, 'bin', 'Added.dll'), 'added');
    await mkdir(path.join(app, 'new-folder'));
    await writeFile(path.join(app, 'new-folder', 'x.js'), 'x');
    await rm(path.join(app, 'web.config'));
    await writeFile(path.join(app, 'App_Data', 'Logs', 'today.log'), 'log written during the upgrade');
    expect(await treeHash(app, ['App_Data/Logs'])).not.toBe(before);

    const after = await restoreZip(zip, app);
    expect(after).toBe(before);
    expect(await readFile(path.join(app, 'web.config'), 'utf8')).toBe('<configuration/>');
    // Excluded folders are left alone.
    expect(await readFile(path.join(app, 'App_Data', 'Logs', 'today.log'), 'utf8')).toBe('log written during the upgrade');
  });

  it('restores an untouched timestamp change too', async () => {
    const zip = path.join(work, 'b.zip');
    const manifest = await zipFolder(app, zip);
    const when = new Date('2001-01-01T00:00:00Z');
    await utimes(path.join(app, 'empty.txt'), when, when);
    expect(await treeHash(app)).not.toBe(manifest.treeHash);
    expect(await restoreZip(zip, app)).toBe(manifest.treeHash);
  });

  it('verify catches a flipped byte and a missing manifest entry', async () => {
    const zip = path.join(work, 'b.zip');
    await zipFolder(app, zip);
    const buf = await readFile(zip);
    const flipped = Buffer.from(buf);
    flipped[100] = (flipped[100] ?? 0) ^ 0xff;
    await writeFile(zip, flipped);
    await expect(verifyZip(zip)).rejects.toMatchObject({ message_: { key: 'backup.files.verify-failed', params: { problem: 'sha256' } } });
    await writeFile(zip, buf);
    const manifestPath = `${zip}.manifest.json`;
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as { entries: { path: string }[] };
    manifest.entries.push({ path: 'ghost.txt', type: 'dir', mode: 0o755 } as never);
    await writeFile(manifestPath, JSON.stringify(manifest));
    await expect(verifyZip(zip)).rejects.toMatchObject({ message_: { params: { problem: 'missing', entry: 'ghost.txt' } } });
  });

  it('removes the partial zip when the source changes under it', async () => {
    const zip = path.join(work, 'b.zip');
    // A file listed and then replaced by a folder before it is read: the read fails mid-backup.
    const victim = path.join(app, 'zz-last.txt');
    await writeFile(victim, 'x');
    const run = zipFolder(app, zip, {
      onProgress: (p) => {
        if (p.itemsDone === 1) void rm(victim).then(() => mkdir(victim));
      },
    });
    await expect(run).rejects.toBeInstanceOf(UpgradeError);
    await expect(open(zip)).rejects.toThrow();
  });
});
