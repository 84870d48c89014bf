import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type TdsReply, type TdsRequest, useTdsServer } from '../../../testing/tds';
import { backupRecordReply } from '../../../testing/sql-replies';
import type { CrmConnection } from '../../../core/ports';
import type { StepContext } from '../../../core/run/context';
import { farmContext } from '../../../core/farm/farm-session';
import { databaseBackup } from '../../../core/steps/backup';
import { permissionsCheck } from '../../../core/steps/checks';
import type { Message } from '../../../shared/message';
import { windowsDatabases } from './databases';
import { PROBE_BACKUP, backupStatement } from './statements';

/** A server alone (a farm of one), with no ledger on any kit: the backup step takes its own. */
const ALONE = {
  farm: farmContext('/nonexistent-kit', '7.8.5.13100517_x64', 'CRM-APP01'),
  discovery: { hostname: 'CRM-APP01', connections: [] },
  kitVersion: null,
};

// What each login may do, as SQL Server answers for it, through the real mssql driver: the
// rights check, the folder probe, and the instance's folder and free space without sysadmin.
const PASSWORD = 'Pr4tica!';
const LOGINS = ['crm_dbowner', 'crm_backupop', 'crm_dbcreator', 'crm_owner', 'crm_sa', 'crm_nobody'];
const server = useTdsServer({ logins: LOGINS.map((user) => ({ user, password: PASSWORD })) });

const connection = (login: string): CrmConnection => ({
  name: 'Produzione',
  server: `127.0.0.1,${server.port}`,
  database: 'CRM_PROD',
  connectionString: `Data Source=127.0.0.1,${server.port};Initial Catalog=CRM_PROD;User ID=${login};Password=${PASSWORD};Encrypt=false`,
});

/** sysadmin, dbOwner, backupOperator, viewServerState, createDatabase, dbcreator, ownsDatabase. */
const RIGHTS: Record<string, number[]> = {
  // The review's case: db_owner with CREATE ANY DATABASE (so it may verify), but no restore right.
  crm_dbowner: [0, 1, 0, 1, 1, 0, 0],
  crm_backupop: [0, 0, 1, 1, 1, 0, 0],
  // dbcreator carries CREATE ANY DATABASE.
  crm_dbcreator: [0, 0, 1, 1, 1, 1, 0],
  // The database's owner is dbo: IS_ROLEMEMBER('db_owner') says 1.
  crm_owner: [0, 1, 0, 1, 1, 0, 1],
  crm_sa: [1, 1, 0, 1, 1, 0, 1],
  crm_nobody: [0, 0, 0, 0, 0, 0, 0],
};
const COLUMNS = ['sysadmin', 'dbOwner', 'backupOperator', 'viewServerState', 'createDatabase'];

/** The permission query, answered for the login that asks. */
function answerRightsPerLogin(): void {
  server.on(/IS_SRVROLEMEMBER/, (req) => ({
    results: [
      {
        columns: [
          { name: 'login', type: 'nvarchar' },
          ...[...COLUMNS, 'dbcreator', 'ownsDatabase'].map((name) => ({ name, type: 'int' as const })),
        ],
        rows: [[req.user, ...(RIGHTS[req.user] ?? [])]],
      },
    ],
  }));
}

const refused = (number: number, message: string) => ({ number, class: 14, message });
const isSysadmin = (req: TdsRequest) => RIGHTS[req.user]?.[0] === 1;
const mayBackUp = (req: TdsRequest) => !!RIGHTS[req.user]?.slice(0, 3).some((r) => r === 1);

