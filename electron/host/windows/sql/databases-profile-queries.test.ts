import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTdsServer } from '../../../testing/tds';
import { type PracticeFixture, practiceFixture } from '../../../testing/practice-fixture';
import { closeAfterEach } from '../../../testing/session-harness';
import { practiceStepContext } from '../../../testing/step-context';
import type { CrmConnection } from '../../../core/ports';
import { versionCheck } from '../../../core/steps/checks';
import { windowsDatabases } from './databases';

// The kit's profile names these queries; they run with the admin's rights, over the real driver.
const LOGIN = { user: 'crm_app', password: 'Pr4tica!' };
const server = useTdsServer({ logins: [LOGIN] });

const connection = (): CrmConnection => ({
  name: 'Produzione',
  server: `127.0.0.1,${server.port}`,
  database: 'CRM_PROD',
  connectionString: `Data Source=127.0.0.1,${server.port};Initial Catalog=CRM_PROD;User ID=${LOGIN.user};Password=${LOGIN.password};Encrypt=false`,
});

const VERSION_QUERY = 'SELECT TOP (1) Versione FROM dbo.Sistema';
const versionRow = {
  results: [{ columns: [{ name: 'Versione', type: 'nvarchar' as const }], rows: [['7.8.4.13050210_x64']] }],
};
const sent = () => server.requests.map((r) => [r.kind, r.sql]);

