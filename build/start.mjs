// `npm start [-- --practice DIR --kit KITDIR]`: builds out/ and starts the desktop shell.
// Electron's binary is downloaded by its install script, which this repository does not run
// (.npmrc ignore-scripts, and no internet here), so first check that the binary is there.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * The Electron executable, or null when it was never downloaded. Mirrors how
 * node_modules/electron/index.js finds it, without requiring that file: in Electron >= 45 a
 * missing binary makes it start a download, which cannot work offline.
 */
export function findElectronBinary(env = process.env) {
  let electronDir;
  try {
    electronDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = path.join(electronDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  let binary = null;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    binary = path.join(env.ELECTRON_OVERRIDE_DIST_PATH, executable || 'electron');
  } else if (executable !== '') {
    binary = path.join(electronDir, 'dist', executable);
  }
  return binary !== null && existsSync(binary) ? binary : null;
}

const NO_BINARY = `
The desktop shell cannot start on this machine: Electron was installed without its binary
(npm's ignore-scripts is on and there is no internet, so Electron's download never ran).
The engine works without it: \`npm run demo\` runs the whole upgrade on a practice server in
the terminal, and \`npx crm-upgrade --help\` lists the other commands. On a machine with
internet, get the binary with \`node node_modules/electron/install.js\`, then run \`npm start\` again.

L'interfaccia desktop non può partire su questa macchina: Electron è stato installato senza il
suo eseguibile (ignore-scripts di npm è attivo e non c'è internet, quindi il download di
Electron non è mai avvenuto). Il motore funziona anche senza: \`npm run demo\` esegue l'intero
aggiornamento su un server di prova nel terminale, e \`npx crm-upgrade --help\` elenca gli altri
comandi. Su una macchina con internet, scarica l'eseguibile con
\`node node_modules/electron/install.js\`, poi rilancia \`npm start\`.
`;

async function main() {
  const binary = findElectronBinary();
  if (binary === null) {
    process.stderr.write(NO_BINARY);
    process.exitCode = 1;
    return;
  }

  const { buildTargets } = await import('./build.mjs');
  await buildTargets();

  // A terminal inherited from VS Code (or a test runner) may carry ELECTRON_RUN_AS_NODE, which
  // would make the binary a plain Node and ignore the app.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  // The repository folder: Electron reads package.json "main" (out/main/index.js) and takes the
  // app's name from it, as the packaged exe does.
  const child = spawn(binary, [repoRoot, ...process.argv.slice(2)], { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('error', (error) => {
    console.error(`Could not start Electron (${binary}): ${error.message}`);
    process.exitCode = 1;
  });
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
