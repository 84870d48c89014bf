import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const emptyDir = mkdtempSync(path.join(tmpdir(), 'no-electron-'));

afterAll(() => rmSync(emptyDir, { recursive: true, force: true }));

/** Runs `npm start`'s script the way npm does, with the given extra environment. */
function start(extraEnv: Record<string, string>) {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv };
  if (!('ELECTRON_OVERRIDE_DIST_PATH' in extraEnv)) delete env.ELECTRON_OVERRIDE_DIST_PATH;
  return spawnSync(process.execPath, ['build/start.mjs', '--practice', 'p', '--kit', 'k'], {
    cwd: repoRoot,
    env,
    encoding: 'utf8',
    timeout: 20_000,
  });
}

// This machine installed electron with ignore-scripts and has no internet: no binary.
describe('npm start without the Electron binary', () => {
  it.each([
    ['as installed here', {}],
    [
      'with ELECTRON_OVERRIDE_DIST_PATH pointing at an empty folder',
      { ELECTRON_OVERRIDE_DIST_PATH: emptyDir },
    ],
  ])('explains what works instead and exits 1 (%s)', (_what, extraEnv) => {
    const result = start(extraEnv);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const text = result.stderr;
    // English: why, what works instead, how to get the binary.
    expect(text).toContain('Electron was installed without its binary');
    expect(text).toContain('ignore-scripts');
    expect(text).toContain('`npm run demo`');
    expect(text).toContain('`npx crm-upgrade --help`');
    expect(text).toContain('`node node_modules/electron/install.js`');
    // Italian, with the same commands.
    expect(text).toContain('Electron è stato installato senza il');
    expect(text).toContain('server di prova');
    expect(text.match(/`npm run demo`/g)).toHaveLength(2);
    expect(text.match(/`node node_modules\/electron\/install\.js`/g)).toHaveLength(2);
    // It neither built nor tried to download anything.
    expect(text).not.toMatch(/built |Downloading/);
  });
});
