import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CrmConnection, Host } from '../../core/ports';
import { translator } from '../../core/i18n';
import { type Message, UpgradeError } from '../../shared/message';
import { FROM_VERSION, TO_VERSION } from './content';
import { initPracticeFarm } from './farm-init';
import { initPracticeServer, openPracticeHost } from './index';
import {
  type FarmFile,
  type InstanceFile,
  databaseFileSchema,
  farmFileSchema,
  instanceFileSchema,
  paths,
  readJson,
  serverFileSchema,
  writeJsonAtomic,
} from './layout';

/** Issue 15, "a practice farm": N practice servers in one folder, one practice SQL Server between them. */

let work = '';
let farmDir = '';
beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'crm-farm-'));
  farmDir = path.join(work, 'farm');
});
afterEach(() => rm(work, { recursive: true, force: true }));

const produzione: CrmConnection = {
  name: 'Produzione',
  database: 'CRM_PROD',
  server: 'CRM-SQL01',
  connectionString: 'Data Source=CRM-SQL01;Initial Catalog=CRM_PROD',
};
const member = (name: string) => path.join(farmDir, name);
const noProgress = () => undefined;

/** The key of the UpgradeError a promise is refused with. */
async function refusal(p: Promise<unknown>): Promise<Required<Message>> {
  const err: unknown = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof UpgradeError)) throw new Error(`expected an UpgradeError, got ${String(err)}`);
  return { key: err.message_.key, params: err.message_.params ?? {} };
}

const hostsSeenBy = async (host: Host) =>
  (await host.databases.sqlSessions(produzione)).groups.map((g) => g.host).sort();

describe('initPracticeFarm', () => {
  it('makes N practice servers named by their hostnames and ONE SQL instance in the farm folder', async () => {
    const farm = await initPracticeFarm(farmDir, { servers: 3, now: new Date('2026-03-01T09:00:00Z') });
    expect(farm.servers.map((s) => s.hostname)).toEqual(['CRM-APP01', 'CRM-APP02', 'CRM-APP03']);
    expect((await readdir(farmDir)).sort()).toEqual([
      'CRM-APP01',
      'CRM-APP02',
      'CRM-APP03',
      'practice-farm.json',
      'sql',
    ]);
    expect(await readJson(path.join(farmDir, 'practice-farm.json'), farmFileSchema)).toEqual({
      format: 1,
      kind: 'crm-practice-farm',
      servers: ['CRM-APP01', 'CRM-APP02', 'CRM-APP03'],
      sqlServer: 'CRM-SQL01',
    });
    const instance = await readJson(path.join(farmDir, 'sql', 'instance.json'), instanceFileSchema);
    expect(instance).toMatchObject({ server: 'CRM-SQL01', databases: ['CRM_PROD', 'CRM_FORMAZIONE'] });
    for (const name of farm.servers.map((s) => s.hostname)) {
      const server = await readJson(paths(member(name)).server, serverFileSchema);
      expect(server).toMatchObject({ hostname: name, farm: true });
      // No SQL Server of its own: paths(member).instance is the farm's.
      expect((await readdir(member(name))).sort()).toEqual(['C', 'iis', 'practice-server.json']);
      expect(paths(member(name)).instance).toBe(path.join(farmDir, 'sql', 'instance.json'));
      const webConfig = await readFile(path.join(member(name), 'C/inetpub/wwwroot/CRM/web.config'), 'utf8');
      expect(webConfig).toContain('Data Source=CRM-SQL01;Initial Catalog=CRM_PROD');
      const host = await openPracticeHost(member(name));
      expect(await host.system.hostname()).toBe(name);
    }
    // The practice user is connected once, to the shared database.
    const prod = await readJson(path.join(farmDir, 'sql', 'DATA', 'CRM_PROD.json'), databaseFileSchema);
    expect(prod.connectedUsers.map((u) => u.user)).toEqual(['mrossi']);
  });

  it('refuses 0, 10 or 2.5 servers before making anything, and a folder that is not empty', async () => {
    for (const servers of [0, 10, 2.5]) {
      expect(await refusal(initPracticeFarm(farmDir, { servers }))).toEqual({
        key: 'practice-farm.servers-out-of-range',
        params: { servers: String(servers) },
      });
    }
    expect(await readdir(work)).toEqual([]);
    expect(translator('en')({ key: 'practice-farm.servers-out-of-range.remedy' })).toContain('1 to 9');
    await mkdir(farmDir);
    await writeFile(path.join(farmDir, 'note.txt'), 'mine');
    expect((await refusal(initPracticeFarm(farmDir, { servers: 2 }))).key).toBe('practice.init.not-empty');
    expect(await readdir(farmDir)).toEqual(['note.txt']);
  });
});

