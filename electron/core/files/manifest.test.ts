import { expect, it } from 'vitest';
import { backupManifestSchema, parseManifest } from './manifest';

const SHA = 'a'.repeat(64);
const envelope = (entries: unknown[]) => ({
  format: 1,
  source: '/srv/crm',
  createdAt: '2026-11-25T00:00:00.000Z',
  exclusions: [],
  entries,
  treeHash: SHA,
  zip: { file: 'crm.zip', bytes: 10, sha256: SHA },
  durationMs: 5,
});
const file = {
  type: 'file',
  path: 'a.txt',
  size: 1,
  mtimeMs: 1.5,
  mode: 0o644,
  crc32: 7,
  sha256: SHA,
  stored: true,
};

/* The entries are checked in place, by hand, for speed; the zod schema is the reference. */
it('checks entries in place exactly as the zod schema does', () => {
  const cases: unknown[] = [
    file,
    { type: 'dir', path: 'd', mode: 0o755 },
    { type: 'symlink', path: 'l', target: '/etc/hostname' },
    { ...file, size: -1 },
    { ...file, size: 1.5 },
    { ...file, mtimeMs: 'ieri' },
    { ...file, mode: 0.5 },
    { ...file, crc32: -1 },
    { ...file, sha256: 'A'.repeat(64) },
    { ...file, sha256: 'a'.repeat(63) },
    { ...file, stored: 'yes' },
    { ...file, path: 3 },
    { type: 'dir', path: 'd' },
    { type: 'symlink', path: 'l' },
    { type: 'fifo', path: 'p' },
    null,
    'a.txt',
  ];
  for (const entry of cases) {
    const json = envelope([entry]);
    expect(parseManifest(json).success, JSON.stringify(entry)).toBe(
      backupManifestSchema.safeParse(json).success,
    );
  }
  expect(cases.filter((entry) => parseManifest(envelope([entry])).success)).toHaveLength(3);
});
