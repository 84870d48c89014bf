import path from 'node:path';
import { PowerShell } from 'node-powershell';
import { z } from 'zod';
import { type Message, UpgradeError, msg } from '../../shared/message';
import { type ResourceHashes, builtResourceHashes } from '../../shared/resource-hashes';
import {
  type AllowlistedScript,
  SCRIPTS,
  type ScriptParams,
  type ScriptResult,
  checkedScriptFile,
  isAllowlisted,
  psArray,
} from './scripts';

export type { AllowlistedScript, ScriptParams, ScriptResult } from './scripts';

/**
 * One persistent Windows PowerShell session that runs the allowlisted scripts of
 * resources/scripts. No value is ever pasted into PowerShell text:
 *
 * - the session is prepared once with a constant text (SESSION_INIT) that defines one function;
 * - each call sends `Invoke-CrmumScript -S '<base64>' -P '<base64>'`: the script's text (the very
 *   bytes whose hash was checked, never its path) and the parameters, each as base64 of UTF-8 (the
 *   parameters as JSON), and nothing else. The base64 alphabet has no quote, `$`, backtick or
 *   separator, so the text cannot be escaped from, and it is pure ASCII, so the console's code
 *   page cannot mangle an accent on the way in;
 * - the function makes a script block of the text and runs it: the execution policy governs
 *   script files, not script blocks, so a Group Policy of AllSigned does not stop it, and
 *   PowerShell never reads the file between our hash check and the run;
 * - it runs the script with every stream captured (`*>&1`), and prints one line,
 *   `CRMUM-RESULT <base64 of UTF-8 JSON>`: the script's output, its warnings and non-terminating
 *   errors, and the terminating error if it threw. Pure ASCII again on the way out.
 *
 * node-powershell 5 (read from its source): the constructor spawns at once; `invoke()` frames
 * each command with delimiter lines on stdout and stderr and queues calls one at a time; any
 * stderr byte sets `hadErrors` and, unless `throwOnInvocationError: false`, throws away stdout;
 * `invocationTimeout` (default 0, none) only stops waiting, the command goes on running in the
 * shell. So stderr is read here as warnings, a timed-out session is killed and replaced, and the
 * timeout of each call is ours (node-powershell's is set too, as a backstop). Its delimiters are
 * written with `[Console]`, which Constrained Language refuses: see watchReadyLine.
 */

export interface PowerShellRunner {
  run<S extends AllowlistedScript>(
    script: S,
    params: ScriptParams<S>,
    timeoutMs?: number,
  ): Promise<{ result: ScriptResult<S>; warnings: string[] }>;
  dispose(): Promise<void>;
}

/** The one thing the runner needs from a shell: send a command, get its stdout and stderr text. */
export interface ShellSession {
  invoke(command: string): Promise<{ stdout: string; stderr: string }>;
  dispose(): Promise<void>;
}
export type ShellFactory = () => ShellSession;

export type HostLog = (level: 'info' | 'warn' | 'error', message: Message, detail?: string) => void;

export const DEFAULT_TIMEOUT_MS = 60_000;
export const MAX_TIMEOUT_MS = 10 * 60_000;
const INIT_TIMEOUT_MS = 60_000;
export const RESULT_PREFIX = 'CRMUM-RESULT ';
const READY = 'CRMUM-READY';
const POLICY = 'CRMUM-POLICY';
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The system modules the scripts use, imported by absolute path rather than found by name. */
const SYSTEM_MODULES = [
  'Microsoft.PowerShell.Utility',
  'Microsoft.PowerShell.Management',
  'Microsoft.PowerShell.Security',
];

/**
 * Sent once per session, one line (`-Command -` reads stdin line by line: an unfinished statement
 * would swallow node-powershell's delimiter lines). A constant: nothing is ever added to it.
 *
 * The READY line comes first, an expanded string printed by the host: that much runs on every
 * PowerShell from 2.0 on and in Constrained Language, where [Console], [Convert] and New-Object of
 * other types are refused, so prepare() learns from it which PowerShell this is and whether the
 * rest can run. The rest of the line parses on PowerShell 3.0 and later (`*>&1` is 3.0 syntax):
 * 2.0, found only on Windows Server 2008 R2, where Node.js does not run, would refuse the whole
 * line and print nothing.
 * [Console]::OutputEncoding is set for the log's sake (warnings on stderr); the results do not
 * depend on it. Setting it can fail when the process has no console, hence the try.
 * The last statement prints the execution policy of each scope, as evidence for the log.
 */
