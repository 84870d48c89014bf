/**
 * Test support only: one client connection of the TDS test server, from PRELOGIN to close.
 *
 * The session answers one request at a time (a TDS client never pipelines), except for
 * ATTENTION, which may arrive while a reply is still being produced. tedious needs exactly
 * one response message per request and then, for an attention, a *separate* message holding
 * only DONE(ATTN); a lone DONE(ATTN) would be taken as the cancelled request's response and
 * tedious would wait for the acknowledgement until its cancelTimeout kills the connection.
 */
import type { Socket } from 'node:net';
import { type Duplex, duplexPair } from 'node:stream';
import tls from 'node:tls';
import { ByteWriter, TdsDecodeError } from './bytes';
import { DEFAULT_COLLATION, parseColumnType } from './datatypes';
import {
  type Login7,
  Encryption,
  type ServerEncryption,
  answerStartsTls,
  decodeLogin7,
  decodePrelogin,
  encryptionAnswer,
  encryptionName,
  preloginResponse,
} from './login';
import { MessageAssembler, PacketType, PacketWriter, type TdsMessage } from './packets';
import {
  type DecodedRequest,
  type TransactionOperation,
  decodeRpc,
  decodeSqlBatch,
  decodeTransactionManager,
} from './requests';
import type {
  HandlerRegistry,
  TdsDatabaseState,
  TdsLogin,
  TdsLoginAttempt,
  TdsMessageSpec,
  TdsReply,
  TdsReplyFn,
  TdsRequest,
} from './script';
import {
  CurCmd,
  type DoneKind,
  DoneStatus,
  EnvChange,
  type WireColumn,
  colMetadataToken,
  doneToken,
  envChangeBytes,
  envChangeText,
  loginAckToken,
  messageToken,
  returnStatusToken,
  rowToken,
} from './tokens';

/** Server-wide settings and record-keeping a session reports to. */
export interface SessionContext {
  readonly logins: TdsLogin[] | undefined;
  /** Lower-cased names, or undefined for "any database exists". */
  readonly databases: Set<string> | undefined;
  readonly defaultDatabase: string;
  readonly serverName: string;
  readonly version: { major: number; minor: number; build: number };
  readonly registry: HandlerRegistry;
  record(req: TdsRequest, outcome: 'handled' | 'builtin' | 'unhandled' | 'housekeeping'): void;
  recordLogin(attempt: TdsLoginAttempt): void;
  countAttention(): void;
  /** Issue 14 (restore): a database's state and the connections in it, which a USE must respect. */
  databaseState(name: string): TdsDatabaseState;
  sessionsIn(name: string): number[];
  /** Issue 14: what the server answers about encryption, and its TLS (set for 'on' and 'required'). */
  readonly encryption: ServerEncryption;
  readonly tls: tls.SecureContext | undefined;
  recordHandshake(handshake: TdsHandshake): void;
}

/** One connection's PRELOGIN and TLS, as the server saw them; updated as the handshake goes on. */
export interface TdsHandshake {
  connectionId: number;
  /** The ENCRYPTION byte the client sent, by name ('ON', 'NOT_SUP', ...). */
  clientAsked: string;
  answered: string;
  tls: 'none' | 'negotiating' | 'established' | 'failed';
  /** 'TLSv1.2', ... once established. */
  protocol?: string;
  /** The server side's TLS error, when the handshake failed there. */
  error?: string;
  /** Whether LOGIN7 arrived inside TLS (undefined: no LOGIN7 came). */
  loginInTls?: boolean;
}

/**
 * The server's side of TDS 7.x TLS (MS-TDS 2.2.6.5): the handshake travels inside PRELOGIN
 * packets, one server message per client flight (tedious reads exactly one); once it is done,
 * every packet both ways travels as TLS records on the bare socket.
 */
class ServerTls {
  readonly cleartext: tls.TLSSocket;
  private readonly wire: Duplex;
  private pending: Buffer[] = [];
  private flushing = false;
  private secure = false;
  /** The handshake's last flight is sent: from now on TLS records go on the bare socket. */
  established = false;

