import { describe, expect, it, vi } from 'vitest';
import { TdsTestServer, useTdsServer } from '../../../testing/tds';
import { backupRecordReply } from '../../../testing/sql-replies';
import type { CrmConnection } from '../../../core/ports';
import { databaseBackup } from '../../../core/steps/backup';
import type { StepContext } from '../../../core/run/context';
import { farmContext } from '../../../core/farm/farm-session';
import { windowsDatabases } from './databases';
import { backupStatement } from './statements';

/** A server alone (a farm of one), with no ledger on any kit: the backup step takes its own. */
const ALONE = {
  farm: farmContext('/nonexistent-kit', '7.8.5.13100517_x64', 'CRM-APP01'),
  discovery: { hostname: 'CRM-APP01', connections: [] },
  kitVersion: null,
};

// The real mssql driver, over a real socket, against the TDS test server: what a SQL Server would be sent.
const LOGIN = { user: 'crm_app', password: 'Pr4tica!' };
const server = useTdsServer({ logins: [LOGIN] });

const connection = (database = 'CRM_PROD', extra = ''): CrmConnection => ({
  name: 'Produzione',
  server: `127.0.0.1,${server.port}`,
  database,
  connectionString: `Data Source=127.0.0.1,${server.port};Initial Catalog=${database};User ID=${LOGIN.user};Password=${LOGIN.password};Encrypt=false${extra}`,
});

const QUERIES = {
  connectedUsersQuery:
    'SELECT UserName AS [user], HostName AS host, LoginTime AS since, LastActivity AS lastActivity FROM dbo.UtentiConnessi',
  sessionTimeoutMinutes: 20,
  databaseVersionQuery:
    'SELECT TOP (1) Versione AS version FROM dbo.VersioneDatabase ORDER BY DataAggiornamento DESC',
};

function scriptServerBasics(
  edition = 'Express Edition (64-bit)',
  engineEdition = 4,
  backupPath: string | null = 'E:\\SQLBackup',
) {
  server.on(/InstanceDefaultBackupPath/, {
    results: [{ columns: [{ name: 'dir', type: 'nvarchar' }], rows: [[backupPath]] }],
  });
  server.on(/xp_instance_regread/, {
    results: [{ columns: [{ name: 'dir', type: 'nvarchar' }], rows: [['D:\\Registry\\Backup']] }],
  });
  server.on(/SERVERPROPERTY\('EngineEdition'\)/, {
    results: [
      {
        columns: [
          { name: 'engineEdition', type: 'int' },
          { name: 'edition', type: 'nvarchar' },
        ],
        rows: [[engineEdition, edition]],
      },
    ],
  });
  server.on(/VersioneDatabase/, {
    results: [{ columns: [{ name: 'version', type: 'nvarchar' }], rows: [['7.8.4.13050210_x64']] }],
  });
  server.on(/msdb\.dbo\.backupset/, backupRecordReply(1, 52_428_800, 12_582_912));
}

const progressInfo = (percents: number[], delayMs = 5) =>
  percents.map((p) => ({ number: 3211, message: `${p} percent processed.`, delayMs }));

const PERMISSION_COLUMNS = [
  'sysadmin',
  'dbOwner',
  'backupOperator',
  'viewServerState',
  'createDatabase',
  'dbcreator',
  'ownsDatabase',
] as const;
const permissionRows = (login: string, row: number[]) => ({
  results: [
    {
      columns: [
        { name: 'login', type: 'nvarchar' as const },
        ...PERMISSION_COLUMNS.map((name) => ({ name, type: 'int' as const })),
      ],
      rows: [[login, ...row]],
    },
  ],
});

