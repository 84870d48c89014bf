import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { closeAfterEach } from '../../testing/session-harness';
import { readPoolHold } from '../pool-hold';
import { webServicesStarted } from './iis';
import { iisFileSchema, paths, readJson, serverFileSchema, writeJsonAtomic } from './layout';

/**
 * Issue 13 on the practice server: its pools have autoStart as IIS's do, its setup restarts IIS
 * at the end as many vendor setups do (so a pool merely stopped comes back), its web services can
 * be stopped, and a pool on ASP.NET 2.0 answers app_offline.htm with a 404.
 */

const SAFETY_NET_MS = 30_000;

let fx: PracticeFixture | undefined;
closeAfterEach(() => [fx]);

const iisFile = (f: PracticeFixture) => readJson(paths(f.serverDir).iis, iisFileSchema);

async function editIis(f: PracticeFixture, edit: (iis: Awaited<ReturnType<typeof iisFile>>) => void) {
  const iis = await iisFile(f);
  edit(iis);
  await writeJsonAtomic(paths(f.serverDir).iis, iis);
}

async function setW3svc(f: PracticeFixture, w3svc: 'running' | 'stopped') {
  const file = paths(f.serverDir).server;
  const server = await readJson(file, serverFileSchema);
  await writeJsonAtomic(file, { ...server, iis: { ...server.iis, w3svc } });
}

/** The practice kit's main setup, run by hand on the CRM's folder. */
async function runMainSetup(f: PracticeFixture) {
  const program = path.join(f.kitDir, 'setup', 'crm-setup.mjs');
  return f.host.processes.runSetup(program, ['--payload', 'payload-crm', '--target', f.appDir], {
    timeoutMs: SAFETY_NET_MS,
  });
}

describe('practice pools and autoStart', () => {
  it('a WAS start runs the pools whose autoStart is true and stops the others', () => {
    const iis = iisFileSchema.parse({
      sites: [],
      pools: {
        A: { state: 'stopped' },
        B: { state: 'started', autoStart: false },
        C: { state: 'stopping', stopRequestedAt: '2026-11-27T10:00:00Z', autoStart: true },
      },
    });
    expect(webServicesStarted(iis).pools).toEqual({
      A: { state: 'started' },
      B: { state: 'stopped', autoStart: false },
      C: { state: 'started', autoStart: true },
    });
  });

  it('a stopped pool is held stopped through the setup’s iisreset, and gets its autoStart back when started', async () => {
    fx = await practiceFixture();
    expect(await fx.host.iis.stopPool('CRMAppPool', SAFETY_NET_MS)).toEqual({ autoStart: true, workers: [] });
    expect((await iisFile(fx)).pools.CRMAppPool?.autoStart).toBe(false);
    expect(await readPoolHold(await fx.host.system.stateDir(), 'CRMAppPool')).toMatchObject({
      autoStart: true,
    });
    // The MOBILE pool, stopped by hand (autoStart left true): the setup's iisreset starts it again.
    await editIis(fx, (iis) => void (iis.pools.CRMMobilePool = { state: 'stopped' }));

    const done = await runMainSetup(fx);
    expect(done.exitCode).toBe(0);
    expect(done.output).toContain('iisreset');
    expect(await fx.host.iis.poolState('CRMAppPool')).toBe('stopped');
    expect(await fx.host.iis.poolState('CRMMobilePool')).toBe('started');

    expect(await fx.host.iis.startPool('CRMAppPool')).toEqual({ autoStart: true });
    expect((await iisFile(fx)).pools.CRMAppPool).toEqual({ state: 'started', autoStart: true });
    expect(await readPoolHold(await fx.host.system.stateDir(), 'CRMAppPool')).toBeNull();
  });

  it('with the web services stopped no pool runs; starting a pool starts them first', async () => {
    fx = await practiceFixture();
    await fx.host.iis.stopPool('CRMAppPool', SAFETY_NET_MS);
    await setW3svc(fx, 'stopped');
    expect(await fx.host.iis.poolState('CRMMobilePool')).toBe('stopped');
    expect((await fx.host.iis.status()).w3svc).toBe('stopped');

    await fx.host.iis.startPool('CRMAppPool');
    expect((await fx.host.iis.status()).w3svc).toBe('running');
    expect(await fx.host.iis.poolState('CRMAppPool')).toBe('started');
    // WAS started again with it: the MOBILE pool (autoStart true) runs too.
    expect(await fx.host.iis.poolState('CRMMobilePool')).toBe('started');
    expect(await fx.host.iis.ensureWebServices()).toEqual({ was: 'Running', w3svc: 'Running', started: [] });
  });

  it('ensureWebServices says what it found and started, and keeps held pools stopped', async () => {
    fx = await practiceFixture();
    await fx.host.iis.stopPool('CRMAppPool', SAFETY_NET_MS);
    await setW3svc(fx, 'stopped');
    expect(await fx.host.iis.ensureWebServices()).toEqual({
      was: 'Stopped',
      w3svc: 'Stopped',
      started: ['WAS', 'W3SVC'],
    });
    expect(await fx.host.iis.poolState('CRMAppPool')).toBe('stopped');
  });

  it('a pool on ASP.NET 2.0 answers app_offline.htm with a 404, still maintenance', async () => {
    fx = await practiceFixture();
    const site = await fx.host.iis.findCrm('CRM');
    if (!site) throw new Error('no CRM site');
    await writeFile(path.join(site.physicalPath, 'app_offline.htm'), '<h1>Offline</h1>');
    expect(await fx.host.iis.request(site)).toEqual({ status: 503, maintenance: true });
    await editIis(
      fx,
      (iis) => void (iis.pools.CRMAppPool = { state: 'started', managedRuntimeVersion: 'v2.0' }),
    );
    expect(await fx.host.iis.request(site)).toEqual({ status: 404, maintenance: true });
  });
});
