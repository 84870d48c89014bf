// npm run check:ps [-- --scripts DIR] [--no-pester]: every allowlisted PowerShell script and the
// session's start-up code through real PowerShell 7 (the .NET tool in dotnet-tools.json): its
// parser, a guard against what Windows PowerShell 5.1 lacks, then the Pester tests beside the
// host code (not with --no-pester: check-ps.test.ts checks the scripts alone).
// Prints `N passed, N failed` (each script checked counts as one test, each Pester test as one).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SESSION_INIT } from '../../electron/host/windows/powershell';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: { scripts: { type: 'string' }, 'no-pester': { type: 'boolean' } },
});
const scriptsDir = path.resolve(values.scripts ?? path.join(root, 'resources', 'scripts'));
const pester = path.join(root, '.tools', 'nuget', 'pester', '5.7.1', 'tools', 'Pester.psd1');
const tests = path.join(root, 'electron', 'host', 'windows', 'ps-tests');

/**
 * The tools come from NuGet, as the step that needs them asks: PowerShell by `dotnet tool restore`
 * (quick when present), Pester by a restore of tools.csproj only when its module is missing.
 */
function ensureTools(): boolean {
  const dotnet = (args: string[]) =>
    spawnSync('dotnet', args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] }).status === 0;
  if (!dotnet(['tool', 'restore'])) return false;
  if (existsSync(pester)) return true;
  const project = path.join(root, 'build', 'powershell', 'tools.csproj');
  return dotnet(['restore', project, '--packages', path.join(root, '.tools', 'nuget')]) && existsSync(pester);
}

if (!ensureTools()) {
  process.stdout.write(
    'PowerShell 7.6.9 or Pester 5.7.1 could not be restored from NuGet: is the .NET SDK installed?\n',
  );
  process.stdout.write('0 passed, 1 failed\n');
  process.exit(1);
}

const work = mkdtempSync(path.join(os.tmpdir(), 'check-ps-'));
try {
  const startUp = path.join(work, 'Session-StartUp.ps1');
  writeFileSync(startUp, SESSION_INIT);
  const files = [
    ...readdirSync(scriptsDir)
      .filter((f) => f.endsWith('.ps1'))
      .map((f) => path.join(scriptsDir, f)),
    startUp,
  ];
  const out = path.join(work, 'summary.json');
  const list = path.join(work, 'files.txt');
  writeFileSync(list, files.join('\n'));
  const args = ['tool', 'run', 'pwsh', '-NoProfile', '-NonInteractive', '-File'];
  const check = path.join(root, 'build', 'powershell', 'Check-Scripts.ps1');
  const run = spawnSync(
    'dotnet',
    [
      ...args,
      check,
      '-FileList',
      list,
      '-Pester',
      pester,
      '-Tests',
      tests,
      '-Out',
      out,
      ...(values['no-pester'] ? ['-SkipPester'] : []),
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, CRMUM_SCRIPTS: scriptsDir } },
  );
  if (run.status !== 0) {
    process.stdout.write(`PowerShell did not finish (exit ${run.status ?? run.signal}).\n`);
    process.stdout.write('0 passed, 1 failed\n');
    process.exit(1);
  }
  const summary = JSON.parse(readFileSync(out, 'utf8').replace(/^\uFEFF/, '')) as {
    files: number;
    problems: string[];
    pesterPassed: number;
    pesterFailed: number;
  };
  for (const p of summary.problems) process.stdout.write(`✖ ${p}\n`);
  const brokenFiles = new Set(summary.problems.map((p) => p.split(':')[0])).size;
  const passed = summary.files - brokenFiles + summary.pesterPassed;
  const failed = brokenFiles + summary.pesterFailed;
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  process.exitCode = failed === 0 ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
