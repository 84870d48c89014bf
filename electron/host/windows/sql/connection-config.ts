import os from 'node:os';
import sql from 'mssql';
import { parseConnectionString } from '../../../shared/connection-string';
import type { CrmConnection } from '../../../core/ports';
import { type Message, type MessageKey, UpgradeError, msg } from '../../../shared/message';

import type { SqlCredentials } from '../../../shared/sql-credentials';
import type { ScriptResult } from '../scripts';
import { type ConnectionContext, allSqlMessages, toUpgradeError } from './errors';
import { tlsNegotiationFailure, watchTls, withholdLoginWithoutTls } from './login-over-tls';

export type { SqlCredentials };

export interface ResolvedConnection {
  config: sql.config;
  integratedSecurity: boolean;
  /** Decisions taken for the admin's log; never a secret. */
  notes: Message[];
}

const TRUE = new Set(['true', 'yes', 'sspi']);
export const APP_NAME = 'CRM Upgrade Manager';

/**
 * mssql's own parser for the string, plus what it misses: Windows authentication detected, and
 * `host\instance,port` resolved to the port (tedious refuses both). Encryption is left to the
 * plan (`encryptionPlan`), except for credentials the admin typed, which go only inside TLS.
 */
export function toMssqlConfig(conn: CrmConnection, credentials?: SqlCredentials): ResolvedConnection {
  const keys = parseConnectionString(conn.connectionString);
  const notes: Message[] = [];
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
    notes.push(
      msg('sql.connection.explicit-port', {
        connection: conn.name,
        instance: options.instanceName,
        port: config.port ?? 0,
      }),
    );
    delete options.instanceName;
  } else if (options.instanceName) {
    delete config.port; // found from the registry (this server) or the SQL Server Browser
  }

  const integrated = ['integrated security', 'trusted_connection'].some((k) =>
    TRUE.has((keys.get(k) ?? '').toLowerCase()),
  );
  if (integrated) {
    if (!credentials) throw new UpgradeError(msg('sql.credentials-needed', { connection: conn.name }));
    delete config.user;
    delete config.password;
    if (credentials.kind === 'sql') {
      config.user = credentials.user;
      config.password = credentials.password;
      notes.push(msg('sql.connection.typed-sql-login', { connection: conn.name }));
    } else {
      config.authentication = {
        type: 'ntlm',
        options: { domain: credentials.domain, userName: credentials.user, password: credentials.password },
      };
      notes.push(
        msg('sql.connection.typed-ntlm', {
          connection: conn.name,
          account: `${credentials.domain}\\${credentials.user}`,
        }),
      );
    }
    protectTypedCredentials(config, options, credentials);
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
): void {
  options.encrypt = true;
  options.trustServerCertificate = credentials.allowUnvalidatedCertificate === true;
  config.beforeConnect = withholdLoginWithoutTls;
}

// ------------------------------------------------------------------ encryption

/** How the CRM's own .NET client connects with this string: its provider and what it does about encryption. */
export interface CrmClient {
  provider: string;
  /** Written in the string, else the provider's default. */
  encrypt: boolean | 'strict';
  trustServerCertificate: boolean;
}

export interface ConnectionAttempt {
  /** The admin's log line before the attempt. */
  announce: MessageKey;
  encrypt: boolean | 'strict';
  trustServerCertificate: boolean;
  /** No LOGIN7 unless TLS is up (login-over-tls.ts). */
  requireTls: boolean;
  /** Tried only when the attempt before it failed in the TLS negotiation. */
  afterTlsFailure?: true;
}

const SYSTEM_DATA_SQLCLIENT = 'System.Data.SqlClient';
const ENCRYPT_WORDS: Record<string, boolean | 'strict'> = {
  true: true,
  yes: true,
  mandatory: true,
  strict: 'strict',
  false: false,
  no: false,
  optional: false,
};