  constructor(
    context: tls.SecureContext,
    private readonly socket: Socket,
    private readonly sendFlight: (records: Buffer) => void,
    events: { secure(protocol: string): void; clear(chunk: Buffer): void; failed(err: Error): void },
  ) {
    const [inner, wire] = duplexPair();
    this.wire = wire;
    this.cleartext = new tls.TLSSocket(inner, { isServer: true, secureContext: context });
    this.cleartext.on('secure', () => {
      this.secure = true;
      events.secure(this.cleartext.getProtocol() ?? '');
    });
    this.cleartext.on('data', (chunk: Buffer) => events.clear(chunk));
    this.cleartext.on('error', (err: Error) => {
      events.failed(err);
      // What TLS wrote last (its alert) still goes to the client, then the connection ends.
      this.flush();
      this.socket.end(() => this.socket.destroy());
    });
    wire.on('data', (records: Buffer) => {
      if (this.established) {
        if (!this.socket.destroyed) this.socket.write(records);
        return;
      }
      this.pending.push(records);
      if (!this.flushing) {
        this.flushing = true;
        // A flight may be written in parts: they go together, after the current ones.
        setImmediate(() => this.flush());
      }
    });
  }

  /** The client's handshake records, from a PRELOGIN message. */
  handshake(records: Buffer): void {
    this.wire.write(records);
  }

  /** TLS records from the bare socket, once established. */
  receive(records: Buffer): void {
    this.wire.write(records);
  }

  private flush(): void {
    this.flushing = false;
    if (this.pending.length > 0) this.sendFlight(Buffer.concat(this.pending));
    this.pending = [];
    if (this.secure) this.established = true;
  }

  destroy(): void {
    this.cleartext.destroy();
    this.wire.destroy();
  }
}

const TDS_7_4 = 0x74000004;
/** TDS versions tedious knows (7.2 and later, whose token layouts this server writes). */
const KNOWN_TDS_VERSIONS = new Set([0x72090002, 0x730a0003, 0x730b0003, TDS_7_4]);
const MIN_PACKET_SIZE = 512;
const MAX_PACKET_SIZE = 32767;
const NO_HANDLER_NUMBER = 50000;

type State = 'prelogin' | 'tls' | 'login' | 'ready' | 'closed';

/** The response message being written for the current request; it may be flushed in parts. */
class ResponseStream {
  private pending: Buffer[] = [];
  ended = false;

  constructor(private readonly out: PacketWriter) {}

  add(...tokens: Buffer[]): void {
    this.pending.push(...tokens);
  }

  /** Sends what is pending as packets without EOM: the client sees it now, the message goes on. */
  flush(): void {
    if (this.pending.length === 0 || this.ended) return;
    this.out.send(PacketType.TABULAR_RESULT, Buffer.concat(this.pending), false);
    this.pending = [];
  }

  end(...tokens: Buffer[]): void {
    if (this.ended) return;
    this.add(...tokens);
    this.out.send(PacketType.TABULAR_RESULT, Buffer.concat(this.pending), true);
    this.pending = [];
    this.ended = true;
  }
}

interface ActiveRequest {
  readonly abort: AbortController;
  readonly response: ResponseStream;
  /** Aborted by an ATTENTION (rather than by the socket closing). */
  attention: boolean;
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const ABORTED: unique symbol = Symbol('aborted');

/** `work`'s result, or ABORTED if `signal` aborts first (the work itself runs on, ignored). */
function unlessAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** `USE [name]` / `USE name` alone in a batch, bracket escapes undone. */
function parseUse(sql: string): string | undefined {
  const m = /^\s*use\s+(\[(?:[^\]]|\]\])+\]|[^\s;[\]]+)\s*;?\s*$/i.exec(sql);
  const name = m?.[1];
  if (!name) return undefined;
  return name.startsWith('[') ? name.slice(1, -1).replace(/\]\]/g, ']') : name;
}

function isSetLine(line: string): boolean {
  return line.trim() === '' || /^\s*set\s/i.test(line);
}

