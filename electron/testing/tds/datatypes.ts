/**
 * Test support only: SQL Server data types on the wire (MS-TDS 2.2.5.4 - 2.2.5.5).
 *
 * Two directions, one place:
 *  - result columns the server sends: a scripted column type ('int', 'nvarchar(max)',
 *    'datetime2(3)', ...) becomes the TYPE_INFO of COLMETADATA and each cell becomes its ROW
 *    bytes. Only the nullable "N" wire types are used (INTN, BITN, FLTN, DATETIMN, ...),
 *    because they are the ones that can carry NULL and tedious reads all of them.
 *  - parameters a client sends in an RPC: their TYPE_INFO and value are decoded back into JS
 *    values so a test can assert on exactly what the driver put on the wire.
 *
 * Dates are UTC on both sides (tedious' and mssql's default `useUTC: true`).
 */
import { ByteReader, ByteWriter, TdsDecodeError } from './bytes';

/** A value a scripted row cell may hold, and what a decoded parameter holds. */
export type TdsValue = null | boolean | number | bigint | string | Date | Buffer;

type Sized = 'nvarchar' | 'varchar' | 'varbinary';

/** Column types a scripted result set may use. Bare 'nvarchar' is nvarchar(4000). */
export type TdsColumnType =
  | 'tinyint'
  | 'smallint'
  | 'int'
  | 'bigint'
  | 'bit'
  | 'real'
  | 'float'
  | Sized
  | `${Sized}(${number})`
  | `${Sized}(max)`
  | 'date'
  | 'datetime'
  | 'datetime2'
  | `datetime2(${number})`
  | 'uniqueidentifier'
  | 'decimal'
  | `decimal(${number},${number})`
  | `decimal(${number}, ${number})`;

/** The SQL type a decoded parameter arrived as (from its wire TYPE_INFO). */
export type TdsParamType =
  | 'null'
  | 'tinyint'
  | 'smallint'
  | 'int'
  | 'bigint'
  | 'bit'
  | 'real'
  | 'float'
  | 'decimal'
  | 'numeric'
  | 'smallmoney'
  | 'money'
  | 'nvarchar'
  | 'nchar'
  | 'varchar'
  | 'char'
  | 'varbinary'
  | 'binary'
  | 'uniqueidentifier'
  | 'date'
  | 'time'
  | 'smalldatetime'
  | 'datetime'
  | 'datetime2'
  | 'datetimeoffset';

/** SQL_Latin1_General_CP1_CI_AS: LCID 0x0409, flags 0x0D, sort id 52 (code page 1252). */
export const DEFAULT_COLLATION = Buffer.from([0x09, 0x04, 0xd0, 0x00, 0x34]);

/** Wire type ids (MS-TDS 2.2.5.4). */
const T = {
  NULL: 0x1f,
  GUIDN: 0x24,
  INTN: 0x26,
  DATEN: 0x28,
  TIMEN: 0x29,
  DATETIME2N: 0x2a,
  DATETIMEOFFSETN: 0x2b,
  INT1: 0x30,
  BIT: 0x32,
  INT2: 0x34,
  DECIMAL: 0x37,
  INT4: 0x38,
  DATETIM4: 0x3a,
  FLT4: 0x3b,
  MONEY: 0x3c,
  DATETIME: 0x3d,
  FLT8: 0x3e,
  NUMERIC: 0x3f,
  BITN: 0x68,
  DECIMALN: 0x6a,
  NUMERICN: 0x6c,
  FLTN: 0x6d,
  MONEYN: 0x6e,
  DATETIMN: 0x6f,
  MONEY4: 0x7a,
  INT8: 0x7f,
  BIGVARBINARY: 0xa5,
  BIGVARCHAR: 0xa7,
  BIGBINARY: 0xad,
  BIGCHAR: 0xaf,
  NVARCHAR: 0xe7,
  NCHAR: 0xef,
} as const;

const MS_PER_DAY = 86_400_000;
/** Days from 0001-01-01 to 1970-01-01 (proleptic Gregorian), the epoch of date/datetime2. */
const DAYS_0001_TO_1970 = 719_162;
/** Days from 1900-01-01 to 1970-01-01, the epoch of datetime. */
const DAYS_1900_TO_1970 = 25_567;
const PLP_NULL = 0xffff_ffff_ffff_ffffn;
const USHORT_NULL = 0xffff;
const MAX_MARKER = 0xffff;

