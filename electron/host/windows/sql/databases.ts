import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import sql from 'mssql';
import type {
  CrmConnection,
  DatabaseBackup,
  DatabasePermissions,
  Databases,
  SessionGroup,
} from '../../../core/ports';
import { type Message, UpgradeError, msg } from '../../../shared/message';
import { readOnlyQueryProblem } from '../../../shared/read-only-query';
import { APP_NAME, type SqlCredentials, toMssqlConfig } from './connection-config';
import { toUpgradeError } from './errors';
import { quoteDatabaseName } from './identifiers';
import * as Q from './statements';

/** The CRM's own tables, from the product profile (the vendor knows them; the code does not guess). */
export interface CrmQueries {
  connectedUsersQuery: string;
  sessionTimeoutMinutes: number;
  schemaVersionQuery: string;
}

export interface WindowsDatabasesOptions {
  queries?: CrmQueries;
  /** Credentials the admin typed for connections with Windows authentication (memory only). */
  credentials?: (connection: string) => SqlCredentials | undefined;
  /** A backup folder the admin chose instead of the instance's default, as the SQL Server machine sees it. */
  backupDir?: (connection: string) => string | undefined;
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
export const PERCENT_PROCESSED = 3211;

export function percentOf(info: { number?: number; message?: string }): number | null {
  if (info.number !== PERCENT_PROCESSED) return null;
  const m = /^\s*(\d{1,3})\b/.exec(info.message ?? '');
  return m ? Math.min(100, Number(m[1])) : null;
}

const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '_');

