import type { StepId } from '../../shared/step-id';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { msg } from '../../shared/message';
import type { StepDefinition } from './context';
import { standInEngine } from '../../testing/stand-in-engine';

let kitDir = '';
afterEach(() => rm(kitDir, { recursive: true, force: true }));

/** One failed, skippable check: what the admin skips with a reason. */
async function engineWithFailedCheck() {
  kitDir = await mkdtemp(path.join(tmpdir(), 'engine-input-'));
  const check: StepDefinition = {
    id: 'check.users' as StepId,
    phase: 'checks',
    kind: 'check',
    skippable: true,
    title: msg('step.upgrade.setup.title'),
    run: async () => ({ status: 'failed' }),
  };
  const engine = standInEngine(kitDir, [check]);
  engine.start();
  await engine.idle();
  return engine;
}

// The CLI hands the engine what was typed at the prompt, without the IPC's schema in between.
it.each([
  ['CR/LF that forge a log line', 'concordato\r\n2026-11-24 INFO engine.rollback-done', 'U+000D'],
  ['a TAB', 'concordato\tcon il cliente', 'U+0009'],
  ['DEL', 'concordato\u007f con il cliente', 'U+007F'],
  ['a C1 control', 'concordato\u009b con il cliente', 'U+009B'],
  ['a bidi override', 'concordato \u202eetneilc', 'U+202E'],
  ['a bidi isolate', 'concordato \u2067con il cliente', 'U+2067'],
])(
  'the engine refuses a skip reason with %s, and the step stays failed',
  async (_what, reason, character) => {
    const engine = await engineWithFailedCheck();
    expect(engine.skip('check.users' as StepId, reason)).toEqual({
      ok: false,
      error: msg('input.reason.unsafe-character', { character }),
    });
    await engine.idle();
    expect(engine.snapshot().steps[0]).toMatchObject({ status: 'failed' });
    expect(engine.snapshot().steps[0]?.skipReason).toBeUndefined();
  },
);

it('the engine refuses a blank reason, and takes a plain one', async () => {
  const engine = await engineWithFailedCheck();
  expect(engine.skip('check.users' as StepId, '   ')).toEqual({
    ok: false,
    error: msg('input.reason.length', { min: 5, max: 500 }),
  });
  expect(engine.skip('check.users' as StepId, 'manutenzione concordata, è già tutto fermo')).toEqual({
    ok: true,
  });
  await engine.idle();
  expect(engine.snapshot().steps[0]).toMatchObject({ status: 'skipped' });
});
