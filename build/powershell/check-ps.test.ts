import { appendFile, cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { closingLine, runCheckScript } from '../../electron/testing/check-script';

/**
 * `npm run check:ps` fails on a script that Windows PowerShell 5.1 could not run, naming it, and
 * on a script whose real output its zod schema in scripts.ts does not accept.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
let scripts: string | undefined;
let tests: string | undefined;
afterEach(async () => {
  for (const dir of [scripts, tests]) if (dir) await rm(dir, { recursive: true, force: true });
  scripts = undefined;
  tests = undefined;
});

const checkPs = (args: string[]) => runCheckScript('build/powershell/check-ps.ts', args, 180_000);

async function copyOf(folder: string, edits: Record<string, [RegExp, string]> = {}): Promise<string> {
  const copy = await mkdtemp(path.join(os.tmpdir(), 'check-ps-copy-'));
  await cp(folder, copy, { recursive: true });
  for (const [file, [from, to]] of Object.entries(edits)) {
    const text = await readFile(path.join(copy, file), 'utf8');
    expect(text, `${file} has ${String(from)}`).toMatch(from);
    await writeFile(path.join(copy, file), text.replace(from, to));
  }
  return copy;
}

/** One script broken a way each (one PowerShell run for all): what the 5.1 guard and the parser must name. */
const BROKEN = [
  [
    'Get-Elevation.ps1',
    '$x = $null ?? 1',
    /Get-Elevation\.ps1: not in PowerShell 5\.1: line \d+: BinaryExpression/,
  ],
  [
    'Get-OsArchitecture.ps1',
    '$x = $true ? 1 : 2',
    /Get-OsArchitecture\.ps1: not in PowerShell 5\.1: line \d+: TernaryExpression/,
  ],
  [
    'Get-PendingReboot.ps1',
    'Get-Date && Get-Date',
    /Get-PendingReboot\.ps1: not in PowerShell 5\.1: line \d+: PipelineChain/,
  ],
  [
    'Get-FixedDrives.ps1',
    '1..2 | ForEach-Object -Parallel { $_ }',
    /Get-FixedDrives\.ps1: not in PowerShell 5\.1: line \d+: CommandParameter/,
  ],
  [
    'Get-LastBoot.ps1',
    "'{}' | ConvertFrom-Json -DateKind String",
    /Get-LastBoot\.ps1: not in PowerShell 5\.1: line \d+: Command 'ConvertFrom-Json -DateKind'/,
  ],
  [
    'Get-WebServices.ps1',
    'Set-Content -LiteralPath x -Value y -Encoding utf8NoBOM',
    /Get-WebServices\.ps1: not in PowerShell 5\.1: line \d+: Command 'Set-Content -Encoding utf8NoBOM'/,
  ],
  [
    'Get-ProcessesById.ps1',
    "Test-Json -Json '{}'",
    /Get-ProcessesById\.ps1: not in PowerShell 5\.1: line \d+: Command 'the command Test-Json'/,
  ],
  ['Get-FileVersion.ps1', 'if ($true) {', /Get-FileVersion\.ps1: line \d+: /],
] as const;

it('fails on ??, a ternary, &&, -Parallel, PowerShell 7 cmdlet parameters, encodings and commands, and on a parse error, naming each script', async () => {
  scripts = await copyOf(path.join(root, 'resources', 'scripts'));
  for (const [file, line] of BROKEN) await appendFile(path.join(scripts, file), `\n${line}\n`);
  // A script the allowlist does not name: the app could never run it, nor parse what it prints.
  await writeFile(path.join(scripts, 'Get-Extra.ps1'), 'ConvertTo-Json -Compress -InputObject @{ x = 1 }\n');
  // The scripts alone: the Pester tests already ran in npm test's own check:ps step.
  const run = checkPs(['--scripts', scripts, '--no-pester']);
  expect(run.status).toBe(1);
  for (const [, , named] of BROKEN) expect(run.stdout).toMatch(named);
  expect(run.stdout).toMatch(/✖ Get-Extra\.ps1: no entry in SCRIPTS/);
  // The five scripts and the unlisted one count as failed.
  expect(closingLine(run.stdout).failed).toBeGreaterThanOrEqual(BROKEN.length + 1);
});

it("fails the contract when a script's output no longer fits its zod schema, even with its Pester tests passing", async () => {
  // A field renamed in the script and in its Pester test alike, but not in scripts.ts.
  scripts = await copyOf(path.join(root, 'resources', 'scripts'), {
    'Get-ProcessStartTime.ps1': [/\bstartTime\b/g, 'started'],
  });
  tests = await copyOf(path.join(root, 'electron', 'host', 'windows', 'ps-tests'), {
    'Get-ProcessStartTime.Tests.ps1': [/\.startTime\b/g, '.started'],
    // Tests that never run the script through Invoke-Script: nothing of it reaches the contract.
    'Get-FileVersion.Tests.ps1': [
      /Describe 'Get-FileVersion' \{[\s\S]*$/,
      "Describe 'Get-FileVersion' { It 'runs' { & $script -ParamsBase64 (ConvertTo-ParamsBase64 @{ path = $PSCommandPath }) | Should -Not -BeNullOrEmpty } }\n",
    ],
  });
  const only = ['Get-ProcessStartTime', 'Get-OsArchitecture', 'Get-FileVersion'];
  const run = checkPs(['--scripts', scripts, '--tests', tests, ...only.flatMap((s) => ['--only', s])]);

  expect(run.status).toBe(1);
  // Pester itself is satisfied.
  const pester = /Tests Passed: (\d+), .*Failed: (\d+)\b/.exec(run.stdout);
  expect(pester?.[2]).toBe('0');
  // Each of the renamed script's outputs fails its schema, named with the zod error and the output.
  expect(run.stdout).toMatch(/✖ contract Get-ProcessStartTime #1: startTime: .*\n\s+output: \{"started":/);
  expect(run.stdout).toMatch(/✖ contract Get-ProcessStartTime #2: startTime: /);
  expect(run.stdout).toMatch(/✖ contract Get-FileVersion: no output captured/);
  // The untouched script's outputs pass.
  expect(run.stdout).not.toMatch(/✖ contract Get-OsArchitecture/);
  const contract = /contract: (\d+) script outputs parsed by their zod schemas, (\d+) failed/.exec(
    run.stdout,
  );
  const renamed = run.stdout.match(/✖ contract Get-ProcessStartTime #/g)?.length ?? 0;
  expect(Number(contract?.[1])).toBeGreaterThanOrEqual(3);
  expect(Number(contract?.[2])).toBe(renamed + 1);
  // The closing line counts them: every file parsed, every Pester test, every output checked.
  const files = (await readdir(scripts)).filter((f) => f.endsWith('.ps1')).length + 1;
  expect(closingLine(run.stdout)).toEqual({
    passed: files + Number(pester?.[1]) + Number(contract?.[1]),
    failed: renamed + 1,
  });
}, 120_000);