describe('permissions', () => {
  it.each([
    [[1, 0, 0, 1, 1, 0, 0], { sysadmin: true, viewServerState: true, createDatabase: true }],
    [[0, 1, 0, 0, 0, 0, 0], { dbOwner: true }],
    [[0, 0, 1, 1, 0, 0, 0], { backupOperator: true, viewServerState: true }],
    [[0, 1, 0, 0, 1, 1, 0], { dbOwner: true, createDatabase: true, dbcreator: true }],
    [[0, 1, 0, 0, 0, 0, 1], { dbOwner: true, ownsDatabase: true }],
    [[0, 0, 0, 0, 0, 0, 0], {}],
  ])('%j', async (row, granted) => {
    server.on(/IS_SRVROLEMEMBER/, permissionRows('AZIENDA\\crm', row));
    const db = windowsDatabases({});
    try {
      const none = Object.fromEntries(PERMISSION_COLUMNS.map((k) => [k, false]));
      expect(await db.permissions(connection())).toEqual({ login: 'AZIENDA\\crm', ...none, ...granted });
      // Asked in the CRM's database, where IS_ROLEMEMBER and DB_ID() mean something.
      const request = await server.waitForRequest(/IS_SRVROLEMEMBER/);
      expect(request.database).toBe('CRM_PROD');
      expect(request.sql).toContain("IS_SRVROLEMEMBER('dbcreator')");
      expect(request.sql).toContain('owner_sid = SUSER_SID()');
    } finally {
      await db.close();
    }
  });
});

describe('sessions', () => {
  it('groups by host, program and login, excludes ours by name, and is trusted only with VIEW SERVER STATE', async () => {
    const perms = (view: number) => permissionRows('crm_app', [0, 1, 0, view, 1, 0, 1]);
    server.on(/IS_SRVROLEMEMBER/, perms(1));
    server.on(/dm_exec_sessions/, {
      results: [
        {
          columns: [
            { name: 'host', type: 'nvarchar' },
            { name: 'program', type: 'nvarchar' },
            { name: 'login', type: 'nvarchar' },
            { name: 'sessions', type: 'int' },
            { name: 'sleeping', type: 'int' },
          ],
          rows: [
            ['CRM-APP01', '.Net SqlClient Data Provider', 'crm_app', 6, 6],
            ['PC-DBA', 'Microsoft SQL Server Management Studio - Query', 'AZIENDA\\dba', 1, 0],
          ],
        },
      ],
    });
    const db = windowsDatabases({});
    try {
      const result = await db.sqlSessions(connection("CRM ]prod'"));
      expect(result.trusted).toBe(true);
      expect(result.groups).toEqual([
        {
          host: 'CRM-APP01',
          program: '.Net SqlClient Data Provider',
          login: 'crm_app',
          sessions: 6,
          sleeping: 6,
        },
        {
          host: 'PC-DBA',
          program: 'Microsoft SQL Server Management Studio - Query',
          login: 'AZIENDA\\dba',
          sessions: 1,
          sleeping: 0,
        },
      ]);
      const request = await server.waitForRequest(/dm_exec_sessions/);
      expect(request.params.database).toMatchObject({ value: "CRM ]prod'" });
      expect(request.params.ourProgram).toMatchObject({ value: 'CRM Upgrade Manager' });
      expect(request.appName).toBe('CRM Upgrade Manager');
      server.on(/IS_SRVROLEMEMBER/, perms(0));
      expect((await db.sqlSessions(connection("CRM ]prod'"))).trusted).toBe(false);
    } finally {
      await db.close();
    }
  });

  it("leaves out the CRM's stale connected-user rows (older than the session timeout)", async () => {
    const now = new Date('2026-11-24T22:00:00Z');
    server.on(/UtentiConnessi/, {
      results: [
        {
          columns: [
            { name: 'user', type: 'nvarchar' },
            { name: 'host', type: 'nvarchar' },
            { name: 'since', type: 'datetime2' },
            { name: 'lastActivity', type: 'datetime2' },
          ],
          rows: [
            ['mrossi', 'PC-VENDITE-03', new Date('2026-11-24T21:30:00Z'), new Date('2026-11-24T21:55:00Z')],
            ['lbianchi', 'PC-AMM-01', new Date('2026-11-24T08:00:00Z'), new Date('2026-11-24T09:00:00Z')],
          ],
        },
      ],
    });
    const db = windowsDatabases({ queries: QUERIES, now: () => now });
    try {
      expect(await db.connectedUsers(connection())).toEqual([
        { user: 'mrossi', host: 'PC-VENDITE-03', since: '2026-11-24T21:30:00.000Z' },
      ]);
    } finally {
      await db.close();
    }
  });
});

