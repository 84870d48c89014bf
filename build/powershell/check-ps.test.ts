import { spawnSync } from 'node:child_process';
import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';

/** `npm run check:ps` fails on a script that Windows PowerShell 5.1 could not run, naming it. */
const root = fileURLToPath(new URL('../..', import.meta.url));
let scripts: string | undefined;
afterEach(async () => {
  if (scripts) await rm(scripts, { recursive: true, force: true });
  scripts = undefined;
});

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
  ['Get-FileVersion.ps1', 'if ($true) {', /Get-FileVersion\.ps1: line \d+: /],
] as const;

it('fails on ??, a ternary, && and -Parallel (PowerShell 7 only) and on a parse error, naming each script', async () => {
  scripts = await mkdtemp(path.join(os.tmpdir(), 'scripts-'));
  await cp(path.join(root, 'resources', 'scripts'), scripts, { recursive: true });
  for (const [file, line] of BROKEN) await appendFile(path.join(scripts, file), `\n${line}\n`);
  const run = spawnSync(
    path.join(root, 'node_modules', '.bin', 'tsx'),
    // The scripts alone: the Pester tests already ran in npm test's own check:ps step.
    ['build/powershell/check-ps.ts', '--scripts', scripts, '--no-pester'],
    { cwd: root, encoding: 'utf8', timeout: 180_000 },
  );
  expect(run.status).toBe(1);
  for (const [, , named] of BROKEN) expect(run.stdout).toMatch(named);
  // The five scripts count as failed.
  const failed = Number(/\n\d+ passed, (\d+) failed\n/.exec(run.stdout)?.[1] ?? 0);
  expect(failed).toBeGreaterThanOrEqual(BROKEN.length);
});