describe("the profile's SQL", () => {
  it('runs inside a transaction that is rolled back, never committed', async () => {
    server.on(/dbo\.Sistema/, versionRow);
    const db = windowsDatabases({});
    try {
      expect(await db.queryValue(connection(), VERSION_QUERY)).toBe('7.8.4.13050210_x64');
      expect(sent()).toEqual([
        ['transaction', 'BEGIN TRANSACTION'],
        ['rpc', VERSION_QUERY],
        ['transaction', 'ROLLBACK TRANSACTION'],
      ]);
      // One connection: the query ran inside the transaction it rolled back.
      expect(new Set(server.requests.map((r) => r.connectionId)).size).toBe(1);
    } finally {
      await db.close();
    }
  });

  it('is rolled back when it fails too, and the failure reaches the admin', async () => {
    server.on(/dbo\.Sistema/, { errors: [{ number: 208, message: "Invalid object name 'dbo.Sistema'." }] });
    const db = windowsDatabases({});
    try {
      await expect(db.queryValue(connection(), VERSION_QUERY)).rejects.toMatchObject({
        message_: { key: 'sql.error', params: { number: 208 } },
      });
      expect(sent().at(-1)).toEqual(['transaction', 'ROLLBACK TRANSACTION']);
    } finally {
      await db.close();
    }
  });

  it("without a connected-users query in the profile, the CRM's users are unknown (null), not nobody, and nothing is sent", async () => {
    const db = windowsDatabases({ queries: { databaseVersionQuery: null } });
    try {
      expect(await db.connectedUsers(connection())).toBeNull();
      expect(sent()).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('the schema version and the connected users run the same way', async () => {
    server.on(/VersioneDatabase/, {
      results: [{ columns: [{ name: 'version', type: 'nvarchar' }], rows: [['7.8.4']] }],
    });
    server.on(/UtentiConnessi/, {
      results: [{ columns: [{ name: 'user', type: 'nvarchar' }], rows: [] }],
    });
    const db = windowsDatabases({
      queries: {
        connectedUsersQuery: 'SELECT UserName AS [user] FROM dbo.UtentiConnessi',
        sessionTimeoutMinutes: 20,
        databaseVersionQuery: 'SELECT Versione AS version FROM dbo.VersioneDatabase',
      },
    });
    try {
      expect(await db.schemaVersion(connection())).toBe('7.8.4');
      expect(await db.connectedUsers(connection())).toEqual([]);
      expect(sent().map(([kind, text]) => (kind === 'transaction' ? text : 'query'))).toEqual([
        'BEGIN TRANSACTION',
        'query',
        'ROLLBACK TRANSACTION',
        'BEGIN TRANSACTION',
        'query',
        'ROLLBACK TRANSACTION',
      ]);
    } finally {
      await db.close();
    }
  });

  it.each([
    'SELECT Versione FROM dbo.Sistema; DROP TABLE dbo.Utenti',
    "EXEC xp_cmdshell 'whoami'",
    'SELECT * INTO dbo.Copia FROM dbo.Utenti',
    "SELECT 1 UPDATE dbo.Sistema SET Versione = 'x'",
  ])('refuses %s before sending anything', async (text) => {
    const db = windowsDatabases({
      queries: { connectedUsersQuery: text, sessionTimeoutMinutes: 20, databaseVersionQuery: text },
    });
    try {
      const refused = { message_: { key: 'sql.query-not-read-only', params: { connection: 'Produzione' } } };
      await expect(db.queryValue(connection(), text)).rejects.toMatchObject(refused);
      await expect(db.schemaVersion(connection())).rejects.toMatchObject(refused);
      await expect(db.connectedUsers(connection())).rejects.toMatchObject(refused);
      expect(server.requests).toEqual([]);
    } finally {
      await db.close();
    }
  });
});

describe("each database's version (the profile's sql.databaseVersionQuery)", () => {
  it('none given: the version is unknown, and nothing is sent', async () => {
    const db = windowsDatabases({ queries: { databaseVersionQuery: null } });
    try {
      await expect(db.schemaVersion(connection())).rejects.toMatchObject({
        message_: { key: 'sql.no-version-query' },
      });
      expect(server.requests).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('one column, whatever its name; more than one is refused, naming the field', async () => {
    server.on(/dbo\.Sistema/, versionRow);
    server.on(/dbo\.Due/, {
      results: [
        {
          columns: [
            { name: 'Versione', type: 'nvarchar' },
            { name: 'Data', type: 'nvarchar' },
          ],
          rows: [['7.8.4', '2026-11-24']],
        },
      ],
    });
    const one = windowsDatabases({ queries: { databaseVersionQuery: VERSION_QUERY } });
    const two = windowsDatabases({ queries: { databaseVersionQuery: 'SELECT Versione, Data FROM dbo.Due' } });
    try {
      expect(await one.schemaVersion(connection())).toBe('7.8.4.13050210_x64');
      await expect(two.schemaVersion(connection())).rejects.toMatchObject({
        message_: {
          key: 'sql.version-query-shape',
          params: { field: 'sql.databaseVersionQuery', columns: 2, connection: 'Produzione' },
        },
      });
    } finally {
      await one.close();
      await two.close();
    }
  });

  describe('check.version on a Windows server', () => {
    let fx: PracticeFixture | undefined;
    closeAfterEach(() => [fx]);

    /** The check's context: the practice server's files, the Windows databases over the TDS server. */
    async function checkWith(databaseVersionQuery: string | null) {
      fx = await practiceFixture();
      const ctx = await practiceStepContext(fx, { backupDir: path.join(fx.root, 'copie') });
      const db = windowsDatabases({ queries: { databaseVersionQuery } });
      const warnings: string[] = [];
      const windows = {
        ...ctx,
        host: { ...ctx.host, databases: db },
        discovery: { ...ctx.discovery, connections: [connection()] },
        log: (level: string, m: { key: string }) => void (level === 'warn' && warnings.push(m.key)),
      };
      try {
        return { first: await versionCheck.run(windows), second: await versionCheck.run(windows), warnings };
      } finally {
        await db.close();
      }
    }

    it('the field empty: a warning naming it and who fills it in, on every run', async () => {
      const { first, second, warnings } = await checkWith(null);
      for (const outcome of [first, second])
        expect(outcome).toMatchObject({
          status: 'warning',
          finding: {
            key: 'check.version.database-version-unknown.finding',
            params: { field: 'sql.databaseVersionQuery', connections: 'Produzione' },
          },
          remedy: { key: 'check.version.database-version-unknown.remedy' },
          evidence: { databaseVersion: 'unknown' },
        });
      expect(warnings).toEqual([
        'check.version.database-version-unknown.finding',
        'check.version.database-version-unknown.finding',
      ]);
    });

    it('the field filled in: the check passes as before', async () => {
      server.on(/dbo\.Sistema/, versionRow);
      const { first, warnings } = await checkWith(VERSION_QUERY);
      expect(first).toMatchObject({ status: 'passed', finding: { key: 'check.version.upgrade' } });
      expect(warnings).toEqual([]);
    });
  });
});
