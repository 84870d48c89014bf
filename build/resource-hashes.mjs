#!/usr/bin/env node
// The SHA-256 of every resource the packaged app ships outside app.asar (electron-builder.yml's
// extraResources: PowerShell scripts, profiles, public keys). PowerShell cannot read inside the
// asar, so those files sit beside it where ASAR integrity does not reach; build.mjs embeds this
// manifest in the main bundle, which is inside the asar, and the app checks each file against it
// before each use (electron/shared/resource-hashes.ts).
//   node build/resource-hashes.mjs     prints the manifest
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const RESOURCES_DIR = fileURLToPath(new URL('../resources', import.meta.url));

/** The name the main bundle reads the manifest under (Vite `define`). */
const RESOURCE_HASHES_DEFINE = '__CRMUM_RESOURCE_HASHES__';

/** What extraResources ships: keep in step with build/electron-builder.yml. */
const SHIPPED = [
  { dir: 'scripts', take: (rel) => rel.endsWith('.ps1') && !rel.startsWith('scripts/tests/') },
  { dir: 'profiles', take: () => true },
  { dir: 'keys', take: (rel) => rel.endsWith('.pub.pem') },
];

/** Relative paths with `/`, sorted: the manifest's keys. */
export function shippedResourceFiles(resourcesDir = RESOURCES_DIR) {
  const out = [];
  for (const { dir, take } of SHIPPED) {
    for (const entry of readdirSync(path.join(resourcesDir, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const rel = path
        .relative(resourcesDir, path.join(entry.parentPath, entry.name))
        .split(path.sep)
        .join('/');
      if (take(rel)) out.push(rel);
    }
  }
  return out.sort();
}

/** `{ "scripts/Get-Elevation.ps1": "<sha256 hex>", … }` of the files as they are now. */
export function resourceHashes(resourcesDir = RESOURCES_DIR) {
  return Object.fromEntries(
    shippedResourceFiles(resourcesDir).map((rel) => [
      rel,
      createHash('sha256')
        .update(readFileSync(path.join(resourcesDir, rel)))
        .digest('hex'),
    ]),
  );
}

/** The `define` entry for the main bundle: the manifest as a string literal of JSON. */
export function resourceHashesDefine(resourcesDir = RESOURCES_DIR) {
  return { [RESOURCE_HASHES_DEFINE]: JSON.stringify(JSON.stringify(resourceHashes(resourcesDir))) };
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) process.stdout.write(`${JSON.stringify(resourceHashes(), null, 1)}\n`);
