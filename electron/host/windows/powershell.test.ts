import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { appendFile, chmod, copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { en } from '../../shared/i18n/en';
import { it as itCatalog } from '../../shared/i18n/it';
import { UpgradeError } from '../../shared/message';
import { INJECTION_CORPUS } from './fixtures/corpus';
import {
  type ShellFactory,
  RESULT_PREFIX,
  SESSION_INIT,
  createPowerShellRunner,
  encodeParams,
  invocationCommand,
  isSupportedVersion,
  nodePowerShellFactory,
  parseInvocationOutput,
  readPolicyLine,
  readReadyLine,
} from './powershell';

/*
 * What runs here, on Linux: the whole runner against a fake shell (command text recorded,
 * base64 decoded back), and node-powershell 5 itself against a fake powershell executable that
 * speaks its stdin protocol. Real PowerShell 7 runs the same runner in powershell.session.test.ts.
 * What only a Windows server can prove: that Windows PowerShell 5.1 accepts SESSION_INIT as one
 * line, that the scripts themselves read IIS and the registry as their comments say, and what a
 * Group Policy, AppLocker or WDAC really do to the session (e2e/windows/ACCEPTANCE.md).
 */

afterEach(() => {
  vi.useRealTimers();
});

const SCRIPTS_DIR = fileURLToPath(new URL('../../../resources/scripts', import.meta.url));
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
const COMMAND = /^Invoke-CrmumScript -S '([A-Za-z0-9+/=]+)' -P '([A-Za-z0-9+/=]+)'$/;
const READY_51 = 'CRMUM-READY 5.1.17763.6414 FullLanguage\r\n';
/** The command carries a script's text: which allowlisted script it is, by the text of the repo's files. */
const SCRIPT_OF_TEXT = new Map(
  readdirSync(SCRIPTS_DIR)
    .filter((f) => f.endsWith('.ps1'))
    .map((f) => [readFileSync(path.join(SCRIPTS_DIR, f), 'utf8').replace(/^\uFEFF/, ''), f.slice(0, -4)]),
);

interface Answer {
  output?: string;
  warnings?: string[];
  error?: { message: string; type: string; at: string };
  stderr?: string;
  stdoutBefore?: string;
  hang?: boolean;
}

function fakeShell(
  handler: (script: string, params: Record<string, unknown>) => Answer,
  ready: string = READY_51,
) {
  const sessions: { commands: string[]; disposed: boolean }[] = [];
  const calls: { script: string; text: string; params: unknown; command: string }[] = [];
  const factory: ShellFactory = () => {
    const session = { commands: [] as string[], disposed: false };
    sessions.push(session);
    return {
      async invoke(command) {
        session.commands.push(command);
        if (command === SESSION_INIT) return { stdout: ready, stderr: '' };
        const m = COMMAND.exec(command);
        if (!m) throw new Error(`unexpected command: ${command}`);
        const text = unb64(m[1]!);
        const script = SCRIPT_OF_TEXT.get(text);
        if (script === undefined) throw new Error('not the text of an allowlisted script');
        const params = JSON.parse(unb64(m[2]!)) as Record<string, unknown>;
        calls.push({ script, text, params, command });
        const a = handler(script, params);
        if (a.hang) return new Promise<never>(() => undefined);
        const envelope = {
          ok: !a.error,
          output: a.output ?? '',
          warnings: a.warnings ?? [],
          error: a.error ?? null,
        };
        return {
          stdout: `${a.stdoutBefore ?? ''}${RESULT_PREFIX}${b64(JSON.stringify(envelope))}\r\n`,
          stderr: a.stderr ?? '',
        };
      },
      async dispose() {
        session.disposed = true;
      },
    };
  };
  return { factory, sessions, calls };
}

const json = (v: unknown) => ({ output: JSON.stringify(v) });

describe('the command text', () => {
  it('is constants and two base64 strings, which decode to the script text and the JSON parameters', () => {
    const text = "param([string]$ParamsBase64)\r\n'Città' | Out-String # $(x) `n ; '@\r\n";
    const command = invocationCommand(text, { siteName: 'CRM', appPath: '/' });
    const m = COMMAND.exec(command);
    expect(m).not.toBeNull();
    expect(unb64(m![1]!)).toBe(text);
    expect(JSON.parse(unb64(m![2]!))).toEqual({ siteName: 'CRM', appPath: '/' });
    expect(encodeParams({ a: 'Città' })).toBe(b64('{"a":"Città"}'));
  });

  it.each(INJECTION_CORPUS.map((s) => [s]))('carries %j unchanged and never as text', (value) => {
    const text = `# ${value}\r\nparam([string]$ParamsBase64)\r\n'${value}'\r\n`;
    const command = invocationCommand(text, { path: value, nested: { list: [value, value] } });
    expect(command).toMatch(COMMAND);
    if (value.trim() !== '') expect(command).not.toContain(value);
    for (const ch of [
      '"',
      '`',
      '$',
      ';',
      '&',
      '|',
      '\n',
      '\r',
      '’',
      '‘',
      '“',
      '”',
      '(',
      ')',
      '{',
      '}',
      '<',
      '>',
      '%',
      '#',
      ' -ParamsBase64',
    ]) {
      expect(command.slice('Invoke-CrmumScript -S '.length)).not.toContain(ch);
    }
    const m = COMMAND.exec(command)!;
    expect(unb64(m[1]!)).toBe(text);
    expect(JSON.parse(unb64(m[2]!))).toEqual({ path: value, nested: { list: [value, value] } });
  });

  it('prepares the session with one constant line that defines the wrapper and sets UTF-8', () => {
    expect(SESSION_INIT).not.toMatch(/[\r\n]/);
    expect(SESSION_INIT).toContain('function global:Invoke-CrmumScript');
    expect(SESSION_INIT).toContain('*>&1');
    expect(SESSION_INIT).toContain('[Console]::OutputEncoding');
    expect(SESSION_INIT).toContain(`'${RESULT_PREFIX}'`);
    // Balanced braces and parentheses: an unfinished statement would make -Command - wait for more.
    for (const [open, close] of [
      ['{', '}'],
      ['(', ')'],
      ['[', ']'],
    ] as const) {
      expect(SESSION_INIT.split(open).length, open).toBe(SESSION_INIT.split(close).length);
    }
  });

  it('prints the READY line first, from an expanded string alone (no [Console], [Convert] or New-Object)', () => {
    const [first] = SESSION_INIT.split('; ');
    expect(first).toBe(
      '"CRMUM-READY $($PSVersionTable.PSVersion) $($ExecutionContext.SessionState.LanguageMode)"',
    );
    expect(first).not.toMatch(/\[|New-Object|::/);
  });

  it('runs the script’s text as a script block, never a file by its path', () => {
    expect(SESSION_INIT).toContain(
      '$block = [ScriptBlock]::Create($utf8.GetString([Convert]::FromBase64String($S)))',
    );
    expect(SESSION_INIT).toContain('& $block -ParamsBase64 $P *>&1 | ForEach-Object');
    expect(SESSION_INIT).not.toMatch(/& \$file|-File|\. \$/);
  });

  it('confines the session to the system modules, imported by absolute path', () => {
    expect(SESSION_INIT).toMatch(
      /^"CRMUM-READY [^"]+"; \$ProgressPreference = 'SilentlyContinue'; \$env:PSModulePath = \$PSHOME \+ '\\Modules'; /,
    );
    const imports = [...SESSION_INIT.matchAll(/Import-Module ([^;]+);/g)].map((m) => m[1]);
    expect(imports).toEqual([
      "-Name ($PSHOME + '\\Modules\\Microsoft.PowerShell.Utility')",
      "-Name ($PSHOME + '\\Modules\\Microsoft.PowerShell.Management')",
      "-Name ($PSHOME + '\\Modules\\Microsoft.PowerShell.Security')",
    ]);
  });
});

describe('reading what came back', () => {
  it('takes the envelope line and keeps every other line as a warning', () => {
    const envelope = { ok: true, output: '{"a":"Città"}', warnings: ['warning: W3SVC lento'], error: null };
    const r = parseInvocationOutput(
      `WARNING: stray\r\n${RESULT_PREFIX}${b64(JSON.stringify(envelope))}\r\n`,
      'oops on stderr\r\n',
    );
    expect(r.envelope?.output).toBe('{"a":"Città"}');
    expect(r.warnings).toEqual(['warning: W3SVC lento', 'stdout: WARNING: stray', 'stderr: oops on stderr']);
  });

  it('says why when the envelope is missing or damaged', () => {
    expect(parseInvocationOutput('', '').problem).toBe('no result line');
    expect(parseInvocationOutput(`${RESULT_PREFIX}%%%`, '').problem).toMatch(/not base64/);
    expect(parseInvocationOutput(`${RESULT_PREFIX}${b64('{nope')}`, '').problem).toMatch(/not JSON/);
    expect(parseInvocationOutput(`${RESULT_PREFIX}${b64('{"ok":"yes"}')}`, '').problem).toMatch(
      /unexpected result/,
    );
  });
});

describe('the runner over a fake shell', () => {
  it('starts one session, prepares it once, and sends allowlisted scripts by their text', async () => {
    const shell = fakeShell((script) =>
      script === 'Get-Elevation' ? json({ elevated: true, user: 'CONTOSO\\admin' }) : json({ reasons: [] }),
    );
    const runner = createPowerShellRunner({ scriptsDir: SCRIPTS_DIR, shell: shell.factory });
    expect((await runner.run('Get-Elevation', {})).result).toEqual({
      elevated: true,
      user: 'CONTOSO\\admin',
    });
    expect((await runner.run('Get-PendingReboot', {})).result).toEqual({ reasons: [] });
    expect(shell.sessions).toHaveLength(1);
    expect(shell.sessions[0]!.commands[0]).toBe(SESSION_INIT);
    expect(shell.sessions[0]!.commands.filter((c) => c === SESSION_INIT)).toHaveLength(1);
    expect(shell.calls.map((c) => c.script)).toEqual(['Get-Elevation', 'Get-PendingReboot']);
    expect(shell.calls[0]!.text).toBe(await readFile(path.join(SCRIPTS_DIR, 'Get-Elevation.ps1'), 'utf8'));
    expect(shell.calls.map((c) => c.params)).toEqual([{}, {}]);
    await runner.dispose();
    expect(shell.sessions[0]!.disposed).toBe(true);
  });

  it.each(INJECTION_CORPUS.filter((s) => s !== '').map((s) => [s]))(
    'round-trips %j to the script and back, executing nothing',
    async (value) => {
      const shell = fakeShell((script, params) =>
        json({
          found: true,
          name: params.siteName,
          id: 1,
          state: 'Started',
          applicationPath: params.appPath,
          physicalPath: `D:\\${String(params.siteName)}`,
          applicationPools: [params.siteName],
          bindings: [],
        }),
      );
      const runner = createPowerShellRunner({ scriptsDir: SCRIPTS_DIR, shell: shell.factory });
      const { result } = await runner.run('Get-CrmSite', { siteName: value, appPath: '/' });
      expect(shell.calls[0]!.params).toEqual({ siteName: value, appPath: '/' });
      expect(shell.calls[0]!.command).toMatch(COMMAND);
      expect(shell.calls[0]!.command).not.toContain(value.trim());
      expect(result).toMatchObject({
        found: true,
        name: value,
        physicalPath: `D:\\${value}`,
        applicationPools: [value],
      });
    },
  );

  it('keeps Italian accents and other scripts in results unchanged', async () => {
    const shell = fakeShell(() =>
      json([
        {
          name: 'Produzione Città',
          connectionString: 'Data Source=db;Initial Catalog=CRM_Ελληνικά',
          providerName: null,
        },
      ]),
    );
    const runner = createPowerShellRunner({ scriptsDir: SCRIPTS_DIR, shell: shell.factory });
    const { result } = await runner.run('Read-ConnectionStrings', {
      webConfigPath: 'C:\\inetpub\\wwwroot\\Città\\web.config',
    });
    expect(result).toEqual([
      {
        name: 'Produzione Città',
        connectionString: 'Data Source=db;Initial Catalog=CRM_Ελληνικά',
        providerName: null,
      },
    ]);
    expect(shell.calls[0]!.params).toEqual({ webConfigPath: 'C:\\inetpub\\wwwroot\\Città\\web.config' });
  });

  it('keeps stderr and the scripts’ warnings as warnings for the log, not errors', async () => {
    const log = vi.fn();
    const shell = fakeShell(() => ({
      ...json({ reasons: ['CBS'] }),
      warnings: ['warning: chiave non leggibile'],
      stderr: 'qualcosa su stderr\r\n',
      stdoutBefore: 'WARNING: stray\r\n',
    }));
    const runner = createPowerShellRunner({ scriptsDir: SCRIPTS_DIR, shell: shell.factory, log });
    const { result, warnings } = await runner.run('Get-PendingReboot', {});
    expect(result.reasons).toEqual(['CBS']);
    expect(warnings).toEqual([
      'warning: chiave non leggibile',
      'stdout: WARNING: stray',
      'stderr: qualcosa su stderr',
    ]);
    expect(log).toHaveBeenCalledWith(
      'warn',
      { key: 'windows.powershell.warning', params: { script: 'Get-PendingReboot' } },
      'stderr: qualcosa su stderr',
    );
  });

  it('turns a script that threw into an UpgradeError with a message key and the detail', async () => {
    const shell = fakeShell(() => ({
      error: {
        message: 'Impossibile trovare il percorso «C:\\x»',
        type: 'System.Management.Automation.ItemNotFoundException',
        at: 'At line:13 char:10',
      },
      warnings: ['error: prima'],
    }));
    const runner = createPowerShellRunner({ scriptsDir: SCRIPTS_DIR, shell: shell.factory });
    const err = await runner.run('Get-FileVersion', { path: 'C:\\x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpgradeError);
    const e = err as UpgradeError;
    expect(e.message_).toEqual({
      key: 'windows.powershell.script-failed',
      params: { script: 'Get-FileVersion', error: 'Impossibile trovare il percorso «C:\\x»' },
    });
    expect(e.detail).toContain('ItemNotFoundException');
    expect(e.detail).toContain('At line:13 char:10');
    expect(e.detail).toContain('error: prima');
  });

  it('refuses output that is not the script’s JSON document', async () => {
    const runner = (output: string) =>
      createPowerShellRunner({ scriptsDir: SCRIPTS_DIR, shell: fakeShell(() => ({ output })).factory });
    for (const output of ['', 'not json', '{"elevated":"yes"}']) {
      const err = (await runner(output)
        .run('Get-Elevation', {})
        .catch((e: unknown) => e)) as UpgradeError;
      expect(err.message_.key, output).toBe('windows.powershell.bad-output');
    }
  });

  it('reads the array shapes Windows PowerShell 5.1 writes', async () => {
    for (const [reasons, want] of [
      [
        ['CBS', 'WindowsUpdate'],
        ['CBS', 'WindowsUpdate'],
      ],
      ['CBS', ['CBS']],
      [null, []],
      [{ value: ['PendingFileRenameOperations'], Count: 1 }, ['PendingFileRenameOperations']],
    ] as const) {
      const runner = createPowerShellRunner({
        scriptsDir: SCRIPTS_DIR,
        shell: fakeShell(() => json({ reasons })).factory,
      });
      expect((await runner.run('Get-PendingReboot', {})).result.reasons).toEqual(want);
    }
  });

  it('times a call out, kills that session, and answers the next call from a new one', async () => {
    const shell = fakeShell((script) =>
      script === 'Get-CrmSite' ? { hang: true } : json({ elevated: false }),
    );
    const runner = createPowerShellRunner({ scriptsDir: SCRIPTS_DIR, shell: shell.factory });
    // The fake session never answers: without the runner's timeout, this would outlast the test's.
    const err = (await runner
      .run('Get-CrmSite', { siteName: 'CRM', appPath: '/' }, 150)
      .catch((e: unknown) => e)) as UpgradeError;
    expect(err.message_).toEqual({
      key: 'windows.powershell.timeout',
      params: { script: 'Get-CrmSite', seconds: 1 },
    });
    expect(shell.sessions[0]!.disposed).toBe(true);
    expect((await runner.run('Get-Elevation', {})).result.elevated).toBe(false);
    expect(shell.sessions).toHaveLength(2);
    expect(shell.sessions[1]!.commands[0]).toBe(SESSION_INIT);
  });

  it('runs one script at a time, each timeout counting from its own start', async () => {
    let running = 0;
    let most = 0;
    const answers: (() => void)[] = [];
    const factory: ShellFactory = () => ({
      async invoke(command) {
        if (command === SESSION_INIT) return { stdout: READY_51, stderr: '' };
        running++;
        most = Math.max(most, running);
        await new Promise<void>((answer) => answers.push(answer));
        running--;
        return {
          stdout: `${RESULT_PREFIX}${b64(JSON.stringify({ ok: true, output: '{"elevated":true}', warnings: [], error: null }))}\n`,
          stderr: '',
        };
      },
      dispose: async () => undefined,
    });
    const runner = createPowerShellRunner({ scriptsDir: SCRIPTS_DIR, shell: factory });
    // The timeouts run on a fake clock: each script answers 90 ms into its 100, 360 ms in all,
    // however slow the machine.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const all = Promise.all([1, 2, 3, 4].map(() => runner.run('Get-Elevation', {}, 100)));
    for (let i = 0; i < 4; i++) {
      while (answers.length === 0) await new Promise((r) => setImmediate(r));
      await vi.advanceTimersByTimeAsync(90);
      answers.shift()?.();
    }
    expect((await all).every((r) => r.result.elevated)).toBe(true);
    expect(most).toBe(1);
  });

  it('refuses a script outside the allowlist, bad parameters and a missing file', async () => {
    const shell = fakeShell(() => json({}));
    const runner = createPowerShellRunner({ scriptsDir: SCRIPTS_DIR, shell: shell.factory });
    await expect(runner.run('Remove-Everything' as 'Get-Elevation', {})).rejects.toThrow(
      /not an allowlisted script/,
    );
    await expect(runner.run('Get-CrmSite', { siteName: 'CRM' } as never)).rejects.toThrow(/bad parameters/);
    await expect(runner.run('Get-Elevation', { extra: '$(x)' } as never)).rejects.toThrow(/bad parameters/);
    const empty = await mkdtemp(path.join(os.tmpdir(), 'crmum-scripts-'));
    try {
      const missing = createPowerShellRunner({ scriptsDir: empty, shell: shell.factory });
      const err = (await missing.run('Get-Elevation', {}).catch((e: unknown) => e)) as UpgradeError;
      expect(err.message_).toEqual({
        key: 'windows.powershell.script-missing',
        params: { script: 'Get-Elevation', dir: empty },
      });
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
    expect(shell.calls).toEqual([]);
  });

  it('refuses a script whose bytes differ from the build, or that the build did not ship, before any shell starts', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'crmum-scripts-'));
    try {
      const original = await readFile(path.join(SCRIPTS_DIR, 'Get-Elevation.ps1'));
      const hashes = { 'scripts/Get-Elevation.ps1': createHash('sha256').update(original).digest('hex') };
      const file = path.join(dir, 'Get-Elevation.ps1');
      await copyFile(path.join(SCRIPTS_DIR, 'Get-Elevation.ps1'), file);
      await copyFile(
        path.join(SCRIPTS_DIR, 'Get-PendingReboot.ps1'),
        path.join(dir, 'Get-PendingReboot.ps1'),
      );
      const shell = fakeShell(() => json({ elevated: true }));
      const runner = createPowerShellRunner({
        scriptsDir: dir,
        shell: shell.factory,
        resourceHashes: hashes,
      });
      expect((await runner.run('Get-Elevation', {})).result.elevated).toBe(true);

      await appendFile(file, "\nStart-Process cmd.exe -ArgumentList '/c net user eve P@ss /add'\n");
      const changed = (await runner.run('Get-Elevation', {}).catch((e: unknown) => e)) as UpgradeError;
      expect(changed.message_).toEqual({ key: 'resources.changed', params: { file } });
      const unlisted = (await runner.run('Get-PendingReboot', {}).catch((e: unknown) => e)) as UpgradeError;
      expect(unlisted.message_).toEqual({
        key: 'resources.not-shipped',
        params: { file: path.join(dir, 'Get-PendingReboot.ps1') },
      });
      expect(shell.calls.map((c) => c.script)).toEqual(['Get-Elevation']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('sends the checked bytes as UTF-8 text without a byte order mark, and refuses a script that is not UTF-8', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'crmum-scripts-'));
    try {
      const original = await readFile(path.join(SCRIPTS_DIR, 'Get-Elevation.ps1'));
      const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), original]);
      await writeFile(path.join(dir, 'Get-Elevation.ps1'), withBom);
      // 'Città' as Windows-1252 saves it: à is the lone byte 0xE0.
      const ansi = Buffer.concat([Buffer.from('# Citt', 'latin1'), Buffer.from([0xe0]), Buffer.from('\r\n')]);
      await writeFile(path.join(dir, 'Get-PendingReboot.ps1'), ansi);
      const hash = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      const shell = fakeShell(() => json({ elevated: true }));
      const runner = createPowerShellRunner({
        scriptsDir: dir,
        shell: shell.factory,
        resourceHashes: {
          'scripts/Get-Elevation.ps1': hash(withBom),
          'scripts/Get-PendingReboot.ps1': hash(ansi),
        },
      });
      const err = (await runner.run('Get-PendingReboot', {}).catch((e: unknown) => e)) as UpgradeError;
      expect(err.message_).toEqual({
        key: 'windows.powershell.script-not-utf8',
        params: { script: 'Get-PendingReboot', file: path.join(dir, 'Get-PendingReboot.ps1') },
      });
      expect(shell.sessions).toEqual([]);
      expect((await runner.run('Get-Elevation', {})).result.elevated).toBe(true);
      expect(shell.calls[0]!.text).toBe(original.toString('utf8'));
      expect(shell.calls[0]!.text.charCodeAt(0)).not.toBe(0xfeff);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a changed script before the first session starts', async () => {
    const shell = fakeShell(() => json({ elevated: true }));
    const runner = createPowerShellRunner({
      scriptsDir: SCRIPTS_DIR,
      shell: shell.factory,
      resourceHashes: { 'scripts/Get-Elevation.ps1': '0'.repeat(64) },
    });
    const err = (await runner.run('Get-Elevation', {}).catch((e: unknown) => e)) as UpgradeError;
    expect(err.message_.key).toBe('resources.changed');
    expect(shell.sessions).toEqual([]);
  });

  it('reports a shell that does not start', async () => {
    const factory: ShellFactory = () => ({
      invoke: async () => Promise.reject(new Error('spawn powershell.exe ENOENT')),
      dispose: async () => undefined,
    });
    const runner = createPowerShellRunner({ scriptsDir: SCRIPTS_DIR, shell: factory });
    const err = (await runner.run('Get-Elevation', {}).catch((e: unknown) => e)) as UpgradeError;
    expect(err.message_.key).toBe('windows.powershell.unavailable');
    expect(err.detail).toContain('ENOENT');
  });
});

