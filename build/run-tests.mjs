#!/usr/bin/env node
// `npm test`: typecheck, lint, Electronegativity and the PowerShell and SQL checks side by side,
// then the renderer build, then the unit and e2e tests, then one closing line `N passed, N failed`
// that counts every test (typecheck, lint and Electronegativity count as one each; the PowerShell
// and SQL checks count their own).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const resultsFile = path.join(root, '.vitest-results.json');

let passed = 0;
let failed = 0;
/** How long each step took, printed before the closing line: where the time of a run goes. */
const times = [];

const header = (label, command, args) =>
  process.stdout.write(`\n=== ${label}: ${[path.basename(command), ...args].join(' ')}\n`);
const seconds = (since) => ((performance.now() - since) / 1000).toFixed(1);

function step(label, command, args) {
  header(label, command, args);
  const started = performance.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  times.push(`${label} ${seconds(started)} s`);
  return result.status === 0;
}

function count(label, ok) {
  if (ok) passed++;
  else {
    failed++;
    process.stdout.write(`✖ ${label} failed\n`);
  }
}

/** A step run beside others: its output is held and printed whole when it ends. */
function background(label, command, args) {
  const started = performance.now();
  return new Promise((resolve) => {
    const output = [];
    const child = spawn(command, args, { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk) => output.push(chunk));
    child.stderr.on('data', (chunk) => output.push(chunk));
    const end = (ok) =>
      resolve({ label, command, args, ok, output: Buffer.concat(output), time: seconds(started) });
    child.on('error', (err) => {
      output.push(Buffer.from(`${String(err)}\n`));
      end(false);
    });
    child.on('close', (code) => end(code === 0));
  });
}

// The five checks are one single-threaded process each: they run side by side, and their output
// is printed one after the other, as if they had not.
const checks = await Promise.all([
  background('typecheck', 'npm', ['run', '--silent', 'typecheck']),
  background('lint', bin('eslint'), ['--max-warnings', '0', '.']),
  background('electronegativity', process.execPath, [path.join(root, 'build', 'electronegativity.mjs')]),
  background('powershell', bin('tsx'), [path.join(root, 'build', 'powershell', 'check-ps.ts')]),
  background('sql', bin('tsx'), [path.join(root, 'build', 'sql', 'check-sql.ts')]),
]);
for (const c of checks) {
  header(c.label, c.command, c.args);
  process.stdout.write(c.output);
  times.push(`${c.label} ${c.time} s`);
  if (c.label !== 'powershell' && c.label !== 'sql') {
    count(c.label, c.ok);
    continue;
  }
  // The PowerShell and SQL checks count their own tests (each script, each Pester test; each
  // statement and profile query).
  const own = /^(\d+) passed, (\d+) failed$/m.exec(c.output.toString('utf8'));
  if (own) {
    passed += Number(own[1]);
    failed += Number(own[2]);
    if (!c.ok && Number(own[2]) === 0) failed++;
  } else count(c.label, c.ok);
}
// The e2e tests load the built renderer.
count(
  'build renderer',
  step('build renderer', process.execPath, [path.join(root, 'build', 'build.mjs'), 'renderer']),
);

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

process.stdout.write(`\ntimes: ${times.join(', ')}\n`);
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 ? 0 : 1;
