import sql from 'mssql';
import { parseConnectionString } from '../../../shared/connection-string';
import type { CrmConnection } from '../../../core/ports';
import { UpgradeError, msg } from '../../../shared/message';

import type { SqlCredentials } from '../../../shared/sql-credentials';
import { withholdLoginWithoutTls } from './login-over-tls';

export type { SqlCredentials };

export interface ResolvedConnection {
  config: sql.config;
  integratedSecurity: boolean;
  /** Decisions taken for the admin's log; never a secret. */
  notes: string[];
}

const TRUE = new Set(['true', 'yes', 'sspi']);
export const APP_NAME = 'CRM Upgrade Manager';

/**
 * mssql's own parser for the string, plus what it misses: Windows authentication detected,
 * `host\instance,port` resolved to the port (tedious refuses both), and the LAN default for
 * encryption when the string says nothing (the CRM's .NET client does not encrypt by default).
 */
export function toMssqlConfig(conn: CrmConnection, credentials?: SqlCredentials): ResolvedConnection {
  const keys = parseConnectionString(conn.connectionString);
  const notes: string[] = [];
  let parsed: sql.config;
  try {
    parsed = sql.ConnectionPool.parseConnectionString(conn.connectionString) as sql.config;
  } catch (err) {
    throw new UpgradeError(msg('sql.connection-string-invalid', { connection: conn.name }), String(err));
  }
  const options: NonNullable<sql.config['options']> = { ...(parsed.options ?? {}), appName: APP_NAME };
  const config: sql.config = {
    ...parsed,
    options,
    connectionTimeout: parsed.connectionTimeout ?? 15_000,
    // Ordinary queries only: BACKUP, VERIFY and RESTORE run with no timer at all.
    requestTimeout: parsed.requestTimeout ?? 30_000,
    pool: { min: 0, max: 4 },
  };
  if (!config.server) throw new UpgradeError(msg('sql.connection-string-invalid', { connection: conn.name }));

  const explicitPort = /,\s*\d+\s*$/.test(
    keys.get('data source') ?? keys.get('server') ?? keys.get('address') ?? '',
  );
  if (options.instanceName && explicitPort) {
    notes.push(`instance ${options.instanceName} reached on its explicit port ${config.port}`);
    delete options.instanceName;
  } else if (options.instanceName) {
    delete config.port; // the SQL Server Browser tells the instance's port
  }

  const integrated = ['integrated security', 'trusted_connection'].some((k) =>
    TRUE.has((keys.get(k) ?? '').toLowerCase()),
  );
  // The LAN default protects web.config's own password no worse than the CRM does; typed ones below.
  if (!keys.has('encrypt') && !integrated) {
    options.encrypt = true;
    if (!keys.has('trustservercertificate')) options.trustServerCertificate = true;
    notes.push('Encrypt not set in web.config: encrypted, trusting the server certificate (LAN default)');
  }
  if (integrated) {
    if (!credentials) throw new UpgradeError(msg('sql.credentials-needed', { connection: conn.name }));
    delete config.user;
    delete config.password;
    if (credentials.kind === 'sql') {
      config.user = credentials.user;
      config.password = credentials.password;
      notes.push('Windows authentication in web.config: using the SQL login the admin typed');
    } else {
      config.authentication = {
        type: 'ntlm',
        options: { domain: credentials.domain, userName: credentials.user, password: credentials.password },
      };
      notes.push(`Windows authentication in web.config: NTLM as ${credentials.domain}\\${credentials.user}`);
    }
    protectTypedCredentials(config, options, credentials, notes);
  }
  return { config, integratedSecurity: integrated, notes };
}

/**
 * What the admin typed goes only inside TLS, whatever web.config says (it may have been edited),
 * and only to a server whose certificate is validated, unless the admin consented on screen.
 */
function protectTypedCredentials(
  config: sql.config,
  options: NonNullable<sql.config['options']>,
  credentials: SqlCredentials,
  notes: string[],
): void {
  const exception = credentials.allowUnvalidatedCertificate === true;
  options.encrypt = true;
  options.trustServerCertificate = exception;
  config.beforeConnect = withholdLoginWithoutTls;
  notes.push(
    exception
      ? 'typed credentials: encrypted, certificate NOT validated (the admin consented)'
      : 'typed credentials: encrypted, server certificate validated',
  );
}
