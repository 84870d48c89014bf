/** Test support only (never imported by the app): lives outside core so core's layer rule holds. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { createPracticeKit, type PracticeKitOptions } from '../cli/practice-kit';
import { type PracticeInitOptions, initPracticeServer } from '../host/practice/init';
import { openPracticeHost } from '../host/practice/index';
import type { Host } from '../core/ports';
import { sourceResourcesDir } from '../core/resources';

/** Test support: a fresh practice server and practice kit in a temp folder. */
export interface PracticeFixture {
  root: string;
  serverDir: string;
  kitDir: string;
  appDir: string;
  host: Host;
  dispose(): Promise<void>;
}

export async function practiceFixture(
  options: { init?: PracticeInitOptions; kit?: Omit<PracticeKitOptions, 'resourcesDir'> } = {},
): Promise<PracticeFixture> {
  const root = await mkdtemp(path.join(tmpdir(), 'crm-practice-'));
  const serverDir = path.join(root, 'server');
  const kitDir = path.join(root, 'kit');
  await initPracticeServer(serverDir, options.init);
  await createPracticeKit(kitDir, { resourcesDir: sourceResourcesDir(), setupDelayMs: 0, ...options.kit });
  return {
    root,
    serverDir,
    kitDir,
    appDir: path.join(serverDir, 'C', 'inetpub', 'wwwroot', 'CRM'),
    host: await openPracticeHost(serverDir),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}

/**
 * A real folder outside any practice server, standing for C:\Windows or /etc: a web.config in it,
 * made afresh before each test and removed after it. Returns where the current test's is.
 */
export function useRealFolder(): () => string {
  let dir: string | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'real-folder-'));
    await writeFile(path.join(dir, 'web.config'), '<configuration/>');
  });
  afterEach(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));
  return () => {
    if (!dir) throw new Error('useRealFolder: the folder is made in beforeEach, use it inside a test');
    return dir;
  };
}
