/**
 * Test support only: decoding the client's request messages into something a test can
 * assert on: SQL batch (MS-TDS 2.2.6.7), RPC request (2.2.6.6) and transaction manager
 * request (2.2.6.9).
 *
 * All three start with ALL_HEADERS (2.2.5.3) in TDS 7.2+: a 4-byte total length, then the
 * headers (transaction descriptor, outstanding request count) which the server skips.
 * mssql's `request.query()` arrives as an RPC to sp_executesql even without parameters;
 * `request.batch()` arrives as a SQL batch.
 */
import { ByteReader, TdsDecodeError } from './bytes';
import { type TdsParamType, type TdsValue, readParamTypeInfo, readParamValue } from './datatypes';

/** A parameter as the client sent it. */
export interface TdsParam {
  /** Without the leading '@'; positional parameters are named by their 1-based position. */
  name: string;
  /** The type on the wire (e.g. 'nvarchar' for sql.NVarChar, 'bigint' for sql.BigInt). */
  type: TdsParamType;
  value: TdsValue;
  /** sp_executesql only: the parameter's declaration from the definition string, e.g. 'nvarchar(14)'. */
  declaration?: string;
  /** Sent as an OUTPUT (by-reference) parameter. */
  output: boolean;
}

export interface DecodedBatch {
  kind: 'batch';
  sql: string;
}

export interface DecodedRpc {
  kind: 'rpc';
  /** The procedure name, or the name of a well-known procedure sent by id (10 = sp_executesql). */
  procedure: string;
  /** For sp_executesql: its statement; otherwise the procedure name. */
  sql: string;
  /** For sp_executesql: its parameter definition string ('' when it has no parameters). */
  paramDefinitions?: string;
  params: TdsParam[];
}

export type TransactionOperation = 'begin' | 'commit' | 'rollback' | 'save' | 'other';

export interface DecodedTransaction {
  kind: 'transaction';
  operation: TransactionOperation;
  /** Transaction (or savepoint) name, often ''. */
  name: string;
  /** Readable form handlers can match, e.g. 'BEGIN TRANSACTION' or 'SAVE TRANSACTION sp1'. */
  sql: string;
}

export type DecodedRequest = DecodedBatch | DecodedRpc | DecodedTransaction;

/**
 * A reader positioned after ALL_HEADERS. A total length that cannot be right (under 4 or past
 * the end) means the client sent none (TDS 7.1 and earlier), and nothing is skipped.
 */
function bodyReader(payload: Buffer): ByteReader {
  if (payload.length >= 4) {
    const total = payload.readUInt32LE(0);
    if (total >= 4 && total <= payload.length) return new ByteReader(payload, total);
  }
  return new ByteReader(payload);
}

export function decodeSqlBatch(payload: Buffer): DecodedBatch {
  const r = bodyReader(payload);
  if (r.remaining % 2 !== 0) throw new TdsDecodeError('SQL batch text has an odd number of bytes');
  return { kind: 'batch', sql: r.ucs2(r.remaining / 2) };
}

/** Procedures a client may call by id instead of by name (MS-TDS 2.2.6.6, ProcID). */
const SPECIAL_PROCEDURES: Record<number, string> = {
  1: 'sp_cursor',
  2: 'sp_cursoropen',
  3: 'sp_cursorprepare',
  4: 'sp_cursorexecute',
  5: 'sp_cursorprepexec',
  6: 'sp_cursorunprepare',
  7: 'sp_cursorfetch',
  8: 'sp_cursoroption',
  9: 'sp_cursorclose',
  10: 'sp_executesql',
  11: 'sp_prepare',
  12: 'sp_execute',
  13: 'sp_prepexec',
  14: 'sp_prepexecrpc',
  15: 'sp_unprepare',
};

const PARAM_STATUS_BY_REF = 0x01;
/** Batch separators between RPCs in one message; the test server handles one RPC per message. */
const RPC_BATCH_SEPARATORS = new Set([0x80, 0xff]);

/** 'sp_executesql', 'sys.sp_executesql', '[master]..[sp_executesql]', ... */
function isExecuteSql(procedure: string): boolean {
  const last =
    procedure
      .replace(/[[\]\s]/g, '')
      .split('.')
      .pop() ?? '';
  return last.toLowerCase() === 'sp_executesql';
}

