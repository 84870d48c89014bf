import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { closeAfterEach } from '../../testing/session-harness';
import { type FarmFixture, farmFixture, farmWait, visit, visitServer } from '../../testing/farm-fixture';
import { KIT_REPORTS } from '../kit/kit-manifest';
import { findUnfinishedRun, readJournal, replay } from '../run/journal';
import type { AppSession } from '../session';
import { readLedger } from './ledger';

const CLI = fileURLToPath(new URL('../../cli/bin.mjs', import.meta.url));

let f: FarmFixture | undefined;
let session: AppSession | undefined;
closeAfterEach(() => [session, f]);

/** Polls the journal on the kit, as a person watching would; the bound is a safety net, not a timing. */
async function until<T>(probe: () => Promise<T | null>): Promise<T> {
  for (let i = 0; i < 1200; i++) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the run never got there');
}

it('a server killed in the middle of its setup continues from where it was, within the farm', async () => {
  // Each file of the setup takes a while: the kill lands with the setup half done.
  f = await farmFixture(3, { kit: { setupDelayMs: 250 } });
  const fx = f;
  for (const h of ['CRM-APP01', 'CRM-APP02'])
    expect(farmWait(await visit(fx, h))?.id).toBe('backup.db:Produzione');
  // CRM-APP03 from the CLI, in its own process group, cut as a power cut would.
  const child = spawn(
    process.execPath,
    [CLI, 'run', '--practice', fx.dirOf('CRM-APP03'), '--kit', fx.kitDir, '--notes-read', '--autopilot'],
    { detached: true, stdio: 'ignore' },
  );
  const hostDir = path.join(fx.kitDir, KIT_REPORTS, 'CRM-APP03');
  await until(async () => {
    const file = await findUnfinishedRun(hostDir);
    const setup = file ? replay(await readJournal(file)).steps.get('upgrade.setup') : undefined;
    return setup?.status === 'running' ? true : null;
  });
  process.kill(-(child.pid ?? 0), 'SIGKILL');
  await new Promise((r) => child.once('exit', r));
  // The databases were backed up once, before the cut.
  expect(await fx.bakFiles()).toHaveLength(2);

  session = await fx.open('CRM-APP03');
  let s = await session.handlers.getSession();
  expect(s.run).toMatchObject({ resumed: true, state: 'paused' });
  expect(s.steps.find((x) => x.id === 'upgrade.setup')).toMatchObject({
    status: 'failed',
    finding: { key: 'engine.interrupted.finding' },
  });
  // Nothing before the cut runs again: the backups stand, the farm's gates are asked again.
  expect(await session.handlers.retryStep('upgrade.setup')).toEqual({ ok: true });
  s = await visitServer(session);
  expect(s.run.state).toBe('finished');
  await session.close();
  session = undefined;
  for (const h of ['CRM-APP01', 'CRM-APP02']) expect((await visit(fx, h)).run.state).toBe('finished');
  expect(await fx.bakFiles()).toHaveLength(2);
  const ledger = await readLedger(fx.kitDir, fx.kitVersion);
  expect(ledger.entries.flatMap((e) => e.updates.map((u) => `${e.hostname}:${u.connection}`)).sort()).toEqual(
    ['CRM-APP03:Formazione', 'CRM-APP03:Produzione'],
  );
  expect((await fx.status()).complete).toBe(true);
});