/** Requests a driver makes on its own; answered before any handler sees them. */
function housekeepingReply(req: TdsRequest): TdsReply | undefined {
  // tedious, right after login: 'set ansi_nulls on\n...\nset textsize 2147483647\n...', only SETs.
  if (
    req.kind === 'batch' &&
    /\bset\s+textsize\b/i.test(req.sql) &&
    req.sql.split(/\r?\n/).every(isSetLine)
  ) {
    return {};
  }
  // mssql's pool validation (validateConnection: true), sent through sp_executesql.
  if (
    req.kind === 'rpc' &&
    req.procedure === 'sp_executesql' &&
    req.sql === 'SELECT 1;' &&
    req.paramList.length === 0
  ) {
    return { results: [{ columns: [{ name: '', type: 'int' }], rows: [[1]] }] };
  }
  return undefined;
}

interface CompiledResultSet {
  metadata: Buffer;
  rows: Buffer[];
}

export class TdsSession {
  private state: State = 'prelogin';
  private readonly assembler = new MessageAssembler();
  private readonly out: PacketWriter;
  private readonly queue: TdsMessage[] = [];
  private active: ActiveRequest | undefined;
  private user = '';
  private appName = '';
  private hostName = '';
  private loginDatabase = '';
  private database = '';
  private transaction: Buffer | undefined;
  private transactionCount = 0;
  private tls: ServerTls | undefined;
  private handshake: TdsHandshake | undefined;
  private loginRefused = false;

  constructor(
    private readonly socket: Socket,
    readonly id: number,
    private readonly ctx: SessionContext,
  ) {
    this.out = new PacketWriter((data) => this.write(data), 4096, 50 + id);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // Clients reset connections as a matter of course (tedious after a failed login).
    socket.on('error', () => undefined);
    socket.on('close', () => this.onClosed());
  }

  /** Server shutdown: drop the connection and stop any reply in progress. */
  destroy(): void {
    this.socket.destroy();
    this.onClosed();
  }

  private onClosed(): void {
    if (this.handshake?.tls === 'negotiating') this.handshake.tls = 'failed';
    this.state = 'closed';
    this.queue.length = 0;
    this.active?.abort.abort();
    this.tls?.destroy();
  }

  private write(data: Buffer): void {
    if (this.socket.destroyed || !this.socket.writable) return;
    if (this.tls?.established) this.tls.cleartext.write(data);
    else this.socket.write(data);
  }

  /**
   * The server ends this session (a KILL, ROLLBACK IMMEDIATE): the client sees its connection
   * closed (FIN only: it closes its own side, as after SQL Server's own termination). Resolves
   * once it has: its next request goes on a new connection.
   */
  end(): Promise<void> {
    this.state = 'closed';
    if (this.socket.closed) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.end();
    return closed;
  }