describe('the session’s start-up', () => {
  const refusal = async (ready: string) => {
    const shell = fakeShell(() => json({ elevated: true }), ready);
    const runner = createPowerShellRunner({ scriptsDir: SCRIPTS_DIR, shell: shell.factory });
    const err = (await runner.run('Get-Elevation', {}).catch((e: unknown) => e)) as UpgradeError;
    return { err, shell };
  };

  it('reads the version and the language mode from the first line', () => {
    expect(readReadyLine('\r\nCRMUM-READY 5.1.17763.6414 FullLanguage\r\nCRMUM-POLICY x=y\r\n')).toEqual({
      version: '5.1.17763.6414',
      languageMode: 'FullLanguage',
    });
    expect(readReadyLine('CRMUM-READY  FullLanguage')).toEqual({
      version: '1.0',
      languageMode: 'FullLanguage',
    });
    expect(readReadyLine('CRMUM-READY 5.1')).toBeNull();
    for (const v of ['5.1.14393.0', '5.1', '7.6.9', '7.5.0-preview.3', '10.0'])
      expect(isSupportedVersion(v), v).toBe(true);
    for (const v of ['1.0', '2.0', '3.0', '4.0', '5.0.10586.117', '', 'fake'])
      expect(isSupportedVersion(v), v).toBe(false);
  });

  it('refuses PowerShell 4.0 (Windows Server 2012 R2 without WMF 5.1), naming it and what to install', async () => {
    const { err, shell } = await refusal('CRMUM-READY 4.0 FullLanguage\r\n');
    expect(err).toBeInstanceOf(UpgradeError);
    expect(err.message_).toEqual({ key: 'windows.powershell.too-old', params: { found: '4.0' } });
    expect(err.detail).toBe('PowerShell 4.0, FullLanguage');
    expect(en['windows.powershell.too-old.remedy']).toContain('Windows Management Framework 5.1 (WMF 5.1)');
    expect(en['windows.powershell.too-old.remedy']).toContain('Windows Server 2016 or later');
    expect(itCatalog['windows.powershell.too-old.remedy']).toContain('(WMF 5.1)');
    // Nothing ran in that session, and it is not kept.
    expect(shell.calls).toEqual([]);
    expect(shell.sessions[0]!.disposed).toBe(true);
  });

  it('refuses Constrained Language, naming AppLocker and WDAC instead of "could not start"', async () => {
    const { err, shell } = await refusal('CRMUM-READY 5.1.17763.6414 ConstrainedLanguage\r\n');
    expect(err.message_).toEqual({
      key: 'windows.powershell.constrained-language',
      params: { mode: 'ConstrainedLanguage' },
    });
    expect(en['windows.powershell.constrained-language']).toMatch(/AppLocker.*WDAC/);
    expect(en['windows.powershell.constrained-language.remedy']).toMatch(
      /exception.*upgrade manager’s folder/,
    );
    expect(shell.calls).toEqual([]);
    expect(shell.sessions[0]!.disposed).toBe(true);
  });

  it('logs the version, the language mode and the execution policies, once, and warns of a Group Policy that would stop script files', async () => {
    const log = vi.fn();
    const policies =
      'CRMUM-POLICY MachinePolicy=AllSigned UserPolicy=Undefined Process=Bypass CurrentUser=Restricted LocalMachine=RemoteSigned';
    const shell = fakeShell(
      (script) => (script === 'Get-CrmSite' ? { hang: true } : json({ elevated: true })),
      `${READY_51}${policies}\r\n`,
    );
    const runner = createPowerShellRunner({ scriptsDir: SCRIPTS_DIR, shell: shell.factory, log });
    await runner.run('Get-Elevation', {});
    // A second session (after a timeout) logs its start, not the server's policies again.
    await runner.run('Get-CrmSite', { siteName: 'CRM', appPath: '/' }, 50).catch(() => undefined);
    await runner.run('Get-Elevation', {});
    expect(shell.sessions).toHaveLength(2);
    const keys = log.mock.calls.map((c) => [c[0], (c[1] as { key: string }).key]);
    expect(keys.filter(([, k]) => k === 'windows.powershell.started')).toHaveLength(2);
    expect(log).toHaveBeenCalledWith(
      'info',
      { key: 'windows.powershell.started' },
      'PowerShell 5.1.17763.6414, FullLanguage',
    );
    expect(
      log.mock.calls.filter((c) => (c[1] as { key: string }).key === 'windows.powershell.execution-policy'),
    ).toEqual([
      [
        'info',
        {
          key: 'windows.powershell.execution-policy',
          params: {
            policies:
              'MachinePolicy=AllSigned, UserPolicy=Undefined, Process=Bypass, CurrentUser=Restricted, LocalMachine=RemoteSigned',
          },
        },
      ],
    ]);
    // Only the Group Policy scopes outrank our -ExecutionPolicy Bypass.
    expect(log.mock.calls.filter((c) => (c[1] as { key: string }).key.endsWith('.group-policy'))).toEqual([
      [
        'warn',
        {
          key: 'windows.powershell.execution-policy.group-policy',
          params: { scope: 'MachinePolicy', policy: 'AllSigned' },
        },
      ],
    ]);
    expect(readPolicyLine(policies)[0]).toEqual({ scope: 'MachinePolicy', policy: 'AllSigned' });
  });
});

