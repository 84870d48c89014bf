import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { type ResourceHashes, builtResourceHashes } from '../../shared/resource-hashes';
import { type BuildFacts, assertPracticeAllowed, thisBuild } from '../edition';
import { readShippedResource } from '../resources';

export interface TrustedKey {
  id: string;
  kind: 'vendor' | 'practice';
  key: KeyObject;
}

export const signatureFileSchema = z
  .object({
    format: z.literal(1),
    algorithm: z.literal('ed25519'),
    keyId: z.string().regex(/^[0-9a-f]{16}$/),
    signature: z.string().min(80).max(200),
  })
  .strict();

/** A key's id: the first 16 hex digits of the SHA-256 of its public key (SPKI DER). */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

export function generateSigningKey(): { privatePem: string; publicPem: string; keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

export function signBytes(bytes: Buffer, privatePem: string): string {
  const key = createPrivateKey(privatePem);
  const publicKey = createPublicKey(key);
  return JSON.stringify(
    {
      format: 1,
      algorithm: 'ed25519',
      keyId: keyIdOf(publicKey),
      signature: sign(null, bytes, key).toString('base64'),
    },
    null,
    1,
  );
}

export function verifyBytes(bytes: Buffer, signatureBase64: string, key: KeyObject): boolean {
  try {
    return verify(null, bytes, key, Buffer.from(signatureBase64, 'base64'));
  } catch {
    return false;
  }
}

/**
 * Trusted keys ship with the app: resources/keys/vendor/*.pub.pem always, resources/keys/practice/*.pub.pem
 * in practice mode only, and only where practice mode is allowed (never in the admin's packaged exe).
 * Each is read once through readShippedResource: in a built app the key used is the file the build
 * hashed, and a key file changed or added since is refused, naming it.
 */
export async function loadTrustedKeys(
  resourcesDir: string,
  practice: boolean,
  { build, hashes = builtResourceHashes() }: { build?: BuildFacts; hashes?: ResourceHashes | null } = {},
): Promise<TrustedKey[]> {
  // The practice key's private half is public: asking for it outside a practice build is refused.
  if (practice) assertPracticeAllowed(build ?? (await thisBuild()));
  const out: TrustedKey[] = [];
  const kinds: TrustedKey['kind'][] = practice ? ['vendor', 'practice'] : ['vendor'];
  for (const kind of kinds) {
    const names = await readdir(path.join(resourcesDir, 'keys', kind)).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.pub.pem')).sort()) {
      const key = createPublicKey(await readShippedResource(resourcesDir, `keys/${kind}/${name}`, hashes));
      out.push({ id: keyIdOf(key), kind, key });
    }
  }
  return out;
}