  /** Half-close after what is written is sent; the client sees the end of the stream. */
  private hangUp(): void {
    this.state = 'closed';
    this.socket.end(() => this.socket.destroy());
  }

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    if (this.tls?.established) {
      this.tls.receive(chunk);
      return;
    }
    this.onClear(chunk);
  }

  /** TDS packets: from the socket, or out of TLS once it is established. */
  private onClear(chunk: Buffer): void {
    if (this.state === 'closed') return;
    try {
      for (const message of this.assembler.push(chunk)) this.dispatch(message);
    } catch {
      // Malformed framing or handshake: a real server drops such a client too.
      this.socket.destroy();
    }
  }

  /** PRELOGIN: the answer about encryption, and TLS after it when the answer is ON or REQ. */
  private prelogin(payload: Buffer): void {
    const asked = decodePrelogin(payload).encryption;
    const answer = encryptionAnswer(this.ctx.encryption, asked);
    const handshake: TdsHandshake = {
      connectionId: this.id,
      clientAsked: encryptionName(asked),
      answered: encryptionName(answer),
      tls: 'none',
    };
    this.handshake = handshake;
    this.ctx.recordHandshake(handshake);
    this.out.send(PacketType.TABULAR_RESULT, preloginResponse(this.ctx.version, answer), true);
    const context = this.ctx.tls;
    const clientAsks = asked === Encryption.ON || asked === Encryption.REQ;
    if (!answerStartsTls(answer) || !clientAsks || !context) {
      // Told REQ without asking, a client gives up (tedious: EENCRYPT) and a LOGIN7 in clear is
      // refused, as SQL Server ends such a connection.
      this.loginRefused = answerStartsTls(answer);
      this.state = 'login';
      return;
    }
    handshake.tls = 'negotiating';
    this.state = 'tls';
    this.tls = new ServerTls(
      context,
      this.socket,
      (records) => this.out.send(PacketType.PRELOGIN, records, true),
      {
        secure: (protocol) => {
          handshake.tls = 'established';
          handshake.protocol = protocol;
          this.state = 'login';
        },
        clear: (chunk) => this.onClear(chunk),
        failed: (err) => {
          handshake.tls = 'failed';
          handshake.error = err.message;
        },
      },
    );
  }

  private dispatch(m: TdsMessage): void {
    switch (m.type) {
      case PacketType.PRELOGIN:
        if (this.state === 'tls' && this.tls) {
          this.tls.handshake(m.payload);
          return;
        }
        if (this.state !== 'prelogin') {
          this.socket.destroy();
          return;
        }
        this.prelogin(m.payload);
        return;
      case PacketType.LOGIN7:
        if (this.state !== 'login' && this.state !== 'prelogin') {
          this.socket.destroy();
          return;
        }
        if (this.handshake) this.handshake.loginInTls = this.tls?.established === true;
        if (this.loginRefused) {
          this.socket.destroy();
          return;
        }
        this.login(m.payload);
        return;
      case PacketType.ATTENTION:
        this.attention();
        return;
      case PacketType.SQL_BATCH:
      case PacketType.RPC_REQUEST:
      case PacketType.TRANSACTION_MANAGER:
      case PacketType.BULK_LOAD:
        if (this.state !== 'ready') {
          this.socket.destroy();
          return;
        }
        this.queue.push(m);
        this.pump();
        return;
      default:
        this.socket.destroy();
    }
  }

  // ------------------------------------------------------------------ login

  private message(kind: 'info' | 'error', spec: TdsMessageSpec): Buffer {
    return messageToken(kind, {
      number: spec.number,
      message: spec.message,
      state: spec.state ?? 1,
      class: spec.class ?? (kind === 'info' ? 0 : 16),
      lineNumber: spec.lineNumber ?? 1,
      procName: spec.procName ?? '',
      serverName: spec.serverName ?? this.ctx.serverName,
    });
  }

  private login(payload: Buffer): void {
    let login: Login7;
    try {
      login = decodeLogin7(payload);
    } catch {
      this.socket.destroy();
      return;
    }
    this.out.packetSize = Math.min(MAX_PACKET_SIZE, Math.max(MIN_PACKET_SIZE, login.packetSize || 4096));
    const account = this.ctx.logins?.find((l) => l.user.toLowerCase() === login.userName.toLowerCase());
    const credentialsOk =
      !login.integratedSecurity &&
      (this.ctx.logins === undefined || (account !== undefined && account.password === login.password));
    const database = login.database || account?.database || this.ctx.defaultDatabase;
    // A database that is offline, restoring or single-user and taken cannot be the login's either (4060).
    const databaseOk =
      (this.ctx.databases === undefined || this.ctx.databases.has(database.toLowerCase())) &&
      !this.closedDatabase(database);
    const ok = credentialsOk && databaseOk;
    this.ctx.recordLogin({
      user: login.userName,
      password: login.password,
      database,
      appName: login.appName,
      hostName: login.hostName,
      ok,
      connectionId: this.id,
    });

    if (!ok) {
      // SQL Server's answer to a bad login: ERROR 18456 (after 4060 for a missing database),
      // DONE with the error bit, and the connection closed. tedious reports the last ERROR
      // as a ConnectionError with code ELOGIN.
      const tokens: Buffer[] = [];
      if (credentialsOk && !databaseOk) {
        tokens.push(
          this.message('error', {
            number: 4060,
            class: 11,
            message: `Cannot open database "${database}" requested by the login. The login failed.`,
          }),
        );
      }
      tokens.push(
        this.message('error', {
          number: 18456,
          class: 14,
          message: `Login failed for user '${login.userName}'.`,
        }),
      );
      tokens.push(doneToken('done', DoneStatus.ERROR));
      this.out.send(PacketType.TABULAR_RESULT, Buffer.concat(tokens), true);
      this.hangUp();
      return;
    }

    this.user = login.userName;
    this.appName = login.appName;
    this.hostName = login.hostName;
    this.loginDatabase = database;
    this.database = database;
    const size = String(this.out.packetSize);
    const tokens = [
      envChangeText(EnvChange.DATABASE, database, 'master'),
      this.message('info', { number: 5701, state: 2, message: `Changed database context to '${database}'.` }),
      envChangeBytes(EnvChange.SQL_COLLATION, DEFAULT_COLLATION, Buffer.alloc(0)),
      envChangeText(EnvChange.LANGUAGE, 'us_english', ''),
      this.message('info', { number: 5703, message: 'Changed language setting to us_english.' }),
      loginAckToken({
        tdsVersion: KNOWN_TDS_VERSIONS.has(login.tdsVersion) ? login.tdsVersion : TDS_7_4,
        progName: 'Microsoft SQL Server',
        ...this.ctx.version,
      }),
      envChangeText(EnvChange.PACKET_SIZE, size, size),
      doneToken('done', DoneStatus.FINAL),
    ];
    this.out.send(PacketType.TABULAR_RESULT, Buffer.concat(tokens), true);
    this.state = 'ready';
  }

  // ------------------------------------------------------------------ attention

  private attention(): void {
    this.ctx.countAttention();
    const active = this.active;
    if (active && !active.response.ended) {
      // serve() ends the cancelled response; pump() then sends the acknowledgement.
      active.attention = true;
      active.abort.abort();
      return;
    }
    this.acknowledgeAttention();
  }

  private acknowledgeAttention(): void {
    this.out.send(PacketType.TABULAR_RESULT, doneToken('done', DoneStatus.ATTN), true);
  }

  // ------------------------------------------------------------------ requests

  private pump(): void {
    if (this.active || this.state === 'closed') return;
    const message = this.queue.shift();
    if (!message) return;
    const active: ActiveRequest = {
      abort: new AbortController(),
      response: new ResponseStream(this.out),
      attention: false,
    };
    this.active = active;
    void this.serve(message, active)
      .catch((err: unknown) => {
        // A bug in the server itself: still answer, so the client does not hang.
        active.response.end(
          this.message('error', {
            number: NO_HANDLER_NUMBER,
            message: `TdsTestServer failed: ${messageOf(err)}`,
          }),
          doneToken('done', DoneStatus.ERROR),
        );
      })
      .finally(() => {
        if (active.attention && this.state !== 'closed') this.acknowledgeAttention();
        this.active = undefined;
        this.pump();
      });
  }

  private decode(m: TdsMessage): DecodedRequest {
    switch (m.type) {
      case PacketType.SQL_BATCH:
        return decodeSqlBatch(m.payload);
      case PacketType.RPC_REQUEST:
        return decodeRpc(m.payload);
      case PacketType.TRANSACTION_MANAGER:
        return decodeTransactionManager(m.payload);
      default:
        throw new TdsDecodeError('bulk load (BCP) is not supported by the TDS test server');
    }
  }

  private toRequest(d: DecodedRequest): TdsRequest {
    const paramList = d.kind === 'rpc' ? d.params : [];
    const params: TdsRequest['params'] = {};
    for (const p of paramList) params[p.name] = p;
    return {
      kind: d.kind,
      sql: d.sql,
      ...(d.kind === 'rpc' ? { procedure: d.procedure } : {}),
      ...(d.kind === 'rpc' && d.paramDefinitions !== undefined
        ? { paramDefinitions: d.paramDefinitions }
        : {}),
      params,
      paramList,
      database: this.database,
      user: this.user,
      appName: this.appName,
      hostName: this.hostName,
      connectionId: this.id,
    };
  }

  /** Replies the server gives itself when no handler claims a request. */
  private builtinReply(req: TdsRequest): TdsReply | undefined {
    if (req.kind === 'transaction') return {};
    if (req.kind === 'batch') {
      const database = parseUse(req.sql);
      if (database !== undefined) return { useDatabase: database };
    }
    return undefined;
  }

  private async serve(m: TdsMessage, active: ActiveRequest): Promise<void> {
    const { response } = active;
    if (m.ignore) {
      // The client cancelled while still sending: nothing to run, but one response is due.
      response.end(doneToken('done', DoneStatus.FINAL));
      return;
    }
    if (m.resetConnection) {
      this.database = this.loginDatabase;
      this.transaction = undefined;
      response.add(envChangeBytes(EnvChange.RESET_CONNECTION, Buffer.alloc(0), Buffer.alloc(0)));
    }

    let decoded: DecodedRequest;
    try {
      decoded = this.decode(m);
    } catch (err) {
      response.end(
        this.message('error', {
          number: NO_HANDLER_NUMBER,
          message: `TdsTestServer could not decode the request: ${messageOf(err)}`,
        }),
        doneToken('done', DoneStatus.ERROR),
      );
      return;
    }
    const req = this.toRequest(decoded);

    const housekeeping = housekeepingReply(req);
    if (housekeeping) {
      this.ctx.record(req, 'housekeeping');
      await this.perform(req, housekeeping, active, undefined);
      return;
    }

    let source: TdsReply | TdsReplyFn | undefined;
    let outcome: 'handled' | 'builtin' | 'unhandled' = 'handled';
    try {
      source = this.ctx.registry.take(req);
    } catch (err) {
      source = {
        errors: [{ number: NO_HANDLER_NUMBER, message: `TdsTestServer: a matcher threw: ${messageOf(err)}` }],
      };
    }
    if (!source) {
      source = this.builtinReply(req);
      outcome = source ? 'builtin' : 'unhandled';
    }
    source ??= {
      errors: [{ number: NO_HANDLER_NUMBER, message: `TdsTestServer: no handler for: ${req.sql}` }],
    };
    this.ctx.record(req, outcome);
    await this.perform(req, source, active, decoded.kind === 'transaction' ? decoded.operation : undefined);
  }

  /** Compiles result sets up front, so a scripting mistake becomes an error before anything is sent. */
  private compileResults(reply: TdsReply): CompiledResultSet[] {
    return (reply.results ?? []).map((set, setIndex) => {
      const columns: WireColumn[] = set.columns.map((c) => {
        try {
          return { name: c.name, type: parseColumnType(c.type), nullable: c.nullable ?? true };
        } catch (err) {
          throw new TypeError(`result set ${setIndex}, column '${c.name}': ${messageOf(err)}`, {
            cause: err,
          });
        }
      });
      return {
        metadata: colMetadataToken(columns),
        rows: set.rows.map((row, i) => {
          try {
            return rowToken(columns, row, i);
          } catch (err) {
            throw new TypeError(`result set ${setIndex}: ${messageOf(err)}`, { cause: err });
          }
        }),
      };
    });
  }

  private async resolveReply(
    req: TdsRequest,
    source: TdsReply | TdsReplyFn,
    signal: AbortSignal,
  ): Promise<{ reply: TdsReply; results: CompiledResultSet[] } | typeof ABORTED> {
    try {
      const reply =
        typeof source === 'function'
          ? await unlessAborted(
              Promise.resolve().then(() => source(req)),
              signal,
            )
          : source;
      if (reply === ABORTED) return ABORTED;
      return { reply, results: this.compileResults(reply) };
    } catch (err) {
      const reply: TdsReply = {
        errors: [
          {
            number: NO_HANDLER_NUMBER,
            message: `TdsTestServer: the handler for '${req.sql}' failed: ${messageOf(err)}`,
          },
        ],
      };
      return { reply, results: [] };
    }
  }

  /** The connection's current database (what sys.dm_exec_sessions.database_id would name). */
  get currentDatabase(): string {
    return this.database;
  }

  /** SQL Server's refusal of a USE to a database that is offline, restoring, or single-user and taken. */
  private closedDatabase(name: string): TdsMessageSpec | undefined {
    const { state, access } = this.ctx.databaseState(name);
    if (state === 'OFFLINE')
      return {
        number: 942,
        class: 14,
        message: `Database '${name}' cannot be opened because it is offline.`,
      };
    if (state === 'RESTORING')
      return {
        number: 927,
        class: 14,
        message: `Database '${name}' cannot be opened. It is in the middle of a restore.`,
      };
    const taken = this.ctx.sessionsIn(name).some((id) => id !== this.id);
    if (access === 'SINGLE_USER' && taken)
      return {
        number: 924,
        class: 14,
        message: `Database '${name}' is already open and can only have one user at a time.`,
      };
    return undefined;
  }

  private useDatabase(name: string, response: ResponseStream): Buffer[] {
    if (this.ctx.databases && !this.ctx.databases.has(name.toLowerCase())) {
      return [
        this.message('error', {
          number: 911,
          message: `Database '${name}' does not exist. Make sure that the name is entered correctly.`,
        }),
      ];
    }
    const closed = this.closedDatabase(name);
    if (closed) return [this.message('error', closed)];
    const old = this.database;
    this.database = name;
    response.add(
      envChangeText(EnvChange.DATABASE, name, old),
      this.message('info', { number: 5701, state: 1, message: `Changed database context to '${name}'.` }),
    );
    return [];
  }

  private transactionChange(operation: TransactionOperation): Buffer | undefined {
    const none = Buffer.alloc(0);
    switch (operation) {
      case 'begin': {
        this.transactionCount += 1;
        this.transaction = new ByteWriter().u64(this.transactionCount).toBuffer();
        return envChangeBytes(EnvChange.BEGIN_TXN, this.transaction, none);
      }
      case 'commit':
      case 'rollback': {
        const old = this.transaction ?? Buffer.alloc(8);
        this.transaction = undefined;
        return envChangeBytes(
          operation === 'commit' ? EnvChange.COMMIT_TXN : EnvChange.ROLLBACK_TXN,
          none,
          old,
        );
      }
      default:
        return undefined;
    }
  }

  /** Ends the response of a request cut short by an attention (not by a closed socket). */
  private cancelled(active: ActiveRequest, rpc: boolean): void {
    if (active.attention) active.response.end(doneToken(rpc ? 'doneProc' : 'done', DoneStatus.FINAL));
  }

  private async perform(
    req: TdsRequest,
    source: TdsReply | TdsReplyFn,
    active: ActiveRequest,
    transaction: TransactionOperation | undefined,
  ): Promise<void> {
    const { response, abort } = active;
    const { signal } = abort;
    const rpc = req.kind === 'rpc';
    const resolved = await this.resolveReply(req, source, signal);
    if (resolved === ABORTED) return this.cancelled(active, rpc);
    const { reply, results } = resolved;

    const errors: Buffer[] = [];
    if (reply.useDatabase !== undefined) errors.push(...this.useDatabase(reply.useDatabase, response));

    for (const info of reply.info ?? []) {
      if (info.delayMs !== undefined && info.delayMs > 0) {
        response.flush();
        if (!(await sleep(info.delayMs, signal))) return this.cancelled(active, rpc);
      }
      response.add(this.message('info', info));
    }

    if (reply.closeConnection) {
      response.flush();
      this.hangUp();
      return;
    }

    // Result sets end with DONEINPROC inside an RPC (mssql ignores DONEPROC) and DONE in a batch.
    const partDone: DoneKind = rpc ? 'doneInProc' : 'done';
    for (const set of results) {
      response.add(set.metadata, ...set.rows);
      response.add(doneToken(partDone, DoneStatus.MORE | DoneStatus.COUNT, set.rows.length, CurCmd.SELECT));
    }
    const counts = reply.rowsAffected === undefined ? [] : [reply.rowsAffected].flat();
    for (const count of counts) {
      response.add(doneToken(partDone, DoneStatus.MORE | DoneStatus.COUNT, count, CurCmd.UPDATE));
    }
    for (const error of reply.errors ?? []) errors.push(this.message('error', error));
    response.add(...errors);

    if (reply.done === false) {
      response.flush();
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
      return this.cancelled(active, rpc);
    }

    const failed = errors.length > 0;
    if (transaction && !failed) {
      const change = this.transactionChange(transaction);
      if (change) response.add(change);
    }
    const status = failed ? DoneStatus.ERROR : DoneStatus.FINAL;
    if (rpc) {
      if (!failed || reply.returnStatus !== undefined)
        response.add(returnStatusToken(reply.returnStatus ?? 0));
      response.end(doneToken('doneProc', status));
    } else {
      response.end(doneToken('done', status));
    }
  }
}
