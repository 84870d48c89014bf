#!/usr/bin/env node
// `npm test`: typecheck, lint, unit and e2e tests, in that order, then one closing line
// `N passed, N failed` that counts every test (typecheck and lint count as one each).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const resultsFile = path.join(root, '.vitest-results.json');

let passed = 0;
let failed = 0;

function step(label, command, args) {
  process.stdout.write(`\n=== ${label}: ${[path.basename(command), ...args].join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  return result.status === 0;
}

function check(label, command, args) {
  if (step(label, command, args)) passed++;
  else {
    failed++;
    process.stdout.write(`✖ ${label} failed\n`);
  }
}

check('typecheck', 'npm', ['run', '--silent', 'typecheck']);
check('lint', bin('eslint'), ['--max-warnings', '0', '.']);
// The e2e tests load the built renderer.
check('build renderer', process.execPath, [path.join(root, 'build', 'build.mjs'), 'renderer']);

rmSync(resultsFile, { force: true });
const vitestOk = step('unit + e2e tests', bin('vitest'), [
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${resultsFile}`,
]);
if (existsSync(resultsFile)) {
  const report = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // A file that fails to load has no tests to count: count it as a failure.
  failed += report.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
  if (!vitestOk && report.numFailedTests === 0 && failed === 0) failed++;
} else {
  failed++;
}

process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 ? 0 : 1;