/** BACKUP DATABASE as SQL Server decides it: [model] for a sysadmin only, the CRM's for its backup roles. */
function answerBackupsPerLogin(written?: (file: string) => Promise<void>): void {
  server.on(/^BACKUP DATABASE/, async (req): Promise<TdsReply> => {
    const database = /\[model\]/.test(req.sql) ? 'model' : String(req.params.database?.value);
    const allowed = database === 'model' ? isSysadmin(req) : mayBackUp(req);
    if (!allowed)
      return {
        errors: [
          refused(262, `BACKUP DATABASE permission denied in database '${database}'.`),
          { number: 3013, class: 16, message: 'BACKUP DATABASE is terminating abnormally.' },
        ],
      };
    await written?.(String(req.params.path?.value));
    return { info: [{ number: 3211, message: '100 percent processed.' }] };
  });
  server.on(/SERVERPROPERTY\('EngineEdition'\)/, {
    results: [
      {
        columns: [
          { name: 'engineEdition', type: 'int' },
          { name: 'edition', type: 'nvarchar' },
        ],
        rows: [[4, 'Express Edition (64-bit)']],
      },
    ],
  });
}

const logged: { level: string; message: Message; detail?: string }[] = [];
const log = (level: string, message: Message, detail?: string) =>
  void logged.push({ level, message, ...(detail ? { detail } : {}) });
afterEach(() => {
  logged.length = 0;
});
const warnings = () => logged.filter((l) => l.level !== 'info').map((l) => l.message.key);

describe('check.sql-permissions: the rights matrix, asked of SQL Server for each login', () => {
  it.each([
    ['crm_dbowner', 'failed', 'check.sql-permissions.restore.finding'],
    ['crm_backupop', 'failed', 'check.sql-permissions.restore.finding'],
    ['crm_dbcreator', 'passed', undefined],
    ['crm_owner', 'passed', undefined],
    ['crm_sa', 'passed', undefined],
    ['crm_nobody', 'failed', 'check.sql-permissions.backup.finding'],
  ])('%s: %s', async (login, status, key) => {
    answerRightsPerLogin();
    const db = windowsDatabases({});
    try {
      const c = connection(login);
      const outcome = await permissionsCheck(c).run({ host: { databases: db } } as unknown as StepContext);
      expect(outcome.status).toBe(status);
      expect(outcome.finding?.key).toBe(key);
      if (key === 'check.sql-permissions.restore.finding') {
        // The finding names the login and the database: the DBA's command is in the remedy.
        expect(outcome.finding?.params).toMatchObject({ login, database: 'CRM_PROD' });
        expect(outcome.remedy?.key).toBe('check.sql-permissions.restore.remedy');
      }
    } finally {
      await db.close();
    }
  });
});

