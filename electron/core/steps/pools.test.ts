import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UpgradeError, msg } from '../../shared/message';
import type { Step } from '../../shared/plan';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { closeAfterEach, settle } from '../../testing/session-harness';
import { openSession } from '../session';
import { practiceStepContext } from '../../testing/step-context';
import {
  iisFileSchema,
  paths,
  readJson,
  serverFileSchema,
  writeJsonAtomic,
} from '../../host/practice/layout';
import { poolHoldFile } from '../../host/pool-hold';
import type { Host } from '../ports';
import { crmAnswers } from './after';
import { lockoutOn } from './lockout';
import { webServicesAfterSetup } from './pools';
import { startPools, stopPools } from './upgrade';
import { rm } from 'node:fs/promises';

/**
 * Issue 13, the pool steps on the practice server: the pools stay stopped through a setup that
 * restarts IIS (the practice setup does, as many vendor setups do), their autoStart comes back
 * from the server's record or else from the journal, the web services are started when a setup
 * left them stopped, and a site request that gets no answer is evidence, never a failure.
 */

const SAFETY_NET_MS = 30_000;

let fx: PracticeFixture | undefined;
closeAfterEach(() => [fx]);

const pools = async (f: PracticeFixture) => (await readJson(paths(f.serverDir).iis, iisFileSchema)).pools;

async function runMainSetup(f: PracticeFixture) {
  const program = path.join(f.kitDir, 'setup', 'crm-setup.mjs');
  const done = await f.host.processes.runSetup(program, ['--payload', 'payload-crm', '--target', f.appDir], {
    timeoutMs: SAFETY_NET_MS,
  });
  expect(done.exitCode).toBe(0);
}

/** The stop step as the journal would hold it, with the evidence it returned. */
const journaled = (evidence: Step['evidence']): Step => ({
  id: 'backup.stop-pool',
  phase: 'backup',
  kind: 'action',
  optional: false,
  skippable: false,
  title: msg('step.backup.stop-pool.title'),
  status: 'passed',
  evidence,
});

describe('the stop-pool and start-pool steps', () => {
  it('hold the pools stopped through the setup’s iisreset, and give them their autoStart back', async () => {
    fx = await practiceFixture();
    const ctx = await practiceStepContext(fx, { backupDir: path.join(fx.root, 'copie') });
    const stopped = await stopPools.run(ctx);
    expect(stopped).toMatchObject({
      status: 'passed',
      evidence: {
        CRMAppPool: 'stopped',
        'autoStart.CRMAppPool': true,
        CRMMobilePool: 'stopped',
        'autoStart.CRMMobilePool': true,
      },
    });
    await runMainSetup(fx);
    // The setup restarted IIS: both pools are still stopped (the MOBILE setup could still run).
    expect(await pools(fx)).toMatchObject({
      CRMAppPool: { state: 'stopped', autoStart: false },
      CRMMobilePool: { state: 'stopped', autoStart: false },
    });

    const started = await startPools.run({ ...ctx, steps: [journaled(stopped.evidence ?? {})] });
    expect(started).toMatchObject({
      status: 'passed',
      evidence: { CRMAppPool: 'started', 'autoStart.CRMAppPool': true, 'webServices.started': '' },
    });
    expect(await pools(fx)).toEqual({
      CRMAppPool: { state: 'started', autoStart: true },
      CRMMobilePool: { state: 'started', autoStart: true },
    });
  });

  it('the undo of the stop puts autoStart back from the journal when the server’s record is gone', async () => {
    fx = await practiceFixture();
    const ctx = await practiceStepContext(fx, { backupDir: path.join(fx.root, 'copie') });
    const stopped = await stopPools.run(ctx);
    const dir = await fx.host.system.stateDir();
    for (const pool of ['CRMAppPool', 'CRMMobilePool']) await rm(poolHoldFile(dir, pool));

    // The journal knows CRMAppPool's; for CRMMobilePool nobody does, so its false stays.
    const { 'autoStart.CRMMobilePool': _unknown, ...evidence } = stopped.evidence ?? {};
    const undone = await stopPools.undo?.({ ...ctx, steps: [journaled(evidence)] });
    expect(undone?.status).toBe('done');
    expect(await pools(fx)).toEqual({
      CRMAppPool: { state: 'started', autoStart: true },
      CRMMobilePool: { state: 'started', autoStart: false },
    });
  });

  it('starts the web services a setup left stopped before the pools, and says so', async () => {
    fx = await practiceFixture();
    const ctx = await practiceStepContext(fx, { backupDir: path.join(fx.root, 'copie') });
    await stopPools.run(ctx);
    const server = paths(fx.serverDir).server;
    const file = await readJson(server, serverFileSchema);
    await writeJsonAtomic(server, { ...file, iis: { ...file.iis, w3svc: 'stopped' } });

    // What the setup step will ask after each setup: a warning's finding, never the setup's failure.
    const after = await webServicesAfterSetup(ctx);
    expect(after.evidence).toEqual({
      'webServices.was': 'Stopped',
      'webServices.w3svc': 'Stopped',
      'webServices.started': 'WAS,W3SVC',
    });
    expect(after.warning?.finding).toEqual(
      msg('upgrade.web-services.started.finding', { services: 'WAS, W3SVC' }),
    );
    // The held pools stayed stopped when the services came back.
    expect((await pools(fx)).CRMAppPool?.state).toBe('stopped');

    await writeJsonAtomic(server, { ...file, iis: { ...file.iis, w3svc: 'stopped' } });
    const started = await startPools.run(ctx);
    expect(started).toMatchObject({
      status: 'passed',
      evidence: { 'webServices.started': 'WAS,W3SVC', CRMAppPool: 'started' },
    });

    await writeJsonAtomic(server, { ...file, iis: { ...file.iis, w3svc: 'missing' } });
    const missing = await webServicesAfterSetup(ctx);
    expect(missing.warning?.finding.key).toBe('iis.web-services-missing');
    expect(missing.evidence).toEqual({ 'webServices.running': false });
  });
});