/**
 * The client the CRM uses, from web.config's providerName (ASP.NET's default when absent, and
 * the inner `provider=` of an Entity Framework string, is System.Data.SqlClient). Encrypt's
 * default is the provider's documented one: false for System.Data.SqlClient; true (Mandatory)
 * for Microsoft.Data.SqlClient since 4.0 ("Encryption and certificate validation",
 * learn.microsoft.com/sql/connect/ado-net/encryption-and-certificate-validation).
 */
export function crmClientOf(conn: CrmConnection): CrmClient {
  const keys = parseConnectionString(conn.connectionString);
  const provider = conn.provider?.trim() || SYSTEM_DATA_SQLCLIENT;
  const written = ENCRYPT_WORDS[(keys.get('encrypt') ?? '').trim().toLowerCase()];
  const trust = keys.get('trustservercertificate') ?? keys.get('trust server certificate') ?? '';
  return {
    provider,
    encrypt: written ?? /^microsoft\.data\.sqlclient$/i.test(provider),
    trustServerCertificate: ENCRYPT_WORDS[trust.trim().toLowerCase()] === true,
  };
}

/**
 * The attempts, in order, as the CRM's client would connect with the same string:
 * - typed credentials: encrypted, certificate validated unless the admin consented, no login
 *   without TLS, no other attempt (issue 12's rule);
 * - Encrypt true (written, or Microsoft.Data.SqlClient's default): encrypted, validated unless
 *   TrustServerCertificate=True, no login without TLS: the CRM's client fails the same way;
 * - Encrypt false (written, or System.Data.SqlClient's default): that client always encrypts
 *   the login, and everything, without validating, when the server forces encryption
 *   (the "Version 1.0" table of the same page). tedious cannot encrypt the login alone, so:
 *   1. encrypted, certificate not validated (this also meets a server that forces encryption;
 *      Microsoft.Data.SqlClient 2.0+ with Encrypt=False would validate there, unless
 *      TrustServerCertificate=True: not knowing beforehand whether the server forces it, the
 *      attempt follows the common case, where the CRM's client validates nothing);
 *   2. only when 1 failed in the TLS negotiation (a server without TLS 1.2): unencrypted, as
 *      that client with Encrypt=False is when the server does not force encryption.
 */
export function encryptionPlan(client: CrmClient, credentials?: SqlCredentials): ConnectionAttempt[] {
  if (credentials) {
    const consented = credentials.allowUnvalidatedCertificate === true;
    return [
      {
        announce: consented ? 'sql.connection.attempt.typed-unvalidated' : 'sql.connection.attempt.typed',
        encrypt: true,
        trustServerCertificate: consented,
        requireTls: true,
      },
    ];
  }
  if (client.encrypt !== false) {
    return [
      {
        announce: client.trustServerCertificate
          ? 'sql.connection.attempt.encrypt-trusted'
          : 'sql.connection.attempt.encrypt-validated',
        encrypt: client.encrypt,
        trustServerCertificate: client.trustServerCertificate,
        // Strict (TDS 8.0) is TLS on the socket before any TDS, or no connection at all.
        requireTls: client.encrypt !== 'strict',
      },
    ];
  }
  return [
    {
      announce: 'sql.connection.attempt.login-protected',
      encrypt: true,
      trustServerCertificate: true,
      requireTls: false,
    },
    {
      announce: 'sql.connection.attempt.unencrypted',
      encrypt: false,
      trustServerCertificate: true,
      requireTls: false,
      afterTlsFailure: true,
    },
  ];
}

// ------------------------------------------------------------------ named instances on this server

/** A named instance's TCP port as this server's registry gives it (Get-SqlInstancePort.ps1). */
export type InstancePort =
  | { kind: 'port'; port: number; value: 'TcpPort' | 'TcpDynamicPorts' }
  | { kind: 'tcp-disabled' }
  | { kind: 'no-port' }
  | { kind: 'not-installed' };

/** The first port of "1433" or "1433,1500"; a dynamic "0" (not started since) is none. */
const firstPort = (text: string | null | undefined): number | null => {
  const n = Number((text ?? '').split(',')[0]?.trim() || NaN);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : null;
};

/**
 * A static TcpPort wins over TcpDynamicPorts, which holds the port the instance took when it
 * last started ("TCP/IP Properties (IP Addresses Tab)", learn.microsoft.com).
 */
