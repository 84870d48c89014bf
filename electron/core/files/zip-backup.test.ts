import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HashWorker } from './hash-worker';
import type { FileProgress } from './manifest';
import { listTree, treeHash } from './tree';
import { zipFolder } from './zip-backup';
import { restoreZip } from './zip-restore';
import { readCentralDirectory, run } from './zip-test-helpers';
import { verifyZip } from './zip-verify';
import { BLOCK } from './zip-thread-messages';
import { ZipWorkers } from './zip-workers';

const without = <T extends object, K extends keyof T>(o: T, key: K): Omit<T, K> => {
  const { [key]: _dropped, ...rest } = o;
  return rest;
};

let work: string;
let app: string;

/** Pseudo-random bytes: what deflate cannot shrink. */
function noise(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const LONG_DIRS = ['d'.repeat(90), 'e'.repeat(90), 'f'.repeat(90)];
const LONG_FILE = `${LONG_DIRS.join('/')}/${'n'.repeat(120)}.txt`;

beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'zipb-'));
  app = path.join(work, 'app');
  await mkdir(path.join(app, 'bin'), { recursive: true });
  await mkdir(path.join(app, 'empty-folder'), { recursive: true });
  await mkdir(path.join(app, 'App_Data', 'Logs'), { recursive: true });
  await mkdir(path.join(app, ...LONG_DIRS), { recursive: true });
  await writeFile(path.join(app, 'web.config'), '<configuration/>');
  await writeFile(path.join(app, 'bin', 'Crm.Web.dll'), Buffer.alloc(70_000, 7));
  await writeFile(path.join(app, 'empty.txt'), '');
  await writeFile(path.join(app, 'città è più.aspx'), 'unicode');
  await writeFile(path.join(app, '日本語のファイル.js'), 'var x = 1;');
  await writeFile(path.join(app, `${'n'.repeat(200)}.txt`), 'long name');
  await writeFile(path.join(app, LONG_FILE), 'a path of more than 260 characters');
  await writeFile(path.join(app, 'foto.jpg'), Buffer.from([0xff, 0xd8, 1, 2, 3]));
  // An upload saved under a GUID: no extension, only its content says it is compressed.
  await writeFile(path.join(app, '3f2504e04f8911d39a0c0305e82c3301'), noise(50_000));
  // A "PDF" that is plain text: the content says deflate it.
  await writeFile(path.join(app, 'testo.pdf'), 'stream BT /F1 12 Tf (Fattura) Tj ET endstream\n'.repeat(400));
  await writeFile(path.join(app, 'App_Data', 'Logs', 'today.log'), 'excluded');
  await writeFile(path.join(app, 'readonly.txt'), 'ro');
  await chmod(path.join(app, 'readonly.txt'), 0o444);
  // A link inside the folder, by a relative path: the only kind a restore writes (link-targets.ts).
  await symlink('web.config', path.join(app, 'a-link'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await chmod(path.join(app, 'readonly.txt'), 0o644).catch(() => undefined);
  await rm(work, { recursive: true, force: true });
});