// ---------------------------------------------------------------- result columns

/** A scripted column type, resolved to what goes on the wire. */
export type WireType =
  | { kind: 'int'; bytes: 1 | 2 | 4 | 8 }
  | { kind: 'bit' }
  | { kind: 'float'; bytes: 4 | 8 }
  | { kind: 'nvarchar' | 'varchar' | 'varbinary'; length: number | 'max' }
  | { kind: 'date' }
  | { kind: 'datetime' }
  | { kind: 'datetime2'; scale: number }
  | { kind: 'guid' }
  | { kind: 'decimal'; precision: number; scale: number };

const INT_BYTES = { tinyint: 1, smallint: 2, int: 4, bigint: 8 } as const;
const TEXT_LIMIT = { nvarchar: 4000, varchar: 8000, varbinary: 8000 } as const;

/** Parses 'nvarchar(50)', 'nvarchar(max)', 'datetime2(3)', 'decimal(10, 2)', ... */
export function parseColumnType(type: string): WireType {
  const m = /^\s*([a-z0-9]+)\s*(?:\(\s*(max|\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/i.exec(type);
  if (!m?.[1]) throw new TypeError(`unknown column type '${type}'`);
  const base = m[1].toLowerCase();
  const arg = m[2]?.toLowerCase();
  const arg2 = m[3];
  const noArgs = (): void => {
    if (arg !== undefined) throw new TypeError(`column type '${type}' takes no length`);
  };
  switch (base) {
    case 'tinyint':
    case 'smallint':
    case 'int':
    case 'bigint':
      noArgs();
      return { kind: 'int', bytes: INT_BYTES[base] };
    case 'bit':
      noArgs();
      return { kind: 'bit' };
    case 'real':
      noArgs();
      return { kind: 'float', bytes: 4 };
    case 'float':
      noArgs();
      return { kind: 'float', bytes: 8 };
    case 'nvarchar':
    case 'varchar':
    case 'varbinary': {
      if (arg2 !== undefined) throw new TypeError(`column type '${type}' takes one length`);
      if (arg === 'max') return { kind: base, length: 'max' };
      const length = arg === undefined ? TEXT_LIMIT[base] : Number(arg);
      if (length < 1 || length > TEXT_LIMIT[base]) {
        throw new TypeError(`column type '${type}': length must be 1..${TEXT_LIMIT[base]} or max`);
      }
      return { kind: base, length };
    }
    case 'date':
      noArgs();
      return { kind: 'date' };
    case 'datetime':
      noArgs();
      return { kind: 'datetime' };
    case 'datetime2': {
      const scale = arg === undefined ? 7 : Number(arg);
      if (arg === 'max' || arg2 !== undefined || scale > 7)
        throw new TypeError(`column type '${type}': scale must be 0..7`);
      return { kind: 'datetime2', scale };
    }
    case 'uniqueidentifier':
      noArgs();
      return { kind: 'guid' };
    case 'decimal':
    case 'numeric': {
      const precision = arg === undefined ? 18 : Number(arg);
      const scale = arg2 === undefined ? 0 : Number(arg2);
      if (arg === 'max' || precision < 1 || precision > 38 || scale > precision) {
        throw new TypeError(`column type '${type}': precision 1..38, scale 0..precision`);
      }
      return { kind: 'decimal', precision, scale };
    }
    default:
      throw new TypeError(`unsupported column type '${type}'`);
  }
}

function decimalBytes(precision: number): number {
  if (precision <= 9) return 5;
  if (precision <= 19) return 9;
  if (precision <= 28) return 13;
  return 17;
}

function timeBytes(scale: number): number {
  if (scale <= 2) return 3;
  if (scale <= 4) return 4;
  return 5;
}

/** The TYPE_INFO part of a COLMETADATA column. */
export function writeTypeInfo(w: ByteWriter, t: WireType): void {
  switch (t.kind) {
    case 'int':
      w.u8(T.INTN).u8(t.bytes);
      return;
    case 'bit':
      w.u8(T.BITN).u8(1);
      return;
    case 'float':
      w.u8(T.FLTN).u8(t.bytes);
      return;
    case 'nvarchar':
      w.u8(T.NVARCHAR)
        .u16(t.length === 'max' ? MAX_MARKER : t.length * 2)
        .bytes(DEFAULT_COLLATION);
      return;
    case 'varchar':
      w.u8(T.BIGVARCHAR)
        .u16(t.length === 'max' ? MAX_MARKER : t.length)
        .bytes(DEFAULT_COLLATION);
      return;
    case 'varbinary':
      w.u8(T.BIGVARBINARY).u16(t.length === 'max' ? MAX_MARKER : t.length);
      return;
    case 'date':
      w.u8(T.DATEN);
      return;
    case 'datetime':
      w.u8(T.DATETIMN).u8(8);
      return;
    case 'datetime2':
      w.u8(T.DATETIME2N).u8(t.scale);
      return;
    case 'guid':
      w.u8(T.GUIDN).u8(16);
      return;
    case 'decimal':
      w.u8(T.DECIMALN).u8(decimalBytes(t.precision)).u8(t.precision).u8(t.scale);
      return;
  }
}

/** Partially length-prefixed: the value as PLP chunks (nvarchar(max) and friends). */
function writePlp(w: ByteWriter, data: Buffer): void {
  w.u64(data.length);
  if (data.length > 0) w.u32(data.length).bytes(data);
  w.u32(0);
}

function toDate(value: TdsValue, what: string): Date {
  const d = value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  if (!d || Number.isNaN(d.getTime()))
    throw new TypeError(`${what}: expected a Date or ISO string, got ${describe(value)}`);
  return d;
}

function describe(value: TdsValue): string {
  if (value === null) return 'null';
  if (Buffer.isBuffer(value)) return `Buffer(${value.length})`;
  if (value instanceof Date) return `Date(${value.toISOString()})`;
  return `${typeof value} ${String(value)}`;
}

function splitUtc(d: Date): { days: number; ms: number } {
  const t = d.getTime();
  const days = Math.floor(t / MS_PER_DAY);
  return { days, ms: t - days * MS_PER_DAY };
}

function toBigInt(value: TdsValue, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
  throw new TypeError(`${what}: expected an integer, got ${describe(value)}`);
}

const INT_RANGE: Record<1 | 2 | 4 | 8, [bigint, bigint]> = {
  1: [0n, 255n],
  2: [-32768n, 32767n],
  4: [-2147483648n, 2147483647n],
  8: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** Exact decimal text (or number) -> unscaled integer at `scale` digits. */
function scaledDecimal(value: TdsValue, scale: number, what: string): bigint {
  let text: string;
  if (typeof value === 'number' && Number.isFinite(value)) text = value.toFixed(scale);
  else if (typeof value === 'bigint') text = value.toString();
  else if (typeof value === 'string') text = value.trim();
  else throw new TypeError(`${what}: expected a number or decimal string, got ${describe(value)}`);
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new TypeError(`${what}: '${text}' is not a decimal`);
  const fraction = (m[3] ?? '').padEnd(scale, '0');
  if (fraction.length > scale && /[1-9]/.test(fraction.slice(scale))) {
    throw new TypeError(`${what}: '${text}' has more than ${scale} decimal place(s)`);
  }
  const digits = BigInt(`${m[2] || '0'}${fraction.slice(0, scale)}`);
  return m[1] === '-' ? -digits : digits;
}

export function guidToBytes(guid: string): Buffer {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(guid)) {
    throw new TypeError(`'${guid}' is not a GUID`);
  }
  const hex = Buffer.from(guid.replace(/-/g, ''), 'hex');
  // The first three groups are little-endian on the wire, the last two are as written.
  return Buffer.concat([
    Buffer.from(hex.subarray(0, 4)).reverse(),
    Buffer.from(hex.subarray(4, 6)).reverse(),
    Buffer.from(hex.subarray(6, 8)).reverse(),
    hex.subarray(8, 16),
  ]);
}

export function bytesToGuid(b: Buffer): string {
  const hex = Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8, 16),
  ])
    .toString('hex')
    .toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** One cell of a ROW token. `what` names the column in error messages. */
export function writeValue(w: ByteWriter, t: WireType, value: TdsValue, what: string): void {
  const isText = t.kind === 'nvarchar' || t.kind === 'varchar' || t.kind === 'varbinary';
  if (value === null) {
    if (isText && t.length === 'max') w.u64(PLP_NULL);
    else if (isText) w.u16(USHORT_NULL);
    else w.u8(0);
    return;
  }
  switch (t.kind) {
    case 'int': {
      const v = toBigInt(value, what);
      const [lo, hi] = INT_RANGE[t.bytes];
      if (v < lo || v > hi) throw new TypeError(`${what}: ${v} is out of range`);
      w.u8(t.bytes);
      if (t.bytes === 1) w.u8(Number(v));
      else if (t.bytes === 2) w.i16(Number(v));
      else if (t.bytes === 4) w.i32(Number(v));
      else w.i64(v);
      return;
    }
    case 'bit':
      if (typeof value !== 'boolean' && value !== 0 && value !== 1) {
        throw new TypeError(`${what}: expected a boolean, got ${describe(value)}`);
      }
      w.u8(1).u8(value === true || value === 1 ? 1 : 0);
      return;
    case 'float':
      if (typeof value !== 'number')
        throw new TypeError(`${what}: expected a number, got ${describe(value)}`);
      w.u8(t.bytes);
      if (t.bytes === 4) w.f32(value);
      else w.f64(value);
      return;
    case 'nvarchar':
    case 'varchar':
    case 'varbinary': {
      let data: Buffer;
      if (t.kind === 'varbinary') {
        if (!Buffer.isBuffer(value))
          throw new TypeError(`${what}: expected a Buffer, got ${describe(value)}`);
        data = value;
      } else {
        if (typeof value !== 'string')
          throw new TypeError(`${what}: expected a string, got ${describe(value)}`);
        data = Buffer.from(value, t.kind === 'nvarchar' ? 'utf16le' : 'latin1');
      }
      if (t.length === 'max') {
        writePlp(w, data);
        return;
      }
      const limit = t.kind === 'nvarchar' ? t.length * 2 : t.length;
      if (data.length > limit) throw new TypeError(`${what}: value longer than ${t.kind}(${t.length})`);
      w.u16(data.length).bytes(data);
      return;
    }
    case 'date': {
      const { days } = splitUtc(toDate(value, what));
      w.u8(3).uintLE(days + DAYS_0001_TO_1970, 3);
      return;
    }
    case 'datetime': {
      const split = splitUtc(toDate(value, what));
      let days = split.days;
      let ticks = Math.round((split.ms * 3) / 10); // 1/300 s
      if (ticks >= 300 * 86_400) {
        ticks = 0;
        days += 1;
      }
      w.u8(8)
        .i32(days + DAYS_1900_TO_1970)
        .u32(ticks);
      return;
    }
    case 'datetime2': {
      const { days, ms } = splitUtc(toDate(value, what));
      const unitsPerDay = 86_400 * 10 ** t.scale;
      const time = Math.min(Math.round((ms * 10 ** t.scale) / 1000), unitsPerDay - 1);
      const tb = timeBytes(t.scale);
      w.u8(tb + 3)
        .uintLE(time, tb)
        .uintLE(days + DAYS_0001_TO_1970, 3);
      return;
    }
    case 'guid':
      if (typeof value !== 'string')
        throw new TypeError(`${what}: expected a GUID string, got ${describe(value)}`);
      w.u8(16).bytes(guidToBytes(value));
      return;
    case 'decimal': {
      const scaled = scaledDecimal(value, t.scale, what);
      const magnitude = scaled < 0n ? -scaled : scaled;
      if (magnitude >= 10n ** BigInt(t.precision))
        throw new TypeError(`${what}: ${String(value)} exceeds decimal(${t.precision},${t.scale})`);
      const size = decimalBytes(t.precision);
      const mag = Buffer.alloc(size - 1);
      let rest = magnitude;
      for (let i = 0; i < mag.length; i++) {
        mag[i] = Number(rest & 0xffn);
        rest >>= 8n;
      }
      w.u8(size)
        .u8(scaled < 0n ? 0 : 1)
        .bytes(mag);
      return;
    }
  }
}

// ---------------------------------------------------------------- RPC parameters

/** A parameter's TYPE_INFO as the client declared it. */
export interface ParamTypeInfo {
  id: number;
  type: TdsParamType;
  /** How the value's length is prefixed. */
  framing: 'fixed' | 'byte' | 'ushort' | 'plp';
  /** For 'fixed': the value size. For others: the declared maximum length in bytes. */
  size: number;
  precision?: number;
  scale?: number;
}

const FIXED: Record<number, [TdsParamType, number]> = {
  [T.NULL]: ['null', 0],
  [T.INT1]: ['tinyint', 1],
  [T.BIT]: ['bit', 1],
  [T.INT2]: ['smallint', 2],
  [T.INT4]: ['int', 4],
  [T.DATETIM4]: ['smalldatetime', 4],
  [T.FLT4]: ['real', 4],
  [T.MONEY]: ['money', 8],
  [T.DATETIME]: ['datetime', 8],
  [T.FLT8]: ['float', 8],
  [T.MONEY4]: ['smallmoney', 4],
  [T.INT8]: ['bigint', 8],
};

const BY_SIZE: Record<number, Partial<Record<number, TdsParamType>>> = {
  [T.INTN]: { 1: 'tinyint', 2: 'smallint', 4: 'int', 8: 'bigint' },
  [T.FLTN]: { 4: 'real', 8: 'float' },
  [T.MONEYN]: { 4: 'smallmoney', 8: 'money' },
  [T.DATETIMN]: { 4: 'smalldatetime', 8: 'datetime' },
};

const USHORT_TYPES: Record<number, [TdsParamType, boolean]> = {
  [T.BIGVARBINARY]: ['varbinary', false],
  [T.BIGBINARY]: ['binary', false],
  [T.BIGVARCHAR]: ['varchar', true],
  [T.BIGCHAR]: ['char', true],
  [T.NVARCHAR]: ['nvarchar', true],
  [T.NCHAR]: ['nchar', true],
};

export function readParamTypeInfo(r: ByteReader): ParamTypeInfo {
  const id = r.u8();
  const fixed = FIXED[id];
  if (fixed) return { id, type: fixed[0], framing: 'fixed', size: fixed[1] };
  switch (id) {
    case T.INTN:
    case T.FLTN:
    case T.MONEYN:
    case T.DATETIMN: {
      const size = r.u8();
      const type = BY_SIZE[id]?.[size];
      if (!type) throw new TdsDecodeError(`type 0x${id.toString(16)} with length ${size}`);
      return { id, type, framing: 'byte', size };
    }
    case T.BITN:
      return { id, type: 'bit', framing: 'byte', size: r.u8() };
    case T.GUIDN:
      return { id, type: 'uniqueidentifier', framing: 'byte', size: r.u8() };
    case T.DECIMALN:
    case T.NUMERICN:
    case T.DECIMAL:
    case T.NUMERIC: {
      const size = r.u8();
      const precision = r.u8();
      const scale = r.u8();
      const type = id === T.DECIMALN || id === T.DECIMAL ? 'decimal' : 'numeric';
      return { id, type, framing: 'byte', size, precision, scale };
    }
    case T.DATEN:
      return { id, type: 'date', framing: 'byte', size: 3 };
    case T.TIMEN:
      return { id, type: 'time', framing: 'byte', size: 5, scale: r.u8() };
    case T.DATETIME2N:
      return { id, type: 'datetime2', framing: 'byte', size: 8, scale: r.u8() };
    case T.DATETIMEOFFSETN:
      return { id, type: 'datetimeoffset', framing: 'byte', size: 10, scale: r.u8() };
  }
  const ushort = USHORT_TYPES[id];
  if (ushort) {
    const size = r.u16();
    if (ushort[1]) r.skip(5); // collation
    const isVar = id === T.BIGVARBINARY || id === T.BIGVARCHAR || id === T.NVARCHAR;
    return { id, type: ushort[0], framing: isVar && size === MAX_MARKER ? 'plp' : 'ushort', size };
  }
  throw new TdsDecodeError(
    `unsupported parameter type 0x${id.toString(16)} (text/ntext/image/xml/udt/sql_variant/tvp)`,
  );
}

function readPlp(r: ByteReader): Buffer | null {
  const total = r.u64();
  if (total === PLP_NULL) return null;
  const parts: Buffer[] = [];
  // Each chunk consumes at least its 4-byte length, so this ends with the buffer at worst.
  for (;;) {
    const len = r.u32();
    if (len === 0) break;
    parts.push(r.bytes(len));
  }
  return Buffer.concat(parts);
}

function decodeFixedWidth(info: ParamTypeInfo, b: Buffer): TdsValue {
  switch (info.type) {
    case 'null':
      return null;
    case 'tinyint':
      return b.readUInt8(0);
    case 'smallint':
      return b.readInt16LE(0);
    case 'int':
      return b.readInt32LE(0);
    case 'bigint':
      return b.readBigInt64LE(0);
    case 'bit':
      return b.readUInt8(0) !== 0;
    case 'real':
      return b.readFloatLE(0);
    case 'float':
      return b.readDoubleLE(0);
    case 'smallmoney':
      return b.readInt32LE(0) / 10_000;
    case 'money':
      return Number((BigInt(b.readInt32LE(0)) << 32n) | BigInt(b.readUInt32LE(4))) / 10_000;
    case 'smalldatetime':
      return new Date((b.readUInt16LE(0) - DAYS_1900_TO_1970) * MS_PER_DAY + b.readUInt16LE(2) * 60_000);
    case 'datetime':
      return new Date(
        (b.readInt32LE(0) - DAYS_1900_TO_1970) * MS_PER_DAY + Math.round((b.readUInt32LE(4) * 10) / 3),
      );
    default:
      throw new TdsDecodeError(`no fixed-width decoding for ${info.type}`);
  }
}

function timeOfDayMs(b: Buffer, scale: number): number {
  return (b.readUIntLE(0, b.length) * 1000) / 10 ** scale;
}

function decodeBytes(info: ParamTypeInfo, b: Buffer): TdsValue {
  switch (info.type) {
    case 'nvarchar':
    case 'nchar':
      return b.toString('utf16le');
    case 'varchar':
    case 'char':
      return b.toString('latin1');
    case 'varbinary':
    case 'binary':
      return Buffer.from(b);
    case 'uniqueidentifier':
      if (b.length !== 16) throw new TdsDecodeError(`uniqueidentifier of ${b.length} bytes`);
      return bytesToGuid(b);
    case 'decimal':
    case 'numeric': {
      let mag = 0n;
      for (let i = b.length - 1; i >= 1; i--) mag = (mag << 8n) | BigInt(b[i] ?? 0);
      const n = Number(mag) / 10 ** (info.scale ?? 0);
      return b.readUInt8(0) === 1 ? n : -n;
    }
    case 'date':
      return new Date((b.readUIntLE(0, 3) - DAYS_0001_TO_1970) * MS_PER_DAY);
    case 'time':
      return new Date(Math.round(timeOfDayMs(b, info.scale ?? 7)));
    case 'datetime2': {
      const days = b.readUIntLE(b.length - 3, 3);
      const ms = timeOfDayMs(b.subarray(0, b.length - 3), info.scale ?? 7);
      return new Date((days - DAYS_0001_TO_1970) * MS_PER_DAY + Math.round(ms));
    }
    case 'datetimeoffset': {
      // Time and date are stored in UTC; the trailing offset only says how to display them.
      const days = b.readUIntLE(b.length - 5, 3);
      const ms = timeOfDayMs(b.subarray(0, b.length - 5), info.scale ?? 7);
      return new Date((days - DAYS_0001_TO_1970) * MS_PER_DAY + Math.round(ms));
    }
    default:
      return decodeFixedWidth(info, b);
  }
}

/** Reads one parameter value following its TYPE_INFO. */
export function readParamValue(r: ByteReader, info: ParamTypeInfo): TdsValue {
  switch (info.framing) {
    case 'fixed':
      return decodeFixedWidth(info, r.bytes(info.size));
    case 'byte': {
      const len = r.u8();
      return len === 0 ? null : decodeBytes(info, r.bytes(len));
    }
    case 'ushort': {
      const len = r.u16();
      return len === USHORT_NULL ? null : decodeBytes(info, r.bytes(len));
    }
    case 'plp': {
      const data = readPlp(r);
      return data === null ? null : decodeBytes(info, data);
    }
  }
}
