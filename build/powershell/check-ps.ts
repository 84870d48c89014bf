// npm run check:ps [-- --scripts DIR] [--tests DIR] [--no-pester] [--only SCRIPT]...: every allowlisted
// PowerShell script and the session's start-up code through real PowerShell 7 (the .NET tool in
// dotnet-tools.json): its parser, a guard against what Windows PowerShell 5.1 lacks, then the
// Pester tests beside the host code (not with --no-pester; with --only, that script's tests
// alone), then the contract: each output a script printed in those tests through the zod schema
// the app parses it with (SCRIPTS in electron/host/windows/scripts.ts).
// Prints `N passed, N failed` (each script checked counts as one test, each Pester test as one,
// each captured output as one).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SESSION_INIT } from '../../electron/host/windows/powershell';
import { SCRIPTS, isAllowlisted } from '../../electron/host/windows/scripts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: {
    scripts: { type: 'string' },
    tests: { type: 'string' },
    'no-pester': { type: 'boolean' },
    only: { type: 'string', multiple: true },
  },
});
const scriptsDir = path.resolve(values.scripts ?? path.join(root, 'resources', 'scripts'));
const pester = path.join(root, '.tools', 'nuget', 'pester', '5.7.1', 'tools', 'Pester.psd1');
const tests = path.resolve(values.tests ?? path.join(root, 'electron', 'host', 'windows', 'ps-tests'));

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

/**
 * The contract between the two sides: each output TestSupport.ps1 kept (`<dir>/<Script>/<n>.json`)
 * parsed as powershell.ts parses a script's result, JSON.parse then the script's zod schema. Every
 * script in `required` must have at least one, or its schema was never checked against its output.
 */
function checkContract(dir: string, required: readonly string[]): { passed: number; failures: string[] } {
  let passed = 0;
  const failures: string[] = [];
  const captured = existsSync(dir) ? readdirSync(dir) : [];
  for (const script of required.filter((s) => !captured.includes(s))) {
    failures.push(
      `contract ${script}: no output captured (no Pester test ran it to the end through Invoke-Script)`,
    );
  }
  for (const script of captured) {
    if (!isAllowlisted(script)) {
      failures.push(`contract ${script}: no entry in SCRIPTS, so no schema to parse its output with`);
      continue;
    }
    const captures = readdirSync(path.join(dir, script)).sort((a, b) => parseInt(a) - parseInt(b));
    for (const capture of captures) {
      const text = readFileSync(path.join(dir, script, capture), 'utf8');
      const problem = contractProblem(script, text);
      if (problem === null) passed++;
      else
        failures.push(
          `contract ${script} #${path.basename(capture, '.json')}: ${problem}\n    output: ${text.slice(0, 300)}`,
        );
    }
  }
  return { passed, failures };
}

function contractProblem(script: keyof typeof SCRIPTS, text: string): string | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return `not JSON: ${String(err)}`;
  }
  const result = SCRIPTS[script].result.safeParse(json);
  if (result.success) return null;
  return result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

const work = mkdtempSync(path.join(os.tmpdir(), 'check-ps-'));
try {
  const startUp = path.join(work, 'Session-StartUp.ps1');
  writeFileSync(startUp, SESSION_INIT);
  const scripts = readdirSync(scriptsDir).filter((f) => f.endsWith('.ps1'));
  const files = [...scripts.map((f) => path.join(scriptsDir, f)), startUp];
  // A script the app could not run: the runner refuses a name the allowlist does not hold.
  const unlisted = scripts
    .map((f) => path.basename(f, '.ps1'))
    .filter((name) => !isAllowlisted(name))
    .map(
      (name) =>
        `${name}.ps1: no entry in SCRIPTS (electron/host/windows/scripts.ts), so the app cannot run it`,
    );
  const contract = path.join(work, 'contract');
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
      ...(values.only ? ['-Only', values.only.join(',')] : []),
    ],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, CRMUM_SCRIPTS: scriptsDir, CRMUM_CONTRACT_OUT: contract },
    },
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
  const problems = [...summary.problems, ...unlisted];
  for (const p of problems) process.stdout.write(`✖ ${p}\n`);
  // The Pester tests that ran decide whose outputs must be there: all the allowlist's, or --only's.
  const required = values['no-pester'] ? [] : (values.only ?? Object.keys(SCRIPTS));
  const checked = checkContract(contract, required);
  for (const f of checked.failures) process.stdout.write(`✖ ${f}\n`);
  if (!values['no-pester']) {
    process.stdout.write(
      `contract: ${checked.passed} script outputs parsed by their zod schemas, ${checked.failures.length} failed\n`,
    );
  }
  // A file counts once however many problems it has; a problem of no file (an --only without tests) alone.
  const names = new Set(files.map((f) => path.basename(f)));
  const ofFile = (problem: string) => names.has(problem.split(':')[0] ?? '');
  const brokenFiles = new Set(problems.filter(ofFile).map((p) => p.split(':')[0])).size;
  const otherProblems = problems.filter((p) => !ofFile(p)).length;
  const passed = summary.files - brokenFiles + summary.pesterPassed + checked.passed;
  const failed = brokenFiles + otherProblems + summary.pesterFailed + checked.failures.length;
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  process.exitCode = failed === 0 ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
