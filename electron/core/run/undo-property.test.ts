import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { msg } from '../../shared/message';
import type { StepId } from '../../shared/step-id';
import type { StepDefinition, StepOutcome, UndoOutcome } from './context';
import type { EngineSetup, UpgradeEngine } from './engine';
import { standInEngine } from '../../testing/stand-in-engine';
import { JOURNAL_FILE, Journal, replay } from './journal';

/**
 * Rollback as the undo of each step that changed the server, newest first, checked at every
 * point where the forward run can stop, and for a rollback killed at every undo.
 */

let kitDir = '';
afterEach(async () => {
  if (kitDir) await rm(kitDir, { recursive: true, force: true });
});

const ACTIONS = 6;
const ids = Array.from({ length: ACTIONS }, (_, i) => `upgrade.s${i}` as StepId);

interface Trace {
  undone: StepId[];
  /** The undo that hangs, as if the process were killed in the middle of it. */
  hangAt: StepId | null;
  /** Called when the hanging undo has been entered. */
  entered?: () => void;
}

/** A check (no undo), then ACTIONS server-changing steps; the one at `failAt` fails part-way. */
function plan(failAt: number, trace: Trace): StepDefinition[] {
  // Each engine's plan keeps the hang it was made with: the first process hangs, the second does not.
  const hangAt = trace.hangAt;
  const check: StepDefinition = {
    id: 'check.kit',
    phase: 'checks',
    kind: 'check',
    severity: 'blocking',
    skippable: false,
    title: msg('step.check.kit.title'),
    run: async () => ({ status: 'passed' }),
  };
  const actions = ids.map((id, i): StepDefinition => ({
    id,
    phase: 'upgrade',
    kind: 'action',
    skippable: false,
    title: msg('step.upgrade.setup.title'),
    run: async (): Promise<StepOutcome> =>
      i === failAt ? { status: 'failed', finding: msg('engine.step-crashed') } : { status: 'passed' },
    undo: (): Promise<UndoOutcome> => {
      if (hangAt === id) {
        trace.entered?.();
        return new Promise(() => undefined);
      }
      trace.undone.push(id);
      return Promise.resolve({ status: 'done', finding: msg('undo.pools.started', { pools: id }) });
    },
  }));
  return [check, ...actions];
}

function engine(definitions: StepDefinition[], restored?: EngineSetup['restored']) {
  return standInEngine(kitDir, definitions, restored);
}

/** Runs forward until the step at failAt fails; returns the engine, paused there. */
async function runUntil(failAt: number, trace: Trace): Promise<UpgradeEngine> {
  kitDir = await mkdtemp(path.join(tmpdir(), 'undo-property-'));
  const e = engine(plan(failAt, trace));
  expect(e.start()).toEqual({ ok: true });
  await e.idle();
  expect(e.snapshot().run.state).toBe('paused');
  return e;
}

/** The steps that ran (and so changed the server), newest first. */
const changed = (failAt: number) => ids.slice(0, failAt + 1).reverse();

describe('rollback undoes exactly what changed the server, newest first', () => {
  it.each(Array.from({ length: ACTIONS }, (_, k) => k))(
    'the forward run stops at action %i',
    async (failAt) => {
      const trace: Trace = { undone: [], hangAt: null };
      const e = await runUntil(failAt, trace);
      expect(e.snapshot().run.actions).toContain('rollback');
      expect(e.rollback()).toEqual({ ok: true });
      await e.idle();
      expect(e.snapshot().run.state).toBe('rolled-back');
      expect(trace.undone).toEqual(changed(failAt));
    },
  );

  it('a run stopped before any change offers no rollback', async () => {
    kitDir = await mkdtemp(path.join(tmpdir(), 'undo-property-'));
    const trace: Trace = { undone: [], hangAt: null };
    const defs = plan(0, trace);
    const first = defs[0];
    if (!first) throw new Error('plan has no check');
    const e = engine([
      { ...first, run: async () => ({ status: 'failed', finding: msg('engine.step-crashed') }) },
      ...defs.slice(1),
    ]);
    e.start();
    await e.idle();
    expect(e.snapshot().run.actions).not.toContain('rollback');
    expect(e.rollback()).toMatchObject({ ok: false, error: { key: 'engine.rollback-not-available' } });
  });

  const cases = Array.from({ length: ACTIONS }, (_, failAt) =>
    changed(failAt).map((hangAt) => [failAt, hangAt] as const),
  ).flat();
  it.each(cases)(
    'stopped at action %i, a rollback killed in the undo of %s continues to the end',
    async (failAt, hangAt) => {
      let entered: () => void = () => undefined;
      const inTheUndo = new Promise<void>((r) => (entered = r));
      const trace: Trace = { undone: [], hangAt, entered };
      const first = await runUntil(failAt, trace);
      expect(first.rollback()).toEqual({ ok: true });
      // The rollback is inside the hanging undo, journaled as running.
      await inTheUndo;
      const journalFile = path.join(first.runFolder, JOURNAL_FILE);
      expect(replay((await Journal.open(journalFile)).records).undos.get(hangAt)?.status).toBe('running');
      const before = [...trace.undone];
      expect(before).toEqual(changed(failAt).slice(0, changed(failAt).indexOf(hangAt)));

      // The process is gone; a new one reads the journal from the kit.
      trace.hangAt = null;
      const { journal, records } = await Journal.open(journalFile);
      const second = engine(plan(failAt, trace), {
        replayed: replay(records),
        journal,
        runDir: first.runFolder,
      });
      await second.recoverInterrupted();
      const snap = second.snapshot();
      expect(snap.run).toMatchObject({ state: 'paused', rollbackBegun: true, actions: ['rollback'] });
      // Once a rollback has begun, nothing but finishing it is offered.
      expect(snap.steps.every((s) => s.actions.length === 0)).toBe(true);
      expect(second.rollback()).toEqual({ ok: true });
      await second.idle();
      expect(second.snapshot().run.state).toBe('rolled-back');
      // Every changed step undone once to the end; the one cut short ran again, the others not twice.
      expect(trace.undone).toEqual(changed(failAt));
    },
  );
});
