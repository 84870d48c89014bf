/**
 * Test support only: the response tokens the test server emits (MS-TDS 2.2.7), encoded for
 * TDS 7.2+ (4-byte UserType in COLMETADATA, 8-byte row counts in DONE*, 4-byte line numbers).
 *
 * tedious reacts to them as follows, which is why the session picks the ones it does:
 *  - ERROR (0xAA) becomes the request's error; two or more become an AggregateError, which
 *    mssql turns into the last error with the earlier ones in `precedingErrors`.
 *  - INFO (0xAB) becomes a connection 'infoMessage' event, mssql's request 'info' event.
 *  - DONE / DONEINPROC with the COUNT bit feed mssql's `rowsAffected` and close a recordset;
 *    mssql does not listen to DONEPROC, so results of an RPC must end with DONEINPROC.
 *  - a DONE with the ATTN bit, in its own message, acknowledges an attention.
 */
import { ByteWriter } from './bytes';
import { type TdsValue, type WireType, writeTypeInfo, writeValue } from './datatypes';

export const Token = {
  RETURNSTATUS: 0x79,
  COLMETADATA: 0x81,
  ERROR: 0xaa,
  INFO: 0xab,
  LOGINACK: 0xad,
  ROW: 0xd1,
  ENVCHANGE: 0xe3,
  DONE: 0xfd,
  DONEPROC: 0xfe,
  DONEINPROC: 0xff,
} as const;

/** DONE status bits (MS-TDS 2.2.7.6). */
export const DoneStatus = {
  FINAL: 0x0000,
  MORE: 0x0001,
  ERROR: 0x0002,
  INXACT: 0x0004,
  COUNT: 0x0010,
  ATTN: 0x0020,
  SRVERROR: 0x0100,
} as const;

/** The CurCmd of a DONE token; informational only (tedious ignores it). */
export const CurCmd = { NONE: 0x00, SELECT: 0xc1, INSERT: 0xc3, DELETE: 0xc4, UPDATE: 0xc5 } as const;

export type DoneKind = 'done' | 'doneInProc' | 'doneProc';

const DONE_TOKEN: Record<DoneKind, number> = {
  done: Token.DONE,
  doneInProc: Token.DONEINPROC,
  doneProc: Token.DONEPROC,
};

export function doneToken(
  kind: DoneKind,
  status: number,
  rowCount = 0,
  curCmd: number = CurCmd.NONE,
): Buffer {
  return new ByteWriter().u8(DONE_TOKEN[kind]).u16(status).u16(curCmd).u64(rowCount).toBuffer();
}

/** A token whose body follows a 2-byte length. */
function withLength(token: number, body: ByteWriter): Buffer {
  const data = body.toBuffer();
  return new ByteWriter().u8(token).u16(data.length).bytes(data).toBuffer();
}

/** The fields of INFO and ERROR tokens. */
export interface ServerMessage {
  number: number;
  state: number;
  class: number;
  message: string;
  serverName: string;
  procName: string;
  lineNumber: number;
}

export function messageToken(kind: 'info' | 'error', m: ServerMessage): Buffer {
  const body = new ByteWriter()
    .i32(m.number)
    .u8(m.state)
    .u8(m.class)
    .usVarChar(m.message)
    .bVarChar(m.serverName)
    .bVarChar(m.procName)
    .u32(m.lineNumber);
  return withLength(kind === 'info' ? Token.INFO : Token.ERROR, body);
}

/** ENVCHANGE types (MS-TDS 2.2.7.9). */
export const EnvChange = {
  DATABASE: 1,
  LANGUAGE: 2,
  PACKET_SIZE: 4,
  SQL_COLLATION: 7,
  BEGIN_TXN: 8,
  COMMIT_TXN: 9,
  ROLLBACK_TXN: 10,
  RESET_CONNECTION: 18,
} as const;

/** ENVCHANGE with B_VARCHAR values: database, language, packet size. */
export function envChangeText(
  type: typeof EnvChange.DATABASE | typeof EnvChange.LANGUAGE | typeof EnvChange.PACKET_SIZE,
  newValue: string,
  oldValue: string,
): Buffer {
  return withLength(Token.ENVCHANGE, new ByteWriter().u8(type).bVarChar(newValue).bVarChar(oldValue));
}

/** ENVCHANGE with B_VARBYTE values: collation, transaction descriptors, reset ack. */
export function envChangeBytes(type: number, newValue: Buffer, oldValue: Buffer): Buffer {
  return withLength(Token.ENVCHANGE, new ByteWriter().u8(type).bVarByte(newValue).bVarByte(oldValue));
}

export interface LoginAck {
  /** 0x74000004 for TDS 7.4; tedious rejects a version it does not know. */
  tdsVersion: number;
  progName: string;
  major: number;
  minor: number;
  build: number;
}

export function loginAckToken(ack: LoginAck): Buffer {
  const body = new ByteWriter()
    .u8(1) // interface: SQL_TSQL
    .u32be(ack.tdsVersion)
    .bVarChar(ack.progName)
    .u8(ack.major)
    .u8(ack.minor)
    .u8((ack.build >> 8) & 0xff)
    .u8(ack.build & 0xff);
  return withLength(Token.LOGINACK, body);
}

export function returnStatusToken(value: number): Buffer {
  return new ByteWriter().u8(Token.RETURNSTATUS).i32(value).toBuffer();
}

export interface WireColumn {
  name: string;
  type: WireType;
  nullable: boolean;
}

const COLUMN_FLAG_NULLABLE = 0x0001;

export function colMetadataToken(columns: WireColumn[]): Buffer {
  const w = new ByteWriter().u8(Token.COLMETADATA).u16(columns.length);
  for (const col of columns) {
    w.u32(0); // UserType
    w.u16(col.nullable ? COLUMN_FLAG_NULLABLE : 0);
    writeTypeInfo(w, col.type);
    w.bVarChar(col.name);
  }
  return w.toBuffer();
}

export function rowToken(columns: WireColumn[], row: readonly TdsValue[], rowIndex: number): Buffer {
  if (row.length !== columns.length) {
    throw new TypeError(`row ${rowIndex} has ${row.length} value(s) for ${columns.length} column(s)`);
  }
  const w = new ByteWriter().u8(Token.ROW);
  columns.forEach((col, i) => {
    const value = row[i] ?? null;
    if (value === null && !col.nullable)
      throw new TypeError(`row ${rowIndex}: column '${col.name}' is not nullable`);
    writeValue(w, col.type, value, `row ${rowIndex}, column '${col.name}'`);
  });
  return w.toBuffer();
}
