import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { Step } from '../../shared/plan';
import {
  iisFileSchema,
  paths,
  readJson,
  serverFileSchema,
  writeJsonAtomic,
} from '../../host/practice/layout';
import { type AppSession, openSession } from '../session';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { closeAfterEach, settle } from '../../testing/session-harness';
import { LOCK_FILE, acquireLock, inspectLock, releaseLock } from './run-lock';

let fx: PracticeFixture | undefined;
let session: AppSession | undefined;
closeAfterEach(() => [session, fx]);

const byId = (steps: readonly Step[], id: string) => steps.find((s) => s.id === id);

async function checks(
  setUp: (fx: PracticeFixture) => Promise<void> = async () => undefined,
  init = {},
): Promise<Step[]> {
  fx = await practiceFixture({ init });
  await setUp(fx);
  session = await openSession({ host: fx.host, kitDir: fx.kitDir, readOnly: true });
  return session.runChecks();
}

async function editServer(f: PracticeFixture, patch: Record<string, unknown>) {
  const file = paths(f.serverDir).server;
  await writeJsonAtomic(file, { ...(await readJson(file, serverFileSchema)), ...patch });
}

it('on a healthy practice server every server check passes', async () => {
  const steps = await checks();
  for (const id of ['check.iis', 'check.reboot', 'check.mobile', 'check.exclusive'])
    expect(byId(steps, id)?.status, id).toBe('passed');
  expect(byId(steps, 'check.mobile')).toMatchObject({ finding: { key: 'check.mobile.present' } });
});

it('no IIS: this is not the application server', async () => {
  const steps = await checks((f) =>
    editServer(f, { iis: { installed: false, version: null, w3svc: 'missing' } }),
  );
  expect(byId(steps, 'check.iis')).toMatchObject({
    status: 'failed',
    finding: { key: 'check.iis.missing.finding' },
  });
});

it('W3SVC stopped blocks with its remedy', async () => {
  const steps = await checks((f) =>
    editServer(f, { iis: { installed: true, version: '10.0', w3svc: 'stopped' } }),
  );
  expect(byId(steps, 'check.iis')).toMatchObject({
    status: 'failed',
    remedy: { key: 'check.iis.stopped.remedy' },
  });
});

it('a pending reboot warns and does not block', async () => {
  const steps = await checks((f) => editServer(f, { pendingReboot: ['PendingFileRenameOperations'] }));
  expect(byId(steps, 'check.reboot')).toMatchObject({
    status: 'warning',
    finding: { key: 'check.reboot.finding', params: { reasons: 'PendingFileRenameOperations' } },
  });
});

it('without MOBILE its setup is left out of the plan', async () => {
  fx = await practiceFixture({ init: { withMobile: false } });
  session = await openSession({ host: fx.host, kitDir: fx.kitDir });
  const snap = await session.handlers.getSession();
  expect(snap.steps.some((s) => s.id === 'upgrade.mobile-setup')).toBe(false);
  expect(snap.steps.some((s) => s.id === 'upgrade.setup')).toBe(true);
  await session.close();
  session = await openSession({ host: fx.host, kitDir: fx.kitDir, readOnly: true });
  expect(byId(await session.runChecks(), 'check.mobile')).toMatchObject({
    status: 'passed',
    finding: { key: 'check.mobile.absent' },
  });
});

it('another live run on this server blocks; a dead one does not', async () => {
  let state = '';
  let steps = await checks(async (f) => {
    state = await f.host.system.stateDir();
    // This very test process stands for the other manager: it is alive.
    await acquireLock(state, {
      runId: 'other-run',
      pid: process.pid,
      hostname: 'CRM-APP01',
      startedAt: '2026-11-24T22:00:00Z',
      kitDir: '/x',
    });
  });
  expect(byId(steps, 'check.exclusive')).toMatchObject({
    status: 'failed',
    finding: { key: 'check.exclusive.finding', params: { runId: 'other-run' } },
  });
  await session?.close();
  await fx?.dispose();

  steps = await checks(async (f) => {
    state = await f.host.system.stateDir();
    await writeFile(
      path.join(state, LOCK_FILE),
      JSON.stringify({ runId: 'gone', pid: 2 ** 22 + 12345, hostname: 'h', startedAt: 'x', kitDir: '/x' }),
    );
  });
  expect(byId(steps, 'check.exclusive')?.status).toBe('passed');
});

it('a run holds the lock while it works and lets it go when it ends', async () => {
  fx = await practiceFixture();
  const state = await fx.host.system.stateDir();
  session = await openSession({ host: fx.host, kitDir: fx.kitDir });
  await session.handlers.practiceLogOffUsers();
  await session.handlers.startRun();
  const snap = await settle(session);
  expect(await inspectLock(state)).toMatchObject({ kind: 'live', lock: { runId: snap.run.id } });
  // Someone else's lock is never removed by us.
  await releaseLock(state, 'not-ours');
  expect(await inspectLock(state)).toMatchObject({ kind: 'live', lock: { runId: snap.run.id } });
  await session.handlers.confirmStep('check.release-notes');
  expect((await settle(session)).run.state).toBe('waiting'); // at "Aggiorna Database"
  expect(await session.handlers.rollback()).toEqual({ ok: true });
  expect((await settle(session)).run.state).toBe('rolled-back');
  expect(await inspectLock(state)).toEqual({ kind: 'free' });
  const iis = await readJson(paths(fx.serverDir).iis, iisFileSchema);
  expect(iis.pools.CRMAppPool?.state).toBe('started');
});

it("a folder without the profile's marker files is not taken for the CRM", async () => {
  const steps = await checks((f) => rm(path.join(f.appDir, 'bin', 'Crm.Web.dll')));
  expect(byId(steps, 'check.installation')).toMatchObject({
    status: 'failed',
    finding: { key: 'check.installation.marker-missing.finding', params: { marker: 'bin/Crm.Web.dll' } },
  });
});