export function instancePortOf(found: ScriptResult<'Get-SqlInstancePort'>): InstancePort {
  if (!found.instanceId) return { kind: 'not-installed' };
  if (found.tcpEnabled !== true) return { kind: 'tcp-disabled' };
  const fixed = firstPort(found.tcpPort);
  if (fixed) return { kind: 'port', port: fixed, value: 'TcpPort' };
  const dynamic = firstPort(found.tcpDynamicPorts);
  return dynamic ? { kind: 'port', port: dynamic, value: 'TcpDynamicPorts' } : { kind: 'no-port' };
}

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1', '.', '(local)']);

/** `.`, `(local)`, `localhost`, a loopback address, or this server's own name (short or qualified). */
export function isThisServer(server: string, hostname: string): boolean {
  const name = server.trim().toLowerCase();
  const own = hostname.trim().toLowerCase().split('.')[0] ?? '';
  return LOCAL_NAMES.has(name) || (own !== '' && (name === own || name.startsWith(`${own}.`)));
}

// ------------------------------------------------------------------ opening a connection

export interface SqlConnectorOptions {
  /** Credentials the admin typed for connections with Windows authentication (memory only). */
  credentials?: (connection: string) => SqlCredentials | undefined;
  /** The TCP port of a named instance of this server, from its registry. Absent: the SQL Server Browser. */
  instancePort?: (instance: string) => Promise<InstancePort>;
  /** This server's name; os.hostname() by default. */
  hostname?: string;
  log?: (level: 'info' | 'warn' | 'error', message: Message, detail?: string) => void;
}

export interface SqlConnector {
  /** A connected pool; the first connection of a name runs the plan, later ones reuse what worked. */
  open(c: CrmConnection, overrides?: Pick<sql.config, 'database' | 'pool'>): Promise<sql.ConnectionPool>;
}

/**
 * A named instance of this server is reached by the port its registry gives: SQL Express has the
 * SQL Server Browser off, and the CRM, on shared memory, never needed it. An instance elsewhere
 * keeps the Browser: only that server's registry knows its port. Changes `config` in place.
 */
export async function routeToInstance(
  c: CrmConnection,
  config: sql.config,
  deps: Pick<SqlConnectorOptions, 'instancePort' | 'log'> & { hostname: string },
): Promise<void> {
  const log = deps.log ?? (() => undefined);
  const instance = config.options?.instanceName;
  if (!instance || !config.options) return;
  const where = { connection: c.name, instance, server: config.server };
  if (!isThisServer(config.server, deps.hostname) || !deps.instancePort) {
    log('info', msg('sql.connection.browser', where));
    return;
  }
  let found: InstancePort;
  try {
    found = await deps.instancePort(instance);
  } catch (err) {
    log('warn', msg('sql.connection.registry-unreadable', where), String(err));
    return;
  }
  if (found.kind === 'tcp-disabled') throw new UpgradeError(msg('sql.instance-tcp-disabled', where));
  if (found.kind === 'no-port') throw new UpgradeError(msg('sql.instance-port-unknown', where));
  if (found.kind === 'not-installed') {
    log('warn', msg('sql.connection.instance-not-here', where));
    return;
  }
  config.port = found.port;
  delete config.options.instanceName;
  log('info', msg('sql.connection.instance-port', { ...where, port: found.port, value: found.value }));
}

interface Failure {
  attempt: number;
  err: unknown;
  tls: string | null;
}

type Where = { connection: string } & ConnectionContext;

/** What worked for a connection: its configuration, and whether its login waits for TLS. */
interface Working {
  config: sql.config;
  requireTls: boolean;
}

const shortText = (err: unknown): string => allSqlMessages(err).at(-1)?.message ?? String(err);

