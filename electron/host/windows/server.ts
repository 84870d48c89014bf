import type { HostProfileHints } from '../../core/ports';
import type { SqlCredentials } from '../../shared/sql-credentials';
import { type WindowsHost, openWindowsHost, readConnectionStrings } from './index';
import type { HostLog } from './powershell';
import type { CrmQueries } from './sql/databases';

/**
 * The whole Windows host as the app opens it: PowerShell for the machine, mssql for the
 * databases, the admin's SQL credentials in memory, the profile's queries once it is known.
 */
export async function openWindowsServer(options: {
  scriptsDir: string;
  log?: HostLog;
}): Promise<WindowsHost> {
  // mssql (and tedious) load only here, on a Windows server: a CLI or app that never opens one,
  // like every practice run, starts without them.
  const { windowsDatabases } = await import('./sql/databases');
  const credentials = new Map<string, SqlCredentials>();
  let queries: CrmQueries | undefined;
  const databases = windowsDatabases({
    credentials: (connection) => credentials.get(connection),
    // Read at each call: the profile arrives after the host is open.
    get queries() {
      return queries;
    },
  });
  const host = await openWindowsHost({
    scriptsDir: options.scriptsDir,
    databases,
    ...(options.log ? { log: options.log } : {}),
  });
  const dispose = host.dispose;
  return {
    ...host,
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