/** The practice host, its site request failing as an unreachable address would. */
function unanswered(host: Host): Host {
  const request = () =>
    Promise.reject(new UpgradeError(msg('iis.request-failed', { url: 'http://crm/' }), 'ETIMEDOUT'));
  return { ...host, iis: { ...host.iis, request } };
}

describe('a site request without an answer is evidence', () => {
  it('the lockout is on: a warning saying the outside check was not made, with the evidence', async () => {
    fx = await practiceFixture();
    const ctx = await practiceStepContext(fx, { backupDir: path.join(fx.root, 'copie') });
    const outcome = await lockoutOn.run({ ...ctx, host: unanswered(fx.host) });
    expect(outcome.status).toBe('warning');
    expect(outcome.finding?.key).toBe('lockout.outside-unchecked.finding');
    expect(outcome.remedy?.key).toBe('lockout.outside-unchecked.remedy');
    expect(outcome.evidence).toMatchObject({ 'outside.CRM': 'no answer' });
    // The lockout itself happened: from outside, the maintenance page.
    const site = ctx.discovery.site;
    if (!site) throw new Error('no site');
    expect(await fx.host.iis.request(site, 'outside')).toEqual({ status: 503, maintenance: true });
  });

  it('the CRM check after the upgrade: a warning, not a failure', async () => {
    fx = await practiceFixture();
    const ctx = await practiceStepContext(fx, { backupDir: path.join(fx.root, 'copie') });
    const outcome = await crmAnswers.run({ ...ctx, host: unanswered(fx.host) });
    expect(outcome).toMatchObject({
      status: 'warning',
      finding: { key: 'after.crm-answers.no-answer.finding' },
      remedy: { key: 'after.crm-answers.no-answer.remedy' },
      evidence: { status: 'no answer' },
    });
  });
});

/** The practice host, its setups leaving W3SVC and WAS stopped as a setup's own `iisreset /stop` would. */
function setupStopsWebServices(host: Host, serverDir: string): Host {
  const runSetup: Host['processes']['runSetup'] = async (program, args, options) => {
    const done = await host.processes.runSetup(program, args, options);
    const file = paths(serverDir).server;
    const server = await readJson(file, serverFileSchema);
    await writeJsonAtomic(file, { ...server, iis: { ...server.iis, w3svc: 'stopped' } });
    return done;
  };
  return { ...host, processes: { ...host.processes, runSetup } };
}

describe('after each setup, in a whole run', () => {
  it('a setup that left the web services stopped: its step warns that they were started, and the run finishes', async () => {
    fx = await practiceFixture();
    const session = await openSession({
      host: setupStopsWebServices(fx.host, fx.serverDir),
      kitDir: fx.kitDir,
      setupTimeoutMs: SAFETY_NET_MS,
    });
    try {
      await session.handlers.practiceLogOffUsers();
      expect(await session.handlers.startRun()).toEqual({ ok: true });
      await settle(session);
      expect(await session.handlers.confirmStep('check.release-notes')).toEqual({ ok: true });
      const snap = await settle(session);
      const setup = snap.steps.find((s) => s.id === 'upgrade.setup');
      expect(setup).toMatchObject({
        status: 'warning',
        finding: { key: 'upgrade.web-services.started.finding' },
        evidence: { exitCode: 0, 'webServices.started': 'WAS,W3SVC' },
      });
      // The held pool stayed stopped until its own step started it.
      expect(snap.steps.find((s) => s.id === 'upgrade.start-pool')?.status).toBe('passed');
    } finally {
      await session.close();
    }
  });
});
