import { UpgradeError, msg } from './message';

/** The vendor's version name, e.g. `7.8.5.13100517_x64`: version, build stamp YYMMDDHH, architecture. */
export interface VersionName {
  readonly text: string;
  readonly version: readonly number[];
  readonly build: {
    readonly year: number;
    readonly month: number;
    readonly day: number;
    readonly hour: number;
  };
  /** The 8-digit stamp as written, so that ordering by it is plain numeric ordering. */
  readonly stamp: number;
  readonly arch: 'x64' | 'x86';
}

const SHAPE = /^(\d+(?:\.\d+)*)\.(\d{8})_([A-Za-z0-9]+)$/;

type InvalidPart = 'shape' | 'version' | 'stamp' | 'arch';

function invalid(text: string, part: InvalidPart): UpgradeError {
  return new UpgradeError(msg(`version.invalid.${part}`, { name: text }));
}

export function parseVersionName(input: string): VersionName {
  const text = input.trim();
  if (text.length === 0 || text.length > 64) throw invalid(input, 'shape');
  const m = SHAPE.exec(text);
  if (!m) {
    if (!/_[A-Za-z0-9]+$/.test(text)) throw invalid(text, 'arch');
    if (!/\.\d{8}_/.test(text)) throw invalid(text, 'stamp');
    throw invalid(text, 'version');
  }
  const [, versionPart, stampPart, archPart] = m as unknown as [string, string, string, string];
  const version = versionPart.split('.').map((p) => {
    if (p.length > 1 && p.startsWith('0')) throw invalid(text, 'version');
    const n = Number(p);
    if (!Number.isSafeInteger(n)) throw invalid(text, 'version');
    return n;
  });
  if (version.length < 2) throw invalid(text, 'version');
  const year = 2000 + Number(stampPart.slice(0, 2));
  const month = Number(stampPart.slice(2, 4));
  const day = Number(stampPart.slice(4, 6));
  const hour = Number(stampPart.slice(6, 8));
  const date = new Date(Date.UTC(year, month - 1, day, hour));
  if (
    month < 1 ||
    month > 12 ||
    hour > 23 ||
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  ) {
    throw invalid(text, 'stamp');
  }
  if (archPart !== 'x64' && archPart !== 'x86') throw invalid(text, 'arch');
  return { text, version, build: { year, month, day, hour }, stamp: Number(stampPart), arch: archPart };
}

/** The version name in `text`, or null when there is none or it is not one. */
export function versionNameOrNull(text: string | null): VersionName | null {
  try {
    return text ? parseVersionName(text) : null;
  } catch {
    return null;
  }
}

/**
 * Whether a version text read from the server (a file, SQL, a step's evidence: anything but a
 * string is none) is `expected`, as the vendor writes it in either case ("_X64" is "_x64").
 */
export function sameVersionText(found: unknown, expected: string): boolean {
  return typeof found === 'string' && found.toLowerCase() === expected.toLowerCase();
}

/** Numeric, part by part (7.10.0 > 7.9.9; 7.8 == 7.8.0), then by build stamp. */
export function compareVersionNames(a: VersionName, b: VersionName): number {
  const byVersion = compareVersions(a.version, b.version);
  return byVersion !== 0 ? byVersion : Math.sign(a.stamp - b.stamp);
}

export function compareVersions(a: readonly number[], b: readonly number[]): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

const MONTHS = {
  it: [
    'gennaio',
    'febbraio',
    'marzo',
    'aprile',
    'maggio',
    'giugno',
    'luglio',
    'agosto',
    'settembre',
    'ottobre',
    'novembre',
    'dicembre',
  ],
  en: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
} as const;

/** "7.8.5, build 5 ottobre 2013 ore 17" / "7.8.5, build 5 October 2013 at 17:00". */
export function describeVersionName(v: VersionName, lang: 'it' | 'en'): string {
  const { year, month, day, hour } = v.build;
  const monthName = MONTHS[lang][month - 1];
  return lang === 'it'
    ? `${v.version.join('.')}, build ${day} ${monthName} ${year} ore ${hour}`
    : `${v.version.join('.')}, build ${day} ${monthName} ${year} at ${String(hour).padStart(2, '0')}:00`;
}
