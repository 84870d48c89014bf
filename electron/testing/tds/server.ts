/**
 * Test support only (never shipped): a scripted SQL Server stand-in that speaks enough TDS 7.4
 * for the real `mssql`/tedious driver over a loopback socket, so the app's SQL Server code
 * runs its true driver path (login, sp_executesql, info messages, timeouts and attentions)
 * without a SQL Server.
 *
 *   const server = await TdsTestServer.start({ logins: [{ user: 'sa', password: 'Secret!1' }] });
 *   server.on(/^SELECT @@VERSION/i, { results: [{ columns: [{ name: 'v', type: 'nvarchar' }], rows: [['…']] }] });
 *   const pool = new sql.ConnectionPool({ server: '127.0.0.1', port: server.port, …, options: { encrypt: false } });
 *   …
 *   await server.close();
 */
import net from 'node:net';
import tls from 'node:tls';
import { type ServerEncryption, testCertificate } from './login';
import {
  HandlerRegistry,
  type TdsDatabaseState,
  type TdsLoginAttempt,
  type TdsMatcher,
  type TdsReply,
  type TdsReplyFn,
  type TdsRequest,
  type TdsTestServerOptions,
  matches,
} from './script';
import { type SessionContext, type TdsHandshake, TdsSession } from './session';

export type { ServerEncryption } from './login';
export type { TdsHandshake } from './session';

export const LOOPBACK = '127.0.0.1';

/**
 * Issue 14: the server's encryption, kept beside the other options here (not in script.ts) as
 * part of the PRELOGIN/TLS work. Default: 'not-supported', no TLS, as before.
 */
export interface TdsEncryptionOptions {
  encryption?: ServerEncryption;
  /**
   * The TLS versions the server speaks (default TLS 1.2 only). `{ min: 'TLSv1', max: 'TLSv1' }`
   * stands for SQL Server 2012/2014 without the TLS 1.2 update: tedious (TLS 1.2 at least)
   * then fails with OpenSSL's "unsupported protocol".
   */
  tlsVersions?: { min: tls.SecureVersion; max: tls.SecureVersion };
}

let certificate: { key: string; cert: string } | undefined;

function secureContext(options: TdsEncryptionOptions): tls.SecureContext | undefined {
  if (options.encryption !== 'on' && options.encryption !== 'required') return undefined;
  certificate ??= testCertificate();
  return tls.createSecureContext({
    ...certificate,
    minVersion: options.tlsVersions?.min ?? 'TLSv1.2',
    maxVersion: options.tlsVersions?.max ?? 'TLSv1.2',
    // TLS 1.0 signs with SHA-1, which OpenSSL 3 refuses above security level 0.
    ciphers: 'DEFAULT:@SECLEVEL=0',
  });
}

interface Waiter {
  match: TdsMatcher;
  resolve: (req: TdsRequest) => void;
  reject: (err: Error) => void;
}

export class TdsTestServer {
  /** Every request in arrival order, across connections (housekeeping excluded unless asked for). */
  readonly requests: TdsRequest[] = [];
  /** Requests no handler or built-in answered; each got ERROR 50000 "no handler for: …". */
  readonly unhandled: TdsRequest[] = [];
  /** Every LOGIN7, accepted or not. */
  readonly logins: TdsLoginAttempt[] = [];
  /** Every PRELOGIN: what the client asked about encryption, the answer, and the TLS that followed. */
  readonly handshakes: TdsHandshake[] = [];
  readonly host = LOOPBACK;