export function decodeRpc(payload: Buffer): DecodedRpc {
  const r = bodyReader(payload);
  const nameLength = r.u16();
  let procedure: string;
  if (nameLength === 0xffff) {
    const id = r.u16();
    procedure = SPECIAL_PROCEDURES[id] ?? `#${id}`;
  } else {
    procedure = r.ucs2(nameLength);
  }
  r.skip(2); // option flags (WITH RECOMPILE, NO METADATA)

  const params: TdsParam[] = [];
  while (r.remaining > 0) {
    // A separator starts the next RPC of the same message; names of 128/255 chars do not occur.
    if (RPC_BATCH_SEPARATORS.has(payload.readUInt8(r.position))) break;
    const rawName = r.bVarChar();
    const status = r.u8();
    const info = readParamTypeInfo(r);
    const value = readParamValue(r, info);
    params.push({
      name: rawName.replace(/^@/, '') || String(params.length + 1),
      type: info.type,
      value,
      output: (status & PARAM_STATUS_BY_REF) !== 0,
    });
  }

  if (!isExecuteSql(procedure)) return { kind: 'rpc', procedure, sql: procedure, params };

  // sp_executesql is positional: @stmt, then @params (the definitions), then the values.
  const [statement, definitions, ...rest] = params;
  if (!statement || typeof statement.value !== 'string') {
    throw new TdsDecodeError('sp_executesql without a statement');
  }
  const paramDefinitions = typeof definitions?.value === 'string' ? definitions.value : '';
  const declared = parseParamDefinitions(paramDefinitions);
  return {
    kind: 'rpc',
    procedure: 'sp_executesql',
    sql: statement.value,
    paramDefinitions,
    params: rest.map((p) => {
      const decl = declared.get(p.name.toLowerCase());
      return decl ? { ...p, declaration: decl.declaration } : p;
    }),
  };
}

export interface ParamDefinition {
  name: string;
  declaration: string;
  output: boolean;
}

/**
 * Splits sp_executesql's definition string ('@a int, @b nvarchar(14), @c decimal(10, 2) OUTPUT')
 * at top-level commas. Keys are lower-case names without '@'.
 */
export function parseParamDefinitions(definitions: string): Map<string, ParamDefinition> {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of definitions) {
    if (ch === '(') depth++;
    if (ch === ')') depth = Math.max(0, depth - 1);
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);

  const result = new Map<string, ParamDefinition>();
  for (const part of parts) {
    const m = /^\s*@(\S+)\s+(.+?)\s*$/s.exec(part);
    if (!m?.[1] || !m[2]) continue;
    let declaration = m[2];
    const output = /\s+(out|output)$/i.test(declaration);
    if (output) declaration = declaration.replace(/\s+(out|output)$/i, '');
    result.set(m[1].toLowerCase(), { name: m[1], declaration: declaration.trim(), output });
  }
  return result;
}

const TM = { BEGIN: 5, COMMIT: 7, ROLLBACK: 8, SAVE: 9 } as const;

export function decodeTransactionManager(payload: Buffer): DecodedTransaction {
  const r = bodyReader(payload);
  const type = r.u16();
  let operation: TransactionOperation = 'other';
  let name = '';
  // The name is a length in *bytes* (not characters), then UTF-16LE.
  const readName = (): string => (r.remaining > 0 ? r.bytes(r.u8()).toString('utf16le') : '');
  switch (type) {
    case TM.BEGIN:
      operation = 'begin';
      if (r.remaining > 0) r.skip(1); // isolation level
      name = readName();
      break;
    case TM.COMMIT:
      operation = 'commit';
      name = readName();
      break;
    case TM.ROLLBACK:
      operation = 'rollback';
      name = readName();
      break;
    case TM.SAVE:
      operation = 'save';
      name = readName();
      break;
  }
  const verb =
    operation === 'other' ? `TRANSACTION MANAGER REQUEST ${type}` : `${operation.toUpperCase()} TRANSACTION`;
  return { kind: 'transaction', operation, name, sql: name ? `${verb} ${name}` : verb };
}
