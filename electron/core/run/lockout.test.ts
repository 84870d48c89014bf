import { readFile, readdir, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../shared/plan';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { closeAfterEach, settle } from '../../testing/session-harness';
import type { CrmSite, Host } from '../ports';
import { type AppSession, openSession } from '../session';
import { JOURNAL_FILE, readJournal, replay } from './journal';
import { readLockoutRecord } from '../../host/lockout';
import path from 'node:path';

/*
 * Issue 11, item 2: the lockout window. From the users check until every connection has had
 * "Aggiorna Database", only this server reaches the CRM; a user who logs in meanwhile is refused.
 */

let fx: PracticeFixture | undefined;
let session: AppSession | undefined;
closeAfterEach(() => [session, fx]);

const statusOf = (snap: Session, id: string) => snap.steps.find((s) => s.id === id)?.status;
const indexOf = (snap: Session, id: string) => snap.steps.findIndex((s) => s.id === id);

async function crm(host: Host): Promise<CrmSite> {
  const site = await host.iis.findCrm('CRM');
  if (!site) throw new Error('no CRM site');
  return site;
}

async function open(options: Parameters<typeof practiceFixture>[0] = {}): Promise<AppSession> {
  fx = await practiceFixture(options);
  session = await openSession({ host: fx.host, kitDir: fx.kitDir, setupTimeoutMs: 20_000 });
  return session;
}

describe('the lockout window', () => {
  it('lies in the plan between the users check and the CRM answering, around every backup, setup and "Aggiorna Database"', async () => {
    const s = await open();
    const snap = await s.handlers.getSession();
    const at = (id: string) => {
      const i = indexOf(snap, id);
      expect(i, id).toBeGreaterThanOrEqual(0);
      return i;
    };
    const ids = snap.steps.map((x) => x.id);
    const on = at('backup.lockout-on');
    const off = at('after.lockout-off');
    expect(at('check.users')).toBeLessThan(on);
    expect(at('check.release-notes')).toBeLessThan(on);
    expect(on + 1).toBe(at('backup.users-again'));
    // Every backup, every setup and every "Aggiorna Database" inside the window…
    const inside = ids.filter(
      (id) =>
        id.startsWith('backup.db:') ||
        id.startsWith('backup.files') ||
        id.startsWith('upgrade.') ||
        id.startsWith('after.db-update:'),
    );
    expect(inside.length).toBeGreaterThan(5);
    for (const id of inside) {
      expect(at(id), id).toBeGreaterThan(at('backup.users-again'));
      expect(at(id), id).toBeLessThan(off);
    }
    // …the lockout off after the last of them, and the CRM checked from outside after it.
    const lastDbUpdate = Math.max(...ids.flatMap((id, i) => (id.startsWith('after.db-update:') ? [i] : [])));
    expect(off).toBeGreaterThan(lastDbUpdate);
    expect(at('after.crm-answers')).toBeGreaterThan(off);
    // The old maintenance steps are gone: the lockout shows the page to everyone outside.
    expect(ids.filter((id) => id.includes('maintenance'))).toEqual([]);
  });

  it('refuses a user who logs in after the users check, lets the admin press "Aggiorna Database" on this server, and shows since when', async () => {
    const s = await open();
    const host = fx!.host;
    const practice = host.practice!;
    await practice.logOffAllUsers();
    expect(await s.handlers.startRun()).toEqual({ ok: true });
    let snap = await settle(s, { waitForUsers: true });
    expect(statusOf(snap, 'check.users')).toBe('passed');
    expect(statusOf(snap, 'check.release-notes')).toBe('waiting');
    expect(snap.run.lockout).toBeUndefined();

    // While the admin reads NOTA BENE 1, somebody logs in: nothing stops them yet.
    expect(await practice.userLogsIn('Produzione', 'lbianchi')).toMatchObject({ admitted: true });
    expect(await s.handlers.confirmStep('check.release-notes')).toEqual({ ok: true });
    snap = await settle(s, { waitForUsers: true });
    // The lockout went on, and the users check again found them before any backup.
    expect(statusOf(snap, 'backup.lockout-on')).toBe('passed');
    expect(statusOf(snap, 'backup.users-again')).toBe('failed');
    expect(snap.steps.find((x) => x.id === 'backup.users-again')?.finding).toMatchObject({
      key: 'check.users.finding',
      params: { count: 1 },
    });
    expect(statusOf(snap, 'backup.files')).toBe('pending');
    const since = snap.steps.find((x) => x.id === 'backup.lockout-on')?.startedAt;
    expect(since).toBeDefined();
    expect(snap.run.lockout).toEqual({ since });

    // From outside: the maintenance page; a new login is refused and adds nobody.
    const site = await crm(host);
    expect(await host.iis.request(site, 'outside')).toEqual({ status: 503, maintenance: true });
    expect((await host.iis.request(site, 'loopback')).status).toBe(200);
    await practice.logOffAllUsers();
    expect(await practice.userLogsIn('Produzione', 'lbianchi')).toEqual({ admitted: false, status: 503 });
    expect(await practice.userLogsIn('Formazione', 'gverdi')).toEqual({ admitted: false, status: 503 });
    expect(await s.handlers.retryStep('backup.users-again')).toEqual({ ok: true });
    snap = await settle(s, { waitForUsers: true });
    expect(statusOf(snap, 'backup.users-again')).toBe('passed');

    // Backups, setups, pools started: still locked out when "Aggiorna Database" is due.
    const first = snap.steps.find((x) => x.status === 'waiting');
    expect(first?.id).toBe('after.db-update:Produzione');
    expect(snap.run.lockout).toEqual({ since });
    expect(await host.iis.request(site, 'outside')).toEqual({ status: 503, maintenance: true });
    expect(await practice.userLogsIn('Produzione', 'lbianchi')).toMatchObject({ admitted: false });
    // The admin, on the server, gets through.
    expect(await s.handlers.practicePressAggiornaDatabase('Produzione')).toEqual({ ok: true });
    expect(await s.handlers.confirmStep('after.db-update:Produzione')).toEqual({ ok: true });
    snap = await settle(s, { waitForUsers: true });
    expect(statusOf(snap, 'after.db-update:Formazione')).toBe('waiting');
    // One connection updated, the other not: still nobody gets in.
    expect(await practice.userLogsIn('Formazione', 'gverdi')).toMatchObject({ admitted: false });
    expect(snap.run.lockout).toEqual({ since });
    expect(await s.handlers.practicePressAggiornaDatabase('Formazione')).toEqual({ ok: true });
    expect(await s.handlers.confirmStep('after.db-update:Formazione')).toEqual({ ok: true });
    snap = await settle(s, { waitForUsers: true });
    expect(statusOf(snap, 'after.add-functions')).toBe('waiting');
    expect(snap.run.lockout).toEqual({ since });
    expect(await s.handlers.confirmStep('after.add-functions')).toEqual({ ok: true });
    snap = await settle(s, { waitForUsers: true });

    // Lockout off: the CRM answers from outside, at the new version, and users get in again.
    expect(snap.run.state).toBe('finished');
    expect(statusOf(snap, 'after.lockout-off')).toBe('passed');
    expect(statusOf(snap, 'after.crm-answers')).toBe('passed');
    expect(snap.run.lockout).toBeUndefined();
    expect(await host.iis.request(site, 'outside')).toMatchObject({
      status: 200,
      version: '7.8.5.13100517_x64',
    });
    expect(await readLockoutRecord(await host.system.stateDir(), site.siteName)).toBeNull();
    expect(await practice.userLogsIn('Produzione', 'lbianchi')).toMatchObject({ admitted: true });

    // The window's length, from the journal.
    const replayed = replay(await readJournal(path.join(s.runFolder, JOURNAL_FILE)));
    const on = replayed.steps.get('backup.lockout-on');
    const off = replayed.steps.get('after.lockout-off');
    expect(on?.startedAt).toBe(since);
    expect(Date.parse(off?.finishedAt ?? '')).toBeGreaterThan(Date.parse(since ?? ''));
  });

  it('with the lockout off, no user is on a database older than the files: it stays on until "Aggiorna Database"', async () => {
    const s = await open();
    const host = fx!.host;
    await host.practice!.logOffAllUsers();
    await s.handlers.startRun();
    await settle(s, { waitForUsers: true });
    await s.handlers.confirmStep('check.release-notes');
    let snap = await settle(s, { waitForUsers: true });
    expect(snap.steps.find((x) => x.status === 'waiting')?.id).toBe('after.db-update:Produzione');
    // Confirming without pressing "Aggiorna Database" is refused: the step waits, the lockout stays.
    expect(await s.handlers.confirmStep('after.db-update:Produzione')).toMatchObject({ ok: false });
    snap = await settle(s, { waitForUsers: true });
    expect(statusOf(snap, 'after.lockout-off')).toBe('pending');
    expect(await host.practice!.userLogsIn('Produzione', 'lbianchi')).toMatchObject({ admitted: false });
    // Only the optional second connection may be skipped, with a reason: said so when users come back.
    await s.handlers.practicePressAggiornaDatabase('Produzione');
    await s.handlers.confirmStep('after.db-update:Produzione');
    await settle(s, { waitForUsers: true });
    expect(await s.handlers.skipStep('after.db-update:Formazione', 'Formazione non si usa più')).toEqual({
      ok: true,
    });
    expect(statusOf(await settle(s, { waitForUsers: true }), 'after.add-functions')).toBe('waiting');
    // Whatever happened meanwhile (here: the database put back by hand), the lockout does not end
    // while a connection that was not skipped is older than the files.
    const dataDir = path.join(fx!.serverDir, 'C', 'Program Files', 'Microsoft SQL Server');
    const [prodFile] = (await readdir(dataDir, { recursive: true })).filter((f) =>
      f.endsWith('CRM_PROD.json'),
    );
    const prod = path.join(dataDir, prodFile ?? '');
    const db = JSON.parse(await readFile(prod, 'utf8')) as { schemaVersion: string };
    await writeFile(prod, JSON.stringify({ ...db, schemaVersion: '7.8.4.13050210_x64' }));
    await s.handlers.confirmStep('after.add-functions');
    snap = await settle(s, { waitForUsers: true });
    expect(snap.steps.find((x) => x.id === 'after.lockout-off')).toMatchObject({
      status: 'failed',
      // Issue 15's version-skew guard: the code is the kit's, the database is not.
      finding: {
        key: 'farm.skew.update-missing.finding',
        params: { connection: 'Produzione', code: '7.8.5.13100517_x64', version: '7.8.4.13050210_x64' },
      },
      remedy: { key: 'farm.skew.update-missing.remedy', params: { connection: 'Produzione' } },
    });
    expect(snap.run.lockout).toBeDefined();
    expect(await host.practice!.userLogsIn('Produzione', 'lbianchi')).toMatchObject({ admitted: false });
    await host.practice!.pressAggiornaDatabase('Produzione');
    expect(await s.handlers.retryStep('after.lockout-off')).toEqual({ ok: true });
    snap = await settle(s, { waitForUsers: true });
    expect(snap.steps.find((x) => x.id === 'after.lockout-off')).toMatchObject({
      status: 'warning',
      finding: { key: 'lockout.off.skipped', params: { connections: 'Formazione' } },
    });
  });

  it('a rollback lets users back in with the original bindings, and the header no longer shows it', async () => {
    const s = await open({ kit: { setupFailsWith: 1603 } });
    const host = fx!.host;
    const site = await crm(host);
    await host.practice!.logOffAllUsers();
    await s.handlers.startRun();
    await settle(s, { waitForUsers: true });
    await s.handlers.confirmStep('check.release-notes');
    let snap = await settle(s, { waitForUsers: true });
    expect(statusOf(snap, 'upgrade.setup')).toBe('failed');
    expect(snap.run.lockout).toBeDefined();
    expect(await host.iis.request(site, 'outside')).toEqual({ status: 503, maintenance: true });
    expect(await s.handlers.rollback()).toEqual({ ok: true });
    snap = await settle(s, { waitForUsers: true });
    expect(snap.run.state).toBe('rolled-back');
    expect(snap.run.lockout).toBeUndefined();
    expect(await readLockoutRecord(await host.system.stateDir(), site.siteName)).toBeNull();
    expect(await host.iis.request(site, 'outside')).toMatchObject({
      status: 200,
      version: '7.8.4.13050210_x64',
    });
    const replayed = replay(await readJournal(path.join(s.runFolder, JOURNAL_FILE)));
    expect(replayed.undos.get('backup.lockout-on')).toMatchObject({
      status: 'done',
      finding: { key: 'undo.lockout.ended' },
    });
  });
});
