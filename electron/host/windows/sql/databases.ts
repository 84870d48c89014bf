import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import sql from 'mssql';
import {
  type BackupHeader,
  type CrmConnection,
  DATABASE_VERSION_FIELD,
  type DatabaseBackup,
  type DatabasePermissions,
  type Databases,
  type SessionGroup,
} from '../../../core/ports';
import { type Message, UpgradeError, msg } from '../../../shared/message';
import { readOnlyQueryProblem } from '../../../shared/read-only-query';
import type { OperationContext } from './backup-errors';
import { freeBytesAt, instanceBackupFolder } from './backup-folder';
import { APP_NAME, type SqlConnector, type SqlCredentials, sqlConnector } from './connection-config';
import { toUpgradeError } from './errors';
import { quoteDatabaseName } from './identifiers';
import { type DatabaseState, type RestoreParams, restoreDatabaseOn } from './restore';
import * as Q from './statements';

/** The CRM's own tables, from the product profile (the vendor knows them; the code does not guess). */
export interface CrmQueries {
  connectedUsersQuery?: string | undefined;
  sessionTimeoutMinutes?: number | undefined;
  /** null until the vendor fills it in: the version is then unknown, and the checks say so. */
  databaseVersionQuery: string | null;
}

export interface WindowsDatabasesOptions {
  queries?: CrmQueries;
  /** Credentials the admin typed for connections with Windows authentication (memory only). */
  credentials?: (connection: string) => SqlCredentials | undefined;
  /** A backup folder the admin chose instead of the instance's default, as the SQL Server machine sees it. */
  backupDir?: (connection: CrmConnection) => string | undefined;
  /** Opens connections (connection-config.ts): named instances of this server by port, the encryption plan. */
  connector?: SqlConnector;
  log?: (level: 'info' | 'warn' | 'error', message: Message, detail?: string) => void;
  /** Silence this long during a backup is reported (never cancelled). */
  stallMs?: number;
  now?: () => Date;
}

type SqlType = Parameters<sql.Request['input']>[1] & object;

/** mssql 12 takes per-request overrides as a second argument, which its typings do not declare yet. */
const RequestWithOverrides = sql.Request as unknown as new (
  pool: sql.ConnectionPool,
  overrides: { requestTimeout: number },
) => sql.Request;

/** "5 percent processed." by message number, not by (localised) text. */
const PERCENT_PROCESSED = 3211;

export function percentOf(info: { number?: number; message?: string }): number | null {
  if (info.number !== PERCENT_PROCESSED) return null;
  const m = /^\s*(\d{1,3})\b/.exec(info.message ?? '');
  return m ? Math.min(100, Number(m[1])) : null;
}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '_');

const joinPath = (dir: string, name: string) => `${dir.replace(/[\\/]+$/, '')}\\${name}`;

const reachable = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/** The SHA-256 of a backup file when this machine can read it ('' when it is only on the SQL Server). */
async function sha256IfReachable(file: string): Promise<string> {
  if (!(await reachable(file))) return '';
  const h = createHash('sha256');
  await pipeline(createReadStream(file), h);
  return h.digest('hex');
}

/** The file's size when this machine can read it (msdb not asked or not answering); 0 otherwise. */
const sizeIfReachable = (file: string) =>
  stat(file).then(
    (s) => s.size,
    () => 0,
  );

/** The columns of RESTORE HEADERONLY's row read here: every version since 2005 has them. */
interface HeaderRow {
  Position?: number | null;
  BackupType?: number | null;
  DatabaseName?: string | null;
  BackupFinishDate?: Date | null;
}

/** BackupType 1: a database backup (COPY_ONLY or not), the only kind a database is put back from. */
const DATABASE_BACKUP_TYPE = 1;

