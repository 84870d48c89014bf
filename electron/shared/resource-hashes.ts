import { UpgradeError, msg } from './message';

/**
 * The SHA-256 of each resource the packaged app ships beside app.asar (PowerShell scripts,
 * profiles, public keys), keyed by their path under resources/ (`scripts/Get-Elevation.ps1`).
 * build/resource-hashes.mjs fixes them when the main bundle is built and Vite writes them into
 * it, so they travel inside the asar, where ASAR integrity covers them; the files themselves
 * are outside it, where whoever can write the unpacked folder could change them.
 */
export type ResourceHashes = Readonly<Record<string, string>>;

declare const __CRMUM_RESOURCE_HASHES__: string | undefined;

/**
 * The build's manifest, or null when running from source (the CLI, the tests): there the repo's
 * resources/ is the source itself, exactly as writable as the code that would check it.
 */
export function builtResourceHashes(): ResourceHashes | null {
  return typeof __CRMUM_RESOURCE_HASHES__ === 'string'
    ? (JSON.parse(__CRMUM_RESOURCE_HASHES__) as ResourceHashes)
    : null;
}

/** Null when the bytes are the ones the build shipped under `key`, otherwise the refusal naming `file`. */
export function resourceRefusal(
  hashes: ResourceHashes,
  key: string,
  sha256: string,
  file: string,
): UpgradeError | null {
  const expected = Object.hasOwn(hashes, key) ? hashes[key] : undefined;
  if (expected === undefined) return new UpgradeError(msg('resources.not-shipped', { file }), key);
  if (expected !== sha256) {
    return new UpgradeError(msg('resources.changed', { file }), `sha256 ${sha256}, built ${expected}`);
  }
  return null;
}
