import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpgradeError } from '../../shared/message';
import type { ArgList, ExecFileFn } from './appcmd';
import { INJECTION_CORPUS } from './fixtures/corpus';
import { type SpawnFn, isRunnableSetup, setupSpawnOptions, windowsProcesses } from './processes';

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
else process.exitCode = Number(args[0]) || 0;
`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** setup.exe → node setup.mjs, with the options the host chose recorded. */
function standIn() {
  const seen: { file: string; args: readonly string[]; options: object }[] = [];
  const fn: SpawnFn = (file, args, options) => {
    seen.push({ file, args, options });
    return spawn(process.execPath, [setupScript, ...args], { ...options, cwd: dir });
  };
  return { fn, seen };
}

describe('running a setup', () => {
  it('spawns the exe with the argument array, no shell, no window, and returns its exit code and output', async () => {
    const s = standIn();
    const lines: string[] = [];
    const run = await windowsProcesses({ spawn: s.fn, env: ENV }).runSetup(
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
    const run = await windowsProcesses({ spawn: s.fn, env: ENV }).runSetup('/kit/setup.exe', args, {
      timeoutMs: 10_000,
      onOutput: (l) => lines.push(l),
    });
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
    const run = await windowsProcesses({ spawn: s.fn, exec, env: ENV, arch: 'x64' }).runSetup(
      'C:\\Kit\\setup.exe',
      ['sleep'],
      { timeoutMs: 300 },
    );
    expect(run).toMatchObject({ exitCode: null, timedOut: true });
    expect(kills).toHaveLength(1);
    expect(kills[0]!.file).toBe('C:\\Windows\\System32\\taskkill.exe');
    expect(kills[0]!.args).toEqual(['/PID', kills[0]!.args[1], '/T', '/F']);
    expect(Number(kills[0]!.args[1])).toBeGreaterThan(0);
  });

  it('ends the setup itself when taskkill could not', async () => {
    const s = standIn();
    const exec: ExecFileFn = async () => ({ code: 128, stdout: '', stderr: 'ERRORE: processo non trovato.' });
    const run = await windowsProcesses({ spawn: s.fn, exec, env: ENV, killWaitMs: 100 }).runSetup(
      'C:\\Kit\\setup.exe',
      ['sleep'],
      { timeoutMs: 200 },
    );
    expect(run).toMatchObject({ exitCode: null, timedOut: true });
  });

  it.each([
    ['setup.bat'],
    ['C:\\Kit\\setup.cmd'],
    ['C:\\Kit\\setup.ps1'],
    ['setup.exe'],
    ['C:\\Kit\\setup.msi'],
  ])('refuses %s: only an .exe by absolute path', async (program) => {
    const s = standIn();
    const err = (await windowsProcesses({ spawn: s.fn })
      .runSetup(program, [], { timeoutMs: 1_000 })
      .catch((e: unknown) => e)) as UpgradeError;
    expect(err.message_).toEqual({ key: 'windows.setup-not-executable', params: { program } });
    expect(s.seen).toEqual([]);
  });

  it('reports a setup that cannot start', async () => {
    const err = (await windowsProcesses({ env: ENV })
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
      const run = await windowsProcesses({ spawn: s.fn, env: ENV, childEnv }).runSetup(
        'D:\\Kit\\setup.exe',
        ['0'],
        {
          timeoutMs: 10_000,
        },
      );
      expect(run.exitCode).toBe(0);
      expect((s.seen[0]!.options as { env?: object }).env).toEqual(childEnv);
    } finally {
      delete process.env.COR_PROFILER;
    }
  });
});
