import sql from 'mssql';
import { afterEach, describe, expect, it } from 'vitest';
import { type TdsDatabaseState, type TdsReply, type TdsRequest, useTdsServer } from '../../../testing/tds';
import type { CrmConnection, DatabaseBackup } from '../../../core/ports';
import { en } from '../../../shared/i18n/en';
import { it as itCatalogue } from '../../../shared/i18n/it';
import { remedyOf } from '../../../shared/i18n';
import { UpgradeError } from '../../../shared/message';
import { windowsDatabases } from './databases';
import { RESTORE_DATABASE } from './statements';

// The rollback of a database through the real mssql driver against the TDS test server, which
// holds the database's state (ONLINE, OFFLINE, RESTORING, single-user) as SQL Server would.
const LOGIN = { user: 'crm_app', password: 'Pr4tica!' };
const NAME = 'CRM_PROD';
const server = useTdsServer({ logins: [LOGIN] });

const connection = (): CrmConnection => ({
  name: 'Produzione',
  server: `127.0.0.1,${server.port}`,
  database: NAME,
  connectionString: `Data Source=127.0.0.1,${server.port};Initial Catalog=${NAME};User ID=${LOGIN.user};Password=${LOGIN.password};Encrypt=false`,
});

const backup: DatabaseBackup = {
  connection: 'Produzione',
  database: NAME,
  schemaVersion: 'v',
  path: 'E:\\SQLBackup\\CRM_PROD_20261124_221000_crm-upgrade.bak',
  bytes: 1,
  sha256: '',
  position: 1,
  durationMs: 1,
};

/** Another client of the same SQL Server (SSMS, SQL Agent, a CRM service): its own connection. */
const others: sql.ConnectionPool[] = [];
async function otherClient(): Promise<sql.ConnectionPool> {
  const pool = new sql.ConnectionPool({
    server: '127.0.0.1',
    port: server.port,
    user: LOGIN.user,
    password: LOGIN.password,
    database: 'master',
    connectionTimeout: 15_000,
    requestTimeout: 15_000,
    pool: { min: 0, max: 1 },
    options: {
      encrypt: false,
      trustServerCertificate: true,
      appName: 'Microsoft SQL Server Management Studio',
    },
  });
  others.push(pool);
  await pool.connect();
  return pool;
}
afterEach(async () => {
  await Promise.all(others.splice(0).map((p) => p.close().catch(() => undefined)));
});

/** What a client trying to open the database gets: 'in', or SQL Server's error number. */
const tryToEnter = (pool: sql.ConnectionPool) =>
  pool
    .request()
    .batch(`USE [${NAME}]`)
    .then(
      () => 'in' as const,
      (err: { number?: number }) => err.number ?? 0,
    );

const error = (number: number, message: string) => ({ number, class: 16, message });
const E3013 = error(3013, 'RESTORE DATABASE is terminating abnormally.');

interface Script {
  /** What the login may do: sysadmin, dbcreator, ownsDatabase (default: dbcreator). */
  rights?: [number, number, number];
  /** Runs between taking the database away and the RESTORE (another client's move). */
  between?: () => Promise<unknown>;
  /** The RESTORE's answer when it gets exclusive access; its state after (default ONLINE). */
  restore?: TdsReply & { leaves?: Partial<TdsDatabaseState> };
}

/** ALTER DATABASE … WITH ROLLBACK IMMEDIATE: the database's other sessions are dropped, then its state changes. */
async function takeAway(req: TdsRequest, script: Script): Promise<void> {
  await server.dropSessionsIn(NAME, req.connectionId);
  server.setDatabaseState(
    NAME,
    /SET OFFLINE/.test(req.sql) ? { state: 'OFFLINE' } : { access: 'SINGLE_USER' },
  );
  await script.between?.();
}

/** RESTORE needs the database to itself: anyone else in it is 3101 (then 3013). */
function restoreAnswer(req: TdsRequest, script: Script): TdsReply {
  if (server.sessionsIn(NAME).some((id) => id !== req.connectionId))
    return {
      errors: [error(3101, 'Exclusive access could not be obtained because the database is in use.'), E3013],
    };
  const { leaves, ...reply } = script.restore ?? {
    info: [{ number: 3211, message: '100 percent processed.' }],
  };
  // A restore that fails before it begins leaves the database as it was taken: OFFLINE.
  const before = reply.errors ? server.databaseState(NAME) : { state: 'ONLINE' as const };
  server.setDatabaseState(NAME, { ...before, access: 'MULTI_USER', ...leaves });
  return reply;
}