export const SESSION_INIT = [
  `"${READY} $($PSVersionTable.PSVersion) $($ExecutionContext.SessionState.LanguageMode)"`,
  "$ProgressPreference = 'SilentlyContinue'",
  // Modules only from the system folder of this very PowerShell ($PSHOME comes from the
  // executable's own location, not the environment): PowerShell 5.1 adds folders to the
  // PSModulePath it was given, and a module found by name elsewhere would run elevated.
  // String concatenation, not Join-Path: that cmdlet lives in one of the modules being imported.
  // PowerShell 7 on Linux (the tests) takes the backslash in a path as a separator too; its
  // PSModulePath, which it does not normalise, then names no folder, and nothing loads by name.
  "$env:PSModulePath = $PSHOME + '\\Modules'",
  ...SYSTEM_MODULES.map((m) => `Import-Module -Name ($PSHOME + '\\Modules\\${m}')`),
  'try { [Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false } catch { }',
  '$OutputEncoding = New-Object System.Text.UTF8Encoding $false',
  'function global:Invoke-CrmumScript { param([string]$S, [string]$P) ' +
    '$utf8 = New-Object System.Text.UTF8Encoding $false; ' +
    '$out = New-Object System.Collections.Generic.List[string]; ' +
    '$notes = New-Object System.Collections.Generic.List[string]; ' +
    '$failure = $null; ' +
    'try { ' +
    '$block = [ScriptBlock]::Create($utf8.GetString([Convert]::FromBase64String($S))); ' +
    '& $block -ParamsBase64 $P *>&1 | ForEach-Object { ' +
    "if ($_ -is [System.Management.Automation.ErrorRecord]) { $notes.Add('error: ' + $_.ToString()) } " +
    "elseif ($_ -is [System.Management.Automation.WarningRecord]) { $notes.Add('warning: ' + $_.Message) } " +
    "elseif ($_ -is [System.Management.Automation.InformationRecord]) { $notes.Add('information: ' + [string]$_.MessageData) } " +
    "elseif ($_ -is [System.Management.Automation.InformationalRecord]) { $notes.Add('verbose: ' + $_.Message) } " +
    'else { $out.Add([string]$_) } ' +
    '} ' +
    '} catch { ' +
    '$failure = [ordered]@{ message = [string]$_.Exception.Message; type = [string]$_.Exception.GetType().FullName; at = [string]$_.InvocationInfo.PositionMessage } ' +
    '}; ' +
    '$envelope = [ordered]@{ ok = ($null -eq $failure); output = ($out -join [string][char]10); warnings = $notes.ToArray(); error = $failure }; ' +
    "[Console]::Out.WriteLine('" +
    RESULT_PREFIX +
    "' + [Convert]::ToBase64String($utf8.GetBytes((ConvertTo-Json -InputObject $envelope -Compress -Depth 4)))) " +
    '}',
  `[Console]::Out.WriteLine('${POLICY} ' + ((Get-ExecutionPolicy -List | ForEach-Object { [string]$_.Scope + '=' + [string]$_.ExecutionPolicy }) -join ' '))`,
].join('; ');

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');

/** What the session's first line says: which PowerShell, in which language mode. */
export interface SessionStart {
  version: string;
  languageMode: string;
}

const READY_LINE = new RegExp(`^${READY} (\\S*) (\\S+)$`);

export function readReadyLine(stdout: string): SessionStart | null {
  for (const line of lines(stdout)) {
    const m = READY_LINE.exec(line);
    // $PSVersionTable exists from PowerShell 2.0 on: without it, this is 1.0.
    if (m) return { version: m[1] || '1.0', languageMode: m[2]! };
  }
  return null;
}

/** The execution policy of each scope, in PowerShell's order of precedence. */
export function readPolicyLine(stdout: string): { scope: string; policy: string }[] {
  const line = lines(stdout).find((l) => l.startsWith(`${POLICY} `));
  if (!line) return [];
  return line
    .slice(POLICY.length)
    .trim()
    .split(/\s+/)
    .map((pair) => {
      const [scope = '', policy = ''] = pair.split('=');
      return { scope, policy };
    });
}

/** Windows PowerShell 5.1 or later (the scripts are written for 5.1). */
export function isSupportedVersion(version: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > 5 || (major === 5 && minor >= 1);
}

const FULL_LANGUAGE = 'FullLanguage';