/** The Databases port on a real SQL Server, through mssql: parameters for every value. */
export function windowsDatabases(options: WindowsDatabasesOptions) {
  const pools = new Map<string, Promise<sql.ConnectionPool>>();
  const log = options.log ?? (() => undefined);
  const now = options.now ?? (() => new Date());
  const stallMs = options.stallMs ?? 5 * 60_000;

  function configOf(c: CrmConnection, database?: string): sql.config {
    const resolved = toMssqlConfig(c, options.credentials?.(c.name));
    for (const note of resolved.notes) log('info', msg('sql.connection-note', { connection: c.name, note }));
    return database ? { ...resolved.config, database } : resolved.config;
  }

  async function pool(c: CrmConnection): Promise<sql.ConnectionPool> {
    const existing = pools.get(c.name);
    if (existing) return existing;
    const opening = new sql.ConnectionPool(configOf(c)).connect();
    pools.set(c.name, opening);
    opening.catch(() => pools.delete(c.name));
    return opening.catch((err: unknown) => {
      throw toUpgradeError(err, { connection: c.name });
    });
  }

  async function query<T>(
    c: CrmConnection,
    text: string,
    params: Record<string, [SqlType, unknown]> = {},
  ): Promise<T[]> {
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
  async function profileQuery<T>(c: CrmConnection, text: string): Promise<T[]> {
    const problem = readOnlyQueryProblem(text);
    if (problem) throw new UpgradeError(msg('sql.query-not-read-only', { connection: c.name, problem }));
    const transaction = new sql.Transaction(await pool(c));
    try {
      await transaction.begin();
      return (await new sql.Request(transaction).query<T>(text)).recordset ?? [];
    } catch (err) {
      throw toUpgradeError(err, { connection: c.name });
    } finally {
      // Not begun, or already aborted by the server: nothing is left to undo.
      await transaction.rollback().catch(() => undefined);
    }
  }

  /** A long statement: never cancelled by a timer (the server would abort a backup), progress from info messages. */
  async function longRunning(
    target: sql.ConnectionPool,
    c: CrmConnection,
    text: string,
    params: Record<string, [SqlType, unknown]>,
    onProgress: (percent: number) => void,
    context: { database: string; path: string },
  ): Promise<void> {
    const request = new RequestWithOverrides(target, { requestTimeout: 0 });
    for (const [name, [type, value]] of Object.entries(params)) request.input(name, type, value);
    let last = Date.now();
    const watch = setInterval(
      () => {
        if (Date.now() - last >= stallMs) {
          log(
            'warn',
            msg('sql.backup-stalled', { database: context.database, minutes: Math.round(stallMs / 60_000) }),
          );
          last = Date.now();
        }
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
    } catch (err) {
      throw toUpgradeError(err, { connection: c.name, path: context.path });
    } finally {
      clearInterval(watch);
    }
  }

  async function backupFolder(c: CrmConnection): Promise<string> {
    const chosen = options.backupDir?.(c.name);
    if (chosen) return chosen;
    const [def] = await query<{ dir: string | null }>(c, Q.DEFAULT_BACKUP_PATH);
    if (def?.dir) return def.dir;
    const [reg] = await query<{ dir: string | null }>(c, Q.REGISTRY_BACKUP_PATH);
    if (reg?.dir) return reg.dir;
    throw new UpgradeError(msg('sql.error', { number: 0, detail: 'no default backup folder' }));
  }

  async function compressionAvailable(c: CrmConnection): Promise<boolean> {
    const [e] = await query<{ engineEdition: number; edition: string }>(c, Q.EDITION);
    // Express (4) and Web cannot write compressed backups; leaving the option out uses the server default.
    return !!e && e.engineEdition !== 4 && !/express|web/i.test(e.edition ?? '');
  }

  async function sha256IfReachable(file: string): Promise<string> {
    if (
      !(await access(file).then(
        () => true,
        () => false,
      ))
    )
      return '';
    const h = createHash('sha256');
    await pipeline(createReadStream(file), h);
    return h.digest('hex');
  }

  const joinPath = (dir: string, name: string) => `${dir.replace(/[\\/]+$/, '')}\\${name}`;

  return {
    async connectedUsers(c) {
      const q = options.queries;
      if (!q) return [];
      const rows = await profileQuery<{
        user: string;
        host: string;
        since: Date | string | null;
        lastActivity: Date | string | null;
      }>(c, q.connectedUsersQuery);
      const cutoff = now().getTime() - q.sessionTimeoutMinutes * 60_000;
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
      const [perm] = await query<{ viewServerState: number; sysadmin: number }>(c, Q.PERMISSIONS);
      const trusted = !!perm && (perm.viewServerState === 1 || perm.sysadmin === 1);
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
      const [p] = await query<Record<keyof DatabasePermissions, number>>(c, Q.PERMISSIONS);
      return {
        sysadmin: p?.sysadmin === 1,
        dbOwner: p?.dbOwner === 1,
        backupOperator: p?.backupOperator === 1,
        viewServerState: p?.viewServerState === 1,
        createDatabase: p?.createDatabase === 1,
      };
    },
    async queryValue(c, text) {
      const rows = await profileQuery<Record<string, unknown>>(c, text);
      const first = rows[0] ? Object.values(rows[0])[0] : null;
      return first === null || first === undefined ? null : String(first);
    },
    async schemaVersion(c) {
      const q = options.queries;
      if (!q) throw new UpgradeError(msg('sql.no-version-query'));
      const [row] = await profileQuery<{ version: string }>(c, q.schemaVersionQuery);
      return String(row?.version ?? '');
    },
    async usedBytes(c) {
      const [row] = await query<{ used: number | string }>(c, Q.USED_BYTES);
      return Number(row?.used ?? 0);
    },
    async backupFreeBytes(c) {
      const dir = await backupFolder(c);
      const drive = /^([A-Za-z]):/.exec(dir)?.[1]?.toUpperCase();
      if (!drive) return null; // a share: xp_fixeddrives cannot tell
      const rows = await query<Record<string, string | number>>(c, Q.FIXED_DRIVES);
      const row = rows.find((r) => String(r.drive ?? Object.values(r)[0]).toUpperCase() === drive);
      const mb = row ? Number(row['MB free'] ?? Object.values(row)[1]) : NaN;
      return Number.isFinite(mb) ? mb * 1024 * 1024 : null;
    },
    async backup(c, onProgress): Promise<DatabaseBackup> {
      const started = Date.now();
      quoteDatabaseName(c.database);
      const dir = await backupFolder(c);
      const file = joinPath(
        dir,
        `${c.database.replace(/[^A-Za-z0-9_.-]/g, '_')}_${stamp(now())}_crm-upgrade.bak`,
      );
      const schemaVersion = await this.schemaVersion(c).catch(() => '');
      const compression = await compressionAvailable(c);
      const target = await pool(c);
      await longRunning(
        target,
        c,
        Q.backupStatement(compression),
        { database: [sql.NVarChar(128), c.database], path: [sql.NVarChar(4000), file] },
        onProgress,
        { database: c.database, path: file },
      );
      const [record] = await query<{
        position: number;
        backupSize: number | string;
        compressedSize: number | string | null;
      }>(c, Q.BACKUP_RECORD, {
        path: [sql.NVarChar(4000), file],
        database: [sql.NVarChar(128), c.database],
      });
      return {
        connection: c.name,
        database: c.database,
        schemaVersion,
        path: file,
        bytes: Number(record?.compressedSize ?? record?.backupSize ?? 0),
        sha256: await sha256IfReachable(file),
        position: record?.position ?? 1,
        durationMs: Date.now() - started,
      };
    },
    async verify(c, b, onProgress) {
      await longRunning(
        await pool(c),
        c,
        Q.VERIFY,
        { path: [sql.NVarChar(4000), b.path], position: [sql.Int, b.position] },
        onProgress,
        { database: b.database, path: b.path },
      );
    },
    async restore(c, b, onProgress) {
      const quoted = quoteDatabaseName(b.database);
      // Its own single connection to master: nothing else may take the single-user slot.
      const master = await new sql.ConnectionPool({ ...configOf(c, 'master'), pool: { min: 0, max: 1 } })
        .connect()
        .catch((err: unknown) => {
          throw toUpgradeError(err, { connection: c.name });
        });
      try {
        await longRunning(
          master,
          c,
          Q.restoreBatch(quoted),
          {
            database: [sql.NVarChar(128), b.database],
            path: [sql.NVarChar(4000), b.path],
            position: [sql.Int, b.position],
          },
          onProgress,
          { database: b.database, path: b.path },
        );
        const request = master.request();
        request.input('database', sql.NVarChar(128), b.database);
        const state = (await request.query<{ state: string; access: string }>(Q.DATABASE_STATE)).recordset[0];
        if (state?.state !== 'ONLINE' || state.access !== 'MULTI_USER') {
          throw new UpgradeError(
            msg('sql.restore-state', {
              database: b.database,
              state: state?.state ?? '?',
              access: state?.access ?? '?',
            }),
          );
        }
      } finally {
        await master.close();
      }
    },
    /** An admin-chosen folder: a tiny backup proves the SQL Server service account can write there. */
    async probeFolder(c: CrmConnection, dir: string): Promise<void> {
      const file = joinPath(dir, `crm-upgrade-probe_${stamp(now())}.bak`);
      try {
        await longRunning(
          await pool(c),
          c,
          Q.PROBE_BACKUP,
          { path: [sql.NVarChar(4000), file] },
          () => undefined,
          { database: 'model', path: file },
        );
      } catch (err) {
        throw new UpgradeError(
          msg('sql.probe-failed', { path: dir }),
          err instanceof UpgradeError ? err.detail : String(err),
        );
      }
      await query(c, Q.DELETE_PROBE, { path: [sql.NVarChar(4000), file] }).catch(() => undefined);
    },
    async close() {
      for (const p of pools.values()) await p.then((x) => x.close()).catch(() => undefined);
      pools.clear();
    },
  } satisfies Databases & Record<string, unknown>;
}