/**
 * node-powershell itself, on Linux, against a stand-in for powershell.exe that speaks its stdin
 * protocol: delimiters written with [Console]::Out/Error.WriteLine, one command per line. It
 * proves our use of the library's real API (options, stdout and stderr with
 * throwOnInvocationError off, dispose after a timeout), not Windows PowerShell.
 */
// The stand-in is a script run through its #! line: POSIX only. On Windows, the real powershell.exe is the test.
describe.skipIf(process.platform === 'win32')('node-powershell 5 under the runner', () => {
  let dir = '';
  let executable = '';
  const savedOverride = process.env.NODE_POWERSHELL;

  beforeAll(async () => {
    delete process.env.NODE_POWERSHELL;
    dir = await mkdtemp(path.join(os.tmpdir(), 'crmum-fake-pwsh-'));
    executable = path.join(dir, 'fake-powershell.mjs');
    // CRMUM_FAKE_LANGUAGE=ConstrainedLanguage: refuses [Console] as that mode does, node-powershell's
    // delimiter lines included, and still prints SESSION_INIT's READY line.
    await writeFile(
      executable,
      `#!${process.execPath}
import { createInterface } from 'node:readline';
const args = process.argv.slice(2);
const mode = process.env.CRMUM_FAKE_LANGUAGE || 'FullLanguage';
const refused = 'InvalidOperation: Cannot invoke method. Method invocation is supported only on core types in this language mode.\\n';
const un = (s) => Buffer.from(s, 'base64').toString('utf8');
let busy = false;
createInterface({ input: process.stdin }).on('line', (line) => {
  if (busy) return;
  let m;
  if (mode !== 'FullLanguage' && line.startsWith('[Console]::')) return void process.stderr.write(refused);
  if ((m = /^\\[Console\\]::Out\\.WriteLine\\("([0-9A-Za-z]{16})"\\)$/.exec(line))) return void process.stdout.write(m[1] + '\\n');
  if ((m = /^\\[Console\\]::Error\\.WriteLine\\("([0-9A-Za-z]{16})"\\)$/.exec(line))) return void process.stderr.write(m[1] + '\\n');
  if (line.startsWith('"CRMUM-READY ')) return void process.stdout.write('CRMUM-READY 5.1.17763.6414 ' + mode + '\\n');
  if ((m = /^Invoke-CrmumScript -S '([A-Za-z0-9+/=]+)' -P '([A-Za-z0-9+/=]+)'$/.exec(line))) {
    const text = un(m[1]);
    const params = JSON.parse(un(m[2]));
    if (params.path === 'hang') { busy = true; return; }
    if (params.path.includes('warn')) process.stderr.write('WARNING: avviso dallo script\\n');
    const output = JSON.stringify({ fileVersion: params.path, productVersion: JSON.stringify(args), fileMajorPart: 7, fileMinorPart: 8, fileBuildPart: text.length, filePrivatePart: 58853 });
    const envelope = { ok: true, output, warnings: [], error: null };
    return void process.stdout.write('${RESULT_PREFIX}' + Buffer.from(JSON.stringify(envelope), 'utf8').toString('base64') + '\\n');
  }
  process.stderr.write('unknown command: ' + line + '\\n');
});
`,
    );
    await chmod(executable, 0o755);
  });

  afterAll(async () => {
    if (savedOverride !== undefined) process.env.NODE_POWERSHELL = savedOverride;
    await rm(dir, { recursive: true, force: true });
  });

  it('passes the executable options, sends the script text, reads stdout with stderr as warnings, and survives a timeout', async () => {
    const runner = createPowerShellRunner({
      scriptsDir: SCRIPTS_DIR,
      shell: nodePowerShellFactory({ executable, env: {}, invocationTimeoutMs: 20_000 }),
    });
    try {
      const first = await runner.run('Get-FileVersion', { path: 'C:\\inetpub\\Città\\bin\\Crm.Web.dll' });
      expect(first.result.fileVersion).toBe('C:\\inetpub\\Città\\bin\\Crm.Web.dll');
      const text = await readFile(path.join(SCRIPTS_DIR, 'Get-FileVersion.ps1'), 'utf8');
      expect(first.result.fileBuildPart).toBe(text.length);
      expect(JSON.parse(first.result.productVersion ?? '')).toEqual([
        '-NoLogo',
        '-NoProfile',
        '-NonInteractive',
        '-ExecutionPolicy',
        'Bypass',
        '-NoExit',
        '-Command',
        '-',
      ]);

      const warned = await runner.run('Get-FileVersion', { path: 'warn Ελληνικά' });
      expect(warned.result.fileVersion).toBe('warn Ελληνικά');
      expect(warned.warnings).toEqual(['stderr: WARNING: avviso dallo script']);

      const err = (await runner
        .run('Get-FileVersion', { path: 'hang' }, 300)
        .catch((e: unknown) => e)) as UpgradeError;
      expect(err.message_.key).toBe('windows.powershell.timeout');
      const after = await runner.run('Get-FileVersion', { path: 'dopo il timeout' });
      expect(after.result.fileVersion).toBe('dopo il timeout');
    } finally {
      await runner.dispose();
    }
  });

  it('says Constrained Language at once, although node-powershell’s own delimiters never come back there', async () => {
    const runner = createPowerShellRunner({
      scriptsDir: SCRIPTS_DIR,
      // The backstop would answer after 20 s; the test's own timeout is far shorter than that.
      shell: nodePowerShellFactory({
        executable,
        env: { CRMUM_FAKE_LANGUAGE: 'ConstrainedLanguage' },
        invocationTimeoutMs: 20_000,
      }),
    });
    try {
      const err = (await runner
        .run('Get-FileVersion', { path: 'C:\\x' })
        .catch((e: unknown) => e)) as UpgradeError;
      expect(err.message_).toEqual({
        key: 'windows.powershell.constrained-language',
        params: { mode: 'ConstrainedLanguage' },
      });
    } finally {
      await runner.dispose();
    }
  }, 10_000);
});

