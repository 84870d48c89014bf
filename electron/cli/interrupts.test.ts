import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { AppSession } from '../core/session';
import { translator } from '../core/i18n';
import { KIT_REPORTS } from '../core/kit/kit-manifest';
import { findUnfinishedRun, readJournal, replay } from '../core/run/journal';
import { type PracticeFixture, practiceFixture } from '../testing/practice-fixture';
import { closeAfterEach } from '../testing/session-harness';
import { Interrupts, ask } from './interrupts';

const CLI = fileURLToPath(new URL('./bin.mjs', import.meta.url));
let fx: PracticeFixture | undefined;
closeAfterEach(() => [fx]);

describe('interrupting the terminal run', () => {
  it('Ctrl-C during the backups stops at the next safe point, says how to go on, and goes no further', async () => {
    fx = await practiceFixture();
    await fx.host.practice?.logOffAllUsers();
    const args = [CLI, 'run', '--practice', fx.serverDir, '--kit', fx.kitDir, '--notes-read', '--autopilot'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // The kit's copy of the run's journal, under the practice server's hostname.
    const hostDir = path.join(fx.kitDir, KIT_REPORTS, 'CRM-APP01');
    // Interrupted during the backups: the lockout, the users again, the folders, the databases.
    // The phase takes seconds over a dozen steps, so the poll finds one of them running.
    await expect
      .poll(
        async () => {
          const file = await findUnfinishedRun(hostDir).catch(() => null);
          if (!file) return false;
          const { steps } = replay(await readJournal(file).catch(() => []));
          return [...steps.values()].some((s) => s.phase === 'backup' && s.status === 'running');
        },
        { timeout: 60_000, interval: 5 },
      )
      .toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(1);
    const it = translator('it');
    expect(output).toContain(it({ key: 'cli.stopping' }));
    expect(output).toContain(it({ key: 'cli.stopped' }));
    expect(output).not.toMatch(/\n\s+at /);
    const { state, steps } = replay(await readJournal((await findUnfinishedRun(hostDir)) ?? ''));
    expect(state).toBe('paused');
    // The step under way finished: none is left running.
    expect([...steps.values()].filter((s) => s.status === 'running')).toEqual([]);
    // Nothing after the safe point ran: no setup, no pool stopped.
    expect([...steps.values()].filter((s) => s.phase === 'upgrade' && s.status !== 'pending')).toEqual([]);
    expect(await readFile(path.join(fx.appDir, 'bin', 'version.txt'), 'utf8')).toMatch(/^7\.8\.4/);
  }, 120_000);
});

describe('Interrupts', () => {
  it('the first asks the run to stop and cancels the question; the second exits at once', async () => {
    let stops = 0;
    const exits: number[] = [];
    const said: string[] = [];
    const session = { requestStop: () => void stops++ } as unknown as AppSession;
    const interrupts = new Interrupts(
      session,
      { stopping: () => said.push('stopping'), exitNow: () => said.push('exit') },
      (code) => void exits.push(code),
    );
    const input = new PassThrough();
    const rl = createInterface({ input, output: new PassThrough() });
    const question = ask(rl, '> ', interrupts.signal);
    interrupts.onInterrupt();
    expect(await question).toBeNull();
    expect(stops).toBe(1);
    expect(interrupts.requested).toBe(true);
    interrupts.onInterrupt();
    expect(exits).toEqual([130]);
    expect(said).toEqual(['stopping', 'exit']);
    rl.close();
  });

  it('uninstall takes off every listener install put on the process and on the prompt', () => {
    const session = { requestStop: () => undefined } as unknown as AppSession;
    const quiet = { stopping: () => undefined, exitNow: () => undefined };
    const interrupts = new Interrupts(session, quiet, () => undefined);
    const rl = createInterface({ input: new PassThrough(), output: new PassThrough() });
    const events = ['SIGINT', 'close'] as const;
    const before = { process: process.listenerCount('SIGINT'), rl: events.map((e) => rl.listenerCount(e)) };
    interrupts.install(rl);
    interrupts.uninstall();
    expect(process.listenerCount('SIGINT')).toBe(before.process);
    expect(events.map((e) => rl.listenerCount(e))).toEqual(before.rl);
    rl.close();
  });
});
