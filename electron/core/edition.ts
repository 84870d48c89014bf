import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Message, UpgradeError, msg } from '../shared/message';

/**
 * Which program a build is: the admin's, for real servers, or the practice edition, to rehearse
 * on a practice server. It is fixed when the app is packaged: `npm run dist:practice` writes
 * `"crmUpgradeEdition": "practice"` into the app's package.json through electron-builder's
 * extraMetadata, inside app.asar, where ASAR integrity covers it. Absent means the admin's.
 */
export type Edition = 'admin' | 'practice';
export const EDITION_FIELD = 'crmUpgradeEdition';

/** What decides whether practice mode may run: is this a packaged program, and which edition. */
export interface BuildFacts {
  packaged: boolean;
  edition: Edition;
}

/**
 * The one rule for `--practice`, for the desktop app and the CLI alike: from a clone (not
 * packaged) always; packaged, only in the practice edition. Practice mode trusts the practice
 * key, whose private half is public: in the admin's exe that would trust anyone's kit.
 */
export function practiceRefusal(build: BuildFacts): Message | null {
  return build.packaged && build.edition !== 'practice' ? msg('practice-edition.refused') : null;
}

export function assertPracticeAllowed(build: BuildFacts): void {
  const refusal = practiceRefusal(build);
  if (refusal) throw new UpgradeError(refusal, `packaged ${build.packaged}, edition ${build.edition}`);
}

/** The edition a package.json states; anything unreadable or unknown is the admin's (the safe side). */
export async function readEdition(packageJson: string): Promise<Edition> {
  try {
    const parsed: unknown = JSON.parse(await readFile(packageJson, 'utf8'));
    const fields = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
    return fields[EDITION_FIELD] === 'practice' ? 'practice' : 'admin';
  } catch {
    return 'admin';
  }
}

/**
 * The app's package.json: two folders up from this code both from source (electron/core/ in a
 * clone) and bundled (out/main/ inside app.asar).
 */
export const APP_PACKAGE_JSON = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'package.json',
);

/** The facts about the running process that say whether it is a packaged program. */
export interface RuntimeFacts {
  /** Electron's version, when this is Electron. */
  electron: string | undefined;
  /** Electron sets it when started as `electron <folder>` (development, `npm start`). */
  defaultApp: boolean;
  /** A Node single executable application: the CLI built into one exe. */
  sea: boolean;
  /** The URL of this code: `.ts` when a clone runs the TypeScript sources (tsx, vitest). */
  codeUrl: string;
}

export function currentRuntime(): RuntimeFacts {
  const sea = process.getBuiltinModule?.('node:sea') as { isSea?: () => boolean } | undefined;
  return {
    electron: process.versions.electron,
    defaultApp: (process as { defaultApp?: boolean }).defaultApp === true,
    sea: sea?.isSea?.() === true,
    codeUrl: import.meta.url,
  };
}

/**
 * Packaged: an Electron app not started as `electron <folder>`, or a Node program that is not a
 * clone running its TypeScript sources (a single exe, or a bundle shipped with a Node). Bundling
 * the CLI therefore makes it follow the packaged rule by itself.
 */
export function runsPackaged(runtime: RuntimeFacts = currentRuntime()): boolean {
  if (runtime.electron !== undefined) return !runtime.defaultApp;
  return runtime.sea || !/\.ts$/.test(new URL(runtime.codeUrl).pathname);
}

/** This process's facts: the desktop app, the CLI and the key selection decide from them. */
export async function thisBuild(runtime: RuntimeFacts = currentRuntime()): Promise<BuildFacts> {
  return { packaged: runsPackaged(runtime), edition: await readEdition(APP_PACKAGE_JSON) };
}