/**
 * What node-powershell is told to start, and with what environment: two stand-ins that say who
 * they are and what environment they got, one named by us and one by NODE_POWERSHELL.
 */
describe.skipIf(process.platform === 'win32')('the PowerShell process itself', () => {
  const planted = {
    NODE_POWERSHELL: '',
    PSModulePath: '/home/mario/Documents/WindowsPowerShell/Modules',
    PSExecutionPolicyPreference: 'Unrestricted',
    COR_ENABLE_PROFILING: '1',
    SystemRoot: 'D:\\Evil',
  };
  const saved: Record<string, string | undefined> = {};
  let dir = '';
  const standIn = (who: string) => `#!${process.execPath}
import { createInterface } from 'node:readline';
createInterface({ input: process.stdin }).on('line', (line) => {
  let m;
  if ((m = /^\\[Console\\]::Out\\.WriteLine\\("([0-9A-Za-z]{16})"\\)$/.exec(line))) return void process.stdout.write(m[1] + '\\n');
  if ((m = /^\\[Console\\]::Error\\.WriteLine\\("([0-9A-Za-z]{16})"\\)$/.exec(line))) return void process.stderr.write(m[1] + '\\n');
  process.stdout.write('CRMUM-READY ' + JSON.stringify({ who: '${who}', env: process.env }) + '\\n');
});
`;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'crmum-pinned-pwsh-'));
    for (const who of ['ours', 'impostor']) {
      await writeFile(path.join(dir, `${who}.mjs`), standIn(who));
      await chmod(path.join(dir, `${who}.mjs`), 0o755);
    }
    planted.NODE_POWERSHELL = path.join(dir, 'impostor.mjs');
    for (const [name, value] of Object.entries(planted)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });

  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('starts the executable it is given, whatever NODE_POWERSHELL says, with only the environment it is given', async () => {
    const env = {
      SystemRoot: 'C:\\Windows',
      PSModulePath: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\Modules',
    };
    const session = nodePowerShellFactory({ executable: path.join(dir, 'ours.mjs'), env })();
    try {
      const { stdout } = await session.invoke(SESSION_INIT);
      const ready = stdout.split('\n').find((l) => l.startsWith('CRMUM-READY '));
      const child = JSON.parse(ready!.slice('CRMUM-READY '.length)) as {
        who: string;
        env: Record<string, string>;
      };
      expect(child.who).toBe('ours');
      expect(child.env).toEqual(env);
    } finally {
      await session.dispose();
    }
  });

  it('refuses an executable that is not an absolute path', () => {
    expect(() => nodePowerShellFactory({ executable: 'powershell', env: {} })()).toThrow(/absolute/);
  });
});
