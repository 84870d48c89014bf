/**
 * Test support only: the two handshake messages, PRELOGIN (MS-TDS 2.2.6.5) and LOGIN7
 * (MS-TDS 2.2.6.4).
 *
 * The server answers PRELOGIN with ENCRYPT_NOT_SUP, so no TLS is negotiated: clients connect
 * with `encrypt: false` (tedious would otherwise proceed unencrypted anyway, but mssql's
 * default `encrypt: true` states an intent the test server cannot honour). LOGIN7 carries
 * the credentials in the clear apart from the password's reversible obfuscation.
 */
import { ByteReader, ByteWriter, TdsDecodeError } from './bytes';

const PreloginOption = {
  VERSION: 0x00,
  ENCRYPTION: 0x01,
  INSTOPT: 0x02,
  THREADID: 0x03,
  MARS: 0x04,
  TERMINATOR: 0xff,
} as const;

export const Encryption = { OFF: 0x00, ON: 0x01, NOT_SUP: 0x02, REQ: 0x03 } as const;

export interface ServerVersion {
  major: number;
  minor: number;
  build: number;
}

/** What the client announced in PRELOGIN; recorded, not acted upon. */
export interface PreloginRequest {
  encryption: number | undefined;
}

/** PRELOGIN's option table: [token, offset BE, length BE]..., 0xFF, then the option data. */
export function decodePrelogin(payload: Buffer): PreloginRequest {
  const r = new ByteReader(payload);
  let encryption: number | undefined;
  for (let i = 0; i < 64; i++) {
    const token = r.u8();
    if (token === PreloginOption.TERMINATOR) break;
    const offset = r.u16be();
    const length = r.u16be();
    if (token === PreloginOption.ENCRYPTION && length >= 1) {
      encryption = new ByteReader(payload, offset).u8();
    }
  }
  return { encryption };
}

export function preloginResponse(version: ServerVersion): Buffer {
  const options: [number, Buffer][] = [
    [
      PreloginOption.VERSION,
      new ByteWriter().u8(version.major).u8(version.minor).u16be(version.build).u16be(0).toBuffer(),
    ],
    [PreloginOption.ENCRYPTION, Buffer.from([Encryption.NOT_SUP])],
    [PreloginOption.INSTOPT, Buffer.from([0x00])],
    [PreloginOption.THREADID, Buffer.alloc(0)],
    [PreloginOption.MARS, Buffer.from([0x00])],
  ];
  const table = new ByteWriter();
  const data = new ByteWriter();
  let offset = options.length * 5 + 1;
  for (const [token, value] of options) {
    table.u8(token).u16be(offset).u16be(value.length);
    data.bytes(value);
    offset += value.length;
  }
  table.u8(PreloginOption.TERMINATOR);
  return Buffer.concat([table.toBuffer(), data.toBuffer()]);
}

/** LOGIN7's password obfuscation: swap each byte's nibbles, then XOR 0xA5. */
export function obfuscatePassword(password: string): Buffer {
  const b = Buffer.from(password, 'utf16le');
  for (let i = 0; i < b.length; i++) {
    const x = b[i] ?? 0;
    b[i] = (((x & 0x0f) << 4) | (x >> 4)) ^ 0xa5;
  }
  return b;
}

/** The inverse: XOR 0xA5, then swap the nibbles back. */
export function deobfuscatePassword(data: Buffer): string {
  const b = Buffer.from(data);
  for (let i = 0; i < b.length; i++) {
    const x = (b[i] ?? 0) ^ 0xa5;
    b[i] = ((x & 0x0f) << 4) | (x >> 4);
  }
  return b.toString('utf16le');
}

export interface Login7 {
  tdsVersion: number;
  packetSize: number;
  clientPid: number;
  /** OptionFlags2 fIntSecurity: the client wants Windows authentication (not supported here). */
  integratedSecurity: boolean;
  hostName: string;
  userName: string;
  password: string;
  appName: string;
  serverName: string;
  libraryName: string;
  language: string;
  database: string;
}

const FIXED_LENGTH = 94;

/**
 * LOGIN7: a 94-byte fixed part whose (offset, length) pairs point into the variable part;
 * offsets are from the start of the payload, lengths count UTF-16 characters.
 */
export function decodeLogin7(payload: Buffer): Login7 {
  if (payload.length < FIXED_LENGTH) throw new TdsDecodeError(`LOGIN7 of ${payload.length} bytes`);
  const r = new ByteReader(payload);
  r.skip(4); // total length
  const tdsVersion = r.u32();
  const packetSize = r.u32();
  r.skip(4); // client program version
  const clientPid = r.u32();
  r.skip(4); // connection id
  r.skip(1); // OptionFlags1
  const flags2 = r.u8();
  r.skip(2); // TypeFlags, OptionFlags3
  r.skip(8); // client time zone, LCID
  const text = (): string => {
    const offset = r.u16();
    const chars = r.u16();
    if (chars === 0) return '';
    return new ByteReader(payload, offset).ucs2(chars);
  };
  const hostName = text();
  const userName = text();
  const passwordOffset = r.u16();
  const passwordChars = r.u16();
  const password = deobfuscatePassword(new ByteReader(payload, passwordOffset).bytes(passwordChars * 2));
  const appName = text();
  const serverName = text();
  r.skip(4); // extension (FeatureExt) offset/length
  const libraryName = text();
  const language = text();
  const database = text();
  return {
    tdsVersion,
    packetSize,
    clientPid,
    integratedSecurity: (flags2 & 0x80) !== 0,
    hostName,
    userName,
    password,
    appName,
    serverName,
    libraryName,
    language,
    database,
  };
}