/**
 * The header of the set at `position` as the port gives it, or why it is no database's backup.
 * tedious decodes a datetime as UTC (mssql's useUTC, which nothing here turns off), so the Date
 * holds the instance's wall clock; less the instance's offset from UTC it is UTC. The offset is
 * today's: with a change of daylight saving time between the backup and this read, the time is
 * off by that hour.
 */
function headerOf(rows: HeaderRow[], offsetMinutes: number, position: number): BackupHeader | string {
  const row = rows.find((r) => Number(r.Position) === position);
  if (!row) return `no backup set at position ${position} (${rows.length} rows)`;
  if (Number(row.BackupType) !== DATABASE_BACKUP_TYPE)
    return `backup type ${row.BackupType ?? 'NULL'}, not a database backup`;
  const database = row.DatabaseName ?? '';
  if (!database.trim()) return 'no database name in the header';
  const wallClock = row.BackupFinishDate instanceof Date ? row.BackupFinishDate.getTime() : NaN;
  if (!Number.isFinite(wallClock)) return 'no finish time in the header';
  if (!Number.isInteger(offsetMinutes)) return "the instance's offset from UTC is unknown";
  return { database, finishedAt: new Date(wallClock - offsetMinutes * 60_000).toISOString() };
}

type Params = Record<string, [SqlType, unknown]>;

/** A restore's values as parameters: names travel as nvarchar(128), paths as nvarchar(4000). */
function restoreParams(values: RestoreParams): Params {
  const out: Params = {};
  if (values.database !== undefined) out.database = [sql.NVarChar(128), values.database];
  if (values.path !== undefined) out.path = [sql.NVarChar(4000), values.path];
  if (values.position !== undefined) out.position = [sql.Int, values.position];
  return out;
}