/** The SQL Server of these tests: sys.databases from the server's state, and the restore's statements. */
function scriptSqlServer(script: Script = {}): void {
  const [sysadmin, dbcreator, ownsDatabase] = script.rights ?? [0, 1, 0];
  const rights = { login: LOGIN.user, sysadmin, dbOwner: 1, backupOperator: 0, viewServerState: 1 };
  const all = { ...rights, createDatabase: 1, dbcreator, ownsDatabase };
  server.on(/IS_SRVROLEMEMBER/, {
    results: [
      {
        columns: Object.keys(all).map((name) => ({
          name,
          type: name === 'login' ? ('nvarchar' as const) : ('int' as const),
        })),
        rows: [Object.values(all)],
      },
    ],
  });
  server.on(/state_desc/, (req) => {
    const { state, access } = server.databaseState(String(req.params.database?.value));
    const columns = [
      { name: 'state', type: 'nvarchar' as const },
      { name: 'access', type: 'nvarchar' as const },
    ];
    return { results: [{ columns, rows: [[state, access]] }] };
  });
  server.on(/SET (OFFLINE|SINGLE_USER)/, async (req) => {
    await takeAway(req, script);
    return {};
  });
  server.on(/^RESTORE DATABASE/, (req) => restoreAnswer(req, script));
  server.on(/SET ONLINE/, () => {
    if (server.databaseState(NAME).state === 'RESTORING')
      return {
        errors: [error(5052, 'ALTER DATABASE is not permitted while a database is in the Restoring state.')],
      };
    server.setDatabaseState(NAME, { state: 'ONLINE' });
    return {};
  });
  // The batch the restore used to send (SINGLE_USER; TRY RESTORE CATCH MULTI_USER, THROW), as SQL
  // Server runs it: only the TRY block's last error, 3013, reaches CATCH, and THROW raises it alone.
  server.on(/BEGIN CATCH/, async (req) => {
    await takeAway(req, script);
    const answer = restoreAnswer(req, script);
    server.setDatabaseState(NAME, { access: 'MULTI_USER' });
    const last = answer.errors?.at(-1);
    return { ...answer, errors: last ? [last] : [] };
  });
}

async function restoreFails(): Promise<UpgradeError> {
  const db = windowsDatabases({});
  try {
    await db.restore(connection(), backup, () => undefined);
  } catch (err) {
    if (err instanceof UpgradeError) return err;
    throw err;
  } finally {
    await db.close();
  }
  throw new Error('expected the restore to fail');
}

const restoreRequests = () => {
  const restorer = server.requests.find((r) => /^RESTORE DATABASE/.test(r.sql))?.connectionId;
  return server.requests.filter((r) => r.connectionId === restorer);
};

