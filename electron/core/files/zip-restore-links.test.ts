import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { ZipArchive } from 'archiver';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { linkStaysInside } from './link-targets';
import type { BackupManifest, ManifestEntry } from './manifest';
import { treeHash } from './tree';
import { zipFolder } from './zip-backup';
import { restoreZip } from './zip-restore';

/**
 * Issue 12: a link in a backup that would point out of its folder is refused by the restore,
 * which then writes nothing, and nothing outside the folder is ever written through a link.
 */

let work = '';
let target = '';
let outside = '';
beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'zip-links-'));
  // The restored folder two levels down, so that `../../x` lands in `work`.
  target = path.join(work, 'a', 'b', 'crm');
  outside = path.join(work, 'outside');
  await mkdir(target, { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(target, 'web.config'), '<configuration/>');
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('which link targets stay inside the folder', () => {
  it.each([
    ['web.config', 'web.config'],
    ['bin/link', '../web.config'],
    ['bin/deep/link', '../../bin'],
    ['link', 'bin/Crm.Web.dll'],
    ['link', '.'],
    ['link', './bin/'],
  ])('%s → %s is accepted', (at, to) => {
    expect(linkStaysInside(at, to)).toBe(true);
  });

  it.each([
    ['link', '/'],
    ['link', '/etc/passwd'],
    ['link', '../../x'],
    ['link', '..'],
    ['bin/link', '../../x'],
    ['link', '..\\..\\x'],
    ['link', 'C:\\Windows'],
    ['link', 'C:Windows'],
    ['link', '\\\\server\\share'],
    ['link', 'web.config:stream'],
    ['link', 'bin/../../x'],
    // The name may itself be a link to '.': the disk would resolve this one level up.
    ['link', 'bin/../x'],
    ['link', '.. /x'],
    ['link', '...'],
    ['link', ''],
  ])('%s → %s is refused', (at, to) => {
    expect(linkStaysInside(at, to)).toBe(false);
  });
});

/** A backup of the folder while it held a link, made by the real backup; then the link goes and a setup adds a file. */
async function backupWithLink(linkTarget: string): Promise<string> {
  await symlink(linkTarget, path.join(target, 'lnk'));
  const zip = path.join(work, 'backup.zip');
  await zipFolder(target, zip);
  await rm(path.join(target, 'lnk'));
  await writeFile(path.join(target, 'added-by-setup.txt'), 'stays when nothing is touched');
  return zip;
}

describe('a restore refuses a backup with a link out of the folder, and writes nothing', () => {
  it.each(['/', '../../x'])('a link to %s', async (linkTarget) => {
    const zip = await backupWithLink(linkTarget);
    const before = await treeHash(target);
    await expect(restoreZip(zip, target)).rejects.toMatchObject({
      message_: { key: 'rollback-proof.link-outside', params: { entry: 'lnk', target: linkTarget } },
    });
    await expect(lstat(path.join(target, 'lnk'))).rejects.toThrow();
    expect(await treeHash(target)).toBe(before);
    expect(await readdir(outside)).toEqual([]);
  });

  it('a link inside the folder, by a relative path, is put back', async () => {
    const zip = await backupWithLink('web.config');
    await restoreZip(zip, target);
    expect(await readlink(path.join(target, 'lnk'))).toBe('web.config');
    await expect(lstat(path.join(target, 'added-by-setup.txt'))).rejects.toThrow();
  });
});

/**
 * A backup made by hand (no folder on the disk can hold it): a link `lnk`, and a file listed
 * beneath it, as if the link were a folder. Its manifest is consistent with its zip.
 */
async function forgedBackup(linkTarget: string): Promise<string> {
  const zip = path.join(work, 'forged.zip');
  const payload = Buffer.from('<%@ Page Language="C#" %> pwned');
  const date = new Date('2026-01-01T00:00:00Z');
  const archive = new ZipArchive({ zlib: { level: 1 } });
  const written = finished(archive.pipe(createWriteStream(zip)));
  archive.symlink('lnk', linkTarget);
  archive.append(payload, { name: 'lnk/shell.aspx', date, mode: 0o644 });
  await archive.finalize();
  await written;
  const bytes = await readFile(zip);
  const entries: ManifestEntry[] = [
    { type: 'symlink', path: 'lnk', target: linkTarget },
    {
      type: 'file',
      path: 'lnk/shell.aspx',
      size: payload.length,
      mtimeMs: date.getTime(),
      mode: 0o644,
      crc32: crc32(payload),
      sha256: createHash('sha256').update(payload).digest('hex'),
      stored: false,
    },
  ];
  const manifest: BackupManifest = {
    format: 1,
    source: target,
    createdAt: date.toISOString(),
    exclusions: [],
    entries,
    treeHash: '0'.repeat(64),
    zip: {
      file: 'forged.zip',
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    },
    durationMs: 1,
  };
  await writeFile(`${zip}.manifest.json`, JSON.stringify(manifest));
  return zip;
}

describe('nothing is written through a link', () => {
  it('a link out of the folder, already on the disk, with a file listed beneath it: refused, nothing written outside', async () => {
    // Planted in the folder beforehand; the forged backup lists the same link, so an old restore kept it.
    await symlink('../../../outside', path.join(target, 'lnk'));
    const zip = await forgedBackup('../../../outside');
    await expect(restoreZip(zip, target)).rejects.toMatchObject({
      message_: { key: 'rollback-proof.link-outside', params: { entry: 'lnk' } },
    });
    expect(await readdir(outside)).toEqual([]);
    expect(await readFile(path.join(target, 'web.config'), 'utf8')).toBe('<configuration/>');
  });

  it('a file listed beneath a link, even one that stays inside: refused before anything is written', async () => {
    const zip = await forgedBackup('.');
    await expect(restoreZip(zip, target)).rejects.toMatchObject({
      message_: { key: 'rollback-proof.beneath-link', params: { entry: 'lnk/shell.aspx', parent: 'lnk' } },
    });
    expect((await readdir(target)).sort()).toEqual(['web.config']);
  });
});
