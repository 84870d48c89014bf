import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The Electronegativity step of `npm test` (build/electronegativity.mjs) fails on a weak shell.
 * That step scans the project's own code, and fails the run on any finding: not repeated here.
 */
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const script = path.join(repoRoot, 'build', 'electronegativity.mjs');
let app: string | undefined;
afterEach(async () => {
  if (app) await rm(app, { recursive: true, force: true });
  app = undefined;
});

async function appWith(windowCode: string): Promise<string> {
  app = await mkdtemp(path.join(os.tmpdir(), 'weak-app-'));
  await mkdir(path.join(app, 'electron', 'main'), { recursive: true });
  await mkdir(path.join(app, 'electron', 'preload'), { recursive: true });
  await mkdir(path.join(app, 'renderer'), { recursive: true });
  await writeFile(path.join(app, 'electron', 'main', 'window.ts'), windowCode);
  await writeFile(path.join(app, 'electron', 'preload', 'index.ts'), 'export {};\n');
  // The project's own page and its CSP, so that only the window differs.
  await writeFile(
    path.join(app, 'renderer', 'index.html'),
    await readFile(path.join(repoRoot, 'renderer', 'index.html'), 'utf8'),
  );
  return app;
}

const scan = (input: string) =>
  spawnSync(process.execPath, [script, '--input', input], { encoding: 'utf8', timeout: 120_000 });

describe('electronegativity in npm test', () => {
  it('fails on a window with no sandbox, no isolation and no navigation limits, naming the checks', async () => {
    const input = await appWith(
      "import { BrowserWindow } from 'electron';\n" +
        'export const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, sandbox: false, contextIsolation: false } });\n',
    );
    const result = scan(input);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('SANDBOX_JS_CHECK');
    expect(result.stdout).toContain('CONTEXT_ISOLATION_JS_CHECK');
    expect(result.stdout).toContain('LIMIT_NAVIGATION_GLOBAL_CHECK');
  });
});