describe('restore', () => {
  it('every statement on one connection to master, in order, no TRY/CATCH: OFFLINE, RESTORE, ONLINE', async () => {
    scriptSqlServer();
    const db = windowsDatabases({});
    const percents: number[] = [];
    try {
      await db.restore(connection(), backup, (p) => percents.push(p));
    } finally {
      await db.close();
    }
    const sent = restoreRequests();
    expect(sent.map((r) => r.sql)).toEqual([
      'SELECT state_desc AS state, user_access_desc AS access FROM sys.databases WHERE name = @database',
      'ALTER DATABASE [CRM_PROD] SET OFFLINE WITH ROLLBACK IMMEDIATE',
      RESTORE_DATABASE,
      'ALTER DATABASE [CRM_PROD] SET ONLINE',
      'SELECT state_desc AS state, user_access_desc AS access FROM sys.databases WHERE name = @database',
    ]);
    expect(new Set(sent.map((r) => r.database))).toEqual(new Set(['master']));
    expect(sent[2]?.params).toMatchObject({
      database: { value: NAME },
      path: { value: backup.path },
      position: { value: 1 },
    });
    expect(server.requests.some((r) => /BEGIN TRY|SINGLE_USER/.test(r.sql))).toBe(false);
    expect(percents.at(-1)).toBe(100);
    expect(server.databaseState(NAME)).toEqual({ state: 'ONLINE', access: 'MULTI_USER' });
  });

  it('an unreadable .bak with SSMS holding a connection: SSMS is put out, every error reaches the admin, the database is back online', async () => {
    const ssms = await otherClient();
    expect(await tryToEnter(ssms)).toBe('in');
    let ssmsAgain: number | 'in' | undefined;
    scriptSqlServer({
      // SSMS reconnects (Object Explorer does) before the RESTORE starts.
      between: async () => (ssmsAgain = await tryToEnter(ssms)),
      restore: {
        errors: [
          error(
            3201,
            `Cannot open backup device '${backup.path}'. Operating system error 5(Access is denied.).`,
          ),
          E3013,
        ],
      },
    });
    const err = await restoreFails();
    expect(ssmsAgain).toBe(942);
    expect(err.message_).toMatchObject({
      key: 'sql.backup-file-unreadable',
      params: { database: NAME, path: backup.path },
    });
    expect(String(err.message_.params?.errors)).toMatch(
      /^3201: Cannot open backup device .*\| 3013: RESTORE DATABASE/,
    );
    expect(remedyOf(err.message_)?.key).toBe('sql.backup-file-unreadable.remedy');
    // SET ONLINE ran in the finally, on the same connection: the database is as it was.
    expect(restoreRequests().map((r) => r.sql)).toContain('ALTER DATABASE [CRM_PROD] SET ONLINE');
    expect(server.databaseState(NAME)).toEqual({ state: 'ONLINE', access: 'MULTI_USER' });
  });

  it('a restore that breaks half-way leaves the database RESTORING: said, with every error and what to do', async () => {
    scriptSqlServer({
      restore: {
        leaves: { state: 'RESTORING' },
        info: [{ number: 3211, message: '10 percent processed.' }],
        errors: [
          error(
            3183,
            `RESTORE detected an error on page (1:4242) in database "${NAME}" as it was being restored from the backup set.`,
          ),
          E3013,
        ],
      },
    });
    const err = await restoreFails();
    expect(err.message_.key).toBe('sql.restore-left-restoring');
    expect(String(err.message_.params?.errors)).toMatch(/^3183: RESTORE detected .*\| 3013: /);
    // The finally's own failure is kept too, after the cause.
    expect(err.detail).toMatch(/3183: .*\| 3013: .*then: 5052: ALTER DATABASE is not permitted/);
    const remedy = remedyOf(err.message_);
    expect(remedy?.key).toBe('sql.restore-left-restoring.remedy');
    expect(itCatalogue['sql.restore-left-restoring.remedy']).toMatch(/Riprova[\s\S]*WITH RECOVERY/);
    expect(en['sql.restore-left-restoring.remedy']).toMatch(/Retry[\s\S]*WITH RECOVERY/);
    expect(server.databaseState(NAME).state).toBe('RESTORING');
  });

  it('a client reconnecting between taking the database away and RESTORE cannot take it: OFFLINE, not SINGLE_USER', async () => {
    const agent = await otherClient();
    let agentGot: number | 'in' | undefined;
    scriptSqlServer({ between: async () => (agentGot = await tryToEnter(agent)) });
    const db = windowsDatabases({});
    try {
      await db.restore(connection(), backup, () => undefined);
    } finally {
      await db.close();
    }
    expect(agentGot).toBe(942);
    expect(server.databaseState(NAME)).toEqual({ state: 'ONLINE', access: 'MULTI_USER' });
  });

  it('a retry over a database an earlier attempt left RESTORING restores straight away', async () => {
    server.setDatabaseState(NAME, { state: 'RESTORING' });
    scriptSqlServer();
    const db = windowsDatabases({});
    try {
      await db.restore(connection(), backup, () => undefined);
    } finally {
      await db.close();
    }
    expect(restoreRequests().map((r) => r.sql.split(' ').slice(0, 2).join(' '))).toEqual([
      'SELECT state_desc',
      'RESTORE DATABASE',
      'SELECT state_desc',
    ]);
    expect(server.databaseState(NAME)).toEqual({ state: 'ONLINE', access: 'MULTI_USER' });
  });

  it('restored, but as the backup left it (SINGLE_USER): said, not hidden', async () => {
    scriptSqlServer({
      restore: {
        info: [{ number: 3211, message: '100 percent processed.' }],
        leaves: { access: 'SINGLE_USER' },
      },
    });
    const err = await restoreFails();
    expect(err.message_).toMatchObject({
      key: 'sql.restore-state',
      params: { database: NAME, state: 'ONLINE', access: 'SINGLE_USER' },
    });
  });

  it('a login without the restore right (db_owner alone) is refused before the database is touched', async () => {
    scriptSqlServer({ rights: [0, 0, 0] });
    const err = await restoreFails();
    expect(err.message_).toMatchObject({
      key: 'sql.restore-right-missing',
      params: { login: LOGIN.user, database: NAME, path: backup.path },
    });
    expect(server.requests.some((r) => /ALTER DATABASE|RESTORE DATABASE/.test(r.sql))).toBe(false);
    expect(server.databaseState(NAME)).toEqual({ state: 'ONLINE', access: 'MULTI_USER' });
  });

  it('SQL Server refusing the RESTORE itself (3110): the right named, and the database comes back online', async () => {
    scriptSqlServer({
      restore: {
        errors: [error(3110, `User does not have permission to RESTORE database '${NAME}'.`), E3013],
      },
    });
    const err = await restoreFails();
    expect(err.message_).toMatchObject({ key: 'sql.restore-permission-denied', params: { database: NAME } });
    expect(String(err.message_.params?.errors)).toMatch(/^3110: .*\| 3013: /);
    expect(server.databaseState(NAME)).toEqual({ state: 'ONLINE', access: 'MULTI_USER' });
  });
});
