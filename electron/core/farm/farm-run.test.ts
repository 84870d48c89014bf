import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../../testing/session-harness';
import { type FarmFixture, farmFixture, farmWait, visit, visitServer } from '../../testing/farm-fixture';
import { type AppSession, openSession } from '../session';
import { buildPlan } from '../steps/plan';
import type { StepDefinition } from '../run/context';
import type { StepId } from '../../shared/step-id';
import { msg } from '../../shared/message';
import { readLedger, writeLedgerEntry } from './ledger';
import { dbBackup, ledgerEntry } from '../../testing/farm-ledger';

const CLI = fileURLToPath(new URL('../../cli/bin.mjs', import.meta.url));
const OLD = '7.8.4.13050210_x64';
const NEW = '7.8.5.13100517_x64';

let f: FarmFixture | undefined;
let session: AppSession | undefined;
closeAfterEach(() => [session, f]);

/** Each database's version, read from a server as the engine reads it. */
async function dbVersions(fx: FarmFixture, hostname = 'CRM-APP01'): Promise<string[]> {
  const host = await fx.host(hostname);
  const out: string[] = [];
  for (const [name, database] of [
    ['Produzione', 'CRM_PROD'],
    ['Formazione', 'CRM_FORMAZIONE'],
  ] as const)
    out.push(
      await host.databases.schemaVersion({ name, database, server: 'CRM-SQL01', connectionString: '' }),
    );
  return out;
}

/** Whether a user's PC reaches the CRM through this server (the load balancer's view of it). */
async function openToUsers(fx: FarmFixture, hostname: string): Promise<boolean> {
  const host = await fx.host(hostname);
  const site = await host.iis.findCrm('CRM');
  if (!site) throw new Error('no CRM site');
  return (await host.iis.request(site, 'outside')).status === 200;
}

/** The farm's order: the first two stop waiting for the farm, the third does the databases, then back to the first two. */
async function upgradeFarmOfThree(fx: FarmFixture): Promise<void> {
  for (const h of ['CRM-APP01', 'CRM-APP02']) {
    const s = await visit(fx, h);
    expect(farmWait(s)?.id).toBe('backup.db:Produzione');
  }
  expect((await visit(fx, 'CRM-APP03')).run.state).toBe('finished');
  for (const h of ['CRM-APP01', 'CRM-APP02']) expect((await visit(fx, h)).run.state).toBe('finished');
}

describe('a farm of three on one SQL Server', () => {
  it('backs up and updates each database once: the other servers check it was done and repeat nothing', async () => {
    f = await farmFixture(3);
    await upgradeFarmOfThree(f);
    // One .bak per database, taken once for the farm.
    expect(await f.bakFiles()).toHaveLength(2);
    const ledger = await readLedger(f.kitDir, f.kitVersion);
    const updates = ledger.entries.flatMap((e) => e.updates.map((u) => `${e.hostname}:${u.connection}`));
    expect(updates.sort()).toEqual(['CRM-APP03:Formazione', 'CRM-APP03:Produzione']);
    for (const e of ledger.entries.filter((x) => x.hostname !== 'CRM-APP03'))
      expect(e.backups.map((b) => b.takenBy)).toEqual(['CRM-APP03', 'CRM-APP03']);
    expect(await dbVersions(f)).toEqual([NEW, NEW]);
    const status = await f.status();
    expect(status).toMatchObject({ complete: true, rollback: false });
    expect(status.servers.map((s) => [s.hostname, s.codeVersion, s.lockout])).toEqual([
      ['CRM-APP01', NEW, 'off'],
      ['CRM-APP02', NEW, 'off'],
      ['CRM-APP03', NEW, 'off'],
    ]);
    for (const h of ['CRM-APP01', 'CRM-APP02', 'CRM-APP03']) expect(await openToUsers(f, h)).toBe(true);
  });

  it('the farm view names the next server at each point of the walk', async () => {
    f = await farmFixture(3);
    expect((await f.status()).next).toMatchObject({ server: null });
    await visit(f, 'CRM-APP01');
    expect((await f.status()).next).toMatchObject({
      server: 'CRM-APP02',
      message: { key: 'farm.next.start' },
    });
    await visit(f, 'CRM-APP02');
    expect((await f.status()).next).toMatchObject({
      server: 'CRM-APP03',
      message: { key: 'farm.next.start' },
    });
    await visit(f, 'CRM-APP03');
    expect((await f.status()).next).toMatchObject({
      server: 'CRM-APP01',
      message: { key: 'farm.next.check-again' },
    });
  });
});

