import { createPublicKey } from 'node:crypto';
import {
  mkdir,
  mkdtemp,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  truncate,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPracticeKit } from '../../cli/practice-kit';
import { UpgradeError } from '../../shared/message';
import { sourceResourcesDir } from '../resources';
import { createKit } from './kit-create';
import { KIT_REQUIREMENTS, KIT_REQUIREMENTS_TEXT } from './kit-requirements';
import {
  generateSigningKey,
  keyIdOf,
  loadTrustedKeys,
  signBytes,
  verifyBytes,
  type TrustedKey,
} from './kit-keys';
import {
  KIT_MANIFEST,
  KIT_MANIFEST_MAX_BYTES,
  KIT_SIGNATURE,
  type KitManifest,
  kitManifestSchema,
} from './kit-manifest';
import { type KitFilesProgress, readSignedKit, verifyKitFiles, verifyKitLayout } from './kit-verify';

let work: string;
let source: string;
const vendor = generateSigningKey();
const stranger = generateSigningKey();
const trustedVendor = (): TrustedKey[] => [
  { id: vendor.keyId, kind: 'vendor', key: createPublicKey(vendor.publicPem) },
];

const SETUP = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
const NOTES_IT = '# 7.8.5\n\n- Novità.\n';
const NOTES_EN = '# 7.8.5\n\n- News.\n';

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'kit-test-'));
  source = path.join(work, 'source');
  await mkdir(path.join(source, 'setup', 'payload'), { recursive: true });
  await mkdir(path.join(source, 'notes'), { recursive: true });
  await writeFile(path.join(source, 'setup', 'CrmSetup.exe'), SETUP);
  await writeFile(path.join(source, 'setup', 'payload', 'Crm.Web.dll'), Buffer.alloc(5000, 3));
  await writeFile(path.join(source, 'setup', 'payload', 'empty.txt'), '');
  await writeFile(path.join(source, 'notes', '7.8.5.it.md'), NOTES_IT);
  await writeFile(path.join(source, 'notes', '7.8.5.en.md'), NOTES_EN);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

let kitCount = 0;
async function makeKit(privatePem = vendor.privatePem): Promise<{ dir: string; manifest: KitManifest }> {
  const dir = path.join(work, `kit-${++kitCount}`);
  const manifest = await createKit({
    outDir: dir,
    product: { id: 'crm', name: 'CRM' },
    version: '7.8.5.13100517_x64',
    minimumInstalledVersion: '7.0',
    contents: [
      { from: path.join(source, 'setup'), to: 'setup' },
      { from: path.join(source, 'notes'), to: 'notes' },
    ],
    setups: [
      {
        role: 'main',
        path: 'setup/CrmSetup.exe',
        args: ['/quiet', '{installPath}'],
        successExitCodes: [0],
        rebootExitCodes: [3010],
      },
    ],
    releaseNotes: [
      { version: '7.8.5.13100517_x64', lang: 'it', path: 'notes/7.8.5.it.md' },
      { version: '7.8.5.13100517_x64', lang: 'en', path: 'notes/7.8.5.en.md' },
    ],
    privateKeyPem: privatePem,
  });
  return { dir, manifest };
}

async function rejection(promise: Promise<unknown>): Promise<UpgradeError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof UpgradeError) return err;
    throw err;
  }
  throw new Error('expected an UpgradeError, but it resolved');
}

async function verifyAll(dir: string, allowedExtra: string[] = []) {
  const kit = await readSignedKit(dir, trustedVendor());
  return verifyKitFiles(kit, undefined, allowedExtra);
}

