import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../shared/message';
import { UpgradeError } from '../../shared/message';
import { pwshEnvironment, realPwsh } from '../../testing/pwsh';
import { INJECTION_CORPUS } from './fixtures/corpus';
import {
  type PowerShellRunner,
  SESSION_INIT,
  type ShellFactory,
  createPowerShellRunner,
  nodePowerShellFactory,
} from './powershell';

/*
 * The runner and node-powershell 5 driving real PowerShell 7 (the .NET tool of dotnet-tools.json)
 * through the very line the app sends: SESSION_INIT, then `Invoke-CrmumScript -S <text> -P <json>`,
 * with pwsh started as the app starts powershell.exe (absolute path, its own environment, the
 * same options). The scripts are the test's own, in a folder of the test's, under allowlisted
 * names with the hashes the test gives: the name allowlist and the hash check are what is tested,
 * with the session itself. One PowerShell per describe block (and one more after the timeout).
 */

const header = [
  'param([Parameter(Mandatory = $true)][string]$ParamsBase64)',
  "$ErrorActionPreference = 'Stop'",
  '$json = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($ParamsBase64))',
];

/** Test scripts under allowlisted names: what each does is for the session's sake, not its name's. */
const TEST_SCRIPTS = {
  // Echoes its parameter back, behind ~2,000 lines of accented comments (~150 KB of text).
  'Get-FileVersion': [
    ...Array.from(
      { length: 2000 },
      (_, i) => `# ${i}: àèìòù Ελληνικά «citazione» — 'quote' "doppie" $(x) \`n`,
    ),
    ...header,
    '$p = ConvertFrom-Json -InputObject $json',
    'ConvertTo-Json -Compress -InputObject ([ordered]@{ fileVersion = [string]$p.path; productVersion = $json; fileMajorPart = $p.path.Length })',
  ],
  // Italian and Greek text in its result and on every stream.
  'Get-Elevation': [
    ...header,
    "Write-Warning 'Avviso: àèìòù Ελληνικά'",
    "Write-Error 'Errore non bloccante: Città' -ErrorAction Continue",
    "Write-Host 'Host: Ελληνικά'",
    "Write-Verbose 'Dettaglio: àèìòù' -Verbose",
    "[Console]::Error.WriteLine('Su stderr: àèìòù Ελληνικά')",
    "ConvertTo-Json -Compress -InputObject ([ordered]@{ elevated = $true; user = 'àèìòù Ελληνικά' })",
  ],
  // A terminating error of a cmdlet, after a warning.
  'Get-PendingReboot': [
    ...header,
    "Write-Warning 'prima del guasto'",
    "Get-Item -LiteralPath '/nessuna/cartella/Città'",
    '\'{"reasons":[]}\'',
  ],
  // Far longer than its timeout.
  'Get-ProcessStartTime': [...header, 'Start-Sleep -Seconds 120', '\'{"startTime":null}\''],
  // Which process answers.
  'Get-OsArchitecture': [
    ...header,
    'ConvertTo-Json -Compress -InputObject ([ordered]@{ architecture = [string]$PID; is64BitOperatingSystem = $true })',
  ],
  // The session's modules, and where they came from.
  'Read-ConnectionStrings': [
    ...header,
    '$list = @(Get-Module | Sort-Object Name | ForEach-Object { [ordered]@{ name = $_.Name; connectionString = $_.Path; providerName = $null } })',
    '$list += [ordered]@{ name = "PSModulePath"; connectionString = $env:PSModulePath; providerName = $PSHOME }',
    'ConvertTo-Json -Compress -InputObject $list',
  ],
} as const;

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

interface Folder {
  dir: string;
  home: string;
  hashes: Record<string, string>;
}

async function scriptsFolder(): Promise<Folder> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crmum-session-scripts-'));
  const home = await mkdtemp(path.join(os.tmpdir(), 'crmum-session-home-'));
  const hashes: Record<string, string> = {};
  for (const [name, lines] of Object.entries(TEST_SCRIPTS)) {
    const text = `${lines.join('\r\n')}\r\n`;
    // With a byte order mark, as an editor on Windows may save it: the runner sends the text without.
    await writeFile(path.join(dir, `${name}.ps1`), `\uFEFF${text}`);
    hashes[`scripts/${name}.ps1`] = createHash('sha256')
      .update(Buffer.from(`\uFEFF${text}`, 'utf8'))
      .digest('hex');
  }
  // Present in the folder, and named by no allowlist entry.
  await writeFile(path.join(dir, 'Remove-Everything.ps1'), `${header.join('\r\n')}\r\n'{}'\r\n`);
  // An allowlisted name whose bytes are not the ones hashed.
  await writeFile(path.join(dir, 'Get-FixedDrives.ps1'), `${header.join('\r\n')}\r\n'{"drives":[]}'\r\n`);
  hashes['scripts/Get-FixedDrives.ps1'] = sha256('what the build shipped');
  return { dir, home, hashes };
}

