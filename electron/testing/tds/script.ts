/**
 * Test support only: the scripting vocabulary of the TDS test server: what a test registers
 * (matchers and replies), what it reads back (recorded requests and logins), and the
 * handler registry that pairs a request with its reply.
 */
import type { TdsColumnType, TdsValue } from './datatypes';
import type { TdsParam } from './requests';

export type { TdsColumnType, TdsParamType, TdsValue } from './datatypes';
export type { TdsParam } from './requests';

/** A SQL login the server accepts. */
export interface TdsLogin {
  user: string;
  password: string;
  /** The login's default database, used when the client names none. */
  database?: string;
}

export interface TdsTestServerOptions {
  /** Accepted logins (user names compare case-insensitively). Omitted: any user and password log in. */
  logins?: TdsLogin[];
  /** Databases that exist. Omitted: any name is accepted by LOGIN7 and USE. */
  databases?: string[];
  /** Database for a login that names none and has no default. Default 'master'. */
  defaultDatabase?: string;
  /** The serverName of INFO/ERROR messages. Default 'TDSTEST'. */
  serverName?: string;
  /** Version in PRELOGIN and LOGINACK. Default 15.0.2000 (SQL Server 2019). */
  version?: { major: number; minor: number; build: number };
  /** Listen port on 127.0.0.1. Default 0 (any free port). */
  port?: number;
  /**
   * Also record connection housekeeping in `requests`: tedious' initial `set textsize ...`
   * batch after login and mssql's pool validation query `SELECT 1;`. Default false.
   */
  recordHousekeeping?: boolean;
}

/** A request as the server received it. */
export interface TdsRequest {
  /** 'batch': SQL batch packet; 'rpc': RPC packet (mssql's query/execute); 'transaction': transaction manager packet. */
  kind: 'batch' | 'rpc' | 'transaction';
  /** Batch text; sp_executesql's statement; another procedure's name; or e.g. 'BEGIN TRANSACTION'. */
  sql: string;
  /** RPC only: the procedure called ('sp_executesql' for mssql's request.query()). */
  procedure?: string;
  /** sp_executesql only: the parameter definition string, e.g. '@db nvarchar(14)'. */
  paramDefinitions?: string;
  /** Parameters by name without '@'. */
  params: Record<string, TdsParam>;
  /** The same parameters in wire order. */
  paramList: TdsParam[];
  /** The connection's current database when the request arrived. */
  database: string;
  user: string;
  appName: string;
  hostName: string;
  /** Which connection sent it (1, 2, ... in order of connection). */
  connectionId: number;
}

/** Fields shared by INFO and ERROR messages. */
export interface TdsMessageSpec {
  number: number;
  message: string;
  /** Default 1. */
  state?: number;
  /** Severity. Default 0 for info, 16 for errors. */
  class?: number;
  /** Default 1. */
  lineNumber?: number;
  /** Default ''. */
  procName?: string;
  /** Default the server's serverName. */
  serverName?: string;
}

export interface TdsInfoSpec extends TdsMessageSpec {
  /**
   * Wait this long before sending the message. Everything before it is flushed first, so the
   * client sees earlier messages while the server "works"; tedious stops its requestTimeout
   * timer at the first packet of a response, so only a delay before the first output can
   * time a request out.
   */
  delayMs?: number;
}

export interface TdsColumn {
  name: string;
  type: TdsColumnType;
  /** Default true. */
  nullable?: boolean;
}

export interface TdsResultSet {
  columns: TdsColumn[];
  /** One array per row, one value per column; `null` is SQL NULL. */
  rows: readonly (readonly TdsValue[])[];
}

/**
 * What the server answers. Sent in this order: database change, info messages (each after
 * its delay), result sets, row counts, errors, then the closing DONE (RETURNSTATUS and
 * DONEPROC for an RPC).
 */
export interface TdsReply {
  results?: TdsResultSet[];
  info?: TdsInfoSpec[];
  /** Several errors arrive in order; mssql rejects with the last and lists the others in precedingErrors. */
  errors?: TdsMessageSpec[];
  /** A DML row count (or several, one per statement): mssql's result.rowsAffected. */
  rowsAffected?: number | number[];
  /** RPC only: the RETURNSTATUS value (mssql's result.returnValue). Default 0. */
  returnStatus?: number;
  /** Switch the connection to this database (ENVCHANGE + INFO 5701), as a USE in the batch would. */
  useDatabase?: string;
  /** Close the socket after the info messages, without completing the response. */
  closeConnection?: boolean;
  /** false: never complete the response (the client must time out and send an attention). Default true. */
  done?: boolean;
}

export type TdsReplyFn = (req: TdsRequest) => TdsReply | Promise<TdsReply>;

/**
 * RegExp: tested against `request.sql`. string: `request.sql` contains it, ignoring case.
 * function: any predicate over the request.
 */
export type TdsMatcher = RegExp | string | ((req: TdsRequest) => boolean);

/** One login attempt, successful or not. */
export interface TdsLoginAttempt {
  user: string;
  password: string;
  database: string;
  appName: string;
  hostName: string;
  ok: boolean;
  connectionId: number;
}

/**
 * What sys.databases would say of a database, as a test sets it (a handler for ALTER DATABASE …
 * SET OFFLINE, or for a RESTORE that fails half-way): ONLINE and MULTI_USER unless set. The
 * server holds a USE to it as SQL Server does: 942 offline, 927 restoring, 924 when single-user
 * and another connection is in it.
 */
export interface TdsDatabaseState {
  state: 'ONLINE' | 'OFFLINE' | 'RESTORING';
  access: 'MULTI_USER' | 'SINGLE_USER';
}

interface HandlerEntry {
  match: TdsMatcher;
  reply: TdsReply | TdsReplyFn;
  once: boolean;
}

export function matches(match: TdsMatcher, req: TdsRequest): boolean {
  if (match instanceof RegExp) {
    match.lastIndex = 0; // a /g or /y pattern keeps state between tests otherwise
    return match.test(req.sql);
  }
  if (typeof match === 'string') return req.sql.toLowerCase().includes(match.toLowerCase());
  return match(req);
}

/** Registered handlers; the most recently registered match wins, so a test can override a default. */
export class HandlerRegistry {
  private entries: HandlerEntry[] = [];

  add(match: TdsMatcher, reply: TdsReply | TdsReplyFn, once: boolean): void {
    this.entries.push({ match, reply, once });
  }

  /** The reply for `req`, consuming a `once` handler. */
  take(req: TdsRequest): TdsReply | TdsReplyFn | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const entry = this.entries[i];
      if (entry && matches(entry.match, req)) {
        if (entry.once) this.entries.splice(i, 1);
        return entry.reply;
      }
    }
    return undefined;
  }

  clear(): void {
    this.entries = [];
  }
}