describe('signing keys', () => {
  it('signs and verifies bytes; the key id is 16 hex digits of the public key', () => {
    const bytes = Buffer.from('{"hello":"kit"}\n');
    const sig = JSON.parse(signBytes(bytes, vendor.privatePem)) as {
      format: number;
      algorithm: string;
      keyId: string;
      signature: string;
    };
    expect(sig).toMatchObject({ format: 1, algorithm: 'ed25519', keyId: vendor.keyId });
    expect(vendor.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(keyIdOf(createPublicKey(vendor.publicPem))).toBe(vendor.keyId);
    expect(stranger.keyId).not.toBe(vendor.keyId);
    const key = createPublicKey(vendor.publicPem);
    expect(verifyBytes(bytes, sig.signature, key)).toBe(true);
    expect(verifyBytes(Buffer.from('{"hello":"kiT"}\n'), sig.signature, key)).toBe(false);
    expect(verifyBytes(bytes, sig.signature, createPublicKey(stranger.publicPem))).toBe(false);
    expect(verifyBytes(bytes, 'not base64 at all!!', key)).toBe(false);
  });
});

describe('createKit', () => {
  it('lists every file with size and hash, and the signed kit verifies', async () => {
    const { dir, manifest } = await makeKit();
    expect(manifest.files.map((f) => f.path)).toEqual([
      'REQUISITI.txt',
      'notes/7.8.5.en.md',
      'notes/7.8.5.it.md',
      'setup/CrmSetup.exe',
      'setup/payload/Crm.Web.dll',
      'setup/payload/empty.txt',
    ]);
    expect(manifest.files.find((f) => f.path === 'setup/CrmSetup.exe')?.size).toBe(SETUP.length);
    expect(manifest.files.find((f) => f.path === 'setup/payload/empty.txt')).toMatchObject({
      size: 0,
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
    const kit = await readSignedKit(dir, trustedVendor());
    expect(kit.key).toEqual({ id: vendor.keyId, kind: 'vendor' });
    expect(kit.version.text).toBe('7.8.5.13100517_x64');
    expect(kit.manifest).toEqual(manifest);
    const requirements = Buffer.byteLength(KIT_REQUIREMENTS_TEXT);
    const total =
      SETUP.length + 5000 + Buffer.byteLength(NOTES_IT) + Buffer.byteLength(NOTES_EN) + requirements;
    expect(await verifyKitFiles(kit)).toEqual({ files: 6, bytes: total });
    // The server's requirements are on every kit, in both languages, signed like its other files.
    const stated = await readFile(path.join(dir, KIT_REQUIREMENTS), 'utf8');
    expect(stated).toContain('Windows Server 2016 (10.0.14393) o successivo');
    expect(stated).toContain('Windows Server 2016 (10.0.14393) or later');
    expect(stated).toContain('Windows Management Framework 5.1');
  });

  it('reports progress that ends with every byte and item done', async () => {
    const { dir, manifest } = await makeKit();
    const kit = await readSignedKit(dir, trustedVendor());
    const seen: KitFilesProgress[] = [];
    await verifyKitFiles(kit, (p) => seen.push(p));
    const total = manifest.files.reduce((s, f) => s + f.size, 0);
    expect(seen.length).toBeGreaterThan(0);
    const last = seen[seen.length - 1];
    expect(last).toEqual({
      itemsDone: manifest.files.length,
      itemsTotal: manifest.files.length,
      bytesDone: total,
      bytesTotal: total,
    });
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.bytesDone).toBeGreaterThanOrEqual(seen[i - 1]!.bytesDone);
      expect(seen[i]!.itemsDone).toBeGreaterThanOrEqual(seen[i - 1]!.itemsDone);
    }
  });
});

describe('tampered kits', () => {
  const cases: {
    name: string;
    key: string;
    tamper: (dir: string) => Promise<void>;
    params?: Record<string, unknown>;
  }[] = [
    {
      name: 'missing kit.sig',
      key: 'kit.no-signature',
      tamper: (dir) => unlink(path.join(dir, KIT_SIGNATURE)),
    },
    {
      name: 'garbage kit.sig',
      key: 'kit.signature-malformed',
      tamper: (dir) => writeFile(path.join(dir, KIT_SIGNATURE), 'this is not a signature \u0000\u00ff'),
    },
    {
      name: 'kit.sig valid JSON of the wrong shape',
      key: 'kit.signature-malformed',
      tamper: (dir) =>
        writeFile(
          path.join(dir, KIT_SIGNATURE),
          JSON.stringify({ format: 1, algorithm: 'rsa', keyId: 'x', signature: 'y' }),
        ),
    },
    {
      name: 'kit.json signed by another key',
      key: 'kit.unknown-key',
      tamper: async (dir) => {
        const bytes = await readFile(path.join(dir, KIT_MANIFEST));
        await writeFile(path.join(dir, KIT_SIGNATURE), signBytes(bytes, stranger.privatePem));
      },
      params: { keyId: stranger.keyId },
    },
    {
      name: 'one byte of kit.json changed after signing',
      key: 'kit.bad-signature',
      tamper: async (dir) => {
        const bytes = await readFile(path.join(dir, KIT_MANIFEST));
        const at = bytes.indexOf('"minimumInstalledVersion": "7.0"') + '"minimumInstalledVersion": "'.length;
        expect(String.fromCharCode(bytes[at]!)).toBe('7');
        bytes[at] = '6'.charCodeAt(0);
        await writeFile(path.join(dir, KIT_MANIFEST), bytes);
      },
      params: { keyId: vendor.keyId },
    },
    {
      name: 'kit.json larger than the limit',
      key: 'kit.manifest-too-large',
      tamper: async (dir) => {
        const bytes = await readFile(path.join(dir, KIT_MANIFEST));
        await writeFile(
          path.join(dir, KIT_MANIFEST),
          Buffer.concat([bytes, Buffer.alloc(KIT_MANIFEST_MAX_BYTES + 1 - bytes.length, 0x20)]),
        );
        expect((await stat(path.join(dir, KIT_MANIFEST))).size).toBe(KIT_MANIFEST_MAX_BYTES + 1);
      },
      params: { max: KIT_MANIFEST_MAX_BYTES },
    },
    {
      name: 'missing kit.json',
      key: 'kit.no-manifest',
      tamper: (dir) => unlink(path.join(dir, KIT_MANIFEST)),
    },
    {
      name: 'a flipped byte in a file',
      key: 'kit.file-hash',
      tamper: async (dir) => {
        const file = path.join(dir, 'setup', 'CrmSetup.exe');
        const bytes = await readFile(file);
        bytes[1234] = bytes[1234]! ^ 0x01;
        await writeFile(file, bytes);
      },
      params: { path: 'setup/CrmSetup.exe' },
    },
    {
      name: 'a truncated file',
      key: 'kit.file-size',
      tamper: (dir) => truncate(path.join(dir, 'setup', 'payload', 'Crm.Web.dll'), 4000),
      params: { path: 'setup/payload/Crm.Web.dll', expected: 5000, actual: 4000 },
    },
    {
      name: 'a deleted file',
      key: 'kit.file-missing',
      tamper: (dir) => unlink(path.join(dir, 'notes', '7.8.5.en.md')),
      params: { path: 'notes/7.8.5.en.md' },
    },
    {
      name: 'a file renamed',
      key: 'kit.file-missing',
      tamper: (dir) =>
        rename(path.join(dir, 'notes', '7.8.5.it.md'), path.join(dir, 'notes', '7.8.5.it.old.md')),
      params: { path: 'notes/7.8.5.it.md' },
    },
    {
      name: 'a file replaced by a symlink to an identical copy',
      key: 'kit.symlink',
      tamper: async (dir) => {
        const file = path.join(dir, 'setup', 'CrmSetup.exe');
        const copy = path.join(work, `copy-${kitCount}.exe`);
        await writeFile(copy, await readFile(file));
        await unlink(file);
        await symlink(copy, file);
      },
      params: { path: 'setup/CrmSetup.exe' },
    },
    {
      name: 'an unlisted symlink in a folder of the kit',
      key: 'kit.symlink',
      tamper: (dir) => symlink('/etc', path.join(dir, 'setup', 'payload', 'elsewhere')),
      params: { path: 'setup/payload/elsewhere' },
    },
    {
      name: 'an extra .exe dropped on the stick',
      key: 'kit.unlisted',
      tamper: (dir) => writeFile(path.join(dir, 'autorun.exe'), 'MZ'),
      params: { paths: 'autorun.exe' },
    },
    {
      name: 'an extra .ps1 dropped in a kit folder',
      key: 'kit.unlisted',
      tamper: (dir) =>
        writeFile(path.join(dir, 'setup', 'payload', 'Install.PS1'), 'Remove-Item C:\\ -Recurse'),
      params: { paths: 'setup/payload/Install.PS1' },
    },
  ];

  it.each(cases)('$name → $key', async ({ key, tamper, params }) => {
    const { dir } = await makeKit();
    await expect(verifyAll(dir)).resolves.toBeTruthy();
    await tamper(dir);
    const err = await rejection(verifyAll(dir));
    expect(err.message_.key).toBe(key);
    if (params) expect(err.message_.params).toMatchObject(params);
  });

  // A run reads the files only as it stages them (kit-staging.test.ts: a changed byte is caught there).
  it.each(cases.filter((c) => c.key !== 'kit.file-hash'))(
    'a run, which hashes as it stages: $name → $key before any copy',
    async ({ key, tamper, params }) => {
      const { dir } = await makeKit();
      await tamper(dir);
      const err = await rejection(readSignedKit(dir, trustedVendor()).then((kit) => verifyKitLayout(kit)));
      expect(err.message_.key).toBe(key);
      if (params) expect(err.message_.params).toMatchObject(params);
    },
  );

  it('an extra file is allowed when passed in allowedExtra (case-insensitively), and only that one', async () => {
    const { dir } = await makeKit();
    await writeFile(path.join(dir, 'tools.exe'), 'MZ');
    await expect(verifyAll(dir, ['TOOLS.exe'])).resolves.toMatchObject({ files: 6 });
    await writeFile(path.join(dir, 'readme.txt'), 'not an executable, and still not listed');
    const err = await rejection(verifyAll(dir, ['tools.exe']));
    expect(err.message_).toEqual({ key: 'kit.unlisted', params: { paths: 'readme.txt' } });
  });

  it('a signed manifest that breaks the schema is refused as kit.manifest-invalid naming the field', async () => {
    const { dir, manifest } = await makeKit();
    const evil = {
      ...manifest,
      files: [{ ...manifest.files[0]!, path: '../outside.txt' }, ...manifest.files.slice(1)],
    };
    const bytes = Buffer.from(JSON.stringify(evil));
    await writeFile(path.join(dir, KIT_MANIFEST), bytes);
    await writeFile(path.join(dir, KIT_SIGNATURE), signBytes(bytes, vendor.privatePem));
    const err = await rejection(readSignedKit(dir, trustedVendor()));
    expect(err.message_).toEqual({ key: 'kit.manifest-invalid', params: { field: 'files.0.path' } });
  });
});

describe('kitManifestSchema', () => {
  let valid: KitManifest;
  beforeAll(async () => {
    valid = (await makeKit()).manifest;
  });
  const withFiles = (m: KitManifest, paths: string[]) => ({
    ...m,
    files: [...m.files, ...paths.map((p) => ({ path: p, size: 1, sha256: 'a'.repeat(64) }))],
  });

  it('accepts the manifest createKit wrote', () => {
    expect(kitManifestSchema.safeParse(valid).success).toBe(true);
  });

  it.each([
    { name: 'traversal ../x', path: '../x' },
    { name: 'traversal inside a path', path: 'setup/../../x' },
    { name: 'absolute /x', path: '/x' },
    { name: 'drive C:/x', path: 'C:/x' },
    { name: 'drive c:x', path: 'c:x' },
    { name: 'backslashes', path: 'setup\\x.exe' },
    { name: 'empty part', path: 'setup//x' },
    { name: 'dot part', path: './x' },
  ])('refuses a file path: $name', ({ path: p }) => {
    const r = kitManifestSchema.safeParse(withFiles(valid, [p]));
    expect(r.success).toBe(false);
    expect(r.error?.issues.some((i) => i.path.join('.') === `files.${valid.files.length}.path`)).toBe(true);
  });

  it('refuses a path repeated with a different case', () => {
    const r = kitManifestSchema.safeParse(withFiles(valid, ['SETUP/crmsetup.EXE']));
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain(`files.${valid.files.length}.path`);
  });

  it('refuses an unknown field at the top and inside a file entry', () => {
    expect(kitManifestSchema.safeParse({ ...valid, postInstall: 'format c:' }).success).toBe(false);
    const files = valid.files.map((f, i) => (i === 0 ? { ...f, run: true } : f));
    expect(kitManifestSchema.safeParse({ ...valid, files }).success).toBe(false);
  });

  it('refuses a setup that is not among the files, and two main setups', () => {
    const notListed = { ...valid, setups: [{ ...valid.setups[0]!, path: 'setup/Other.exe' }] };
    expect(kitManifestSchema.safeParse(notListed).success).toBe(false);
    const twoMain = { ...valid, setups: [valid.setups[0]!, valid.setups[0]!] };
    expect(kitManifestSchema.safeParse(twoMain).success).toBe(false);
  });

  it('refuses a malformed version name', () => {
    expect(kitManifestSchema.safeParse({ ...valid, version: '7.8.5.13100517_arm' }).success).toBe(false);
  });
});

describe('the practice kit', () => {
  let dir: string;
  beforeAll(async () => {
    dir = path.join(work, 'practice-kit');
    await createPracticeKit(dir, { resourcesDir: sourceResourcesDir() });
  });

  it('is trusted in practice mode, as signed with the practice key, and its files verify', async () => {
    const trusted = await loadTrustedKeys(sourceResourcesDir(), true);
    expect(trusted.map((k) => k.kind).sort()).toEqual(['practice', 'vendor']);
    const kit = await readSignedKit(dir, trusted);
    expect(kit.key.kind).toBe('practice');
    expect(kit.key.id).toBe(trusted.find((k) => k.kind === 'practice')?.id);
    expect(kit.version.text).toBe('7.8.5.13100517_x64');
    const seen: KitFilesProgress[] = [];
    const result = await verifyKitFiles(kit, (p) => seen.push(p));
    expect(result.files).toBe(kit.manifest.files.length);
    expect(seen.at(-1)?.bytesDone).toBe(seen.at(-1)?.bytesTotal);
    expect(seen.at(-1)?.bytesTotal).toBe(result.bytes);
  });

  it('is refused outside practice mode: a real server never trusts the practice key', async () => {
    const trusted = await loadTrustedKeys(sourceResourcesDir(), false);
    expect(trusted.length).toBeGreaterThan(0);
    expect(trusted.every((k) => k.kind === 'vendor')).toBe(true);
    const err = await rejection(readSignedKit(dir, trusted));
    expect(err.message_.key).toBe('kit.unknown-key');
  });
});
