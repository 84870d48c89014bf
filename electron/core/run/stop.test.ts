import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { msg } from '../../shared/message';
import type { StepId } from '../../shared/step-id';
import { standInEngine } from '../../testing/stand-in-engine';
import type { StepDefinition, StepOutcome } from './context';

let kitDir = '';
afterEach(() => rm(kitDir, { recursive: true, force: true }));

/** A step that runs until the test lets it finish, and records its undo. */
function gated(id: string, undone: string[]) {
  let release: () => void = () => undefined;
  const done = new Promise<void>((r) => (release = r));
  let started: () => void = () => undefined;
  const running = new Promise<void>((r) => (started = r));
  const def: StepDefinition = {
    id: id as StepId,
    phase: 'upgrade',
    kind: 'action',
    skippable: false,
    title: msg('step.upgrade.setup.title'),
    run: async (): Promise<StepOutcome> => {
      started();
      await done;
      return { status: 'passed' };
    },
    undo: async () => {
      undone.push(id);
      return { status: 'done', finding: msg('undo.setup.no-site') };
    },
  };
  return { def, release, running };
}

describe('stopping at a safe point', () => {
  it('the step under way finishes, then the run pauses and waits to be continued', async () => {
    kitDir = await mkdtemp(path.join(tmpdir(), 'stop-'));
    const undone: string[] = [];
    const first = gated('upgrade.a', undone);
    const second = gated('upgrade.b', undone);
    const e = standInEngine(kitDir, [first.def, second.def]);
    e.start();
    await first.running;
    e.requestStop();
    expect(e.snapshot().run.stopping).toBe(true);
    first.release();
    await e.idle();
    const snap = e.snapshot();
    expect(snap.run).toMatchObject({ state: 'paused', stopping: false, actions: ['continue', 'rollback'] });
    expect(snap.steps.map((s) => s.status)).toEqual(['passed', 'pending']);
    // Continued later: the next step runs.
    second.release();
    expect(e.start()).toEqual({ ok: true });
    await e.idle();
    expect(e.snapshot().run.state).toBe('finished');
  });

  it('a rollback asked to stop pauses between two undos, and Rollback finishes it', async () => {
    kitDir = await mkdtemp(path.join(tmpdir(), 'stop-'));
    const undone: string[] = [];
    const a = gated('upgrade.a', undone);
    const b = gated('upgrade.b', undone);
    const failing: StepDefinition = {
      ...gated('upgrade.c', undone).def,
      run: async () => ({ status: 'failed', finding: msg('engine.step-crashed') }),
      undo: async () => {
        undone.push('upgrade.c');
        e.requestStop();
        return { status: 'done', finding: msg('undo.setup.no-site') };
      },
    };
    a.release();
    b.release();
    const e = standInEngine(kitDir, [a.def, b.def, failing]);
    e.start();
    await e.idle();
    expect(e.rollback()).toEqual({ ok: true });
    await e.idle();
    expect(undone).toEqual(['upgrade.c']);
    expect(e.snapshot().run).toMatchObject({ state: 'paused', rollbackBegun: true, actions: ['rollback'] });
    expect(e.rollback()).toEqual({ ok: true });
    await e.idle();
    expect(e.snapshot().run.state).toBe('rolled-back');
    expect(undone).toEqual(['upgrade.c', 'upgrade.b', 'upgrade.a']);
  });
});