describe('the servers of a practice farm share its SQL Server', () => {
  it("B sees A's CRM pools as sessions from host CRM-APP01 until ALL of A's pools are stopped", async () => {
    await initPracticeFarm(farmDir, { servers: 3 });
    const a = await openPracticeHost(member('CRM-APP01'));
    const b = await openPracticeHost(member('CRM-APP02'));
    expect(await hostsSeenBy(b)).toEqual(['CRM-APP01', 'CRM-APP02', 'CRM-APP03']);
    const group = (await b.databases.sqlSessions(produzione)).groups[0];
    expect(group).toEqual({
      host: 'CRM-APP01',
      program: '.Net SqlClient Data Provider',
      login: 'crm_app',
      sessions: 3,
      sleeping: 3,
    });
    await a.iis.stopPool('CRMAppPool', 5_000);
    // A's MOBILE pool still runs: A still holds connections.
    expect(await hostsSeenBy(b)).toEqual(['CRM-APP01', 'CRM-APP02', 'CRM-APP03']);
    await a.iis.stopPool('CRMMobilePool', 5_000);
    expect(await hostsSeenBy(b)).toEqual(['CRM-APP02', 'CRM-APP03']);
    expect(await hostsSeenBy(a)).toEqual(['CRM-APP02', 'CRM-APP03']);
    await a.iis.startPool('CRMAppPool');
    expect(await hostsSeenBy(b)).toEqual(['CRM-APP01', 'CRM-APP02', 'CRM-APP03']);
  });

  it("the database's other sessions show as on a single server", async () => {
    await initPracticeFarm(farmDir, { servers: 1 });
    const data = path.join(farmDir, 'sql', 'DATA', 'CRM_PROD.json');
    const db = await readJson(data, databaseFileSchema);
    const ssms = { host: 'PC-DBA', program: 'SSMS', login: 'dba', sessions: 1, sleeping: 0 };
    await writeJsonAtomic(data, { ...db, otherSessions: [ssms] });
    const a = await openPracticeHost(member('CRM-APP01'));
    expect((await a.databases.sqlSessions(produzione)).groups).toEqual([
      expect.objectContaining({ host: 'CRM-APP01' }),
      ssms,
    ]);
  });

  it('a backup taken from A lies in the farm and is verified and restored from B', async () => {
    await initPracticeFarm(farmDir, { servers: 2 });
    const a = await openPracticeHost(member('CRM-APP01'));
    const b = await openPracticeHost(member('CRM-APP02'));
    const backup = await a.databases.backup(produzione, noProgress);
    expect(path.dirname(backup.path)).toBe(path.join(farmDir, 'sql', 'Backup'));
    await b.databases.verify(produzione, backup, noProgress);
    // B restores A's backup over a database A changed since: the change is gone for both.
    const data = path.join(farmDir, 'sql', 'DATA', 'CRM_PROD.json');
    await writeJsonAtomic(data, { ...(await readJson(data, databaseFileSchema)), schemaVersion: TO_VERSION });
    await b.databases.restore(produzione, backup, noProgress);
    expect(await a.databases.schemaVersion(produzione)).toBe(FROM_VERSION);
    // B reads the very file: a byte changed in it and B's verify refuses it.
    const bytes = await readFile(backup.path);
    const at = bytes.length - 2;
    bytes.writeUInt8(bytes.readUInt8(at) ^ 1, at);
    await writeFile(backup.path, bytes);
    expect((await refusal(b.databases.verify(produzione, backup, noProgress))).key).toBe('sql.verify-failed');
  });

  it('"Aggiorna Database" pressed on A gives the shared database A\'s version, which B reads', async () => {
    await initPracticeFarm(farmDir, { servers: 2 });
    // A's setup has run: its CRM is 7.8.5, B's still 7.8.4.
    await writeFile(
      path.join(member('CRM-APP01'), 'C/inetpub/wwwroot/CRM/bin/version.txt'),
      `${TO_VERSION}\n`,
    );
    const a = await openPracticeHost(member('CRM-APP01'));
    const b = await openPracticeHost(member('CRM-APP02'));
    await a.practice?.pressAggiornaDatabase('Produzione');
    expect(await b.databases.schemaVersion(produzione)).toBe(TO_VERSION);
    expect(
      await b.databases.schemaVersion({ ...produzione, name: 'Formazione', database: 'CRM_FORMAZIONE' }),
    ).toBe(FROM_VERSION);
  });

  it("a user logs in through each server's own IIS, and a logoff on B logs off the shared databases", async () => {
    await initPracticeFarm(farmDir, { servers: 2 });
    const a = await openPracticeHost(member('CRM-APP01'));
    const b = await openPracticeHost(member('CRM-APP02'));
    const site = await a.iis.findCrm('CRM');
    await a.iis.lockOut(site!, '<h1>manutenzione</h1>');
    expect(await a.practice?.userLogsIn('Produzione', 'lbianchi')).toEqual({ admitted: false, status: 503 });
    expect(await b.practice?.userLogsIn('Produzione', 'lbianchi')).toEqual({ admitted: true, status: 200 });
    expect((await a.databases.connectedUsers(produzione))?.map((u) => u.user).sort()).toEqual([
      'lbianchi',
      'mrossi',
    ]);
    expect(await b.practice?.logOffAllUsers()).toBe(2);
    expect(await a.databases.connectedUsers(produzione)).toEqual([]);
  });
});