  private readonly registry = new HandlerRegistry();
  private readonly sessions = new Set<TdsSession>();
  /** Databases a test set apart from ONLINE and MULTI_USER, by lower-cased name. */
  private readonly databaseStates = new Map<string, TdsDatabaseState>();
  private readonly waiters = new Set<Waiter>();
  private attentionCount = 0;
  private nextConnectionId = 1;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(options: TdsTestServerOptions & TdsEncryptionOptions = {}): Promise<TdsTestServer> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, LOOPBACK, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('TdsTestServer: no TCP address');
    const instance = new TdsTestServer(server, address.port);
    instance.accept(options);
    return instance;
  }

  private accept(options: TdsTestServerOptions & TdsEncryptionOptions): void {
    const ctx: SessionContext = {
      logins: options.logins,
      databases: options.databases ? new Set(options.databases.map((d) => d.toLowerCase())) : undefined,
      defaultDatabase: options.defaultDatabase ?? 'master',
      serverName: options.serverName ?? 'TDSTEST',
      version: options.version ?? { major: 15, minor: 0, build: 2000 },
      registry: this.registry,
      record: (req, outcome) => {
        if (outcome === 'housekeeping' && !options.recordHousekeeping) return;
        this.requests.push(req);
        if (outcome === 'unhandled') this.unhandled.push(req);
        for (const waiter of this.waiters) {
          if (matches(waiter.match, req)) {
            this.waiters.delete(waiter);
            waiter.resolve(req);
          }
        }
      },
      recordLogin: (attempt) => {
        this.logins.push(attempt);
      },
      countAttention: () => {
        this.attentionCount += 1;
      },
      encryption: options.encryption ?? 'not-supported',
      tls: secureContext(options),
      recordHandshake: (handshake) => {
        this.handshakes.push(handshake);
      },
      databaseState: (name) => this.databaseState(name),
      sessionsIn: (name) => this.sessionsIn(name),
    };
    this.server.on('connection', (socket) => {
      if (this.closing) {
        socket.destroy();
        return;
      }
      const session = new TdsSession(socket, this.nextConnectionId++, ctx);
      this.sessions.add(session);
      socket.once('close', () => this.sessions.delete(session));
    });
  }

  /** ATTENTION messages received (tedious sends one on request timeout or cancel). */
  get attentions(): number {
    return this.attentionCount;
  }

  /** Connections currently open. */
  get openConnections(): number {
    return this.sessions.size;
  }

  /** Answer requests matching `match` with `reply` (latest registration wins). */
  on(match: TdsMatcher, reply: TdsReply | TdsReplyFn): this {
    this.registry.add(match, reply, false);
    return this;
  }

  /** Like `on`, for the next matching request only. */
  once(match: TdsMatcher, reply: TdsReply | TdsReplyFn): this {
    this.registry.add(match, reply, true);
    return this;
  }

  /** Forget handlers and everything recorded (connections stay open). */
  reset(): void {
    this.registry.clear();
    this.requests.length = 0;
    this.unhandled.length = 0;
    this.logins.length = 0;
    this.handshakes.length = 0;
    this.attentionCount = 0;
    this.databaseStates.clear();
  }

  /** A database as sys.databases would show it: ONLINE and MULTI_USER unless a test set otherwise. */
  databaseState(name: string): TdsDatabaseState {
    return this.databaseStates.get(name.toLowerCase()) ?? { state: 'ONLINE', access: 'MULTI_USER' };
  }

  /** What an ALTER DATABASE or a RESTORE did to a database, set by the test's handler for it. */
  setDatabaseState(name: string, change: Partial<TdsDatabaseState>): void {
    this.databaseStates.set(name.toLowerCase(), { ...this.databaseState(name), ...change });
  }

  /** The connections (by id) whose current database is `name`. */
  sessionsIn(name: string): number[] {
    const wanted = name.toLowerCase();
    return [...this.sessions].filter((s) => s.currentDatabase.toLowerCase() === wanted).map((s) => s.id);
  }

  /**
   * Drops the connections in `name` but `except`, as ALTER DATABASE … WITH ROLLBACK IMMEDIATE
   * ends the other sessions in a database. Resolves, with how many, once their clients have
   * seen their connections closed.
   */
  async dropSessionsIn(name: string, except?: number): Promise<number> {
    const wanted = name.toLowerCase();
    const dropped = [...this.sessions].filter(
      (s) => s.id !== except && s.currentDatabase.toLowerCase() === wanted,
    );
    for (const session of dropped) this.sessions.delete(session);
    await Promise.all(dropped.map((session) => session.end()));
    return dropped.length;
  }

  /**
   * The first request matching `match`, already received or yet to come; rejects after `timeoutMs`,
   * a safety net that names the request (a loaded machine may take seconds), under the test's timeout.
   */
  waitForRequest(match: TdsMatcher, timeoutMs = 20_000): Promise<TdsRequest> {
    const seen = this.requests.find((r) => matches(match, r));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (req) => {
          clearTimeout(timer);
          resolve(req);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`TdsTestServer: no request matching ${String(match)} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** An ADO-style connection string for mssql (values with ';' or braces are brace-quoted). */
  connectionString(login: { user: string; password: string; database?: string }): string {
    const quote = (v: string): string => (/[;{}]|^\s|\s$/.test(v) ? `{${v.replace(/}/g, '}}')}}` : v);
    const parts = [
      `Server=${LOOPBACK},${this.port}`,
      ...(login.database ? [`Database=${quote(login.database)}`] : []),
      `User Id=${quote(login.user)}`,
      `Password=${quote(login.password)}`,
      'Encrypt=false',
      'TrustServerCertificate=true',
    ];
    return parts.join(';');
  }

  /** Stops listening and drops every connection (pending replies are abandoned). */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const session of this.sessions) session.destroy();
      this.sessions.clear();
      for (const waiter of this.waiters) waiter.reject(new Error('TdsTestServer closed'));
      this.waiters.clear();
    });
    return this.closing;
  }
}
