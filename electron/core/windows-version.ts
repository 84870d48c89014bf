/**
 * The minimum server (issue 13): Windows Server 2016, build 14393, which ships PowerShell 5.1.
 * Electron 45's Chromium no longer starts on Windows 8.1 / Server 2012 R2 (6.3.9600).
 */
export const MINIMUM_WINDOWS_BUILD = { major: 10, minor: 0, build: 14393 } as const;

/** Server builds by number, for a finding the admin recognises; client builds share them. */
const NAMES: readonly [string, string][] = [
  ['6.0', 'Windows Server 2008'],
  ['6.1', 'Windows Server 2008 R2'],
  ['6.2', 'Windows Server 2012'],
  ['6.3', 'Windows Server 2012 R2'],
];

export interface WindowsVersion {
  major: number;
  minor: number;
  build: number;
}

/** "10.0.17763" (os.release() on Windows) → its numbers; null when it is not that shape. */
export function parseWindowsVersion(text: string): WindowsVersion | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,6})$/.exec(text.trim());
  return m ? { major: Number(m[1]), minor: Number(m[2]), build: Number(m[3]) } : null;
}

export function isSupportedWindows(v: WindowsVersion): boolean {
  const min = MINIMUM_WINDOWS_BUILD;
  if (v.major !== min.major) return v.major > min.major;
  if (v.minor !== min.minor) return v.minor > min.minor;
  return v.build >= min.build;
}

export function windowsVersionName(v: WindowsVersion): string {
  const name = NAMES.find(([prefix]) => prefix === `${v.major}.${v.minor}`)?.[1];
  if (name) return name;
  if (v.major === 10 && v.build < 14393) return 'Windows Server 2016 Technical Preview / Windows 10';
  return `Windows ${v.major}.${v.minor}`;
}