describe('the folder probe needs no sysadmin', () => {
  it('a db_backupoperator probes with a COPY_ONLY backup of its own database, not [model]', async () => {
    answerRightsPerLogin();
    answerBackupsPerLogin();
    const db = windowsDatabases({ log });
    try {
      await db.probeFolder(connection('crm_backupop'), 'F:\\Copie CRM');
      const probe = await server.waitForRequest(/^BACKUP DATABASE/);
      expect(probe.sql).toBe(backupStatement(false));
      expect(probe.params.database?.value).toBe('CRM_PROD');
      expect(String(probe.params.path?.value)).toMatch(/^F:\\Copie CRM\\crm-upgrade-probe_\d{8}_\d{6}\.bak$/);
      expect(server.requests.some((r) => r.sql === PROBE_BACKUP)).toBe(false);
      // Only a sysadmin may delete it through SQL Server; not reachable from here, it is said.
      expect(server.requests.some((r) => /xp_delete_file/.test(r.sql))).toBe(false);
      expect(logged.map((l) => l.message.key)).toContain('sql.probe-file-left');
    } finally {
      await db.close();
    }
  });

  it('the probe file is deleted from here when this machine reaches the folder', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'probe-'));
    answerRightsPerLogin();
    answerBackupsPerLogin((file) => writeFile(file, 'probe backup'));
    const db = windowsDatabases({ log });
    try {
      await db.probeFolder(connection('crm_dbowner'), dir);
      expect(warnings()).toEqual([]);
      const parent = await readdir(path.dirname(dir));
      expect(parent.filter((f) => f.startsWith(`${path.basename(dir)}\\crm-upgrade-probe_`))).toEqual([]);
      expect(await readdir(dir)).toEqual([]);
    } finally {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a sysadmin probes with [model] and SQL Server deletes the file', async () => {
    answerRightsPerLogin();
    answerBackupsPerLogin();
    server.on(/xp_delete_file/, {});
    const db = windowsDatabases({ log });
    try {
      await db.probeFolder(connection('crm_sa'), 'F:\\Copie');
      expect((await server.waitForRequest(/^BACKUP DATABASE/)).sql).toBe(PROBE_BACKUP);
      expect((await server.waitForRequest(/xp_delete_file/)).params.path?.value).toMatch(
        /crm-upgrade-probe_/,
      );
      expect(warnings()).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('a login that may not back up is told so: the right, not "folder not writable"', async () => {
    answerRightsPerLogin();
    answerBackupsPerLogin();
    const db = windowsDatabases({ log });
    try {
      await expect(db.probeFolder(connection('crm_nobody'), 'F:\\Copie')).rejects.toMatchObject({
        message_: {
          key: 'sql.probe-no-right',
          params: {
            path: 'F:\\Copie',
            database: 'CRM_PROD',
            errors: expect.stringMatching(/^262: .*\| 3013: /),
          },
        },
      });
    } finally {
      await db.close();
    }
  });

  it('a folder the service account cannot write (3201, error 5) is "not writable"', async () => {
    answerRightsPerLogin();
    answerBackupsPerLogin();
    server.on(/^BACKUP DATABASE/, {
      errors: [
        {
          number: 3201,
          message:
            "Cannot open backup device 'F:\\Copie\\p.bak'. Operating system error 5(Access is denied.).",
        },
        { number: 3013, message: 'BACKUP DATABASE is terminating abnormally.' },
      ],
    });
    const db = windowsDatabases({ log });
    try {
      await expect(db.probeFolder(connection('crm_backupop'), 'F:\\Copie')).rejects.toMatchObject({
        message_: { key: 'sql.probe-failed', params: { path: 'F:\\Copie' } },
      });
    } finally {
      await db.close();
    }
  });
});

/** SQL Server 2017 (no InstanceDefaultBackupPath) to a login that may not read the registry. */
function noDefaultFolderForThisLogin(): void {
  server.on(/InstanceDefaultBackupPath/, {
    results: [{ columns: [{ name: 'dir', type: 'nvarchar' }], rows: [[null]] }],
  });
  server.on(/xp_instance_regread/, {
    errors: [
      refused(
        229,
        "The EXECUTE permission was denied on the object 'xp_instance_regread', database 'mssqlsystemresource', schema 'sys'.",
      ),
    ],
  });
  server.on(/sys\.database_files WHERE type = 0/, {
    results: [{ columns: [{ name: 'dataFile', type: 'nvarchar' }], rows: [['D:\\SQLData\\CRM_PROD.mdf']] }],
  });
}

/** xp_fixeddrives, refused to a login without sysadmin. */
function noFixedDrivesForThisLogin(): void {
  server.on(/xp_fixeddrives/, {
    errors: [refused(229, "The EXECUTE permission was denied on the object 'xp_fixeddrives'.")],
  });
}

describe('the backup folder and its free space without sysadmin', () => {
  it("xp_instance_regread refused: the backup goes to the database's own folder, and the log says why", async () => {
    noDefaultFolderForThisLogin();
    answerBackupsPerLogin();
    server.on(/msdb\.dbo\.backupset/, backupRecordReply(1, 1000, null));
    const db = windowsDatabases({ log });
    try {
      const b = await db.backup(connection('crm_backupop'), () => undefined);
      expect(b.path).toMatch(/^D:\\SQLData\\CRM_PROD_\d{8}_\d{6}_crm-upgrade\.bak$/);
      expect(b.bytes).toBe(1000);
      const fallback = logged.find((l) => l.message.key === 'sql.backup-folder-fallback');
      expect(fallback?.message.params).toMatchObject({ path: 'D:\\SQLData', database: 'CRM_PROD' });
      expect(String(fallback?.message.params?.reason)).toMatch(/^229: The EXECUTE permission was denied/);
    } finally {
      await db.close();
    }
  });

  it('nothing tells the folder: a finding with what SQL Server said, and what to do', async () => {
    noDefaultFolderForThisLogin();
    server.on(/sys\.database_files WHERE type = 0/, {
      errors: [refused(229, "The SELECT permission was denied on the object 'database_files'.")],
    });
    const db = windowsDatabases({ log });
    try {
      await expect(db.backup(connection('crm_backupop'), () => undefined)).rejects.toMatchObject({
        message_: {
          key: 'sql.backup-folder-unknown',
          params: { errors: expect.stringMatching(/229: .*\| 229: /) },
        },
      });
    } finally {
      await db.close();
    }
  });

  it('xp_fixeddrives refused: the free space comes from sys.dm_os_volume_stats', async () => {
    noDefaultFolderForThisLogin();
    noFixedDrivesForThisLogin();
    server.on(/dm_os_volume_stats/, {
      results: [
        {
          columns: [
            { name: 'mountPoint', type: 'nvarchar' },
            { name: 'freeBytes', type: 'bigint' },
          ],
          rows: [
            ['C:\\', 1_000],
            ['D:\\', 5_000_000_000],
          ],
        },
      ],
    });
    const db = windowsDatabases({ log });
    try {
      expect(await db.backupFreeBytes(connection('crm_backupop'))).toBe(5_000_000_000);
    } finally {
      await db.close();
    }
  });

  it('both refused: unknown (the check asks the admin), and the log names the rights that would tell', async () => {
    noDefaultFolderForThisLogin();
    noFixedDrivesForThisLogin();
    server.on(/dm_os_volume_stats/, {
      errors: [
        refused(300, "VIEW SERVER STATE permission was denied on object 'server', database 'master'."),
      ],
    });
    const db = windowsDatabases({ log });
    try {
      expect(await db.backupFreeBytes(connection('crm_backupop'))).toBeNull();
      const unknown = logged.find((l) => l.message.key === 'sql.free-space-unknown');
      expect(unknown).toMatchObject({ level: 'warn', message: { params: { path: 'D:\\SQLData' } } });
      expect(unknown?.detail).toMatch(/229: .*xp_fixeddrives.* \| 300: VIEW SERVER STATE/);
    } finally {
      await db.close();
    }
  });
});

describe("msdb's record of the backup is evidence only", () => {
  it('refused after a good backup: the step passes, its artifact recorded, a warning in the log', async () => {
    server.on(/InstanceDefaultBackupPath/, {
      results: [{ columns: [{ name: 'dir', type: 'nvarchar' }], rows: [['E:\\SQLBackup']] }],
    });
    answerBackupsPerLogin();
    server.on(/msdb\.dbo\.backupset/, {
      errors: [
        refused(
          229,
          "The SELECT permission was denied on the object 'backupset', database 'msdb', schema 'dbo'.",
        ),
      ],
    });
    const db = windowsDatabases({ log });
    try {
      const recorded: { position?: number; path?: string }[] = [];
      const ctx = {
        host: { databases: db },
        ...ALONE,
        recordArtifact: async (a: { position?: number }) => void recorded.push(a),
        progress: () => undefined,
        log,
      } as unknown as StepContext;
      const outcome = await databaseBackup(connection('crm_backupop')).run(ctx);
      expect(outcome.status).toBe('passed');
      // INIT: the file holds this backup set alone, so its position is 1 without msdb.
      expect(recorded).toMatchObject([{ position: 1, path: expect.stringMatching(/^E:\\SQLBackup\\/) }]);
      const warning = logged.find((l) => l.message.key === 'sql.backup-record-unavailable');
      expect(warning).toMatchObject({ level: 'warn', message: { params: { database: 'CRM_PROD' } } });
      expect(warning?.detail).toMatch(/^229: The SELECT permission was denied on the object 'backupset'/);
    } finally {
      await db.close();
    }
  });
});
