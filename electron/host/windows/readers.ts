import type { PowerShellRunner, ScriptResult } from './powershell';

/**
 * Facts the product profile may point at that only Windows can read: a DLL's version resource
 * and an encrypted <connectionStrings> section.
 */

/**
 * The version from (Get-Item).VersionInfo. The FileVersion string wins when it starts with a
 * dotted (or, in old resource scripts, comma-separated) number: the binary File*Part fields hold
 * 16 bits each, so "7.8.5.13100517" cannot be in them (the private part would read 58853).
 * Without a usable string, the four parts; null when neither says anything.
 */
export function fileVersionFrom(info: ScriptResult<'Get-FileVersion'>): string | null {
  const m = /^\s*v?(\d+(?:\s*[.,]\s*\d+){1,3})/.exec(info.fileVersion ?? '');
  if (m) return m[1]!.replace(/\s*[.,]\s*/g, '.');
  const parts = [info.fileMajorPart, info.fileMinorPart, info.fileBuildPart, info.filePrivatePart];
  if (parts.every((p): p is number => typeof p === 'number') && parts.some((p) => p !== 0))
    return parts.join('.');
  return null;
}

export async function readFileVersion(runner: PowerShellRunner, file: string): Promise<string | null> {
  const { result } = await runner.run('Get-FileVersion', { path: file });
  return fileVersionFrom(result);
}

export interface RawConnectionString {
  name: string;
  connectionString: string;
  providerName?: string;
}

/** Read-ConnectionStrings.ps1: an encrypted section decrypted in memory by its provider. */
export async function readConnectionStrings(
  runner: PowerShellRunner,
  webConfigPath: string,
): Promise<RawConnectionString[]> {
  const { result } = await runner.run('Read-ConnectionStrings', { webConfigPath });
  return result.map((c) =>
    c.providerName
      ? { name: c.name, connectionString: c.connectionString, providerName: c.providerName }
      : { name: c.name, connectionString: c.connectionString },
  );
}
