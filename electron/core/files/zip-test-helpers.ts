import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { hashTree, listTree } from './tree';

/*
 * For the tests of the zip: the standard tools (Info-ZIP's unzip, 7-Zip) as a second opinion,
 * a reader of the central directory's raw records, to see the flags a reader relies on, and a
 * quick tree hash for big folders.
 */

/** The Debian package of each tool the tests open the zip with. */
const PACKAGES: Record<string, string> = { unzip: 'unzip', '7z': 'p7zip-full' };

/**
 * A folder's tree hash as treeHash makes it (the same listing and lines), its files read with
 * synchronous calls: treeHash reads each file with four hand-offs to the thread pool, which took
 * a minute for the Zip64 test's 67,000 files on a loaded 2-core machine; this takes seconds.
 */
export async function quickTreeHash(root: string): Promise<string> {
  return hashTree(await listTree(root), (f) => {
    const bytes = readFileSync(path.join(root, f.path));
    return {
      sha256: createHash('sha256').update(bytes).digest('hex'),
      crc32: crc32(bytes),
      size: bytes.length,
    };
  });
}

/** Runs a standard tool; a tool that is not installed fails the test, saying what to install. */
export function run(command: string, args: string[]): { status: number | null; out: string } {
  const r = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT')
    throw new Error(`${command} is not installed: apt-get install ${PACKAGES[command] ?? command}`);
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

export interface CentralRecord {
  name: string;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  versionNeeded: number;
  externalAttributes: number;
}

/** The end of the zip: the entry count and whether Zip64 records are there (and needed). */
export interface ZipEnd {
  entries: number;
  zip64: boolean;
  records: CentralRecord[];
}

/** Reads the central directory's records straight from the bytes (Zip64 included), without yauzl. */
export function readCentralDirectory(zipPath: string): ZipEnd {
  const buf = readFileSync(zipPath);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('no end of central directory');
  let entries = buf.readUInt16LE(eocd + 10);
  let offset = buf.readUInt32LE(eocd + 16);
  const locator = eocd - 20;
  const zip64 = locator >= 0 && buf.readUInt32LE(locator) === 0x07064b50;
  if (zip64) {
    const record = Number(buf.readBigUInt64LE(locator + 8));
    if (buf.readUInt32LE(record) !== 0x06064b50) throw new Error('bad Zip64 end record');
    entries = Number(buf.readBigUInt64LE(record + 32));
    offset = Number(buf.readBigUInt64LE(record + 48));
  }
  const records: CentralRecord[] = [];
  let at = offset;
  for (let i = 0; i < entries; i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central record ${i}`);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    records.push({
      versionNeeded: buf.readUInt16LE(at + 6),
      flags: buf.readUInt16LE(at + 8),
      method: buf.readUInt16LE(at + 10),
      crc32: buf.readUInt32LE(at + 16),
      compressedSize: buf.readUInt32LE(at + 20),
      size: buf.readUInt32LE(at + 24),
      externalAttributes: buf.readUInt32LE(at + 38),
      name: buf.toString('utf8', at + 46, at + 46 + nameLength),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return { entries, zip64, records };
}
