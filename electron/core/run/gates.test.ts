import type { StepId } from '../../shared/step-id';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { msg } from '../../shared/message';
import type { StepDefinition, StepOutcome } from './context';
import { standInEngine } from '../../testing/stand-in-engine';

let kitDir = '';
afterEach(() => rm(kitDir, { recursive: true, force: true }));

/** A plan of stand-in steps, to look at the gates alone. */
function define(
  id: string,
  phase: StepDefinition['phase'],
  outcome: () => Promise<StepOutcome>,
  extra: Partial<StepDefinition> = {},
): StepDefinition & { runs: number } {
  const def = {
    // Stand-in ids outside the product's plan.
    id: id as StepId,
    phase,
    kind: phase === 'checks' ? ('check' as const) : ('action' as const),
    skippable: false,
    title: msg('step.upgrade.setup.title'),
    runs: 0,
    async run() {
      def.runs++;
      return outcome();
    },
    ...extra,
  };
  return def;
}

async function engineWith(
  definitions: StepDefinition[],
  artifacts: (ctx: Parameters<StepDefinition['run']>[0]) => Promise<void> = async () => undefined,
) {
  kitDir = await mkdtemp(path.join(tmpdir(), 'gates-'));
  const wrapped = definitions.map((d) =>
    d.phase === 'backup'
      ? { ...d, run: async (ctx: Parameters<StepDefinition['run']>[0]) => (await artifacts(ctx), d.run(ctx)) }
      : d,
  );
  const engine = standInEngine(kitDir, wrapped);
  return engine;
}

const pass = async (): Promise<StepOutcome> => ({ status: 'passed' });

describe('gates', () => {
  it('no upgrade step runs while a blocking check has failed', async () => {
    const upgrade = define('upgrade.x', 'upgrade', pass);
    const engine = await engineWith([
      define('check.a', 'checks', async () => ({ status: 'failed', finding: msg('engine.step-crashed') })),
      define('backup.files', 'backup', pass, { produces: 'files' }),
      upgrade,
    ]);
    engine.start();
    await engine.idle();
    expect(engine.snapshot().run.state).toBe('paused');
    expect(upgrade.runs).toBe(0);
  });

  it('a backup that passed but was never verified keeps the gate closed', async () => {
    const upgrade = define('upgrade.x', 'upgrade', pass);
    // The backup step reports success but records no verified artifact.
    const engine = await engineWith([
      define('check.a', 'checks', pass),
      define('backup.files', 'backup', pass, { produces: 'files' }),
      upgrade,
    ]);
    engine.start();
    await engine.idle();
    const snap = engine.snapshot();
    expect(upgrade.runs).toBe(0);
    expect(snap.steps.find((s) => s.id === ('upgrade.x' as StepId))).toMatchObject({
      status: 'failed',
      finding: { key: 'engine.gate.unverified' },
    });
  });

  it('a verified backup opens the gate', async () => {
    const upgrade = define('upgrade.x', 'upgrade', pass);
    const engine = await engineWith(
      [
        define('check.a', 'checks', pass),
        define('backup.files', 'backup', pass, { produces: 'files' }),
        upgrade,
      ],
      (ctx) =>
        ctx.recordArtifact({
          kind: 'files-backup',
          zipPath: 'z',
          source: 's',
          treeHash: 't',
          bytes: 1,
          sha256: 'h',
          entries: 1,
          durationMs: 1,
          verified: true,
        }),
    );
    engine.start();
    await engine.idle();
    expect(upgrade.runs).toBe(1);
    expect(engine.snapshot().run.state).toBe('finished');
  });

  it('a check skipped with a reason opens the gate, and the reason is kept', async () => {
    const upgrade = define('upgrade.x', 'upgrade', pass);
    const engine = await engineWith([
      define('check.users', 'checks', async () => ({ status: 'failed' }), { skippable: true }),
      upgrade,
    ]);
    engine.start();
    await engine.idle();
    expect(upgrade.runs).toBe(0);
    expect(engine.skip('check.users', 'manutenzione concordata')).toEqual({ ok: true });
    await engine.idle();
    expect(upgrade.runs).toBe(1);
    expect(engine.snapshot().steps[0]).toMatchObject({
      status: 'skipped',
      skipReason: 'manutenzione concordata',
    });
  });

  it('checks run together, not one after another', async () => {
    // Each check waits until all three have started: run one after another, they never would.
    let running = 0;
    let peak = 0;
    let allStarted: () => void = () => undefined;
    const barrier = new Promise<void>((r) => (allStarted = r));
    const slow = async (): Promise<StepOutcome> => {
      running++;
      peak = Math.max(peak, running);
      if (running === 3) allStarted();
      await Promise.race([barrier, new Promise((r) => setTimeout(r, 5_000))]);
      running--;
      return { status: 'passed' };
    };
    const engine = await engineWith([
      define('check.a', 'checks', slow),
      define('check.b', 'checks', slow),
      define('check.c', 'checks', slow),
    ]);
    engine.start();
    await engine.idle();
    expect(peak).toBe(3);
  });

  it('a warning-severity check that fails warns and lets the run go on', async () => {
    const upgrade = define('upgrade.x', 'upgrade', pass);
    const engine = await engineWith([
      define('check.w', 'checks', async () => ({ status: 'failed' }), { severity: 'warning' }),
      upgrade,
    ]);
    engine.start();
    await engine.idle();
    expect(engine.snapshot().steps[0]?.status).toBe('warning');
    expect(upgrade.runs).toBe(1);
  });

  it('a step that throws fails with a clear message instead of stopping the engine', async () => {
    const engine = await engineWith([
      define('check.boom', 'checks', async () => {
        throw new Error('disk on fire');
      }),
    ]);
    engine.start();
    await engine.idle();
    expect(engine.snapshot().steps[0]).toMatchObject({
      status: 'failed',
      finding: { key: 'engine.step-crashed' },
    });
    expect(engine.snapshot().run.state).toBe('paused');
  });
});
