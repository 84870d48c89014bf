import { spawn } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { treeHash } from '../files/tree';
import { type AppSession, openSession } from '../session';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { closeAfterEach, settle } from '../../testing/session-harness';
import { KIT_REPORTS } from '../kit/kit-manifest';
import { findUnfinishedRun, readJournal, replay, serverJournalFile } from './journal';

const CLI = fileURLToPath(new URL('../../cli/bin.mjs', import.meta.url));

let fx: PracticeFixture | undefined;
let session: AppSession | undefined;
closeAfterEach(() => [session, fx]);

async function waitFor<T>(probe: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('a run killed mid-setup is found on the kit, shows the step as interrupted, and rolls back to the byte', async () => {
  fx = await practiceFixture({ init: { userLeavesAfterSeconds: 0 }, kit: { setupHangs: true } });
  const before = await treeHash(fx.appDir);
  // The CLI in its own process group, so the kill takes the setup with it, as a power cut would.
  const child = spawn(
    process.execPath,
    [CLI, 'run', '--practice', fx.serverDir, '--kit', fx.kitDir, '--notes-read'],
    { detached: true, stdio: 'ignore' },
  );
  const hostDir = path.join(fx.kitDir, KIT_REPORTS, 'CRM-APP01');
  const journalFile = await waitFor(async () => {
    const file = await findUnfinishedRun(hostDir);
    if (!file) return null;
    const r = replay(await readJournal(file));
    return r.steps.get('upgrade.setup')?.status === 'running' ? file : null;
  }, 60_000);
  // Let the setup replace some files before the cut.
  await waitFor(
    async () =>
      (await readFile(path.join(fx?.appDir ?? '', 'Default.aspx'), 'utf8')).includes('7.8.5') ? true : null,
    20_000,
  );
  process.kill(-(child.pid ?? 0), 'SIGKILL');
  await new Promise((r) => child.once('exit', r));

  session = await openSession({ host: fx.host, kitDir: fx.kitDir });
  const snap = await session.handlers.getSession();
  expect(snap.run).toMatchObject({ resumed: true, state: 'paused' });
  expect(path.join(session.runFolder, 'journal.jsonl')).toBe(journalFile);
  expect(snap.steps.find((s) => s.id === 'upgrade.setup')).toMatchObject({
    status: 'failed',
    finding: { key: 'engine.interrupted.finding' },
  });
  expect(snap.steps.find((s) => s.id === 'backup.stop-pool')?.status).toBe('passed');
  expect(await fx.host.iis.poolState('CRMAppPool')).toBe('stopped');
  expect(snap.run.actions).toContain('rollback');

  expect(await session.handlers.rollback()).toEqual({ ok: true });
  expect((await settle(session)).run.state).toBe('rolled-back');
  expect(await treeHash(fx.appDir)).toBe(before);
  expect(await fx.host.iis.poolState('CRMAppPool')).toBe('started');
  await expect(access(path.join(fx.appDir, 'app_offline.htm'))).rejects.toThrow();
  // A finished run is not picked up again.
  expect(await findUnfinishedRun(hostDir)).toBeNull();
  // The server's journal was the one continued; the kit's copy holds the same records.
  const serverJournal = serverJournalFile(await fx.host.system.stateDir(), snap.run.id);
  expect(await readFile(journalFile, 'utf8')).toBe(await readFile(serverJournal, 'utf8'));
}, 120_000); // a child CLI on a loaded 2-core machine can take a while to reach the setup
