import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The real PowerShell 7 that the tests drive: the apphost `pwsh` of the version pinned in
 * dotnet-tools.json, inside its NuGet package, started directly as the app starts powershell.exe
 * (an absolute path, not `dotnet tool run`). Restored by `dotnet tool restore` when missing; a
 * test that needs it fails rather than skips when it cannot be had.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface RealPwsh {
  executable: string;
  version: string;
}

function pinnedVersion(): string {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'dotnet-tools.json'), 'utf8')) as {
    tools?: Record<string, { version?: string }>;
  };
  const version = manifest.tools?.powershell?.version;
  if (!version) throw new Error('dotnet-tools.json pins no powershell tool');
  return version;
}

function dotnet(args: string[]): string {
  const run = spawnSync('dotnet', args, { cwd: ROOT, encoding: 'utf8' });
  if (run.error || run.status !== 0) {
    throw new Error(`dotnet ${args.join(' ')} failed: ${String(run.error ?? run.stderr)}`);
  }
  return run.stdout;
}

/** $NUGET_PACKAGES, or what `dotnet nuget locals` says (~/.nuget/packages by default). */
function globalPackages(): string {
  if (process.env.NUGET_PACKAGES) return process.env.NUGET_PACKAGES;
  const listed = /global-packages:\s*(.+)$/m.exec(dotnet(['nuget', 'locals', 'global-packages', '--list']));
  if (!listed) throw new Error('dotnet nuget locals named no global-packages folder');
  return listed[1]!.trim();
}

/** tools/<framework>/any/<unix|win>/pwsh(.exe), whichever framework folder the package has. */
function apphostIn(packageDir: string): string | null {
  const tools = path.join(packageDir, 'tools');
  if (!existsSync(tools)) return null;
  const [os, name] = process.platform === 'win32' ? ['win', 'pwsh.exe'] : ['unix', 'pwsh'];
  for (const framework of readdirSync(tools)) {
    const candidate = path.join(tools, framework, 'any', os, name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

let found: RealPwsh | undefined;

export function realPwsh(): RealPwsh {
  if (found) return found;
  const version = pinnedVersion();
  const packageDir = () => path.join(globalPackages(), 'powershell', version);
  let executable = apphostIn(packageDir());
  if (!executable) {
    dotnet(['tool', 'restore']);
    executable = apphostIn(packageDir());
  }
  if (!executable)
    throw new Error(`PowerShell ${version} is not in ${packageDir()} after dotnet tool restore`);
  found = { executable, version };
  return found;
}

/** The folder of the .NET runtime the apphost needs: $DOTNET_ROOT, or where the `dotnet` on PATH really is. */
function dotnetRoot(): string | null {
  if (process.env.DOTNET_ROOT) return process.env.DOTNET_ROOT;
  const exe = process.platform === 'win32' ? 'dotnet.exe' : 'dotnet';
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, exe);
    if (dir && existsSync(candidate)) return path.dirname(realpathSync(candidate));
  }
  return null;
}

/**
 * A minimal environment, as the app gives powershell.exe its own: PATH, HOME (a folder of the
 * test's, for PowerShell's caches and user module folder), the .NET runtime's folder, and what
 * keeps PowerShell 7 quiet: no telemetry, no update check, no terminal control codes (with TERM
 * unset, it writes some to stdout; Windows PowerShell 5.1 writes none to a pipe).
 */
export function pwshEnvironment(home: string): Record<string, string> {
  const root = dotnetRoot();
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    ...(root ? { DOTNET_ROOT: root } : {}),
    TERM: 'dumb',
    POWERSHELL_TELEMETRY_OPTOUT: '1',
    POWERSHELL_UPDATECHECK: 'Off',
    // .NET on Windows needs its system folder; PowerShell's user folders follow USERPROFILE there.
    ...(process.platform === 'win32'
      ? { SystemRoot: process.env.SystemRoot ?? 'C:\\Windows', USERPROFILE: home }
      : {}),
  };
}