/** Opens connections the way the CRM's client would, saying each step in the admin's log. */
export function sqlConnector(options: SqlConnectorOptions = {}): SqlConnector {
  const log = options.log ?? (() => undefined);
  const hostname = options.hostname ?? os.hostname();
  /** What worked, per connection: the restore's own connection and a new pool start from it. */
  const working = new Map<string, Working>();

  async function attemptWith(config: sql.config, requireTls: boolean) {
    let protocol = '';
    const pool = new sql.ConnectionPool({
      ...config,
      beforeConnect: (connection) => {
        watchTls(connection, (p) => {
          protocol ||= p;
        });
        if (requireTls) withholdLoginWithoutTls(connection);
      },
    });
    try {
      await pool.connect();
    } catch (err) {
      await pool.close().catch(() => undefined);
      throw err;
    }
    return { pool, protocol };
  }

  type Overrides = Pick<sql.config, 'database' | 'pool'>;

  async function runPlan(
    c: CrmConnection,
    config: sql.config,
    overrides: Overrides,
    plan: ConnectionAttempt[],
    where: Where,
  ) {
    const client = crmClientOf(c);
    const failures: Failure[] = [];
    for (const [index, attempt] of plan.entries()) {
      if (attempt.afterTlsFailure && !failures.at(-1)?.tls) break;
      const step = { connection: c.name, attempt: index + 1, provider: client.provider };
      log(attempt.afterTlsFailure ? 'warn' : 'info', msg(attempt.announce, step));
      const tried: sql.config = {
        ...config,
        options: {
          ...config.options,
          // tedious takes 'strict' (TDS 8.0) too; mssql's typings know only the boolean.
          encrypt: attempt.encrypt as boolean,
          trustServerCertificate: attempt.trustServerCertificate,
        },
      };
      try {
        const opened = await attemptWith({ ...tried, ...overrides }, attempt.requireTls);
        const { pool } = opened;
        const protocol = opened.protocol || (attempt.encrypt === 'strict' ? 'TLS (TDS 8.0)' : '');
        log(
          'info',
          protocol
            ? msg('sql.connection.opened-encrypted', { ...step, protocol })
            : msg('sql.connection.opened-clear', step),
        );
        working.set(c.name, { config: tried, requireTls: attempt.requireTls });
        return pool;
      } catch (err) {
        const tls = tlsNegotiationFailure(err);
        failures.push({ attempt: index + 1, err, tls });
        log('warn', msg('sql.connection.attempt-failed', { ...step, reason: tls ?? shortText(err) }));
      }
    }
    throw planFailure(failures, where);
  }

  async function planned(c: CrmConnection, overrides: Overrides) {
    const credentials = options.credentials?.(c.name);
    const resolved = toMssqlConfig(c, credentials);
    for (const note of resolved.notes) log('info', note);
    const config = resolved.config;
    const instance = config.options?.instanceName;
    await routeToInstance(c, config, { ...options, hostname });
    const plan = encryptionPlan(crmClientOf(c), resolved.integratedSecurity ? credentials : undefined);
    return runPlan(c, config, overrides, plan, {
      connection: c.name,
      typedCredentials: resolved.integratedSecurity,
      ...(instance ? { instance, server: config.server } : {}),
    });
  }

  return {
    async open(c, overrides = {}) {
      const known = working.get(c.name);
      if (!known) return planned(c, overrides);
      try {
        return (await attemptWith({ ...known.config, ...overrides }, known.requireTls)).pool;
      } catch {
        // A dynamic port changes when the instance restarts: the plan runs again, from the start.
        working.delete(c.name);
        return planned(c, overrides);
      }
    },
  };
}

/**
 * The error the admin sees when no attempt worked: the last one's, except that a server which
 * forces encryption (EENCRYPT) after a failed TLS negotiation is explained by that failure.
 * Every attempt's error goes into the detail.
 */
function planFailure(failures: Failure[], context: Where): UpgradeError {
  const last = failures.at(-1);
  const cause =
    (last?.err as { code?: string } | undefined)?.code === 'EENCRYPT'
      ? (failures.find((f) => f.tls) ?? last)
      : last;
  const mapped = toUpgradeError(cause?.err, context);
  const detail = failures.map((f) => `attempt ${f.attempt}: ${toUpgradeError(f.err, context).detail ?? ''}`);
  return new UpgradeError(mapped.message_, detail.join(' || '));
}
