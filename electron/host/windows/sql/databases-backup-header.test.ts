import { describe, expect, it } from 'vitest';
import { type TdsMessageSpec, type TdsReply, type TdsValue, useTdsServer } from '../../../testing/tds';
import type { CrmConnection, DatabaseBackup } from '../../../core/ports';
import { UpgradeError } from '../../../shared/message';
import { windowsDatabases } from './databases';
import { BACKUP_HEADER } from './statements';

// The header of a backup another server of the farm took, as SQL Server reads it from the file,
// through the real mssql driver against the TDS test server.
const LOGIN = { user: 'crm_app', password: 'Pr4tica!' };
const server = useTdsServer({ logins: [LOGIN] });

const connection = (): CrmConnection => ({
  name: 'Produzione',
  server: `127.0.0.1,${server.port}`,
  database: 'CRM_PROD',
  connectionString: `Data Source=127.0.0.1,${server.port};Initial Catalog=CRM_PROD;User ID=${LOGIN.user};Password=${LOGIN.password};Encrypt=false`,
});

/** As the farm's ledger names it: a path with a quote, which must travel as a parameter. */
const backup: DatabaseBackup = {
  connection: 'Produzione',
  database: 'CRM_PROD',
  schemaVersion: '7.8.4.13050210_x64',
  path: "E:\\SQLBackup\\CRM_PROD_O'Brien; DROP DATABASE x--.bak",
  bytes: 1,
  sha256: '',
  position: 2,
  durationMs: 1,
};

const HEADER_COLUMNS = [
  { name: 'BackupName', type: 'nvarchar(128)' },
  { name: 'BackupType', type: 'smallint' },
  { name: 'Position', type: 'smallint' },
  { name: 'ServerName', type: 'nvarchar(128)' },
  { name: 'DatabaseName', type: 'nvarchar(128)' },
  { name: 'BackupStartDate', type: 'datetime' },
  { name: 'BackupFinishDate', type: 'datetime' },
  { name: 'IsCopyOnly', type: 'bit' },
] as const;

/** The instance's wall clock, as a datetime carries it (no zone). */
const wallClock = (text: string) => new Date(`${text}Z`);

interface Set {
  type?: number;
  position?: number;
  database?: string | null;
  finished?: Date | null;
}
const headerRow = ({
  type = 1,
  position = 2,
  database = 'CRM_PROD',
  finished = wallClock('2026-11-24T22:10:00'),
}: Set) =>
  [
    'CRM_PROD-Full',
    type,
    position,
    'SQL01',
    database,
    wallClock('2026-11-24T22:00:00'),
    finished,
    true,
  ] as TdsValue[];

/** The batch's two answers: the instance's offset from UTC, then RESTORE HEADERONLY's rows. */
const headerReply = (offsetMinutes: number | null, rows: TdsValue[][]): TdsReply => ({
  results: [
    { columns: [{ name: 'offsetMinutes', type: 'int' }], rows: [[offsetMinutes]] },
    { columns: HEADER_COLUMNS.map((c) => ({ ...c })), rows },
  ],
});

async function failureOf(promise: Promise<unknown>): Promise<UpgradeError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UpgradeError);
  return err as UpgradeError;
}

describe('backupHeader', () => {
  it.each([
    [60, '2026-11-24T21:10:00.000Z'],
    [120, '2026-11-24T20:10:00.000Z'],
    [-300, '2026-11-25T03:10:00.000Z'],
    [0, '2026-11-24T22:10:00.000Z'],
  ])(
    'RESTORE HEADERONLY with path and position as parameters; the finish at offset %i is %s',
    async (offset, utc) => {
      server.on(/RESTORE HEADERONLY/, headerReply(offset, [headerRow({})]));
      const db = windowsDatabases({});
      try {
        expect(await db.backupHeader(connection(), backup)).toEqual({
          database: 'CRM_PROD',
          finishedAt: utc,
        });
        const request = await server.waitForRequest(/RESTORE HEADERONLY/);
        expect(request.kind).toBe('rpc');
        expect(request.procedure).toBe('sp_executesql');
        expect(request.sql).toBe(BACKUP_HEADER);
        expect(request.sql).not.toContain('Brien');
        expect(request.params).toMatchObject({
          path: { type: 'nvarchar', value: backup.path, declaration: 'nvarchar(4000)' },
          position: { type: 'int', value: 2 },
        });
        expect(request.database).toBe('CRM_PROD');
      } finally {
        await db.close();
      }
    },
  );

  it('the database named in the file, not the one the kit says', async () => {
    server.on(/RESTORE HEADERONLY/, headerReply(60, [headerRow({ database: 'CRM_TEST' })]));
    const db = windowsDatabases({});
    try {
      expect((await db.backupHeader(connection(), backup)).database).toBe('CRM_TEST');
    } finally {
      await db.close();
    }
  });

  it.each<[string, TdsValue[][], RegExp, (number | null)?]>([
    ['no row', [], /no backup set at position 2/],
    ['a row for another set', [headerRow({ position: 1 })], /no backup set at position 2/],
    ['an empty DatabaseName', [headerRow({ database: '' })], /no database name/],
    ['a NULL DatabaseName', [headerRow({ database: null })], /no database name/],
    ['no BackupFinishDate', [headerRow({ finished: null })], /no finish time/],
    ['a log backup', [headerRow({ type: 2 })], /backup type 2/],
    ['no offset from UTC', [headerRow({})], /offset from UTC is unknown/, null],
  ])(
    '%s: sql.verify-failed, naming the connection, database and file',
    async (_, rows, detail, offset = 60) => {
      server.on(/RESTORE HEADERONLY/, headerReply(offset, rows));
      const db = windowsDatabases({});
      try {
        const err = await failureOf(db.backupHeader(connection(), backup));
        expect(err.message_).toEqual({
          key: 'sql.verify-failed',
          params: { connection: 'Produzione', database: 'CRM_PROD', path: backup.path },
        });
        expect(err.detail).toMatch(detail);
      } finally {
        await db.close();
      }
    },
  );

  const error = (number: number, message: string): TdsMessageSpec => ({ number, class: 16, message });
  const E3013 = error(3013, 'RESTORE HEADERONLY is terminating abnormally.');

  it.each<[string, TdsMessageSpec[], string]>([
    [
      '3201 then 3013',
      [
        error(
          3201,
          `Cannot open backup device '${backup.path}'. Operating system error 2(The system cannot find the file specified.).`,
        ),
        E3013,
      ],
      'sql.backup-file-unreadable',
    ],
    [
      '3241 then 3013',
      [
        error(
          3241,
          'The media family on device is incorrectly formed. SQL Server cannot process this media family.',
        ),
        E3013,
      ],
      'sql.verify-failed',
    ],
    [
      '262 then 3013',
      [error(262, "CREATE DATABASE permission denied in database 'master'."), E3013],
      'sql.verify-permission-denied',
    ],
  ])('%s: the same message verify gives, every error kept', async (_, errors, key) => {
    server.on(/RESTORE HEADERONLY|RESTORE VERIFYONLY/, { errors });
    const db = windowsDatabases({});
    try {
      const header = await failureOf(db.backupHeader(connection(), backup));
      const verify = await failureOf(db.verify(connection(), backup, () => undefined));
      expect(header.message_.key).toBe(key);
      expect(header.message_).toEqual(verify.message_);
      expect(String(header.message_.params?.errors)).toMatch(
        new RegExp(`^${errors[0]?.number}: .*\\| 3013: `),
      );
      expect(header.detail).toBe(verify.detail);
    } finally {
      await db.close();
    }
  });
});
