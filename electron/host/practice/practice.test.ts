import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { treeHash } from '../../core/files/tree';
import { openPracticeHost } from './index';
import { WORKER_EXIT_MS } from './iis';

let fx: PracticeFixture | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await fx?.dispose();
  fx = undefined;
});

/**
 * The pool-stop and setup timeouts of tests that do not test them: generous, so that a loaded
 * machine never reaches them (a pool stops in 300 ms, a practice setup runs in well under a second).
 */
const SAFETY_NET_MS = 30_000;

/** A moment for the tests that set the server's clock. */
const T0 = Date.parse('2026-11-27T22:00:00Z');

const connection = (name = 'Produzione', database = 'CRM_PROD') => ({
  name,
  database,
  server: '.\\SQLEXPRESS',
  connectionString: `Data Source=.\\SQLEXPRESS;Initial Catalog=${database}`,
});

describe('practice server', () => {
  it('serves the CRM while its pool runs and refuses requests once it is stopped or in maintenance', async () => {
    fx = await practiceFixture();
    const site = await fx.host.iis.findCrm('CRM');
    if (!site) throw new Error('no site');
    expect(await fx.host.iis.request(site)).toEqual({
      status: 200,
      version: '7.8.4.13050210_x64',
      maintenance: false,
    });
    await fx.host.iis.lockOut(site, '<h1>manutenzione</h1>');
    expect(await fx.host.iis.request(site)).toMatchObject({ status: 503, maintenance: true });
    await fx.host.iis.endLockout(site);
    await fx.host.iis.stopPool('CRMAppPool', SAFETY_NET_MS);
    expect(await fx.host.iis.poolState('CRMAppPool')).toBe('stopped');
    expect(await fx.host.iis.request(site)).toMatchObject({ status: 503, maintenance: false });
    await fx.host.iis.startPool('CRMAppPool');
    expect((await fx.host.iis.request(site)).status).toBe(200);
  });

  it('a stopping pool holds on until its worker has gone', async () => {
    fx = await practiceFixture();
    const iis = fx.host.iis;
    // The pool's clock is Date, faked: the worker's exit is a moment set here, not a wait.
    vi.useFakeTimers({ toFake: ['Date'], now: T0 });
    let stopped = false;
    const stopping = iis.stopPool('CRMAppPool', SAFETY_NET_MS).then(() => (stopped = true));
    // Polled, not waited with vi.waitFor: that would move the faked clock on.
    while ((await iis.poolState('CRMAppPool')) !== 'stopping') await new Promise((r) => setTimeout(r, 10));
    vi.setSystemTime(T0 + WORKER_EXIT_MS - 1);
    expect(await iis.poolState('CRMAppPool')).toBe('stopping');
    expect(stopped).toBe(false);
    vi.setSystemTime(T0 + WORKER_EXIT_MS);
    await stopping;
    expect(await iis.poolState('CRMAppPool')).toBe('stopped');
    await expect(iis.stopPool('NoSuchPool', 100)).rejects.toMatchObject({
      message_: { key: 'iis.pool-unknown' },
    });
  });

  it('the setup refuses to run while the pool holds the files, and then replaces them', async () => {
    fx = await practiceFixture();
    const before = await treeHash(fx.appDir);
    const program = path.join(fx.kitDir, 'setup', 'crm-setup.mjs');
    const args = ['--payload', 'payload-crm', '--target', fx.appDir];
    const refused = await fx.host.processes.runSetup(program, args, { timeoutMs: SAFETY_NET_MS });
    expect(refused.exitCode).toBe(32);
    expect(refused.output).toContain('in use');
    expect(await treeHash(fx.appDir)).toBe(before);

    await fx.host.iis.stopPool('CRMAppPool', SAFETY_NET_MS);
    const percents: number[] = [];
    const done = await fx.host.processes.runSetup(program, args, {
      timeoutMs: SAFETY_NET_MS,
      onProgress: (p) => percents.push(p),
    });
    expect(done.exitCode).toBe(0);
    expect(percents.at(-1)).toBe(100);
    expect((await readFile(path.join(fx.appDir, 'bin', 'version.txt'), 'utf8')).trim()).toBe(
      '7.8.5.13100517_x64',
    );
    await expect(readFile(path.join(fx.appDir, 'js', 'legacy.js'))).rejects.toThrow();
    await expect(readFile(path.join(fx.appDir, 'bin', 'Crm.Reports.dll'))).resolves.toBeInstanceOf(Buffer);
  });

  it('a failing setup stops halfway with its exit code; a hanging one is killed at the timeout', async () => {
    fx = await practiceFixture({ kit: { setupFailsWith: 1603 } });
    await fx.host.iis.stopPool('CRMAppPool', SAFETY_NET_MS);
    const program = path.join(fx.kitDir, 'setup', 'crm-setup.mjs');
    const failed = await fx.host.processes.runSetup(
      program,
      ['--payload', 'payload-crm', '--target', fx.appDir],
      { timeoutMs: SAFETY_NET_MS },
    );
    expect(failed.exitCode).toBe(1603);
    // Half the files are already replaced: exactly the state a rollback must repair.
    expect((await readFile(path.join(fx.appDir, 'bin', 'version.txt'), 'utf8')).trim()).toBe(
      '7.8.4.13050210_x64',
    );
    await fx.dispose();

    fx = await practiceFixture({ kit: { setupHangs: true } });
    await fx.host.iis.stopPool('CRMAppPool', SAFETY_NET_MS);
    // The timeout is a fake timer, run out once the setup says it waits: however slow the
    // machine, the setup is killed by the timeout, after it hung, and not a moment before.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const timeoutMs = 10 * 60_000;
    let waiting!: () => void;
    const hangs = new Promise<void>((resolve) => (waiting = resolve));
    let settled = false;
    const hung = fx.host.processes
      .runSetup(
        path.join(fx.kitDir, 'setup', 'crm-setup.mjs'),
        ['--payload', 'payload-crm', '--target', fx.appDir],
        { timeoutMs, onOutput: (line) => line.startsWith('Waiting for a file lock') && waiting() },
      )
      .finally(() => (settled = true));
    await hangs;
    await vi.advanceTimersByTimeAsync(timeoutMs - 1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await hung).toMatchObject({ timedOut: true, exitCode: null });
  });

  it('the connected user stays listed until logged off, or until the timer given at init', async () => {
    fx = await practiceFixture();
    expect(await fx.host.databases.connectedUsers(connection())).toEqual([
      expect.objectContaining({ user: 'mrossi', host: 'PC-VENDITE-03' }),
    ]);
    expect(await fx.host.practice?.logOffAllUsers()).toBe(1);
    expect(await fx.host.databases.connectedUsers(connection())).toEqual([]);
    await fx.dispose();

    // Made at T0, the user leaves 60 s later by the server's clock (Date, faked).
    fx = await practiceFixture({ init: { userLeavesAfterSeconds: 60, now: new Date(T0) } });
    vi.useFakeTimers({ toFake: ['Date'], now: T0 + 59_999 });
    expect(await fx.host.databases.connectedUsers(connection())).toHaveLength(1);
    vi.setSystemTime(T0 + 60_000);
    expect(await fx.host.databases.connectedUsers(connection())).toEqual([]);
  });

  it('"Aggiorna Database" needs the CRM to answer, then the database takes the application version', async () => {
    fx = await practiceFixture();
    await fx.host.iis.stopPool('CRMAppPool', SAFETY_NET_MS);
    await expect(fx.host.practice?.pressAggiornaDatabase('Produzione')).rejects.toMatchObject({
      message_: { key: 'practice.crm-not-answering' },
    });
    await fx.host.iis.startPool('CRMAppPool');
    await fx.host.practice?.pressAggiornaDatabase('Produzione');
    expect(await fx.host.databases.schemaVersion(connection())).toBe('7.8.4.13050210_x64');
    await expect(fx.host.practice?.pressAggiornaDatabase('Nessuna')).rejects.toMatchObject({
      message_: { key: 'practice.connection-unknown' },
    });
  });

  it('backs a database up, verifies it, catches damage, and restores it', async () => {
    fx = await practiceFixture();
    const c = connection('Formazione', 'CRM_FORMAZIONE');
    const progress: number[] = [];
    const backup = await fx.host.databases.backup(c, (p) => progress.push(p));
    expect(progress.at(-1)).toBe(100);
    await fx.host.databases.verify(c, backup, () => undefined);
    await fx.host.practice?.pressAggiornaDatabase('Formazione');
    await fx.host.databases.restore(c, backup, () => undefined);
    expect(await fx.host.databases.schemaVersion(c)).toBe('7.8.4.13050210_x64');

    const bytes = await readFile(backup.path);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0x20;
    await writeFile(backup.path, bytes);
    await expect(fx.host.databases.verify(c, backup, () => undefined)).rejects.toMatchObject({
      message_: { key: 'sql.verify-failed' },
    });
    await expect(fx.host.databases.connectedUsers({ ...c, server: 'ALTRO\\SQL' })).rejects.toMatchObject({
      message_: { key: 'sql.connect-failed' },
    });
  });

  it('refuses a folder that is not a practice server, and init into a non-empty folder', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'not-practice-'));
    try {
      await expect(openPracticeHost(dir)).rejects.toMatchObject({
        message_: { key: 'practice.not-a-practice-server' },
      });
      fx = await practiceFixture();
      const { initPracticeServer } = await import('./init');
      await expect(initPracticeServer(fx.serverDir)).rejects.toMatchObject({
        message_: { key: 'practice.init.not-empty' },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