describe('a farm server is refused unless its farm lists it', () => {
  const editFarm = async (change: (farm: FarmFile) => void) => {
    const file = path.join(farmDir, 'practice-farm.json');
    const farm = await readJson(file, farmFileSchema);
    change(farm);
    await writeJsonAtomic(file, farm);
  };

  it('without practice-farm.json one folder up', async () => {
    await initPracticeFarm(farmDir, { servers: 2 });
    await rm(path.join(farmDir, 'practice-farm.json'));
    const refused = await refusal(openPracticeHost(member('CRM-APP02')));
    expect(refused).toMatchObject({
      key: 'practice-farm.farm-missing',
      params: { dir: member('CRM-APP02') },
    });
    expect(() => paths(member('CRM-APP02')).instance).toThrow(UpgradeError);
    // A server moved out of its farm, on its own: refused too, its SQL Server is nowhere.
    await cp(member('CRM-APP01'), path.join(work, 'alone'), { recursive: true });
    expect((await refusal(openPracticeHost(path.join(work, 'alone')))).key).toBe(
      'practice-farm.farm-missing',
    );
  });

  it('when the farm does not list its hostname, or it lies in another folder than its name', async () => {
    await initPracticeFarm(farmDir, { servers: 2 });
    await editFarm((farm) => (farm.servers = ['CRM-APP01']));
    const refused = await refusal(openPracticeHost(member('CRM-APP02')));
    expect(refused).toMatchObject({
      key: 'practice-farm.member-unlisted',
      params: { hostname: 'CRM-APP02', servers: 'CRM-APP01' },
    });
    expect(translator('it')(refused)).toContain('CRM-APP02');
    await openPracticeHost(member('CRM-APP01'));
    // A copy of a listed server under another name is not that server.
    await cp(member('CRM-APP01'), member('CRM-APP07'), { recursive: true });
    expect((await refusal(openPracticeHost(member('CRM-APP07')))).key).toBe('practice-farm.member-unlisted');
  });

  it('a farm file naming a path instead of a hostname is not a farm', async () => {
    await initPracticeFarm(farmDir, { servers: 1 });
    await writeFile(
      path.join(farmDir, 'practice-farm.json'),
      JSON.stringify({ format: 1, kind: 'crm-practice-farm', servers: ['../CRM-APP01'], sqlServer: 'X' }),
    );
    expect((await refusal(openPracticeHost(member('CRM-APP01')))).key).toBe('practice-farm.farm-missing');
  });

  it('a listed server whose folder is gone is named when B looks at the sessions', async () => {
    await initPracticeFarm(farmDir, { servers: 2 });
    const b = await openPracticeHost(member('CRM-APP02'));
    await rm(member('CRM-APP01'), { recursive: true });
    expect(await refusal(b.databases.sqlSessions(produzione))).toMatchObject({
      key: 'practice-farm.member-missing',
      params: { dir: member('CRM-APP01') },
    });
  });

  it('a normal practice server beside a farm folder is not a farm server', async () => {
    await initPracticeFarm(farmDir, { servers: 1 });
    await initPracticeServer(path.join(work, 'alone'));
    const alone = await openPracticeHost(path.join(work, 'alone'));
    expect(paths(path.join(work, 'alone')).instance).toBe(path.join(work, 'alone', 'sql', 'instance.json'));
    const own = { ...produzione, server: '.\\SQLEXPRESS' };
    expect((await alone.databases.sqlSessions(own)).groups.map((g) => g.host)).toEqual(['CRM-APP01']);
    expect((await refusal(alone.databases.sqlSessions(produzione))).key).toBe('sql.connect-failed');
  });
});

