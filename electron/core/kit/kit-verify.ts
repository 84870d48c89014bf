import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
import { UpgradeError, msg } from '../../shared/message';
import { type VersionName, parseVersionName } from '../../shared/version-name';
import { issueField } from '../profile';
import {
  KIT_MANIFEST,
  KIT_MANIFEST_MAX_BYTES,
  KIT_SIGNATURE,
  type KitManifest,
  kitManifestSchema,
} from './kit-manifest';
import { type TrustedKey, signatureFileSchema, verifyBytes } from './kit-keys';
import { refuseUnlisted } from './kit-unlisted';

export interface SignedKit {
  dir: string;
  manifest: KitManifest;
  version: VersionName;
  key: { id: string; kind: TrustedKey['kind'] };
}

async function readLimited(
  file: string,
  limit: number,
  tooLarge: () => UpgradeError,
  missing: () => UpgradeError,
): Promise<Buffer> {
  const st = await lstat(file).catch(() => null);
  if (!st || !st.isFile()) throw missing();
  if (st.size > limit) throw tooLarge();
  return readFile(file);
}

/** The signature first, over kit.json's exact bytes; only then is the manifest parsed and trusted. */
export async function readSignedKit(dir: string, trusted: readonly TrustedKey[]): Promise<SignedKit> {
  const manifestBytes = await readLimited(
    path.join(dir, KIT_MANIFEST),
    KIT_MANIFEST_MAX_BYTES,
    () => new UpgradeError(msg('kit.manifest-too-large', { max: KIT_MANIFEST_MAX_BYTES })),
    () => new UpgradeError(msg('kit.no-manifest', { dir })),
  );
  const sigBytes = await readLimited(
    path.join(dir, KIT_SIGNATURE),
    64 * 1024,
    () => new UpgradeError(msg('kit.signature-malformed')),
    () => new UpgradeError(msg('kit.no-signature')),
  );
  let sig;
  try {
    sig = signatureFileSchema.parse(JSON.parse(sigBytes.toString('utf8')));
  } catch (err) {
    throw new UpgradeError(msg('kit.signature-malformed'), String(err));
  }
  const key = trusted.find((k) => k.id === sig.keyId);
  if (!key) throw new UpgradeError(msg('kit.unknown-key', { keyId: sig.keyId }));
  if (!verifyBytes(manifestBytes, sig.signature, key.key))
    throw new UpgradeError(msg('kit.bad-signature', { keyId: sig.keyId }));

  let json: unknown;
  try {
    json = JSON.parse(manifestBytes.toString('utf8'));
  } catch (err) {
    throw new UpgradeError(msg('kit.manifest-invalid', { field: '(json)' }), String(err));
  }
  const parsed = kitManifestSchema.safeParse(json);
  if (!parsed.success) {
    throw new UpgradeError(
      msg('kit.manifest-invalid', { field: issueField(parsed.error.issues[0]) }),
      parsed.error.message,
    );
  }
  return {
    dir,
    manifest: parsed.data,
    version: parseVersionName(parsed.data.version),
    key: { id: key.id, kind: key.kind },
  };
}

export interface KitFilesProgress {
  itemsDone: number;
  itemsTotal: number;
  bytesDone: number;
  bytesTotal: number;
}

/** A listed file on the stick, there as a plain file (no link) of its signed size; its full path. */
async function listedFile(dir: string, f: KitManifest['files'][number]): Promise<string> {
  const full = path.join(dir, ...f.path.split('/'));
  const st = await lstat(full).catch(() => null);
  if (!st) throw new UpgradeError(msg('kit.file-missing', { path: f.path }));
  if (st.isSymbolicLink()) throw new UpgradeError(msg('kit.symlink', { path: f.path }));
  if (st.size !== f.size)
    throw new UpgradeError(msg('kit.file-size', { path: f.path, expected: f.size, actual: st.size }));
  return full;
}

/**
 * The stick as far as it shows without reading the files: every listed file there, no link, of
 * its signed size; then the stick is searched for links and for anything the manifest does not
 * list (kit-unlisted.ts). A run stops here: it proves the hashes as it stages the kit
 * (kit-staging.ts hashes the bytes it copies), so the stick is read once.
 */
export async function verifyKitLayout(
  kit: SignedKit,
  allowedExtra: readonly string[] = [],
): Promise<{ files: number; bytes: number }> {
  const { dir, manifest } = kit;
  for (const f of manifest.files) await listedFile(dir, f);
  await refuseUnlisted(dir, manifest, allowedExtra);
  return { files: manifest.files.length, bytes: manifest.files.reduce((s, f) => s + f.size, 0) };
}

/**
 * Every listed file streamed through SHA-256, sizes first; then the stick is searched for
 * links and for anything the manifest does not list (kit-unlisted.ts). For a check that stages
 * nothing (a read-only look, the CLI's kit verify).
 */
export async function verifyKitFiles(
  kit: SignedKit,
  onProgress?: (p: KitFilesProgress) => void,
  allowedExtra: readonly string[] = [],
): Promise<{ files: number; bytes: number }> {
  const { dir, manifest } = kit;
  const bytesTotal = manifest.files.reduce((s, f) => s + f.size, 0);
  const progress: KitFilesProgress = {
    itemsDone: 0,
    itemsTotal: manifest.files.length,
    bytesDone: 0,
    bytesTotal,
  };
  for (const f of manifest.files) {
    const full = await listedFile(dir, f);
    const h = createHash('sha256');
    for await (const chunk of createReadStream(full, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      h.update(chunk);
      progress.bytesDone += chunk.length;
      onProgress?.({ ...progress });
    }
    if (h.digest('hex') !== f.sha256) throw new UpgradeError(msg('kit.file-hash', { path: f.path }));
    progress.itemsDone++;
    onProgress?.({ ...progress });
  }

  await refuseUnlisted(dir, manifest, allowedExtra);
  return { files: manifest.files.length, bytes: bytesTotal };
}