/**
 * Policies set by Group Policy (the two *Policy scopes outrank our -ExecutionPolicy Bypass) that
 * would stop a script file (RemoteSigned: one with the mark of the web, as a kit unzipped by
 * Explorer from a download has). They do not stop a script block.
 */
const GROUP_POLICY_SCOPES = new Set(['MachinePolicy', 'UserPolicy']);
const STOPS_SCRIPT_FILES = new Set(['AllSigned', 'RemoteSigned', 'Restricted']);

export function toBase64Utf8(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** The parameters as one argument: base64 of their UTF-8 JSON. */
export function encodeParams(params: object): string {
  return toBase64Utf8(JSON.stringify(params));
}

/**
 * The whole text sent for one call: constants and two base64 strings, checked to be nothing else.
 * Its length: a script of ~90 lines is ~5 KB, ~7 KB as base64, plus the parameters. It travels
 * on stdin, a pipe that PowerShell reads line by line with no length limit of its own: the
 * 32,767 characters of a process's command line and the 8,191 of an interactive console apply to
 * neither (the session tests send lines of a few hundred KB through real PowerShell).
 */
export function invocationCommand(scriptText: string, params: object): string {
  const s = toBase64Utf8(scriptText);
  const p = encodeParams(params);
  if (!BASE64.test(s) || !BASE64.test(p) || s === '' || p === '')
    throw new Error('not base64: refusing to build a PowerShell command');
  const command = `Invoke-CrmumScript -S '${s}' -P '${p}'`;
  if (!/^Invoke-CrmumScript -S '[A-Za-z0-9+/=]+' -P '[A-Za-z0-9+/=]+'$/.test(command)) {
    throw new Error('unexpected PowerShell command shape');
  }
  return command;
}

const envelopeSchema = z.object({
  ok: z.boolean(),
  output: z.string().nullable().optional(),
  warnings: psArray(z.string()),
  error: z
    .object({
      message: z.string().nullable().optional(),
      type: z.string().nullable().optional(),
      at: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

/**
 * What came back from one call: the envelope line (the last one, if a script printed a look-alike
 * to the console itself), and every other line of stdout and stderr as a warning for the log.
 * Null envelope when the line is missing or unreadable.
 */
export function parseInvocationOutput(
  stdout: string,
  stderr: string,
): { envelope: Envelope | null; warnings: string[]; problem?: string } {
  const warnings: string[] = [];
  let encoded: string | null = null;
  for (const line of lines(stdout)) {
    if (line.startsWith(RESULT_PREFIX)) {
      if (encoded !== null) warnings.push(`stdout: ${RESULT_PREFIX}…`);
      encoded = line.slice(RESULT_PREFIX.length).trim();
    } else warnings.push(`stdout: ${line}`);
  }
  for (const line of lines(stderr)) warnings.push(`stderr: ${line}`);
  if (encoded === null) return { envelope: null, warnings, problem: 'no result line' };
  if (!BASE64.test(encoded)) return { envelope: null, warnings, problem: 'result line is not base64' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch (err) {
    return { envelope: null, warnings, problem: `result is not JSON: ${String(err)}` };
  }
  const envelope = envelopeSchema.safeParse(parsed);
  if (!envelope.success)
    return { envelope: null, warnings, problem: `unexpected result: ${envelope.error.message}` };
  return { envelope: envelope.data, warnings: [...envelope.data.warnings, ...warnings] };
}

/** Which powershell.exe runs, and its whole environment: both fixed by the host (environment.ts). */
export interface PowerShellLaunch {
  /** Absolute path of powershell.exe (paths.powershellPath over the OS's Windows folder). */
  executable: string;
  /** The child's entire environment; nothing of this process's is inherited. */
  env: Readonly<Record<string, string>>;
}

export interface NodePowerShellOptions extends PowerShellLaunch {
  /** node-powershell's own invocationTimeout, a backstop behind the runner's per-call timeout. */
  invocationTimeoutMs?: number;
}

/**
 * node-powershell with its executable pinned: the library's own choice starts whatever the
 * NODE_POWERSHELL variable names (or a bare `powershell`, searched on PATH), before ours.
 */
class PinnedPowerShell extends PowerShell {
  protected override setExecutable({ executable }: { executable?: string }): string {
    if (!executable || !path.isAbsolute(executable)) throw new Error(`not an absolute path: ${executable}`);
    return executable;
  }
}

/**
 * node-powershell writes its delimiter lines with `[Console]::Out/Error.WriteLine`, which
 * Constrained Language refuses: there, no invoke ever returns. SESSION_INIT prints its READY line
 * first, in PowerShell that every language mode allows, so a READY line that names another mode
 * ends the wait at once with what was printed, and the runner says why it stops.
 */
function watchReadyLine(stdout: NodeJS.ReadableStream): { restricted: Promise<string>; stop(): void } {
  let seen = '';
  let onData: (chunk: string | Buffer) => void = () => undefined;
  const restricted = new Promise<string>((resolve) => {
    onData = (chunk) => {
      seen += chunk.toString();
      const start = readReadyLine(seen);
      if (start && start.languageMode !== FULL_LANGUAGE) resolve(seen);
    };
  });
  stdout.on('data', onData);
  return { restricted, stop: () => void stdout.off('data', onData) };
}

/** Sessions of the real node-powershell. */
export function nodePowerShellFactory(options: NodePowerShellOptions): ShellFactory {
  return () => {
    const ps = new PinnedPowerShell({
      executable: options.executable,
      executableOptions: { '-NoProfile': true, '-NonInteractive': true, '-ExecutionPolicy': 'Bypass' },
      invocationTimeout: options.invocationTimeoutMs ?? MAX_TIMEOUT_MS + 5_000,
      throwOnInvocationError: false,
      spawnOptions: { windowsHide: true, env: { ...options.env } },
    });
    // node-powershell listens for one stdin error only, and its exit promise rejects with nobody
    // waiting when the shell dies between calls: either would crash the main process.
    ps.streams.stdin.on('error', () => undefined);
    (ps as unknown as { exitPromise?: Promise<unknown> }).exitPromise?.catch(() => undefined);
    return {
      async invoke(command) {
        // Only SESSION_INIT prints the READY line: a script's call (base64, no "-") is not watched.
        const ready = command.includes(READY) ? watchReadyLine(ps.streams.stdout) : null;
        const invocation = ps.invoke(command);
        // Settled by dispose() when the READY line won: nobody waits for it then.
        invocation.catch(() => undefined);
        const r = ready
          ? await Promise.race([invocation, ready.restricted]).finally(ready.stop)
          : await invocation;
        if (typeof r === 'string') return { stdout: r, stderr: '' };
        if (r.stdout === undefined || r.stderr === undefined) {
          throw new Error(
            r.hadErrors
              ? 'no answer within node-powershell invocationTimeout'
              : 'the PowerShell process ended',
          );
        }
        return { stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
      },
      async dispose() {
        await ps.dispose().catch(() => undefined);
      },
    };
  };
}

export interface PowerShellRunnerOptions {
  /** resources/scripts: process.resourcesPath/scripts when packaged, the repo's resources/scripts from source. */
  scriptsDir: string;
  shell: ShellFactory;
  defaultTimeoutMs?: number;
  log?: HostLog;
  /** The build's hashes of the scripts (tests give their own); null from source. */
  resourceHashes?: ResourceHashes | null;
}

const TIMED_OUT = Symbol('timed out');

function race<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export function createPowerShellRunner(options: PowerShellRunnerOptions): PowerShellRunner {
  const log = options.log ?? (() => undefined);
  const defaultTimeout = options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
  const hashes = options.resourceHashes === undefined ? builtResourceHashes() : options.resourceHashes;
  let current: { shell: ShellSession; ready: Promise<void> } | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  let disposed = false;
  let policiesLogged = false;

  function drop(reason: string) {
    const old = current;
    current = null;
    if (old) {
      log('warn', msg('windows.powershell.restarted'), reason);
      void old.shell.dispose().catch(() => undefined);
    }
  }

  /** Starts the session and refuses a PowerShell the scripts cannot run in, saying why. */
  async function prepare(shell: ShellSession): Promise<void> {
    const answer = await race(shell.invoke(SESSION_INIT), INIT_TIMEOUT_MS);
    if (answer === TIMED_OUT) throw new Error(`no answer in ${INIT_TIMEOUT_MS / 1000} s`);
    const start = readReadyLine(answer.stdout);
    if (!start) throw new Error(`unexpected answer: ${answer.stdout} ${answer.stderr}`.trim());
    const detail = `PowerShell ${start.version}, ${start.languageMode}`;
    if (!isSupportedVersion(start.version)) {
      throw new UpgradeError(msg('windows.powershell.too-old', { found: start.version }), detail);
    }
    if (start.languageMode !== FULL_LANGUAGE) {
      throw new UpgradeError(
        msg('windows.powershell.constrained-language', { mode: start.languageMode }),
        detail,
      );
    }
    log('info', msg('windows.powershell.started'), detail);
    for (const line of lines(answer.stderr))
      log('warn', msg('windows.powershell.warning', { script: 'session' }), line);
    if (!policiesLogged) logPolicies(readPolicyLine(answer.stdout));
  }

  /** Once per runner: the execution policies are the server's, not the session's. */
  function logPolicies(policies: { scope: string; policy: string }[]) {
    policiesLogged = true;
    const list = policies.map((p) => `${p.scope}=${p.policy}`).join(', ') || '?';
    log('info', msg('windows.powershell.execution-policy', { policies: list }));
    for (const { scope, policy } of policies) {
      if (GROUP_POLICY_SCOPES.has(scope) && STOPS_SCRIPT_FILES.has(policy)) {
        log('warn', msg('windows.powershell.execution-policy.group-policy', { scope, policy }));
      }
    }
  }

  async function session(): Promise<ShellSession> {
    if (!current) {
      let shell: ShellSession;
      try {
        shell = options.shell();
      } catch (err) {
        throw new UpgradeError(msg('windows.powershell.unavailable'), String(err));
      }
      current = { shell, ready: prepare(shell) };
    }
    const { shell, ready } = current;
    try {
      await ready;
    } catch (err) {
      if (current?.shell === shell) drop('session did not start');
      if (err instanceof UpgradeError) throw err;
      throw new UpgradeError(msg('windows.powershell.unavailable'), String(err));
    }
    return shell;
  }

  async function once<S extends AllowlistedScript>(script: S, params: ScriptParams<S>, timeoutMs: number) {
    if (disposed) throw new Error('PowerShell runner disposed');
    if (!isAllowlisted(script)) throw new Error(`not an allowlisted script: ${String(script)}`);
    const spec = SCRIPTS[script];
    const checked = spec.params.safeParse(params);
    if (!checked.success) throw new Error(`bad parameters for ${script}: ${checked.error.message}`);
    const text = await checkedScriptFile(options.scriptsDir, script, hashes);
    const command = invocationCommand(text, checked.data);
    const shell = await session();
    let answer: { stdout: string; stderr: string } | typeof TIMED_OUT;
    try {
      answer = await race(shell.invoke(command), Math.min(timeoutMs, MAX_TIMEOUT_MS));
    } catch (err) {
      drop(`${script}: ${String(err)}`);
      throw new UpgradeError(msg('windows.powershell.ended', { script }), String(err));
    }
    if (answer === TIMED_OUT) {
      // The script goes on running in that shell and would answer the next call: replace it.
      drop(`${script} timed out`);
      throw new UpgradeError(
        msg('windows.powershell.timeout', { script, seconds: Math.max(1, Math.round(timeoutMs / 1000)) }),
      );
    }
    const { envelope, warnings, problem } = parseInvocationOutput(answer.stdout, answer.stderr);
    for (const w of warnings) log('warn', msg('windows.powershell.warning', { script }), w);
    if (!envelope) {
      throw new UpgradeError(
        msg('windows.powershell.bad-output', { script }),
        [problem, ...warnings].join('\n'),
      );
    }
    if (!envelope.ok) {
      const e = envelope.error;
      const error = e?.message?.trim() || e?.type || '?';
      throw new UpgradeError(
        msg('windows.powershell.script-failed', { script, error }),
        [e?.type, e?.at, ...warnings].filter(Boolean).join('\n'),
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(envelope.output ?? '');
    } catch (err) {
      throw new UpgradeError(
        msg('windows.powershell.bad-output', { script }),
        `${String(err)}\n${(envelope.output ?? '').slice(0, 2000)}`,
      );
    }
    const result = spec.result.safeParse(json);
    if (!result.success) {
      throw new UpgradeError(
        msg('windows.powershell.bad-output', { script }),
        `${result.error.message}\n${(envelope.output ?? '').slice(0, 2000)}`,
      );
    }
    return { result: result.data as ScriptResult<S>, warnings };
  }

  return {
    run(script, params, timeoutMs = defaultTimeout) {
      // One call at a time, so each timeout counts from when its own script starts.
      const next = queue.then(() => once(script, params, timeoutMs));
      queue = next.catch(() => undefined);
      return next;
    },
    async dispose() {
      disposed = true;
      const old = current;
      current = null;
      await old?.shell.dispose().catch(() => undefined);
    },
  };
}