interface LogLine {
  level: string;
  message: Message;
  detail?: string;
}

/** The app's factory over real pwsh, recording every command sent and every session's end. */
function recordingFactory(inner: ShellFactory) {
  const sent: string[] = [];
  let sessions = 0;
  const factory: ShellFactory = () => {
    sessions++;
    const shell = inner();
    return {
      invoke: (command) => {
        sent.push(command);
        return shell.invoke(command);
      },
      dispose: () => shell.dispose(),
    };
  };
  return { factory, sent, sessions: () => sessions };
}

const launch = (home: string) => ({ executable: realPwsh().executable, env: pwshEnvironment(home) });

/** Whether a process still exists (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the runner over real PowerShell', () => {
  let folder: Folder;
  let runner: PowerShellRunner;
  let shell: ReturnType<typeof recordingFactory>;
  const log: LogLine[] = [];

  beforeAll(async () => {
    folder = await scriptsFolder();
    shell = recordingFactory(nodePowerShellFactory(launch(folder.home)));
    runner = createPowerShellRunner({
      scriptsDir: folder.dir,
      shell: shell.factory,
      resourceHashes: folder.hashes,
      log: (level, message, detail) => log.push({ level, message, ...(detail ? { detail } : {}) }),
    });
  });

  afterAll(async () => {
    await runner?.dispose();
    for (const dir of [folder?.dir, folder?.home]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('starts PowerShell, reads its version and language mode from the first line, and logs the execution policies', async () => {
    const { result } = await runner.run('Get-OsArchitecture', {});
    expect(Number(result.architecture)).toBeGreaterThan(0);
    expect(shell.sent[0]).toBe(SESSION_INIT);
    expect(log).toContainEqual({
      level: 'info',
      message: { key: 'windows.powershell.started' },
      detail: `PowerShell ${realPwsh().version}, FullLanguage`,
    });
    const policies = log.find((l) => l.message.key === 'windows.powershell.execution-policy');
    expect(policies?.message.params?.policies).toMatch(
      // Every scope, in order of precedence (all Unrestricted off Windows, which has no policies).
      /^MachinePolicy=\w+, UserPolicy=\w+, Process=\w+, CurrentUser=\w+, LocalMachine=\w+$/,
    );
  });

  it("imports the system modules by $PSHOME + '\\Modules\\…' (the backslash works on Linux too), and only them", async () => {
    const { result } = await runner.run('Read-ConnectionStrings', { webConfigPath: 'C:\\x\\web.config' });
    const pshome = result.find((m) => m.name === 'PSModulePath')!.providerName!;
    const modules = result.filter((m) => m.name !== 'PSModulePath');
    // Imported from there by path: on Linux, nothing could load by name, PSModulePath names no folder.
    const slashes = (p: string) => p.replaceAll('\\', '/');
    expect(modules.map((m) => [m.name, slashes(m.connectionString)])).toEqual(
      [
        'Microsoft.PowerShell.Management',
        'Microsoft.PowerShell.Security',
        'Microsoft.PowerShell.Utility',
      ].map((name) => [name, slashes(`${pshome}/Modules/${name}/${name}.psd1`)]),
    );
    expect(result.find((m) => m.name === 'PSModulePath')?.connectionString).toBe(`${pshome}\\Modules`);
  });

  it.each(
    [
      ...INJECTION_CORPUS.filter((s) => s !== ''),
      "@'\r\n'@\r\nStop-Computer\r\n",
      '@"\n$(Stop-Computer)\n"@',
      'nul\u0000in the middle',
      `lunghissimo ${'Città Ελληνικά 😀 $(x) `n; '.repeat(8000)}`,
    ].map((s) => [
      s.length > 60 ? `${JSON.stringify(s.slice(0, 40))}… (${s.length} characters)` : JSON.stringify(s),
      s,
    ]),
  )('delivers the parameter %s to the script unchanged, and back', async (_label, value) => {
    const before = shell.sent.length;
    const { result } = await runner.run('Get-FileVersion', { path: value });
    expect(result.fileVersion).toBe(value);
    expect(result.fileMajorPart).toBe(value.length);
    expect(JSON.parse(result.productVersion ?? '')).toEqual({ path: value });
    // One line was sent, and the value is not in it as text.
    expect(shell.sent.length).toBe(before + 1);
    if (value.trim().length > 3) expect(shell.sent.at(-1)).not.toContain(value.trim());
  });

  it('brings back Italian and Greek text as sent, in the result and in every stream, for the log', async () => {
    const start = log.length;
    const { result, warnings } = await runner.run('Get-Elevation', {});
    expect(result).toEqual({ elevated: true, user: 'àèìòù Ελληνικά' });
    expect(warnings).toEqual([
      'warning: Avviso: àèìòù Ελληνικά',
      'error: Errore non bloccante: Città',
      'information: Host: Ελληνικά',
      'verbose: Dettaglio: àèìòù',
      'stderr: Su stderr: àèìòù Ελληνικά',
    ]);
    expect(log.slice(start)).toEqual(
      warnings.map((w) => ({
        level: 'warn',
        message: { key: 'windows.powershell.warning', params: { script: 'Get-Elevation' } },
        detail: w,
      })),
    );
  });

  it('reports a script’s terminating error with its message, and the session goes on', async () => {
    const err = (await runner.run('Get-PendingReboot', {}).catch((e: unknown) => e)) as UpgradeError;
    expect(err).toBeInstanceOf(UpgradeError);
    expect(err.message_.key).toBe('windows.powershell.script-failed');
    expect(err.message_.params?.error).toMatch(/Cannot find path '.*nessuna.cartella.Città'/);
    expect(err.detail).toContain('ItemNotFoundException');
    expect(err.detail).toContain('warning: prima del guasto');
    expect(shell.sessions()).toBe(1);
    expect((await runner.run('Get-Elevation', {})).result.elevated).toBe(true);
  });

  it('refuses a script the allowlist does not name, and one whose bytes are not the hashed ones, before sending anything', async () => {
    const before = shell.sent.length;
    await expect(runner.run('Remove-Everything' as 'Get-Elevation', {})).rejects.toThrow(
      /not an allowlisted script/,
    );
    const changed = (await runner.run('Get-FixedDrives', {}).catch((e: unknown) => e)) as UpgradeError;
    expect(changed.message_).toEqual({
      key: 'resources.changed',
      params: { file: path.join(folder.dir, 'Get-FixedDrives.ps1') },
    });
    expect(shell.sent.length).toBe(before);
  });

  it('times a script out, kills that PowerShell, and answers the next call from a new one', async () => {
    const first = Number((await runner.run('Get-OsArchitecture', {})).result.architecture);
    expect(alive(first)).toBe(true);
    const err = (await runner
      .run('Get-ProcessStartTime', { pid: 4 }, 300)
      .catch((e: unknown) => e)) as UpgradeError;
    expect(err.message_).toEqual({
      key: 'windows.powershell.timeout',
      params: { script: 'Get-ProcessStartTime', seconds: 1 },
    });
    expect(log.at(-1)?.message.key).toBe('windows.powershell.restarted');
    const second = Number((await runner.run('Get-OsArchitecture', {})).result.architecture);
    expect(second).not.toBe(first);
    expect(shell.sessions()).toBe(2);
    expect(shell.sent.filter((c) => c === SESSION_INIT)).toHaveLength(2);
    // The sleeping script's PowerShell is gone (SIGTERM, a moment after the timeout).
    for (let i = 0; i < 200 && alive(first); i++) await new Promise((r) => setTimeout(r, 25));
    expect(alive(first)).toBe(false);
  });
});

describe('real PowerShell in Constrained Language', () => {
  let folder: Folder;

  beforeAll(async () => {
    folder = await scriptsFolder();
  });

  afterAll(async () => {
    for (const dir of [folder?.dir, folder?.home]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  /**
   * pwsh on Linux has no AppLocker or WDAC to start it in Constrained Language, so the first line
   * switches it, ahead of SESSION_INIT on the same line: a line of its own would never come back,
   * since node-powershell's closing delimiters use [Console] (as on a locked-down server, where
   * even the opening ones fail; powershell.test.ts's stand-in does that).
   */
  const constrained =
    (inner: ShellFactory): ShellFactory =>
    () => {
      const shell = inner();
      return {
        invoke: (command) =>
          shell.invoke(
            command === SESSION_INIT
              ? `$ExecutionContext.SessionState.LanguageMode = 'ConstrainedLanguage'; ${command}`
              : command,
          ),
        dispose: () => shell.dispose(),
      };
    };

  it('says that AppLocker or WDAC blocks the session, at once, instead of "could not start"', async () => {
    const shell = recordingFactory(constrained(nodePowerShellFactory(launch(folder.home))));
    const runner = createPowerShellRunner({
      scriptsDir: folder.dir,
      shell: shell.factory,
      resourceHashes: folder.hashes,
    });
    try {
      const err = (await runner.run('Get-Elevation', {}).catch((e: unknown) => e)) as UpgradeError;
      expect(err).toBeInstanceOf(UpgradeError);
      expect(err.message_).toEqual({
        key: 'windows.powershell.constrained-language',
        params: { mode: 'ConstrainedLanguage' },
      });
      expect(err.detail).toBe(`PowerShell ${realPwsh().version}, ConstrainedLanguage`);
      // Only the start-up was sent: no script ran in that session.
      expect(shell.sent).toEqual([SESSION_INIT]);
    } finally {
      await runner.dispose();
    }
  }, 20_000);
});
