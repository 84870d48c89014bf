#!/usr/bin/env node
// Electronegativity (Doyensec) over the shell's own code, offline: main, preload and the
// renderer's page scanned together, so that the global checks (CSP, navigation, permissions)
// see the whole app. Exits 1 on any finding that is not suppressed in the source with
// `/* eng-disable CHECK_ID */` and its reason beside it.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

// The tool fetches translations and Electron's release list from the internet. Neither is
// needed (English messages ship with it; the release check is excluded below), and this
// machine sends no traffic out: every `got` call fails at once, as with no network.
const offline = Object.assign(() => Promise.reject(new Error('offline')), {
  head: () => Promise.reject(new Error('offline')),
});
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'got' ? { __esModule: true, default: offline } : load.call(this, request, ...rest);
};
const run = require('@doyensec/electronegativity/dist/runner.js');

const electronVersion = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).devDependencies
  .electron;
// `--input DIR` scans another app laid out the same way (the test gives it a weak one).
const inputAt = process.argv.indexOf('--input');
const source = inputAt > 0 ? path.resolve(process.argv[inputAt + 1]) : root;
const scan = mkdtempSync(path.join(os.tmpdir(), 'electronegativity-'));
try {
  for (const part of ['electron/main', 'electron/preload', 'renderer/index.html'])
    cpSync(path.join(source, part), path.join(scan, part), { recursive: true });
  writeFileSync(
    path.join(scan, 'package.json'),
    JSON.stringify({ devDependencies: { electron: electronVersion } }),
  );
  const result = await run(
    {
      input: scan,
      electronVersionOverride: electronVersion,
      isRelative: true,
      customScan: [],
      // Needs Electron's release list from the internet; the Electron version is pinned in package.json.
      // The version check only reports the version found (informational).
      excludeFromScan: ['availablesecurityfixesglobalcheck', 'electronversionjsoncheck'],
      parserPlugins: [],
    },
    false,
  );
  const broken = result.errors.filter((e) => !e.tolerable);
  for (const e of broken) console.log(`could not parse ${path.relative(scan, e.file)}: ${e.message}`);
  for (const i of result.issues)
    console.log(
      `${i.id} ${i.file}:${i.location.line}:${i.location.column} ${i.severity.name}: ${i.description}`,
    );
  console.log(
    `electronegativity ${result.globalChecks + result.atomicChecks} checks on Electron ${electronVersion}: ` +
      `${result.issues.length} findings, ${broken.length} files not parsed`,
  );
  process.exitCode = result.issues.length === 0 && broken.length === 0 ? 0 : 1;
} finally {
  rmSync(scan, { recursive: true, force: true });
}