describe('backup', () => {
  it('backs up to a unique file in the default folder, COPY_ONLY with CHECKSUM, progress from message 3211', async () => {
    scriptServerBasics();
    server.on(/BACKUP DATABASE/, {
      info: [
        ...progressInfo([5, 10, 55, 100]),
        { number: 3014, message: 'BACKUP DATABASE successfully processed 6402 pages in 0.5 seconds.' },
      ],
    });
    const db = windowsDatabases({ queries: QUERIES, now: () => new Date('2026-11-24T22:10:00Z') });
    const percents: number[] = [];
    try {
      const backup = await db.backup(connection('we]ird \'db"'), (p) => percents.push(p));
      const request = await server.waitForRequest(/BACKUP DATABASE/);
      expect(request.sql).toBe(backupStatement(false)); // Express: no COMPRESSION
      expect(request.params.database?.value).toBe('we]ird \'db"');
      expect(request.params.path?.value).toBe(backup.path);
      expect(backup.path).toMatch(/^E:\\SQLBackup\\we_ird__db__20261124_221000_crm-upgrade\.bak$/);
      expect(backup).toMatchObject({
        position: 1,
        bytes: 12_582_912,
        schemaVersion: '7.8.4.13050210_x64',
        sha256: '',
      });
      expect(percents).toEqual([5, 10, 55, 100, 100]);
      expect(server.attentions).toBe(0);
    } finally {
      await db.close();
    }
  });

  it('adds COMPRESSION on an edition that has it, and falls back to the registry folder before SQL Server 2019', async () => {
    scriptServerBasics('Standard Edition (64-bit)', 2, null);
    server.on(/BACKUP DATABASE/, { info: progressInfo([100]) });
    const db = windowsDatabases({ queries: QUERIES });
    try {
      const backup = await db.backup(connection(), () => undefined);
      expect((await server.waitForRequest(/BACKUP DATABASE/)).sql).toBe(backupStatement(true));
      expect(backup.path.startsWith('D:\\Registry\\Backup\\CRM_PROD_')).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('a slow backup outlives any driver timeout and is never cancelled', async () => {
    scriptServerBasics();
    // The connection's own timeout is 150 ms; the backup is silent for 600 ms before its first message.
    server.on(/BACKUP DATABASE/, {
      info: [
        { number: 3211, message: '50 percent processed.', delayMs: 600 },
        { number: 3211, message: '100 percent processed.', delayMs: 300 },
      ],
    });
    server.on(/SlowView/, { info: [{ number: 0, message: 'slow', delayMs: 600 }] });
    const db = windowsDatabases({ queries: QUERIES });
    // The driver's timers and the server's pauses run on a fake clock, moved on only once the
    // statement is at the server: on a loaded machine, the quick queries before it cannot time out.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const c = connection('CRM_PROD', ';Request Timeout=150');
      // The same timeout does cancel an ordinary query: it is really in force.
      const waitfor = db.queryValue(c, 'SELECT Valore FROM dbo.SlowView').then(
        () => null,
        (err: unknown) => err,
      );
      await server.waitForRequest(/SlowView/);
      await vi.advanceTimersByTimeAsync(200);
      while (server.attentions === 0) await new Promise((r) => setImmediate(r));
      await vi.advanceTimersByTimeAsync(10_000);
      expect(await waitfor).toBeInstanceOf(Error);
      expect(server.attentions).toBe(1);

      const backup = db.backup(c, () => undefined);
      await server.waitForRequest(/BACKUP DATABASE/);
      await vi.advanceTimersByTimeAsync(10_000);
      expect((await backup).position).toBe(1);
      expect(server.attentions).toBe(1);
    } finally {
      vi.useRealTimers();
      await db.close();
    }
  });

  it('3201 then 3013: every message kept, the service account named, and the step records no backup', async () => {
    scriptServerBasics();
    server.on(/BACKUP DATABASE/, {
      errors: [
        {
          number: 3201,
          class: 16,
          message:
            "Cannot open backup device 'E:\\SQLBackup\\x.bak'. Operating system error 5(Access is denied.).",
        },
        { number: 3013, class: 16, message: 'BACKUP DATABASE is terminating abnormally.' },
      ],
    });
    const db = windowsDatabases({ queries: QUERIES });
    try {
      const recorded: unknown[] = [];
      const c = connection();
      const ctx = {
        host: { databases: db },
        ...ALONE,
        recordArtifact: async (a: unknown) => void recorded.push(a),
        progress: () => undefined,
        log: () => undefined,
      } as unknown as StepContext;
      const outcome = await databaseBackup(c).run(ctx);
      expect(outcome).toMatchObject({
        status: 'failed',
        finding: { key: 'sql.backup-access-denied' },
        remedy: { key: 'sql.backup-access-denied.remedy' },
      });
      expect(recorded).toEqual([]);
      await expect(db.backup(c, () => undefined)).rejects.toMatchObject({
        detail: expect.stringMatching(/3201: .*Access is denied.*\| 3013: /),
      });
    } finally {
      await db.close();
    }
  });

  it('a login refused, a closed port and a server that hangs up mid-backup each say so, and record nothing', async () => {
    scriptServerBasics();
    const db = windowsDatabases({ queries: QUERIES });
    try {
      const wrong = {
        ...connection(),
        connectionString: connection().connectionString.replace('Pr4tica!', 'sbagliata'),
      };
      await expect(db.permissions(wrong)).rejects.toMatchObject({ message_: { key: 'sql.login-failed' } });

      const closed = await TdsTestServer.start();
      const port = closed.port;
      await closed.close();
      const refused = {
        ...connection(),
        connectionString: connection().connectionString.replace(`,${server.port}`, `,${port}`),
      };
      await expect(windowsDatabases({}).permissions(refused)).rejects.toMatchObject({
        message_: { key: 'sql.connect-failed' },
      });

      server.on(/BACKUP DATABASE/, { info: progressInfo([5, 10]), closeConnection: true });
      const recorded: unknown[] = [];
      const ctx = {
        host: { databases: db },
        ...ALONE,
        recordArtifact: async (a: unknown) => void recorded.push(a),
        progress: () => undefined,
        log: () => undefined,
      } as unknown as StepContext;
      const outcome = await databaseBackup(connection()).run(ctx);
      expect(outcome).toMatchObject({ status: 'failed', finding: { key: 'sql.connection-lost' } });
      expect(recorded).toEqual([]);
    } finally {
      await db.close();
    }
  });
});

describe('verify (the restore: databases-restore.test.ts)', () => {
  const backup = (database = 'CRM_PROD') => ({
    connection: 'Produzione',
    database,
    schemaVersion: 'v',
    path: 'E:\\SQLBackup\\x.bak',
    bytes: 1,
    sha256: '',
    position: 2,
    durationMs: 1,
  });

  it('RESTORE VERIFYONLY with CHECKSUM on the right backup set, with progress', async () => {
    server.on(/RESTORE VERIFYONLY/, {
      info: [...progressInfo([10, 100]), { number: 3262, message: 'The backup set on file 1 is valid.' }],
    });
    const db = windowsDatabases({});
    const percents: number[] = [];
    try {
      await db.verify(connection(), backup(), (p) => percents.push(p));
      const request = await server.waitForRequest(/RESTORE VERIFYONLY/);
      expect(request.sql).toBe(
        'RESTORE VERIFYONLY FROM DISK = @path WITH FILE = @position, CHECKSUM, STATS = 10',
      );
      expect(request.params).toMatchObject({
        path: { value: 'E:\\SQLBackup\\x.bak' },
        position: { value: 2 },
      });
      expect(percents).toEqual([10, 100, 100]);
    } finally {
      await db.close();
    }
  });

  it('refuses a database name it cannot quote before sending anything', async () => {
    const db = windowsDatabases({});
    try {
      await expect(
        db.restore(connection('bad\nname'), backup('bad\nname'), () => undefined),
      ).rejects.toMatchObject({ message_: { key: 'sql.database-name-invalid' } });
      expect(server.requests).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