/** The Databases port on a real SQL Server, through mssql: parameters for every value. */
export function windowsDatabases(options: WindowsDatabasesOptions) {
  const pools = new Map<string, Promise<sql.ConnectionPool>>();
  const log = options.log ?? (() => undefined);
  const now = options.now ?? (() => new Date());
  const stallMs = options.stallMs ?? 5 * 60_000;

  // Its errors are already the admin's (UpgradeError), each attempt in the log.
  const connector =
    options.connector ??
    sqlConnector({ ...(options.credentials ? { credentials: options.credentials } : {}), log });

  /** The connection's pool, opened once (one of the two places a connection is opened). */
  async function pool(c: CrmConnection): Promise<sql.ConnectionPool> {
    const existing = pools.get(c.name);
    if (existing) return existing;
    const opening = connector.open(c);
    pools.set(c.name, opening);
    opening.catch(() => pools.delete(c.name));
    return opening;
  }

  /** The restore's own single connection, to master (the other place a connection is opened). */
  async function restoreConnection(c: CrmConnection): Promise<sql.ConnectionPool> {
    return connector.open(c, { database: 'master', pool: { min: 0, max: 1 } });
  }

  async function query<T>(c: CrmConnection, text: string, params: Params = {}): Promise<T[]> {
    const request = (await pool(c)).request();
    for (const [name, [type, value]] of Object.entries(params)) request.input(name, type, value);
    try {
      return (await request.query<T>(text)).recordset ?? [];
    } catch (err) {
      throw toUpgradeError(err, { connection: c.name });
    }
  }

  /**
   * A query from the kit's profile: one SELECT only, inside a transaction that is always rolled
   * back, so that whatever it might touch with the admin's rights is undone.
   */
  async function profileQuery<T>(c: CrmConnection, text: string): Promise<sql.IRecordSet<T>> {
    const problem = readOnlyQueryProblem(text);
    if (problem) throw new UpgradeError(msg('sql.query-not-read-only', { connection: c.name, problem }));
    const transaction = new sql.Transaction(await pool(c));
    try {
      await transaction.begin();
      const rows = (await new sql.Request(transaction).query<T>(text)).recordset;
      return rows ?? Object.assign([], { columns: {} });
    } catch (err) {
      throw toUpgradeError(err, { connection: c.name });
    } finally {
      // Not begun, or already aborted by the server: nothing is left to undo.
      await transaction.rollback().catch(() => undefined);
    }
  }

  /**
   * A long statement: never cancelled by a timer (the server would abort a backup), progress
   * from info messages. SQL Server's errors come back as mssql threw them, each caller names them.
   */
  async function longRunning(
    target: sql.ConnectionPool,
    text: string,
    params: Params,
    onProgress: (percent: number) => void,
    database: string,
  ): Promise<void> {
    const request = new RequestWithOverrides(target, { requestTimeout: 0 });
    for (const [name, [type, value]] of Object.entries(params)) request.input(name, type, value);
    let last = Date.now();
    const watch = setInterval(
      () => {
        if (Date.now() - last < stallMs) return;
        log('warn', msg('sql.backup-stalled', { database, minutes: Math.round(stallMs / 60_000) }));
        last = Date.now();
      },
      Math.min(stallMs, 30_000),
    );
    request.on('info', (info: { number?: number; message?: string }) => {
      last = Date.now();
      const percent = percentOf(info);
      if (percent !== null) onProgress(percent);
    });
    try {
      await request.query(text);
      onProgress(100);
    } finally {
      clearInterval(watch);
    }
  }

  /** A backup, a verify or a probe on the connection's pool, its failure named from SQL Server's whole chain. */
  async function operation(
    c: CrmConnection,
    text: string,
    params: Params,
    onProgress: (percent: number) => void,
    context: OperationContext & { database: string },
  ): Promise<void> {
    try {
      await longRunning(await pool(c), text, params, onProgress, context.database);
    } catch (err) {
      throw err instanceof UpgradeError ? err : toUpgradeError(err, context);
    }
  }

  async function backupFolder(c: CrmConnection): Promise<string> {
    return options.backupDir?.(c) || instanceBackupFolder(c, query, log);
  }

  async function compressionAvailable(c: CrmConnection): Promise<boolean> {
    const [e] = await query<{ engineEdition: number; edition: string }>(c, Q.EDITION);
    // Express (4) and Web cannot write compressed backups; leaving the option out uses the server default.
    return !!e && e.engineEdition !== 4 && !/express|web/i.test(e.edition ?? '');
  }

  /** msdb's record of a backup just taken: evidence only, a refusal is a warning and never fails the backup. */
  async function backupRecord(c: CrmConnection, file: string) {
    try {
      const [record] = await query<{
        position: number;
        backupSize: number | string;
        compressedSize: number | string | null;
      }>(c, Q.BACKUP_RECORD, {
        path: [sql.NVarChar(4000), file],
        database: [sql.NVarChar(128), c.database],
      });
      return record;
    } catch (err) {
      const detail = err instanceof UpgradeError ? err.detail : String(err);
      log('warn', msg('sql.backup-record-unavailable', { database: c.database, path: file }), detail);
      return undefined;
    }
  }

  /** The probe's file goes: by SQL Server for a sysadmin, else from here when this machine reaches it, else said. */
  async function removeProbe(c: CrmConnection, file: string, sysadmin: boolean): Promise<void> {
    if (sysadmin) {
      const gone = await query(c, Q.DELETE_PROBE, { path: [sql.NVarChar(4000), file] }).then(
        () => true,
        () => false,
      );
      if (gone) return;
    }
    const removedHere = await rm(file).then(
      () => true,
      () => false,
    );
    if (!removedHere) log('warn', msg('sql.probe-file-left', { path: file }));
  }

  /**
   * A login without the restore right could take the database OFFLINE (db_owner may ALTER it) and
   * then neither restore it nor, its roles unreadable while offline, bring it back: refused first.
   * Unknowable (a database left RESTORING admits no query in it): SQL Server decides.
   */
  async function restoreRightOrRefuse(c: CrmConnection, b: DatabaseBackup): Promise<void> {
    const rights = await ports.permissions(c).catch(() => null);
    if (!rights || rights.sysadmin || rights.dbcreator || rights.ownsDatabase) return;
    const params = { login: rights.login || '?', database: b.database, path: b.path };
    throw new UpgradeError(msg('sql.restore-right-missing', params));
  }

  const ports = {
    async connectedUsers(c) {
      const q = options.queries;
      if (!q?.connectedUsersQuery) return null;
      const rows = await profileQuery<{
        user: string;
        host: string;
        since: Date | string | null;
        lastActivity: Date | string | null;
      }>(c, q.connectedUsersQuery);
      const cutoff = now().getTime() - (q.sessionTimeoutMinutes ?? Infinity) * 60_000;
      return rows
        .filter((r) => {
          const last = r.lastActivity ?? r.since;
          return last === null || new Date(last).getTime() >= cutoff;
        })
        .map((r) => ({
          user: String(r.user),
          host: String(r.host ?? ''),
          since: r.since ? new Date(r.since).toISOString() : '',
        }));
    },
    async sqlSessions(c) {
      const perm: DatabasePermissions = await ports.permissions(c);
      const trusted = perm.viewServerState || perm.sysadmin;
      const groups = await query<SessionGroup>(c, Q.SESSIONS, {
        database: [sql.NVarChar(128), c.database],
        ourProgram: [sql.NVarChar(128), APP_NAME],
      });
      return {
        trusted,
        groups: groups.map((g) => ({
          ...g,
          host: g.host ?? '',
          program: g.program ?? '',
          login: g.login ?? '',
        })),
      };
    },
    async permissions(c): Promise<DatabasePermissions> {
      type Row = Record<Exclude<keyof DatabasePermissions, 'login'>, number> & { login: string | null };
      const [p] = await query<Row>(c, Q.PERMISSIONS);
      return {
        login: p?.login ?? '',
        sysadmin: p?.sysadmin === 1,
        dbOwner: p?.dbOwner === 1,
        backupOperator: p?.backupOperator === 1,
        viewServerState: p?.viewServerState === 1,
        createDatabase: p?.createDatabase === 1,
        dbcreator: p?.dbcreator === 1,
        ownsDatabase: p?.ownsDatabase === 1,
      };
    },
    async queryValue(c, text) {
      const rows = await profileQuery<Record<string, unknown>>(c, text);
      const first = rows[0] ? Object.values(rows[0])[0] : null;
      return first === null || first === undefined ? null : String(first);
    },
    /** The profile's databaseVersionQuery: one SELECT, one column; none given, the version is unknown. */
    async schemaVersion(c) {
      const text = options.queries?.databaseVersionQuery;
      if (!text) throw new UpgradeError(msg('sql.no-version-query'));
      const rows = await profileQuery<Record<string, unknown>>(c, text);
      const columns = Object.keys(rows.columns ?? {}).length;
      if (columns !== 1)
        throw new UpgradeError(
          msg('sql.version-query-shape', { connection: c.name, field: DATABASE_VERSION_FIELD, columns }),
        );
      const value = rows[0] ? Object.values(rows[0])[0] : null;
      return value === null || value === undefined ? '' : String(value);
    },
    async usedBytes(c) {
      const [row] = await query<{ used: number | string }>(c, Q.USED_BYTES);
      return Number(row?.used ?? 0);
    },
    async backupFreeBytes(c) {
      return freeBytesAt(c, await backupFolder(c), query, log);
    },
    async backup(c, onProgress): Promise<DatabaseBackup> {
      const started = Date.now();
      quoteDatabaseName(c.database);
      const dir = await backupFolder(c);
      const file = joinPath(
        dir,
        `${c.database.replace(/[^A-Za-z0-9_.-]/g, '_')}_${stamp(now())}_crm-upgrade.bak`,
      );
      const schemaVersion = await ports.schemaVersion(c).catch(() => '');
      const compression = await compressionAvailable(c);
      await operation(
        c,
        Q.backupStatement(compression),
        { database: [sql.NVarChar(128), c.database], path: [sql.NVarChar(4000), file] },
        onProgress,
        { connection: c.name, database: c.database, path: file, operation: 'backup' },
      );
      const record = await backupRecord(c, file);
      const size = record ? Number(record.compressedSize ?? record.backupSize) : NaN;
      return {
        connection: c.name,
        database: c.database,
        schemaVersion,
        path: file,
        bytes: Number.isFinite(size) ? size : await sizeIfReachable(file),
        sha256: await sha256IfReachable(file),
        // INIT: the file holds this backup set only.
        position: record?.position ?? 1,
        durationMs: Date.now() - started,
      };
    },
    async verify(c, b, onProgress) {
      await operation(
        c,
        Q.VERIFY,
        { path: [sql.NVarChar(4000), b.path], position: [sql.Int, b.position] },
        onProgress,
        { connection: c.name, database: b.database, path: b.path, operation: 'verify' },
      );
    },
    /** What SQL Server reads in the file (path and position may come from the kit): failures named as verify's. */
    async backupHeader(c, b): Promise<BackupHeader> {
      const context = { connection: c.name, database: b.database, path: b.path };
      const request = (await pool(c)).request();
      request.input('path', sql.NVarChar(4000), b.path);
      request.input('position', sql.Int, b.position);
      let sets: unknown[][];
      try {
        sets = (await request.query(Q.BACKUP_HEADER)).recordsets as unknown as unknown[][];
      } catch (err) {
        throw toUpgradeError(err, { ...context, operation: 'verify' });
      }
      const [offset] = (sets[0] ?? []) as { offsetMinutes?: number | null }[];
      const rows = (sets[1] ?? []) as HeaderRow[];
      const header = headerOf(rows, Number(offset?.offsetMinutes ?? NaN), b.position);
      if (typeof header === 'string') throw new UpgradeError(msg('sql.verify-failed', context), header);
      return header;
    },
    async restore(c, b, onProgress) {
      quoteDatabaseName(b.database); // refused before anything is sent
      await restoreRightOrRefuse(c, b);
      const master = await restoreConnection(c);
      try {
        await restoreDatabaseOn(
          {
            run: (text, values, progress) =>
              longRunning(master, text, restoreParams(values), progress ?? (() => undefined), b.database),
            state: async (database) => {
              const request = master.request();
              request.input('database', sql.NVarChar(128), database);
              return (await request.query<DatabaseState>(Q.DATABASE_STATE)).recordset[0];
            },
          },
          c,
          b,
          onProgress,
        );
      } finally {
        await master.close();
      }
    },
    /**
     * An admin-chosen folder: a backup into it proves the SQL Server service account can write
     * there. A sysadmin backs up [model] (tiny); any other login backs up its own database, as
     * the run will (db_backupoperator is enough). A refusal for want of a right says so.
     */
    async probeFolder(c: CrmConnection, dir: string): Promise<void> {
      const file = joinPath(dir, `crm-upgrade-probe_${stamp(now())}.bak`);
      const { sysadmin } = await ports.permissions(c);
      const text = sysadmin ? Q.PROBE_BACKUP : Q.backupStatement(await compressionAvailable(c));
      const params: Params = { path: [sql.NVarChar(4000), file] };
      if (!sysadmin) params.database = [sql.NVarChar(128), c.database];
      await operation(c, text, params, () => undefined, {
        connection: c.name,
        database: sysadmin ? 'model' : c.database,
        path: dir,
        operation: 'probe',
      });
      await removeProbe(c, file, sysadmin);
    },
    async close() {
      for (const p of pools.values()) await p.then((x) => x.close()).catch(() => undefined);
      pools.clear();
    },
  } satisfies Databases & Record<string, unknown>;
  return ports;
}