describe('"Aggiorna Database" and the other servers', () => {
  it('is refused while another server still has CRM sessions, and the practice button is not offered', async () => {
    f = await farmFixture(2);
    await visit(f, 'CRM-APP01');
    // On CRM-APP02 the farm is quiet: it backs up, sets up, and waits for "Aggiorna Database".
    session = await f.open('CRM-APP02');
    let s = await visitUntilUpdate(session);
    const update = s.steps.find((x) => x.id === 'after.db-update:Produzione');
    expect(update).toMatchObject({ status: 'waiting', evidence: { farmReady: true } });
    // Someone starts CRM-APP01's pool again: its CRM holds sessions on the databases.
    const other = await f.host('CRM-APP01');
    await other.iis.startPool('CRMAppPool');
    const ack = await session.handlers.confirmStep('after.db-update:Produzione');
    expect(ack).toMatchObject({
      ok: false,
      error: { key: 'farm.sessions-from.finding', params: { servers: 'CRM-APP01' } },
    });
    s = await session.handlers.getSession();
    const refused = s.steps.find((x) => x.id === 'after.db-update:Produzione');
    expect(refused?.evidence.farmReady).toBe(false);
    expect(refused?.actions).not.toContain('practice-aggiorna-database');
    expect(await session.handlers.practicePressAggiornaDatabase('Produzione')).toMatchObject({ ok: false });
    expect(await dbVersions(f, 'CRM-APP02')).toEqual([OLD, OLD]);
    // Its pools stopped again, "Aggiorna Database" is offered, and done once.
    await other.iis.stopPool('CRMAppPool', 5_000);
    await session.handlers.confirmStep('after.db-update:Produzione');
    s = await visitServer(session);
    expect(s.run.state).toBe('finished');
    expect(await dbVersions(f, 'CRM-APP02')).toEqual([NEW, NEW]);
  });
});

/** Visits until the first "Aggiorna Database" waits for the admin, without pressing it. */
async function visitUntilUpdate(s: AppSession) {
  const h = s.handlers;
  await h.practiceLogOffUsers();
  await h.startRun();
  for (;;) {
    await s.settled();
    const snap = await h.getSession();
    const step = snap.steps.find((x) => x.status === 'waiting');
    if (!step || step.id.startsWith('after.db-update') || snap.run.state !== 'waiting') return snap;
    await h.confirmStep(step.id);
  }
}

describe('the ledger guides, the facts decide', () => {
  it('a backup the kit names but SQL Server dates before this server locked out is never adopted', async () => {
    f = await farmFixture(2);
    const fx = f;
    // Someone with the stick planted an entry: CRM-APP02 "locked out", naming a real but old backup.
    const host = await fx.host('CRM-APP02');
    const prod = { name: 'Produzione', database: 'CRM_PROD', server: 'CRM-SQL01', connectionString: '' };
    const old = await host.databases.backup(prod, () => undefined);
    const first = await visit(fx, 'CRM-APP01');
    expect(farmWait(first)?.finding?.params).toMatchObject({ servers: 'CRM-APP02' });
    await host.iis.stopPool('CRMAppPool', 5_000);
    await writeLedgerEntry(
      fx.kitDir,
      ledgerEntry('CRM-APP02', {
        // Filed as this farm's: the installation CRM-APP01 wrote.
        installation: (await readLedger(fx.kitDir, fx.kitVersion)).entries[0]?.installation ?? '',
        backups: [dbBackup('CRM-APP02', { ...old, verified: true })],
      }),
    );
    session = await fx.open('CRM-APP01');
    const logged: string[] = [];
    session.subscribe((event, payload) => {
      if (event === 'log') logged.push((payload as { message: { key: string } }).message.key);
    });
    await session.handlers.confirmStep('backup.db:Produzione');
    await session.settled();
    const s = await session.handlers.getSession();
    expect(logged).toContain('farm.backup.not-adopted');
    // Its own backup instead, taken with the farm quiet: not the planted file.
    const step = s.steps.find((x) => x.id === 'backup.db:Produzione');
    expect(step).toMatchObject({ status: 'passed', finding: { key: 'backup.db.done' } });
    expect(step?.evidence.path).not.toBe(old.path);
  });
});

