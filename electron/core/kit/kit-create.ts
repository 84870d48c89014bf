import { createHash } from 'node:crypto';
import { cp, lstat, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  KIT_MANIFEST,
  KIT_REPORTS,
  KIT_SIGNATURE,
  type KitManifest,
  kitManifestSchema,
} from './kit-manifest';
import { signBytes } from './kit-keys';
import { writeKitRequirements } from './kit-requirements';

export interface KitCreateInput {
  outDir: string;
  product: KitManifest['product'];
  version: string;
  minimumInstalledVersion: string;
  /** Files or folders to copy into the kit, each to a kit path. */
  contents: { from: string; to: string }[];
  setups: KitManifest['setups'];
  releaseNotes: KitManifest['releaseNotes'];
  profile?: KitManifest['profile'];
  privateKeyPem: string;
}

async function listFiles(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(path.join(root, rel))).sort()) {
    const child = rel ? `${rel}/${name}` : name;
    const st = await lstat(path.join(root, child));
    if (st.isDirectory()) out.push(...(await listFiles(root, child)));
    else if (st.isFile()) out.push(child);
  }
  return out;
}

/** The vendor's side: copy the files, hash them, write kit.json and sign its exact bytes. */
export async function createKit(input: KitCreateInput): Promise<KitManifest> {
  await mkdir(input.outDir, { recursive: true });
  for (const c of input.contents) {
    await cp(c.from, path.join(input.outDir, ...c.to.split('/')), {
      recursive: true,
      errorOnExist: false,
      force: true,
    });
  }
  await mkdir(path.join(input.outDir, KIT_REPORTS), { recursive: true });
  await writeKitRequirements(input.outDir);
  const files = [];
  for (const rel of await listFiles(input.outDir)) {
    if (rel === KIT_MANIFEST || rel === KIT_SIGNATURE || rel.startsWith(`${KIT_REPORTS}/`)) continue;
    const data = await readFile(path.join(input.outDir, rel));
    files.push({ path: rel, size: data.length, sha256: createHash('sha256').update(data).digest('hex') });
  }
  const manifest = kitManifestSchema.parse({
    format: 1,
    product: input.product,
    version: input.version,
    minimumInstalledVersion: input.minimumInstalledVersion,
    files,
    setups: input.setups,
    releaseNotes: input.releaseNotes,
    ...(input.profile ? { profile: input.profile } : {}),
  });
  const bytes = Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`, 'utf8');
  await writeFile(path.join(input.outDir, KIT_MANIFEST), bytes);
  await writeFile(path.join(input.outDir, KIT_SIGNATURE), signBytes(bytes, input.privateKeyPem));
  return manifest;
}
