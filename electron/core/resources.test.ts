import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UpgradeError } from '../shared/message';
import type { ResourceHashes } from '../shared/resource-hashes';
import { generateSigningKey, loadTrustedKeys } from './kit/kit-keys';
import { loadShippedProfile, readShippedResource, sourceResourcesDir } from './resources';

/*
 * The profile and the keys as a built app reads them: a copy of resources/ beside a manifest of
 * its files as they were "at build time", then edited the way anyone who can write the unpacked
 * folder could.
 */

let dir = '';
let hashes: ResourceHashes = {};
const SHIPPED = ['profiles/crm.json', 'keys/vendor/vendor-2026.pub.pem', 'keys/practice/practice.pub.pem'];
const file = (rel: string) => path.join(dir, ...rel.split('/'));
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as UpgradeError,
  );

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'crmum-resources-'));
  for (const sub of ['profiles', 'keys'])
    await cp(path.join(sourceResourcesDir(), sub), path.join(dir, sub), { recursive: true });
  const entries = await Promise.all(
    SHIPPED.map(async (rel) => [
      rel,
      createHash('sha256')
        .update(await readFile(file(rel)))
        .digest('hex'),
    ]),
  );
  hashes = Object.fromEntries(entries) as ResourceHashes;
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the shipped profile', () => {
  it('is read when its bytes are the ones the build hashed', async () => {
    expect((await loadShippedProfile(dir, hashes)).product).toBe('crm');
  });

  it('is refused, naming the file, once its bytes differ', async () => {
    const profile = JSON.parse(await readFile(file('profiles/crm.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(file('profiles/crm.json'), JSON.stringify({ ...profile, note: 'edited on the stick' }));
    const err = await refusal(loadShippedProfile(dir, hashes));
    expect(err).toBeInstanceOf(UpgradeError);
    expect(err?.message_).toEqual({ key: 'resources.changed', params: { file: file('profiles/crm.json') } });
  });

  it('is read unchecked from source, where there is no build', async () => {
    await writeFile(file('profiles/crm.json'), (await readFile(file('profiles/crm.json'), 'utf8')) + '\n');
    expect((await loadShippedProfile(dir, null)).product).toBe('crm');
  });
});

describe('the shipped keys', () => {
  const keyFile = 'keys/vendor/vendor-2026.pub.pem';

  it('load when every key file is the one the build hashed', async () => {
    const keys = await loadTrustedKeys(dir, true, { hashes });
    expect(keys.map((k) => k.kind).sort()).toEqual(['practice', 'vendor']);
  });

  it('are refused when a key file was replaced', async () => {
    await writeFile(file(keyFile), generateSigningKey().publicPem);
    const err = await refusal(loadTrustedKeys(dir, false, { hashes }));
    expect(err?.message_).toEqual({ key: 'resources.changed', params: { file: file(keyFile) } });
  });

  it('are refused when a key file was added', async () => {
    await writeFile(file('keys/vendor/vendor-2027.pub.pem'), generateSigningKey().publicPem);
    const err = await refusal(loadTrustedKeys(dir, false, { hashes }));
    expect(err?.message_).toEqual({
      key: 'resources.not-shipped',
      params: { file: file('keys/vendor/vendor-2027.pub.pem') },
    });
  });

  it('never trust a key swapped in for the load, even when swapped back after', async () => {
    const original = await readFile(file(keyFile));
    const attacker = generateSigningKey();
    await writeFile(file(keyFile), attacker.publicPem);
    const err = await refusal(loadTrustedKeys(dir, false, { hashes }));
    await writeFile(file(keyFile), original);
    // The key used is the very bytes checked: the swapped-in one is refused as it is read.
    expect(err?.message_).toEqual({ key: 'resources.changed', params: { file: file(keyFile) } });
    const loaded = await loadTrustedKeys(dir, false, { hashes });
    expect(loaded.map((k) => k.id)).not.toContain(attacker.keyId);
  });
});

describe('a shipped file', () => {
  it('that cannot be read is named', async () => {
    const err = await refusal(readShippedResource(dir, 'profiles/missing.json', hashes));
    expect(err?.message_).toEqual({
      key: 'resources.unreadable',
      params: { file: file('profiles/missing.json') },
    });
  });
});
