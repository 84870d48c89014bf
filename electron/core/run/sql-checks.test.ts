import path from 'node:path';
import { expect, it } from 'vitest';
import type { Step } from '../../shared/plan';
import {
  databaseFileSchema,
  instanceFileSchema,
  paths,
  readJson,
  writeJsonAtomic,
} from '../../host/practice/layout';
import { type AppSession, openSession } from '../session';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { closeAfterEach } from '../../testing/session-harness';
import { discover } from '../discovery';
import { loadProfile } from '../profile';
import { sourceResourcesDir } from '../resources';

const PROFILE = path.join(sourceResourcesDir(), 'profiles', 'crm.json');

let fx: PracticeFixture | undefined;
let session: AppSession | undefined;
closeAfterEach(() => [session, fx]);

const byId = (steps: readonly Step[], id: string) => steps.find((s) => s.id === id);
const ALL = {
  login: 'crm_app',
  sysadmin: false,
  dbOwner: true,
  backupOperator: false,
  viewServerState: true,
  createDatabase: true,
  dbcreator: false,
  ownsDatabase: true,
};

async function checks(setUp: (fx: PracticeFixture) => Promise<void>): Promise<Step[]> {
  fx = await practiceFixture();
  await fx.host.practice?.logOffAllUsers();
  await setUp(fx);
  session = await openSession({ host: fx.host, kitDir: fx.kitDir, readOnly: true });
  return session.runChecks();
}

async function setPermissions(f: PracticeFixture, permissions: typeof ALL) {
  const file = paths(f.serverDir).instance;
  await writeJsonAtomic(file, { ...(await readJson(file, instanceFileSchema)), permissions });
}

it("the CRM pool's own sleeping connections are not people", async () => {
  const steps = await checks(async () => undefined);
  expect(byId(steps, 'check.users')).toMatchObject({
    status: 'passed',
    evidence: { 'Produzione.crmPoolSessions': 3 },
  });
  expect(byId(steps, 'check.sql-permissions:Produzione')?.status).toBe('passed');
});

it('someone connected with SSMS from another host blocks, named by login, host and program', async () => {
  const steps = await checks(async (f) => {
    const file = path.join(
      paths(f.serverDir).resolve('C/Program Files/Microsoft SQL Server/MSSQL16.SQLEXPRESS/MSSQL/DATA'),
      'CRM_FORMAZIONE.json',
    );
    const db = await readJson(file, databaseFileSchema);
    await writeJsonAtomic(file, {
      ...db,
      otherSessions: [
        {
          host: 'PC-DBA',
          program: 'Microsoft SQL Server Management Studio',
          login: 'DOMINIO\\dba',
          sessions: 2,
          sleeping: 1,
        },
      ],
    });
  });
  expect(byId(steps, 'check.users')).toMatchObject({
    status: 'failed',
    finding: { key: 'check.users.finding', params: { count: 1 } },
  });
  expect(String(byId(steps, 'check.users')?.finding?.params?.users)).toContain('DOMINIO\\dba@PC-DBA');
});

it('a login that cannot back up blocks, naming the right and the remedy', async () => {
  const steps = await checks((f) => setPermissions(f, { ...ALL, dbOwner: false }));
  expect(byId(steps, 'check.sql-permissions:Produzione')).toMatchObject({
    status: 'failed',
    finding: { key: 'check.sql-permissions.backup.finding', params: { database: 'CRM_PROD' } },
    remedy: { key: 'check.sql-permissions.backup.remedy' },
  });
});

it('a login that cannot verify (no CREATE DATABASE) blocks; db_backupoperator is enough to back up', async () => {
  const steps = await checks((f) =>
    setPermissions(f, { ...ALL, dbOwner: false, backupOperator: true, createDatabase: false }),
  );
  expect(byId(steps, 'check.sql-permissions:Formazione')).toMatchObject({
    status: 'failed',
    finding: { key: 'check.sql-permissions.verify.finding' },
  });
});

it('without VIEW SERVER STATE the session count is not trusted, and both checks say so', async () => {
  const steps = await checks((f) => setPermissions(f, { ...ALL, viewServerState: false }));
  expect(byId(steps, 'check.sql-permissions:Produzione')).toMatchObject({
    status: 'warning',
    finding: { key: 'check.sql-permissions.view-state.finding' },
  });
  expect(byId(steps, 'check.users')).toMatchObject({
    status: 'warning',
    finding: { key: 'check.users.untrusted.finding' },
  });
});

it('db_owner with CREATE DATABASE but neither dbcreator nor the ownership blocks before any backup, naming the restore right', async () => {
  const steps = await checks((f) => setPermissions(f, { ...ALL, ownsDatabase: false }));
  expect(byId(steps, 'check.sql-permissions:Produzione')).toMatchObject({
    status: 'failed',
    finding: {
      key: 'check.sql-permissions.restore.finding',
      params: { login: 'crm_app', database: 'CRM_PROD', connection: 'Produzione' },
    },
    remedy: { key: 'check.sql-permissions.restore.remedy' },
  });
  // dbcreator is the other way to the right.
  const dbcreator = await checks((f) => setPermissions(f, { ...ALL, ownsDatabase: false, dbcreator: true }));
  expect(byId(dbcreator, 'check.sql-permissions:Produzione')?.status).toBe('passed');
});

it('the practice SQL Server refuses a restore, a backup and a verify as SQL Server would, for want of the right', async () => {
  fx = await practiceFixture();
  const { connections } = await discover(fx.host, await loadProfile(PROFILE));
  const produzione = connections.find((x) => x.name === 'Produzione');
  if (!produzione) throw new Error('the practice server has the Produzione connection');
  const backup = await fx.host.databases.backup(produzione, () => undefined);
  await setPermissions(fx, { ...ALL, ownsDatabase: false });
  await expect(fx.host.databases.restore(produzione, backup, () => undefined)).rejects.toMatchObject({
    message_: {
      key: 'sql.restore-permission-denied',
      params: { database: 'CRM_PROD', errors: expect.stringMatching(/^3110: .*\| 3013: /) },
    },
  });
  await setPermissions(fx, { ...ALL, dbOwner: false });
  await expect(fx.host.databases.backup(produzione, () => undefined)).rejects.toMatchObject({
    message_: { key: 'sql.backup-permission-denied' },
  });
  await setPermissions(fx, { ...ALL, createDatabase: false });
  await expect(fx.host.databases.verify(produzione, backup, () => undefined)).rejects.toMatchObject({
    message_: { key: 'sql.verify-permission-denied' },
  });
  // With the right, the same restore goes through.
  await setPermissions(fx, { ...ALL, dbcreator: true, ownsDatabase: false });
  await fx.host.databases.restore(produzione, backup, () => undefined);
});

it('a host that cannot read "Elenco Utenti Connessi" (no query in the profile) warns, never says nobody', async () => {
  fx = await practiceFixture();
  await fx.host.practice?.logOffAllUsers();
  const host = fx.host;
  const blind = { ...host, databases: { ...host.databases, connectedUsers: () => Promise.resolve(null) } };
  session = await openSession({ host: blind, kitDir: fx.kitDir, readOnly: true });
  const steps = await session.runChecks();
  expect(byId(steps, 'check.users')).toMatchObject({
    status: 'warning',
    finding: { key: 'check.users.unlisted.finding', params: { connections: 'Produzione, Formazione' } },
    remedy: { key: 'check.users.unlisted.remedy' },
    evidence: { Produzione: 'unknown', Formazione: 'unknown' },
  });
});
