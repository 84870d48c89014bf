import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpgradeError } from '../../shared/message';
import type { ArgList, ExecFileFn } from './appcmd';
import { INJECTION_CORPUS } from './fixtures/corpus';
import {
  type InstallerProbe,
  type ListedProcess,
  type SpawnFn,
  isRunnableSetup,
  msiexecArgs,
  powershellProbe,
  setupSpawnOptions,
  setupTree,
  windowsProcesses,
} from './processes';
import type { PowerShellRunner } from './powershell';

/*
 * The setup here is a Node script standing for setup.exe (spawn is injected; taskkill is faked
 * and kills the stand-in itself). Windows only: that taskkill /T /F ends a real setup's children
 * (msiexec), that Node's command-line quoting reaches a real setup.exe unchanged, and the exit
 * codes Windows reports (3010 and friends) through Node.
 */

let dir = '';
let setupScript = '';
const ENV = { SystemRoot: 'C:\\Windows', PROCESSOR_ARCHITECTURE: 'AMD64' };

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'crmum-setup-'));
  setupScript = path.join(dir, 'setup.mjs');
  await writeFile(
    setupScript,
    `const args = process.argv.slice(2);
console.log(JSON.stringify(args));
console.log('Installazione in corso: più file copiati');
console.error('avviso su stderr');
if (args[0] === 'sleep') setInterval(() => {}, 1000);
else if (args[0] === 'grandchild') {
  // Like a setup that starts a helper and exits: the helper inherits the output pipes and outlives it.
  const { spawn } = await import('node:child_process');
  const helper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 4000)'], {
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  helper.unref();
  console.log('grandchild ' + helper.pid);
  process.exitCode = 0;
} else process.exitCode = Number(args[0]) || 0;
`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * What Windows answers about installations, scripted per poll: each call of processes() and
 * busy() takes the next answer (the last one repeats), and is counted.
 */
function scriptedProbe(answers: { processes?: ListedProcess[][]; busy?: boolean[] } = {}) {
  const calls = { processes: 0, busy: 0, since: [] as Date[] };
  const pick = <T>(list: T[] | undefined, i: number, none: T): T =>
    list && list.length > 0 ? (list[Math.min(i, list.length - 1)] ?? none) : none;
  const probe: InstallerProbe = {
    async processes(since) {
      calls.since.push(since);
      return pick(answers.processes, calls.processes++, []);
    },
    async busy() {
      return pick(answers.busy, calls.busy++, false);
    },
    async lastBoot() {
      return '2026-11-27T06:12:44.5000000Z';
    },
  };
  return { probe, calls };
}

const QUICK = { pollMs: 10, closeGraceMs: 100, killWaitMs: 100 };

/** setup.exe → node setup.mjs, with the options the host chose recorded. */
function standIn() {
  const seen: { file: string; args: readonly string[]; options: object }[] = [];
  let lastPid = 0;
  const fn: SpawnFn = (file, args, options) => {
    seen.push({ file, args, options });
    const child = spawn(process.execPath, [setupScript, ...args], { ...options, cwd: dir });
    lastPid = child.pid ?? 0;
    return child;
  };
  /** The PID of the setup spawned last: the root of its process tree. */
  return { fn, seen, rootPid: () => lastPid };
}

describe('running a setup', () => {
  it('spawns the exe with the argument array, no shell, no window, and returns its exit code and output', async () => {
    const s = standIn();
    const lines: string[] = [];
    const run = await windowsProcesses({ spawn: s.fn, env: ENV, probe: scriptedProbe().probe }).runSetup(
      'D:\\Kit\\CRM\\setup.exe',
      ['3010', '/quiet', '/path:C:\\Programmi\\CRM Città'],
      {
        timeoutMs: 10_000,
        onOutput: (l) => lines.push(l),
      },
    );
    expect(run.exitCode).toBe(3010 & 0xff); // POSIX keeps 8 bits; Windows returns 3010 itself
    expect(run.timedOut).toBe(false);
    expect(JSON.parse(lines[0]!)).toEqual(['3010', '/quiet', '/path:C:\\Programmi\\CRM Città']);
    expect(lines).toContain('Installazione in corso: più file copiati');
    expect(lines).toContain('avviso su stderr');
    expect(run.output).toContain('più file copiati');
    expect(s.seen[0]!.file).toBe('D:\\Kit\\CRM\\setup.exe');
    expect(s.seen[0]!.options).toMatchObject({
      shell: false,
      windowsHide: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  });

  it('delivers every corpus value as its own argument, unchanged, running none of it', async () => {
    const s = standIn();
    const marker = path.join(dir, 'pwned');
    const args = [...INJECTION_CORPUS, `$(touch ${marker})`, `; touch ${marker}`, `| touch ${marker}`];
    const lines: string[] = [];
    const run = await windowsProcesses({ spawn: s.fn, env: ENV, probe: scriptedProbe().probe }).runSetup(
      '/kit/setup.exe',
      args,
      {
        timeoutMs: 10_000,
        onOutput: (l) => lines.push(l),
      },
    );
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(lines[0]!)).toEqual(args);
    expect(existsSync(marker)).toBe(false);
  });

  it('kills the whole tree with taskkill /PID n /T /F on timeout', async () => {
    const s = standIn();
    const kills: { file: string; args: ArgList }[] = [];
    const exec: ExecFileFn = async (file, args) => {
      kills.push({ file, args });
      process.kill(Number(args[1]), 'SIGKILL'); // what taskkill /F does to the tree
      return { code: 0, stdout: 'SUCCESS', stderr: '' };
    };
    // The stand-in sleeps forever: without the timeout's kill, this would outlast the test's timeout.
    const run = await windowsProcesses({
      spawn: s.fn,
      exec,
      env: ENV,
      arch: 'x64',
      probe: scriptedProbe().probe,
    }).runSetup('C:\\Kit\\setup.exe', ['sleep'], { timeoutMs: 300 });
    expect(run).toMatchObject({ exitCode: null, timedOut: true });
    expect(kills).toHaveLength(1);
    expect(kills[0]!.file).toBe('C:\\Windows\\System32\\taskkill.exe');
    expect(kills[0]!.args).toEqual(['/PID', kills[0]!.args[1], '/T', '/F']);
    expect(Number(kills[0]!.args[1])).toBeGreaterThan(0);
  });

  it('ends the setup itself when taskkill could not', async () => {
    const s = standIn();
    const exec: ExecFileFn = async () => ({ code: 128, stdout: '', stderr: 'ERRORE: processo non trovato.' });
    const run = await windowsProcesses({
      spawn: s.fn,
      exec,
      env: ENV,
      killWaitMs: 100,
      probe: scriptedProbe().probe,
    }).runSetup('C:\\Kit\\setup.exe', ['sleep'], { timeoutMs: 200 });
    expect(run).toMatchObject({ exitCode: null, timedOut: true });
  });

  it.each([
    ['setup.bat'],
    ['C:\\Kit\\setup.cmd'],
    ['C:\\Kit\\setup.ps1'],
    ['setup.exe'],
    ['setup.msi'],
    ['C:\\Kit\\setup.msp'],
  ])('refuses %s: only an .exe or .msi by absolute path', async (program) => {
    const s = standIn();
    const err = (await windowsProcesses({ spawn: s.fn, probe: scriptedProbe().probe })
      .runSetup(program, [], { timeoutMs: 1_000 })
      .catch((e: unknown) => e)) as UpgradeError;
    expect(err.message_).toEqual({ key: 'windows.setup-not-runnable', params: { program } });
    expect(s.seen).toEqual([]);
  });

  it('reports a setup that cannot start', async () => {
    const err = (await windowsProcesses({ env: ENV, probe: scriptedProbe().probe })
      .runSetup(path.join(dir, 'missing-setup.exe'), [], { timeoutMs: 1_000 })
      .catch((e: unknown) => e)) as UpgradeError;
    expect(err).toBeInstanceOf(UpgradeError);
    expect(err.message_.key).toBe('windows.setup-start-failed');
    expect(err.detail).toMatch(/ENOENT/);
  });

  it('on Windows, takes only a drive or UNC path to an .exe', () => {
    expect(isRunnableSetup('D:\\Kit\\CRM\\Setup.EXE', 'win32')).toBe(true);
    expect(isRunnableSetup('\\\\nas\\kit\\setup.exe', 'win32')).toBe(true);
    expect(isRunnableSetup('\\Kit\\setup.exe', 'win32')).toBe(false);
    expect(isRunnableSetup('/kit/setup.exe', 'win32')).toBe(false);
    expect(isRunnableSetup('D:setup.exe', 'win32')).toBe(false);
    expect(isRunnableSetup('D:\\Kit\\setup.exe.bat', 'win32')).toBe(false);
    expect(isRunnableSetup('/kit/setup.exe', 'linux')).toBe(true);
    expect(isRunnableSetup('D:\\Kit\\CRM.msi', 'win32')).toBe(true);
    expect(isRunnableSetup('crm.msi', 'win32')).toBe(false);
  });

  it('runs the setup in its own folder', () => {
    expect(setupSpawnOptions(path.join('kit', 'CRM', 'setup.exe')).cwd).toBe(path.join('kit', 'CRM'));
  });
});

describe('the setup runs elevated with an environment of its own', () => {
  it("gets the environment built from the OS, not this process's (a planted TEMP or COR_PROFILER)", async () => {
    process.env.COR_PROFILER = '{planted}';
    try {
      const s = standIn();
      const childEnv = {
        SystemRoot: 'C:\\Windows',
        TEMP: 'C:\\Windows\\Temp',
        Path: 'C:\\Windows\\System32',
      };
      const run = await windowsProcesses({
        spawn: s.fn,
        env: ENV,
        childEnv,
        probe: scriptedProbe().probe,
      }).runSetup('D:\\Kit\\setup.exe', ['0'], {
        timeoutMs: 10_000,
      });
      expect(run.exitCode).toBe(0);
      expect((s.seen[0]!.options as { env?: object }).env).toEqual(childEnv);
    } finally {
      delete process.env.COR_PROFILER;
    }
  });
});

describe('the setup is over when all of it is over', () => {
  it('decides on the exit, not on the pipes: a grandchild holding them gives no false timeout', async () => {
    const s = standIn();
    const lines: string[] = [];
    const started = Date.now();
    const run = await windowsProcesses({ spawn: s.fn, env: ENV, probe: scriptedProbe().probe, ...QUICK })
      .runSetup('C:\\Kit\\setup.exe', ['grandchild'], { timeoutMs: 2_500, onOutput: (l) => lines.push(l) })
      .finally(() => {
        const pid = Number(lines.find((l) => l.startsWith('grandchild '))?.split(' ')[1]);
        if (pid > 0) process.kill(pid, 'SIGKILL');
      });
    // The helper keeps stdout open for 4 s: waiting for 'close' would run past the 2.5 s timeout.
    expect(run).toMatchObject({ exitCode: 0, timedOut: false });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(lines.some((l) => l.startsWith('grandchild '))).toBe(true);
  });

  it("waits for the setup's whole process tree: an InstallShield clone that outlives setup.exe", async () => {
    const s = standIn();
    const created = new Date().toISOString();
    const polls: number[] = [];
    const probe: InstallerProbe = {
      ...scriptedProbe().probe,
      async processes() {
        polls.push(Date.now());
        // The clone and the msiexec it started, for three polls; then both are gone.
        if (polls.length > 3) return [];
        return [
          { pid: 5120, parentPid: s.rootPid(), name: 'setup.exe', created },
          { pid: 5200, parentPid: 5120, name: 'msiexec.exe', created },
        ];
      },
    };
    const run = await windowsProcesses({ spawn: s.fn, env: ENV, probe, ...QUICK }).runSetup(
      'C:\\Kit\\setup.exe',
      ['0'],
      { timeoutMs: 10_000 },
    );
    expect(run).toMatchObject({ exitCode: 0, timedOut: false });
    expect(polls).toHaveLength(4);
  });

  it('waits for Windows Installer to be free after the setup exits', async () => {
    const s = standIn();
    const { probe, calls } = scriptedProbe({ busy: [true, true, false] });
    const before = Date.now();
    const run = await windowsProcesses({ spawn: s.fn, env: ENV, probe, ...QUICK }).runSetup(
      'C:\\Kit\\setup.exe',
      ['3010'],
      { timeoutMs: 10_000 },
    );
    expect(run).toMatchObject({ exitCode: 3010 & 0xff, timedOut: false });
    expect(calls.busy).toBe(3);
    // Asked about the processes created since the setup started.
    expect(calls.since[0]!.getTime()).toBeGreaterThanOrEqual(before);
  });

  it('on timeout kills what is left of the tree and names msiexec and Windows Installer', async () => {
    const s = standIn();
    const created = new Date().toISOString();
    const { probe } = scriptedProbe({ busy: [true] });
    probe.processes = async () => [
      { pid: 5120, parentPid: s.rootPid(), name: 'setup.exe', created },
      { pid: 880, parentPid: 640, name: 'msiexec.exe', created: '2026-11-27T05:00:00.0000000Z' },
      { pid: 7000, parentPid: 1200, name: 'notepad.exe', created },
    ];
    const kills: ArgList[] = [];
    const exec: ExecFileFn = async (_file, args) => {
      kills.push(args);
      return { code: 128, stdout: '', stderr: 'ERRORE: processo non trovato.' };
    };
    const run = await windowsProcesses({ spawn: s.fn, exec, env: ENV, probe, ...QUICK }).runSetup(
      'C:\\Kit\\setup.exe',
      ['0'],
      { timeoutMs: 1_200 },
    );
    expect(run.timedOut).toBe(true);
    expect(run.exitCode).toBe(0); // setup.exe itself had exited; its clone and Windows Installer had not
    expect(run.stillRunning).toEqual([
      'setup.exe (PID 5120)',
      'msiexec.exe (PID 880)',
      'Windows Installer (_MSIExecute)',
    ]);
    // The setup's own tree (taskkill /T reaches what it started) and the clone; never notepad or the service.
    expect(kills).toEqual([
      ['/PID', String(s.rootPid()), '/T', '/F'],
      ['/PID', '5120', '/T', '/F'],
    ]);
  });
});

describe('an .msi setup', () => {
  it('runs System32 msiexec /i … /qn /norestart /l*v LOG with NAME="value" properties, verbatim', async () => {
    const s = standIn();
    const seen: { file: string; args: readonly string[]; options: object }[] = [];
    const spawnFn: SpawnFn = (file, args, options) => {
      seen.push({ file, args, options });
      return s.fn(file, ['0'], options);
    };
    const log = 'C:\\ProgramData\\CrmUpgradeManager\\runs\\r1\\setup-main.log';
    const processes = windowsProcesses({
      spawn: spawnFn,
      env: ENV,
      arch: 'x64',
      probe: scriptedProbe().probe,
      ...QUICK,
    });
    const run = await processes.runSetup(
      'D:\\Kit Città\\CRM.msi',
      ['INSTALLDIR=C:\\Programmi\\CRM Città', 'NOTE=a "quoted" word', 'REBOOT=ReallySuppress'],
      { timeoutMs: 10_000, logFile: log },
    );
    expect(run.exitCode).toBe(0);
    expect(seen[0]!.file).toBe('C:\\Windows\\System32\\msiexec.exe');
    expect(seen[0]!.args).toEqual([
      '/i',
      '"D:\\Kit Città\\CRM.msi"',
      '/qn',
      '/norestart',
      '/l*v',
      `"${log}"`,
      'INSTALLDIR="C:\\Programmi\\CRM Città"',
      'NOTE="a ""quoted"" word"',
      'REBOOT="ReallySuppress"',
    ]);
    expect(seen[0]!.options).toMatchObject({
      shell: false,
      windowsHide: true,
      windowsVerbatimArguments: true,
    });
  });

  it('takes properties only: anything else is refused before msiexec starts', () => {
    expect(() => msiexecArgs('D:\\CRM.msi', 'C:\\l.log', ['/quiet'])).toThrow(UpgradeError);
    expect(() => msiexecArgs('D:\\CRM.msi', 'C:\\l.log', ['installdir=C:\\x'])).toThrow(UpgradeError);
    // No '=' at all: not a property (before, 'INSTALLDIR' became INSTALLDI="INSTALLDIR").
    expect(() => msiexecArgs('D:\\CRM.msi', 'C:\\l.log', ['INSTALLDIR'])).toThrow(UpgradeError);
    // A quote in a value stays inside it: msiexec reads "" as one quote.
    expect(msiexecArgs('D:\\CRM.msi', 'C:\\l.log', ['X=1" /qb "']).at(-1)).toBe('X="1"" /qb """');
  });
});

describe("the setup's process tree", () => {
  const at = (s: number) => new Date(Date.UTC(2026, 10, 27, 18, 2, s)).toISOString();
  const started = new Date(Date.UTC(2026, 10, 27, 18, 2, 10));

  it('follows parents after they exit, and leaves out a recycled PID older than the setup', () => {
    const listed: ListedProcess[] = [
      { pid: 5120, parentPid: 4242, name: 'setup.exe', created: at(12) }, // the clone; 4242 has exited
      { pid: 5300, parentPid: 5120, name: 'ISBEW64.exe', created: at(13) },
      { pid: 5400, parentPid: 5300, name: 'msiexec.exe', created: at(14) },
      { pid: 6000, parentPid: 4242, name: 'svchost.exe', created: at(1) }, // a former 4242's child
      { pid: 7000, parentPid: 6000, name: 'conhost.exe', created: at(20) },
      { pid: 880, parentPid: 640, name: 'msiexec.exe', created: at(0) },
    ];
    expect(setupTree(4242, listed, started)).toEqual([
      { pid: 5120, name: 'setup.exe' },
      { pid: 5300, name: 'ISBEW64.exe' },
      { pid: 5400, name: 'msiexec.exe' },
    ]);
    expect(setupTree(4242, [], started)).toEqual([]);
  });
});

describe('what Windows says about installations, through PowerShell', () => {
  function runner(answers: Record<string, unknown>) {
    const asked: { script: string; params: unknown }[] = [];
    const r = {
      run: async (script: string, params: unknown) => {
        asked.push({ script, params });
        return { result: answers[script], warnings: [] };
      },
      dispose: async () => undefined,
    } as unknown as PowerShellRunner;
    return { r, asked };
  }

  it.each([
    ['held', true],
    ['denied', true],
    ['free', false],
    ['absent', false],
  ] as const)('a mutex %s means busy: %s', async (mutex, busy) => {
    const { r, asked } = runner({ 'Test-InstallerBusy': { mutex } });
    expect(await windowsProcesses({ runner: r, env: ENV }).installerBusy()).toBe(busy);
    expect(asked).toEqual([{ script: 'Test-InstallerBusy', params: {} }]);
  });

  it('asks for the processes since the start, and the last boot', async () => {
    const processes = [{ pid: 1, parentPid: 0, name: 'x.exe', created: null }];
    const { r, asked } = runner({
      'Get-SetupProcesses': { processes },
      'Get-LastBoot': { lastBoot: '2026-11-27T06:12:44.5000000Z' },
    });
    const probe = powershellProbe(r);
    expect(await probe.processes(new Date(Date.UTC(2026, 10, 27, 18, 2, 10)))).toEqual(processes);
    expect(await probe.lastBoot()).toBe('2026-11-27T06:12:44.5000000Z');
    expect(asked).toEqual([
      { script: 'Get-SetupProcesses', params: { since: '2026-11-27T18:02:10.000Z' } },
      { script: 'Get-LastBoot', params: {} },
    ]);
  });
});