describe("the farm's SQL paths stay inside the farm folder", () => {
  const editInstance = async (change: (inst: InstanceFile) => void) => {
    const file = path.join(farmDir, 'sql', 'instance.json');
    const inst = await readJson(file, instanceFileSchema);
    change(inst);
    await writeJsonAtomic(file, inst);
  };

  it('a dataDir or backupDir leading out of the farm is refused, one inside it (even in a member) is not', async () => {
    await initPracticeFarm(farmDir, { servers: 2 });
    const outside = path.join(work, 'real');
    await mkdir(outside);
    await writeFile(
      path.join(outside, 'CRM_PROD.json'),
      await readFile(path.join(farmDir, 'sql/DATA/CRM_PROD.json')),
    );
    const b = await openPracticeHost(member('CRM-APP02'));
    for (const dataDir of ['../real', 'sql/../../real', outside, 'C:\\real']) {
      await editInstance((inst) => (inst.dataDir = dataDir));
      expect(await refusal(b.databases.schemaVersion(produzione))).toMatchObject({
        key: 'practice-edition.path-outside',
        params: { path: dataDir, root: farmDir },
      });
    }
    await editInstance((inst) => (inst.dataDir = 'sql/DATA'));
    await editInstance((inst) => (inst.backupDir = '../real'));
    expect((await refusal(b.databases.backup(produzione, noProgress))).key).toBe(
      'practice-edition.path-outside',
    );
    expect(await readdir(outside)).toEqual(['CRM_PROD.json']);
    // Inside the farm, even in a member's folder, is the farm's own.
    await editInstance((inst) => (inst.backupDir = 'CRM-APP01/C/SqlBackup'));
    await mkdir(path.join(member('CRM-APP01'), 'C', 'SqlBackup'));
    const backup = await b.databases.backup(produzione, noProgress);
    expect(path.dirname(backup.path)).toBe(path.join(member('CRM-APP01'), 'C', 'SqlBackup'));
  });

  it('a data folder that is a link out of the farm is refused', async () => {
    await initPracticeFarm(farmDir, { servers: 1 });
    const outside = path.join(work, 'real');
    await cp(path.join(farmDir, 'sql', 'DATA'), outside, { recursive: true });
    await rm(path.join(farmDir, 'sql', 'DATA'), { recursive: true });
    await symlink(outside, path.join(farmDir, 'sql', 'DATA'));
    const a = await openPracticeHost(member('CRM-APP01'));
    expect((await refusal(a.databases.schemaVersion(produzione))).key).toBe('practice-edition.path-link');
  });
});
