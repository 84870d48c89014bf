import { createHash, randomBytes } from 'node:crypto';
import { access, open, readFile, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import { UpgradeError, msg } from '../../shared/message';
import { readOnlyQueryProblem } from '../../shared/read-only-query';
import type { CrmConnection, DatabaseBackup, DatabasePermissions, Databases } from '../../core/ports';
import {
  type DatabaseFile,
  databaseFileSchema,
  iisFileSchema,
  instanceFileSchema,
  paths,
  practiceFarmOf,
  realInsidePractice,
  type SessionGroup,
  readJson,
  serverFileSchema,
  writeJsonAtomic,
} from './layout';

const BAK_MAGIC = 'crm-practice-bak/1';
const CHUNK = 64 * 1024;

/** A practice instance.json without permissions: the CRM's login may do everything (a sysadmin). */
const ALL_RIGHTS: DatabasePermissions = {
  login: 'crm_app',
  sysadmin: true,
  dbOwner: true,
  backupOperator: true,
  viewServerState: true,
  createDatabase: true,
  dbcreator: true,
  ownsDatabase: true,
};

type Operation = 'backup' | 'verify' | 'restore';

/** Who may do what, as SQL Server decides it: restoring over a database needs sysadmin, dbcreator or its owner. */
const ALLOWED: Record<Operation, (p: DatabasePermissions) => boolean> = {
  backup: (p) => p.sysadmin || p.dbOwner || p.backupOperator,
  verify: (p) => p.sysadmin || p.createDatabase,
  restore: (p) => p.sysadmin || p.dbcreator || p.ownsDatabase,
};

/** SQL Server's own refusal, its chain as the Windows host shows it. */
const REFUSAL: Record<Operation, (database: string) => string> = {
  backup: (d) =>
    `262: BACKUP DATABASE permission denied in database '${d}'. | 3013: BACKUP DATABASE is terminating abnormally.`,
  verify: () =>
    "262: CREATE DATABASE permission denied in database 'master'. | 3013: VERIFY DATABASE is terminating abnormally.",
  restore: (d) =>
    `3110: User does not have permission to RESTORE database '${d}'. | 3013: RESTORE DATABASE is terminating abnormally.`,
};

const REFUSAL_KEY = {
  backup: 'sql.backup-permission-denied',
  verify: 'sql.verify-permission-denied',
  restore: 'sql.restore-permission-denied',
} as const;

/** The practice SQL Server: one JSON file per database, backups as a header line plus the exact bytes. */
export function practiceDatabases(root: string): Databases & {
  load(database: string): Promise<DatabaseFile>;
  save(db: DatabaseFile): Promise<void>;
  names(): Promise<string[]>;
} {
  const p = paths(root);
  const instance = () => readJson(p.instance, instanceFileSchema);
  const fileOf = async (database: string) => {
    const inst = await instance();
    if (!inst.databases.includes(database)) throw new UpgradeError(msg('sql.database-missing', { database }));
    // The name becomes a file name: a separator or `..` in it would lead out of the practice folder.
    if (/[\\/:\0]|^[. ]*$/.test(database))
      throw new UpgradeError(msg('practice-edition.database-name', { database, file: p.instance }));
    return path.join(await p.resolveSqlReal(inst.dataDir, p.instance), `${database}.json`);
  };
  async function connect(c: CrmConnection): Promise<string> {
    const inst = await instance();
    if (c.server.toLowerCase() !== inst.server.toLowerCase()) {
      throw new UpgradeError(msg('sql.connect-failed', { connection: c.name, server: c.server }));
    }
    return fileOf(c.database);
  }
  const rights = async (): Promise<DatabasePermissions> => (await instance()).permissions ?? ALL_RIGHTS;
  /** Refused before anything is read or written, as SQL Server refuses a login without the right. */
  async function mayDo(operation: Operation, c: CrmConnection, database: string, file: string) {
    if (ALLOWED[operation](await rights())) return;
    const errors = REFUSAL[operation](database);
    const params = { connection: c.name, database, path: file, errors };
    throw new UpgradeError(msg(REFUSAL_KEY[operation], params), errors);
  }
  const load = async (database: string) => readJson(await fileOf(database), databaseFileSchema);
  const save = async (db: DatabaseFile) => writeJsonAtomic(await fileOf(db.name), db);

  async function copyWithProgress(
    from: Buffer,
    to: string,
    header: string,
    onProgress: (pct: number) => void,
  ) {
    const handle = await open(to, 'wx');
    try {
      await handle.write(`${header}\n`);
      for (let off = 0; off < from.length; off += CHUNK) {
        await handle.write(from.subarray(off, off + CHUNK));
        onProgress(Math.min(100, Math.floor(((off + CHUNK) / from.length) * 100)));
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  return {
    load,
    save,
    names: async () => (await instance()).databases,
    async connectedUsers(c) {
      const file = await connect(c);
      const db = await readJson(file, databaseFileSchema);
      const now = Date.now();
      return db.connectedUsers
        .filter((u) => !u.leavesAt || Date.parse(u.leavesAt) > now)
        .map(({ user, host, since }) => ({ user, host, since }));
    },
    async sqlSessions(c) {
      const db = await readJson(await connect(c), databaseFileSchema);
      const inst = await instance();
      const groups = [...(await crmPoolSessions(root)), ...db.otherSessions];
      const trusted = inst.permissions?.viewServerState ?? true;
      return { trusted, groups: trusted ? groups : [] };
    },
    async permissions(c) {
      await connect(c);
      return rights();
    },
    async queryValue(c, text) {
      await connect(c);
      // Refused as a real server refuses it, before the practice server says it runs no SQL.
      const problem = readOnlyQueryProblem(text);
      if (problem) throw new UpgradeError(msg('sql.query-not-read-only', { connection: c.name, problem }));
      // The practice SQL Server runs no SQL: its profile reads the version and licence from files.
      throw new UpgradeError(msg('practice.query-unsupported'));
    },
    async schemaVersion(c) {
      return (await readJson(await connect(c), databaseFileSchema)).schemaVersion;
    },
    async usedBytes(c) {
      return (await stat(await connect(c))).size;
    },
    async backupFreeBytes(c) {
      await connect(c);
      const override = (await readJson(p.server, serverFileSchema)).freeBytes;
      if (override !== null) return override;
      const st = await statfs(await p.resolveSqlReal((await instance()).backupDir, p.instance));
      return st.bavail * st.bsize;
    },
    async backup(c, onProgress): Promise<DatabaseBackup> {
      const started = Date.now();
      const data = await readFile(await connect(c));
      await mayDo('backup', c, c.database, (await instance()).backupDir);
      const db = databaseFileSchema.parse(JSON.parse(data.toString('utf8')));
      const stamp = new Date(started).toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
      const file = path.join(
        await p.resolveSqlReal((await instance()).backupDir, p.instance),
        `${c.database}_${stamp}_${randomBytes(3).toString('hex')}.bak`,
      );
      const sha256 = createHash('sha256').update(data).digest('hex');
      const header = JSON.stringify({
        magic: BAK_MAGIC,
        database: c.database,
        schemaVersion: db.schemaVersion,
        bytes: data.length,
        sha256,
        finishedAt: new Date().toISOString(),
      });
      await copyWithProgress(data, file, header, onProgress);
      return {
        connection: c.name,
        database: c.database,
        schemaVersion: db.schemaVersion,
        path: file,
        bytes: (await stat(file)).size,
        sha256,
        position: 1,
        durationMs: Date.now() - started,
      };
    },
    async verify(c, b, onProgress) {
      await mayDo('verify', c, b.database, b.path);
      const { header, body } = await readBak(b.path);
      onProgress(50);
      const actual = createHash('sha256').update(body).digest('hex');
      if (
        header.database !== b.database ||
        body.length !== header.bytes ||
        actual !== header.sha256 ||
        actual !== b.sha256
      ) {
        throw new UpgradeError(msg('sql.verify-failed', { database: b.database, path: b.path }));
      }
      onProgress(100);
    },
    async backupHeader(c, b) {
      await connect(c);
      const { header } = await readBak(b.path);
      // As RESTORE HEADERONLY reads it: the file's own header, never what the caller says of it.
      if (typeof header.finishedAt !== 'string')
        throw new UpgradeError(
          msg('sql.verify-failed', { database: b.database, path: b.path }),
          'no finish time',
        );
      return { database: header.database, finishedAt: header.finishedAt };
    },
    async restore(c, b, onProgress) {
      await mayDo('restore', c, b.database, b.path);
      const { header, body } = await readBak(b.path);
      if (createHash('sha256').update(body).digest('hex') !== header.sha256) {
        throw new UpgradeError(msg('sql.verify-failed', { database: b.database, path: b.path }));
      }
      onProgress(30);
      await writeJsonAtomic(await fileOf(b.database), JSON.parse(body.toString('utf8')));
      onProgress(100);
    },
  };
}

/**
 * The CRM's pools keep sleeping connections open while they run, each from its own server: this
 * one's, or on a farm every member's whose pools are not all stopped.
 */
async function crmPoolSessions(root: string): Promise<SessionGroup[]> {
  const farm = practiceFarmOf(root);
  const members = farm ? await Promise.all(farm.farm.servers.map((name) => farmMember(farm, name))) : [root];
  const groups: SessionGroup[] = [];
  for (const member of members) {
    const server = await readJson(paths(member).server, serverFileSchema);
    const iis = await readJson(paths(member).iis, iisFileSchema);
    if (Object.values(iis.pools).every((pool) => pool.state === 'stopped')) continue;
    groups.push({
      host: server.hostname,
      program: '.Net SqlClient Data Provider',
      login: 'crm_app',
      sessions: 3,
      sleeping: 3,
    });
  }
  return groups;
}

/** A farm member's folder, inside the farm (links included); a listed server that is gone is said. */
async function farmMember(farm: { dir: string; file: string }, name: string): Promise<string> {
  const dir = await realInsidePractice(farm.dir, name, farm.file);
  await access(paths(dir).server).catch((err: unknown) => {
    throw new UpgradeError(msg('practice-farm.member-missing', { farm: farm.file, dir }), String(err));
  });
  return dir;
}

async function readBak(
  file: string,
): Promise<{
  header: { database: string; bytes: number; sha256: string; finishedAt?: string };
  body: Buffer;
}> {
  const raw = await readFile(file);
  const nl = raw.indexOf(10);
  try {
    const header = JSON.parse(raw.subarray(0, nl).toString('utf8')) as {
      magic: string;
      database: string;
      bytes: number;
      sha256: string;
      finishedAt?: string;
    };
    if (header.magic !== BAK_MAGIC) throw new Error('not a practice backup');
    return { header, body: raw.subarray(nl + 1) };
  } catch (err) {
    throw new UpgradeError(msg('sql.verify-failed', { database: '?', path: file }), String(err));
  }
}
