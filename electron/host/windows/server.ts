import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CrmConnection, HostProfileHints } from '../../core/ports';
import { UpgradeError, msg } from '../../shared/message';
import type { SqlCredentials } from '../../shared/sql-credentials';
import { type WindowsHost, type WindowsHostOptions, openWindowsHost, readConnectionStrings } from './index';
import type { HostLog, PowerShellRunner } from './powershell';
import type { CrmQueries } from './sql/databases';

/** The folder of the admin's backup folder that a SQL Server on this server writes its `.bak` into. */
const SQL_BACKUP_SUBFOLDER = 'SQL';

/** The server part of a Data Source: `.\SQLEXPRESS` → `.`, `tcp:db01,1500` → `db01`. */
function dataSourceHost(dataSource: string): string {
  return (
    dataSource
      .replace(/^\s*(tcp|np|lpc|admin):/i, '')
      .split(/[\\,]/)[0]
      ?.trim() ?? ''
  );
}

/** The SQL Server service's own account (its service SID), which writes the `.bak` files. */
export function sqlServiceAccount(dataSource: string): string {
  const instance = /\\([^,]+)/.exec(dataSource)?.[1]?.trim();
  return !instance || instance.toUpperCase() === 'MSSQLSERVER'
    ? 'NT SERVICE\\MSSQLSERVER'
    : `NT SERVICE\\MSSQL$${instance}`;
}

/**
 * Where a connection's `.bak` goes when the admin chose a backup folder (CLI --backup-dir): its
 * SQL subfolder when SQL Server runs on this server, so the path means the same folder to both.
 * A SQL Server on another machine would read that path on its own disks: it keeps its default.
 * A subfolder, not the folder itself: that one is for Administrators and SYSTEM only (the zips
 * hold web.config) and is refused once anyone else is allowed in, while SQL Server writes with
 * its service account, which the admin allows into the subfolder alone.
 */
export function sqlBackupFolder(
  c: CrmConnection,
  adminBackupDir: string | undefined,
  isThisServer: (server: string) => boolean,
): string | undefined {
  if (!adminBackupDir || !isThisServer(dataSourceHost(c.server))) return undefined;
  return path.win32.join(adminBackupDir, SQL_BACKUP_SUBFOLDER);
}

/**
 * The admin's folder for the `.bak` of a SQL Server on this server: where each connection's go
 * (said once per connection), and the folder made before a backup. The admin's folder is
 * checked or made protected, as the zips' backup does; a new SQL subfolder is said in the log
 * with the grant that lets SQL Server's service account write there.
 */
function adminSqlFolder(deps: {
  backupDir: string | undefined;
  local: (server: string) => boolean;
  log: HostLog;
  protect: (dir: string) => Promise<unknown>;
  makeFolder: (dir: string) => Promise<unknown>;
}) {
  const told = new Set<string>();
  return {
    dirFor(c: CrmConnection): string | undefined {
      const dir = sqlBackupFolder(c, deps.backupDir, deps.local);
      if (deps.backupDir && !told.has(c.name)) {
        told.add(c.name);
        deps.log(
          'info',
          dir
            ? msg('sql.backup-folder.chosen', { connection: c.name, path: dir })
            : msg('sql.backup-folder.remote', { connection: c.name, server: dataSourceHost(c.server) }),
        );
      }
      return dir;
    },
    async prepare(c: CrmConnection): Promise<void> {
      const dir = sqlBackupFolder(c, deps.backupDir, deps.local);
      if (!dir || !deps.backupDir) return;
      await deps.protect(deps.backupDir);
      const made = await deps.makeFolder(dir).then(
        () => true,
        (err: NodeJS.ErrnoException) => {
          if (err.code === 'EEXIST') return false;
          throw err;
        },
      );
      if (made) {
        const account = sqlServiceAccount(c.server);
        deps.log('warn', msg('sql.backup-folder.made', { connection: c.name, path: dir, account }));
      }
    },
    /** SQL Server refused to write there (OS error 5): the finding names the grant that fixes it. */
    explain(c: CrmConnection, err: unknown): unknown {
      const dir = sqlBackupFolder(c, deps.backupDir, deps.local);
      if (!dir || !(err instanceof UpgradeError) || err.message_.key !== 'sql.backup-access-denied')
        return err;
      const account = sqlServiceAccount(c.server);
      return new UpgradeError(
        msg('sql.backup-folder.denied', { connection: c.name, path: dir, account }),
        err.detail,
      );
    },
  };
}

/**
 * The whole Windows host as the app opens it: PowerShell for the machine, mssql for the
 * databases, the admin's SQL credentials in memory, the profile's queries once it is known.
 */
export async function openWindowsServer(options: {
  scriptsDir: string;
  log?: HostLog;
  /** The admin's backup folder (CLI --backup-dir): a SQL Server on this server writes its `.bak` there too. */
  backupDir?: string;
  /** Tests: this server's name (os.hostname()), the host's fakes, how a folder is made. */
  hostname?: string;
  host?: Omit<WindowsHostOptions, 'scriptsDir' | 'databases' | 'log'>;
  makeFolder?: (dir: string) => Promise<unknown>;
}): Promise<WindowsHost> {
  // mssql (and tedious) load only here, on a Windows server: a CLI or app that never opens one,
  // like every practice run, starts without them.
  const { windowsDatabases } = await import('./sql/databases');
  const { instancePortOf, isThisServer, sqlConnector } = await import('./sql/connection-config');
  const log: HostLog = options.log ?? (() => undefined);
  const hostname = options.hostname ?? os.hostname();
  const credentials = new Map<string, SqlCredentials>();
  let queries: CrmQueries | undefined;
  // PowerShell is the host's, opened below; the connector asks it only when a connection opens.
  const shell: { runner?: PowerShellRunner } = {};
  const folder = adminSqlFolder({
    backupDir: options.backupDir,
    local: (server) => isThisServer(server, hostname),
    log,
    // Both are needed only at a backup, once the host below is open.
    protect: (dir) => host.system.protectedFolder(dir),
    makeFolder: options.makeFolder ?? ((dir) => mkdir(dir, { recursive: false })),
  });
  const databases = windowsDatabases({
    // Read at each call: the profile arrives after the host is open.
    get queries() {
      return queries;
    },
    connector: sqlConnector({
      credentials: (connection) => credentials.get(connection),
      // PowerShell is the host's, opened below; asked only when a named instance's connection opens.
      instancePort: async (instance) => {
        if (!shell.runner) throw new Error('the PowerShell session is not open');
        return instancePortOf((await shell.runner.run('Get-SqlInstancePort', { instance })).result);
      },
      hostname,
      log,
    }),
    backupDir: (c) => folder.dirFor(c),
    log,
  });
  const host = await openWindowsHost({
    ...options.host,
    scriptsDir: options.scriptsDir,
    databases,
    log,
  });
  shell.runner = host.powershell;

  const dispose = host.dispose;
  return {
    ...host,
    databases: {
      ...databases,
      backup: async (c, onProgress) => {
        await folder.prepare(c);
        try {
          return await databases.backup(c, onProgress);
        } catch (err) {
          throw folder.explain(c, err);
        }
      },
    },
    credentials: { provide: (connection, c) => void credentials.set(connection, c) },
    adopt: (hints: HostProfileHints) => {
      queries = hints.sql;
    },
    decryptConnections: (webConfigPath) => readConnectionStrings(host.powershell, webConfigPath),
    dispose: async () => {
      await databases.close();
      await dispose();
    },
  };
}