describe('application folder backup', () => {
  it('round-trips a folder after a setup adds, changes and deletes files', async () => {
    const before = await treeHash(app, ['App_Data/Logs']);
    const zip = path.join(work, 'backup.zip');
    const summary = await zipFolder(app, zip, { exclusions: ['App_Data/Logs'] });
    // Verified as it is read: the zip matches the manifest beside it.
    const manifest = await verifyZip(zip);
    expect(summary).toEqual({ ...without(manifest, 'entries'), entryCount: manifest.entries.length });
    expect(manifest.treeHash).toBe(before);
    expect(manifest.exclusions).toEqual(['App_Data/Logs']);
    expect(manifest.entries.some((e) => e.path.startsWith('App_Data/Logs'))).toBe(false);
    expect(manifest.entries.find((e) => e.path === 'a-link')).toMatchObject({
      type: 'symlink',
      target: 'web.config',
    });
    expect(manifest.entries.find((e) => e.path === 'empty-folder')).toMatchObject({ type: 'dir' });
    expect(manifest.entries.find((e) => e.path === 'empty.txt')).toMatchObject({ type: 'file', size: 0 });
    expect(manifest.entries.find((e) => e.path === LONG_FILE)).toMatchObject({ type: 'file' });
    expect(path.join(app, LONG_FILE).length).toBeGreaterThan(260);
    expect(manifest.entries.find((e) => e.path === 'readonly.txt')).toMatchObject({ mode: 0o444 });
    // The manifest beside the zip: path, size, mtime and CRC-32 of each entry, the zip's SHA-256, the exclusions, the duration.
    const onDisk = JSON.parse(await readFile(`${zip}.manifest.json`, 'utf8')) as typeof manifest;
    expect(onDisk).toEqual(manifest);
    const webConfig = await stat(path.join(app, 'web.config'));
    expect(onDisk.entries.find((e) => e.path === 'web.config')).toEqual({
      type: 'file',
      path: 'web.config',
      size: 16,
      mtimeMs: webConfig.mtimeMs,
      mode: webConfig.mode & 0o777,
      crc32: crc32('<configuration/>'),
      sha256: createHash('sha256').update('<configuration/>').digest('hex'),
      // Deflate would not shrink 16 bytes: stored.
      stored: true,
    });
    expect(manifest.zip).toMatchObject({ file: 'backup.zip', bytes: (await stat(zip)).size });
    expect(manifest.durationMs).toBeGreaterThanOrEqual(0);

    // What a setup does.
    await writeFile(path.join(app, 'bin', 'Crm.Web.dll'), 'new build');
    await writeFile(path.join(app, 'bin', 'Added.dll'), 'added');
    await mkdir(path.join(app, 'new-folder'));
    await writeFile(path.join(app, 'new-folder', 'x.js'), 'x');
    await rm(path.join(app, 'web.config'));
    await rm(path.join(app, 'empty-folder'), { recursive: true });
    await chmod(path.join(app, 'readonly.txt'), 0o644);
    await writeFile(path.join(app, 'readonly.txt'), 'rw now');
    await rm(path.join(app, 'a-link'));
    await symlink('empty.txt', path.join(app, 'a-link'));
    await writeFile(path.join(app, 'App_Data', 'Logs', 'today.log'), 'log written during the upgrade');
    expect(await treeHash(app, ['App_Data/Logs'])).not.toBe(before);

    const after = await restoreZip(zip, app);
    expect(after).toBe(before);
    expect(await treeHash(app, ['App_Data/Logs'])).toBe(before);
    expect(await readFile(path.join(app, 'web.config'), 'utf8')).toBe('<configuration/>');
    expect(await readFile(path.join(app, 'readonly.txt'), 'utf8')).toBe('ro');
    expect((await stat(path.join(app, 'readonly.txt'))).mode & 0o777).toBe(0o444);
    expect((await lstat(path.join(app, 'empty-folder'))).isDirectory()).toBe(true);
    await expect(lstat(path.join(app, 'bin', 'Added.dll'))).rejects.toThrow();
    await expect(lstat(path.join(app, 'new-folder'))).rejects.toThrow();
    // The link is recorded and put back, not followed.
    expect(await readlink(path.join(app, 'a-link'))).toBe('web.config');
    // Excluded folders are left alone.
    expect(await readFile(path.join(app, 'App_Data', 'Logs', 'today.log'), 'utf8')).toBe(
      'log written during the upgrade',
    );
  });

  it('restores into an empty folder, timestamps and modes included', async () => {
    const zip = path.join(work, 'b.zip');
    const manifest = await zipFolder(app, zip, { exclusions: ['App_Data/Logs'] });
    const elsewhere = path.join(work, 'elsewhere');
    expect(await restoreZip(zip, elsewhere, undefined, { toOtherFolder: true })).toBe(manifest.treeHash);
    expect(await treeHash(elsewhere)).toBe(manifest.treeHash);
    const a = await stat(path.join(app, 'bin', 'Crm.Web.dll'));
    const b = await stat(path.join(elsewhere, 'bin', 'Crm.Web.dll'));
    expect(b.mtimeMs).toBeCloseTo(a.mtimeMs, 0);
  });

  it('restores an untouched timestamp change too', async () => {
    const zip = path.join(work, 'b.zip');
    const manifest = await zipFolder(app, zip);
    const when = new Date('2001-01-01T00:00:00Z');
    await utimes(path.join(app, 'empty.txt'), when, when);
    expect(await treeHash(app)).not.toBe(manifest.treeHash);
    expect(await restoreZip(zip, app)).toBe(manifest.treeHash);
  });

  it('stores what is compressed already, by extension and by content, and deflates the rest', async () => {
    const zip = path.join(work, 'b.zip');
    await zipFolder(app, zip);
    const manifest = await verifyZip(zip);
    const stored = (p: string) =>
      manifest.entries.find((e) => e.path === p && e.type === 'file') as { stored: boolean } | undefined;
    expect(stored('foto.jpg')?.stored).toBe(true);
    expect(stored('3f2504e04f8911d39a0c0305e82c3301')?.stored).toBe(true);
    expect(stored('testo.pdf')?.stored).toBe(false);
    expect(stored('bin/Crm.Web.dll')?.stored).toBe(false);
    const records = new Map(readCentralDirectory(zip).records.map((r) => [r.name, r]));
    expect(records.get('foto.jpg')?.method).toBe(0);
    expect(records.get('bin/Crm.Web.dll')?.method).toBe(8);
    // Written whole by the hook into archiver's engine: sizes and CRC in the local header, no data descriptor.
    expect((records.get('bin/Crm.Web.dll')?.flags ?? 0) & 0x8).toBe(0);
  });

  it('lists the folder on a worker exactly as listTree does (exclusions written either way)', async () => {
    const workers = new ZipWorkers({ count: 1 });
    try {
      const listed = await workers.list(app, ['app_data\\LOGS\\']);
      expect(listed).toEqual(await listTree(app, ['App_Data/Logs']));
      expect(listed.some((e) => e.path.startsWith('App_Data/Logs'))).toBe(false);
    } finally {
      await workers.close();
    }
  });

  it('reports files, bytes and items done against the totals', async () => {
    const seen: FileProgress[] = [];
    const manifest = await zipFolder(app, path.join(work, 'b.zip'), { onProgress: (p) => seen.push(p) });
    const last = seen.at(-1);
    expect(last).toMatchObject({ itemsDone: manifest.entryCount, itemsTotal: manifest.entryCount });
    expect(last?.bytesDone).toBe(last?.bytesTotal);
    for (let i = 1; i < seen.length; i++)
      expect(seen[i]?.bytesDone).toBeGreaterThanOrEqual(seen[i - 1]?.bytesDone ?? 0);
  });

  it('round-trips files bigger than a block, streamed in pieces (a multiple of the block included)', async () => {
    const text = Buffer.from(
      '<row id="1" nome="Mario" citta="Torino"/>\n'.repeat(Math.ceil((2.5 * BLOCK) / 43)),
    ).subarray(0, Math.floor(2.5 * BLOCK));
    await writeFile(path.join(app, 'bin', 'export.xml'), text);
    await writeFile(path.join(app, 'bin', 'video.mp4'), noise(2 * BLOCK + 3, 7));
    await writeFile(
      path.join(app, 'bin', 'exact.dll'),
      Buffer.concat([text.subarray(0, BLOCK), noise(BLOCK, 9)]),
    );
    const zip = path.join(work, 'b.zip');
    const manifest = await zipFolder(app, zip);
    const records = new Map(readCentralDirectory(zip).records.map((r) => [r.name, r]));
    expect(records.get('bin/export.xml')?.method).toBe(8);
    expect(records.get('bin/video.mp4')?.method).toBe(0);
    await verifyZip(zip);
    const out = path.join(work, 'out');
    expect(await restoreZip(zip, out, undefined, { toOtherFolder: true })).toBe(manifest.treeHash);
    expect((await readFile(path.join(out, 'bin', 'export.xml'))).equals(text)).toBe(true);
    expect(run('unzip', ['-tq', zip]).status).toBe(0);
  });

  it('opens in the standard tools, with UTF-8 names flagged as such', async () => {
    const zip = path.join(work, 'b.zip');
    await zipFolder(app, zip, { exclusions: ['App_Data/Logs'] });
    const records = new Map(readCentralDirectory(zip).records.map((r) => [r.name, r]));
    // Bit 11: the name is UTF-8. Plain ASCII names need no flag.
    expect((records.get('città è più.aspx')?.flags ?? 0) & 0x800).toBe(0x800);
    expect((records.get('日本語のファイル.js')?.flags ?? 0) & 0x800).toBe(0x800);
    expect(records.get('a-link')?.externalAttributes ?? 0).toSatisfy(
      (a: number) => ((a >>> 16) & 0o170000) === 0o120000,
    );
    const t = run('unzip', ['-t', zip]);
    expect(t.status, t.out).toBe(0);
    expect(t.out).toContain('No errors detected');
    const z = run('unzip', ['-Z', zip]);
    expect(z.out).toContain('città è più.aspx');
    expect(z.out).toMatch(/^l.*a-link/m);
    const t7 = run('7z', ['t', zip]);
    expect(t7.status, t7.out).toBe(0);
    expect(t7.out).toContain('Everything is Ok');
    const l = run('7z', ['l', '-slt', zip]);
    expect(l.out).toContain('Path = città è più.aspx');
    expect(l.out).toContain('Path = 日本語のファイル.js');
  });
});

