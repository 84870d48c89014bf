import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { type AppSession, openSession } from './session';
import { type PracticeFixture, practiceFixture } from '../testing/practice-fixture';

let fx: PracticeFixture | undefined;
let session: AppSession | undefined;
let elsewhere = '';
afterEach(async () => {
  await session?.close();
  await fx?.dispose();
  if (elsewhere) await rm(elsewhere, { recursive: true, force: true });
});

it('the admin corrects the folder IIS reports, before the run starts, and the plan follows it', async () => {
  fx = await practiceFixture();
  elsewhere = await mkdtemp(path.join(tmpdir(), 'crm-elsewhere-'));
  const copy = path.join(elsewhere, 'CRM');
  await cp(fx.appDir, copy, { recursive: true });
  let answer: string | null = path.join(elsewhere, 'not-a-crm');
  session = await openSession({ host: fx.host, kitDir: fx.kitDir, chooseFolder: async () => answer });

  expect((await session.handlers.getSession()).server.installPath).toBe(fx.appDir);
  expect(await session.handlers.correctInstallPath()).toMatchObject({
    ok: false,
    error: { key: 'check.installation.no-files.finding' },
  });
  answer = null; // cancelled
  expect(await session.handlers.correctInstallPath()).toEqual({ ok: true });
  expect((await session.handlers.getSession()).server.installPath).toBe(fx.appDir);
  answer = copy;
  expect(await session.handlers.correctInstallPath()).toEqual({ ok: true });
  expect((await session.handlers.getSession()).server.installPath).toBe(copy);

  await session.handlers.startRun();
  await session.idle();
  const installation = (await session.handlers.getSession()).steps.find((s) => s.id === 'check.installation');
  expect(installation).toMatchObject({ status: 'passed', evidence: { path: copy } });
  // Once the run has begun, the folder is fixed.
  expect(await session.handlers.correctInstallPath()).toMatchObject({
    ok: false,
    error: { key: 'engine.not-now' },
  });
});

it('without a folder picker (CLI, tests) the intent is refused plainly', async () => {
  fx = await practiceFixture();
  session = await openSession({ host: fx.host, kitDir: fx.kitDir });
  expect(await session.handlers.correctInstallPath()).toMatchObject({
    ok: false,
    error: { key: 'session.choose-folder-unavailable' },
  });
});