describe('the version-skew guard', () => {
  it('a server whose code does not match the databases stays locked out, and says what is missing', async () => {
    f = await farmFixture(2);
    const fx = f;
    // CRM-APP01's setup "does not take": right after the version check, its files say 7.8.4 again.
    const versionFile = path.join(
      fx.dirOf('CRM-APP01'),
      'C',
      'inetpub',
      'wwwroot',
      'CRM',
      'bin',
      'version.txt',
    );
    const undone: StepDefinition = {
      id: 'upgrade.undone' as StepId,
      phase: 'upgrade',
      kind: 'action',
      skippable: false,
      title: msg('step.upgrade.setup.title'),
      run: async () => {
        await writeFile(versionFile, `${OLD}\n`);
        return { status: 'passed' };
      },
    };
    const plan: typeof buildPlan = (ctx) => {
      const steps = buildPlan(ctx);
      const at = steps.findIndex((d) => d.id === 'upgrade.check-version') + 1;
      return [...steps.slice(0, at), undone, ...steps.slice(at)];
    };
    const openFirst = async () => openSession({ host: await fx.host('CRM-APP01'), kitDir: fx.kitDir, plan });
    session = await openFirst();
    expect(farmWait(await visitServer(session))?.id).toBe('backup.db:Produzione');
    await session.close();
    expect((await visit(fx, 'CRM-APP02')).run.state).toBe('finished');
    // CRM-APP01's code is still 7.8.4 while the databases are 7.8.5: locked out, pools stopped.
    expect(await openToUsers(fx, 'CRM-APP01')).toBe(false);
    expect((await fx.status()).servers.find((s) => s.hostname === 'CRM-APP01')).toMatchObject({
      lockout: 'on',
      pools: 'stopped',
    });
    session = await openFirst();
    const s = await visitServer(session);
    expect(s.steps.find((x) => x.id === ('upgrade.undone' as StepId))?.status).toBe('passed');
    // The pools did start (the code was 7.8.5 then); users are never let back in on 7.8.4.
    const off = s.steps.find((x) => x.id === 'after.lockout-off');
    expect(off).toMatchObject({
      status: 'failed',
      finding: { key: 'farm.skew.setup-missing.finding', params: { code: OLD, version: NEW } },
    });
    expect(await openToUsers(fx, 'CRM-APP01')).toBe(false);
    expect(await openToUsers(fx, 'CRM-APP02')).toBe(true);
    expect((await fx.status()).complete).toBe(false);
  });
});

describe('farm rollback', () => {
  it('after the databases were updated: restored once, and every server back at the old version', async () => {
    f = await farmFixture(3);
    await visit(f, 'CRM-APP01');
    await visit(f, 'CRM-APP02');
    expect((await visit(f, 'CRM-APP03')).run.state).toBe('finished');
    // CRM-APP01's setup fails: another installation holds Windows Installer (1618).
    const { setPracticeInstallerBusy } = await import('../../host/practice/processes');
    await setPracticeInstallerBusy(f.dirOf('CRM-APP01'), true);
    let s = await visit(f, 'CRM-APP01');
    expect(s.steps.find((x) => x.id === 'upgrade.setup')?.status).toBe('failed');
    // The admin rolls back here: the databases wait for CRM-APP03, open on 7.8.5.
    session = await f.open('CRM-APP01');
    await session.handlers.rollback();
    s = await waitIdle(session);
    expect(s.run.state).toBe('paused');
    await session.close();
    session = undefined;
    let status = await f.status();
    expect(status.rollback).toBe(true);
    expect(status.next).toMatchObject({ server: 'CRM-APP03', message: { key: 'farm.next.roll-back-open' } });
    expect(
      status.servers
        .filter((x) => x.mustRollBack)
        .map((x) => x.hostname)
        .sort(),
    ).toEqual(['CRM-APP01', 'CRM-APP02', 'CRM-APP03']);
    // The open one from the terminal: its finished run reopened, `run --rollback` rolls it back.
    const cli = await rollBackFromTheTerminal(f, 'CRM-APP03');
    // Exit 1: the server is not upgraded (rolled back), as after any rollback.
    expect(cli.code, cli.out).toBe(1);
    expect(cli.out).toMatch(/Report: .*report\.html/);
    status = await f.status();
    expect(status.servers.find((x) => x.hostname === 'CRM-APP03')).toMatchObject({ runState: 'rolled-back' });
    // Each other server the farm view names, in its order, offers "roll back" and does it.
    for (let i = 0; i < 6 && status.next.server; i++) {
      session = await f.open(status.next.server);
      expect((await session.handlers.getSession()).run.actions).toContain('rollback');
      await session.handlers.rollback();
      await waitIdle(session);
      await session.close();
      session = undefined;
      status = await f.status();
    }
    expect(status.next.message.key).toBe('farm.next.rolled-back');
    expect(await dbVersions(f)).toEqual([OLD, OLD]);
    const ledger = await readLedger(f.kitDir, f.kitVersion);
    expect(ledger.entries.flatMap((e) => e.restores).length).toBe(2);
    for (const e of ledger.entries)
      expect([e.hostname, e.runState, e.codeVersion]).toEqual([e.hostname, 'rolled-back', OLD]);
    for (const h of ['CRM-APP01', 'CRM-APP02', 'CRM-APP03']) expect(await openToUsers(f, h)).toBe(true);
  });
});

/** `crm-upgrade run --practice <server> --kit KIT --rollback`, as the admin types it on that server. */
function rollBackFromTheTerminal(
  fx: FarmFixture,
  hostname: string,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [CLI, 'run', '--practice', fx.dirOf(hostname), '--kit', fx.kitDir, '--rollback', '--lang', 'en'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

async function waitIdle(s: AppSession) {
  await s.settled();
  return s.handlers.getSession();
}