describe('verify', () => {
  it('catches a flipped byte: by the SHA-256, and by the CRC-32 when the manifest is forged to match', async () => {
    const zip = path.join(work, 'b.zip');
    await zipFolder(app, zip, { exclusions: ['App_Data/Logs'] });
    const manifest = await verifyZip(zip);
    const buf = await readFile(zip);
    const records = readCentralDirectory(zip).records;
    // A byte inside the data of the DLL (its local header is 30 bytes plus its name).
    const dll = records.find((r) => r.name === 'bin/Crm.Web.dll');
    expect(dll).toBeDefined();
    const at = buf.indexOf(Buffer.from('bin/Crm.Web.dll')) + 'bin/Crm.Web.dll'.length + 5;
    const flipped = Buffer.from(buf);
    flipped[at] = (flipped[at] ?? 0) ^ 0xff;
    await writeFile(zip, flipped);
    await expect(verifyZip(zip)).rejects.toMatchObject({
      message_: { key: 'backup.files.verify-failed', params: { problem: 'sha256' } },
    });

    // Someone recomputed the SHA-256 in the manifest: the entry's CRC-32 still tells.
    const forged = {
      ...manifest,
      zip: { ...manifest.zip, sha256: createHash('sha256').update(flipped).digest('hex') },
    };
    await writeFile(`${zip}.manifest.json`, JSON.stringify(forged));
    await expect(verifyZip(zip)).rejects.toMatchObject({ message_: { key: 'backup.files.verify-failed' } });
    const problem = await verifyZip(zip).then(
      () => null,
      (e: { message_: { params: { problem: string; entry: string } } }) => e.message_.params,
    );
    expect(['crc32', 'data']).toContain(problem?.problem);
    expect(problem?.entry).toBe('bin/Crm.Web.dll');
  });

  it('catches a missing entry: in the zip, or in the manifest', async () => {
    const zip = path.join(work, 'b.zip');
    await zipFolder(app, zip);
    const manifestPath = `${zip}.manifest.json`;
    const original = await readFile(manifestPath, 'utf8');
    const manifest = JSON.parse(original) as { entries: { path: string; type: string }[] };
    manifest.entries.push({ path: 'ghost.txt', type: 'dir', mode: 0o755 } as never);
    await writeFile(manifestPath, JSON.stringify(manifest));
    await expect(verifyZip(zip)).rejects.toMatchObject({
      message_: { params: { problem: 'missing', entry: 'ghost.txt' } },
    });

    // An entry the zip has and the manifest does not.
    const fewer = JSON.parse(original) as { entries: { path: string }[] };
    fewer.entries = fewer.entries.filter((e) => e.path !== 'web.config');
    await writeFile(manifestPath, JSON.stringify(fewer));
    await expect(verifyZip(zip)).rejects.toMatchObject({
      message_: { params: { problem: 'unexpected', entry: 'web.config' } },
    });
  });

  it('refuses a zip whose manifest is missing or broken', async () => {
    const zip = path.join(work, 'b.zip');
    await zipFolder(app, zip);
    await writeFile(`${zip}.manifest.json`, '{ not json');
    await expect(verifyZip(zip)).rejects.toMatchObject({
      message_: { key: 'backup.files.manifest-invalid' },
    });
    await rm(`${zip}.manifest.json`);
    await expect(verifyZip(zip)).rejects.toMatchObject({
      message_: { key: 'backup.files.manifest-missing' },
    });
  });

  it('restore touches nothing when the zip does not match its manifest', async () => {
    const zip = path.join(work, 'b.zip');
    await zipFolder(app, zip);
    const buf = await readFile(zip);
    buf[200] = (buf[200] ?? 0) ^ 0xff;
    await writeFile(zip, buf);
    await writeFile(path.join(app, 'added-by-setup.txt'), 'stays');
    await expect(restoreZip(zip, app)).rejects.toMatchObject({
      message_: { key: 'backup.files.verify-failed', params: { problem: 'sha256' } },
    });
    expect(await readFile(path.join(app, 'added-by-setup.txt'), 'utf8')).toBe('stays');
  });

  it('restore holds a proved SHA-256 to the manifest without hashing the zip again', async () => {
    const zip = path.join(work, 'b.zip');
    const summary = await zipFolder(app, zip);
    const hashFile = vi.spyOn(HashWorker.prototype, 'hashFile');
    await writeFile(path.join(app, 'added-by-setup.txt'), 'goes');

    // The rollback's private copy, hashed as it was written: the zip is not read for its hash.
    expect(await restoreZip(zip, app, undefined, { provedZipSha256: summary.zip.sha256 })).toBe(
      summary.treeHash,
    );
    expect(hashFile).not.toHaveBeenCalled();
    await expect(lstat(path.join(app, 'added-by-setup.txt'))).rejects.toThrow();

    // A proved hash that is not the manifest's is refused before anything is touched, as a read one is.
    await writeFile(path.join(app, 'added-by-setup.txt'), 'stays');
    const other = createHash('sha256').update('another zip').digest('hex');
    await expect(restoreZip(zip, app, undefined, { provedZipSha256: other })).rejects.toMatchObject({
      message_: { key: 'backup.files.verify-failed', params: { problem: 'sha256' } },
    });
    expect(await readFile(path.join(app, 'added-by-setup.txt'), 'utf8')).toBe('stays');
    expect(hashFile).not.toHaveBeenCalled();

    // Without one (the CLI), the zip is hashed.
    expect(await restoreZip(zip, app)).toBe(summary.treeHash);
    expect(hashFile).toHaveBeenCalledTimes(1);
  });
});
