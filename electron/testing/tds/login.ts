/**
 * Test support only: the two handshake messages, PRELOGIN (MS-TDS 2.2.6.5) and LOGIN7
 * (MS-TDS 2.2.6.4).
 *
 * By default the server answers PRELOGIN with ENCRYPT_NOT_SUP, so no TLS is negotiated and
 * LOGIN7 carries the credentials in the clear apart from the password's reversible
 * obfuscation. Issue 14 taught it the other answers (ENCRYPT_OFF, ENCRYPT_ON, ENCRYPT_REQ) and
 * TLS, with a certificate made here, because the connection's encryption plan and its TLS
 * failures (a server forcing encryption, one without TLS 1.2) can only be proved against a
 * server that says them: see `encryptionAnswer` and session.ts's ServerTls.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
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

/**
 * What the server is set to do about encryption, as a client asking for it (tedious with
 * `encrypt: true` sends ENCRYPT_ON) sees it:
 * - 'not-supported': no certificate, or a device in between that answers for the server;
 * - 'off': encryption left off (a client that then sends LOGIN7 sends it in clear);
 * - 'on': a SQL Server's default (a certificate, Force Encryption = No);
 * - 'required': Force Encryption = Yes.
 */
export type ServerEncryption = 'not-supported' | 'off' | 'on' | 'required';

export const encryptionName = (value: number | undefined): string =>
  Object.entries(Encryption).find(([, v]) => v === value)?.[0] ?? 'absent';

/**
 * The ENCRYPTION byte of the server's PRELOGIN answer (MS-TDS 2.2.6.5): a server that forces
 * encryption says REQ to anyone; one that has it says ON to a client that asks (ON or REQ) and
 * NOT_SUP to a client that does not (tedious with `encrypt: false` sends NOT_SUP).
 */
export function encryptionAnswer(server: ServerEncryption, client: number | undefined): number {
  const asks = client === Encryption.ON || client === Encryption.REQ;
  switch (server) {
    case 'required':
      return Encryption.REQ;
    case 'on':
      return asks ? Encryption.ON : Encryption.NOT_SUP;
    case 'off':
      return asks ? Encryption.OFF : Encryption.NOT_SUP;
    default:
      return Encryption.NOT_SUP;
  }
}

/** TLS follows the PRELOGIN answer when it is ON or REQ (what tedious does, and SQL Server). */
export const answerStartsTls = (answer: number): boolean =>
  answer === Encryption.ON || answer === Encryption.REQ;

export function preloginResponse(version: ServerVersion, encryption: number = Encryption.NOT_SUP): Buffer {
  const options: [number, Buffer][] = [
    [
      PreloginOption.VERSION,
      new ByteWriter().u8(version.major).u8(version.minor).u16be(version.build).u16be(0).toBuffer(),
    ],
    [PreloginOption.ENCRYPTION, Buffer.from([encryption])],
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

/** DER: a tag, its length (short or long form), its content. */
function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, body]);
}
const derSequence = (...content: Buffer[]): Buffer => der(0x30, ...content);

/**
 * A self-signed certificate (EC P-256, CN=TDSTEST, valid 2020–2099) and its key, made in memory
 * for each test run: no private key is kept in the repository, and none is needed from openssl.
 * It does not validate, like SQL Server's own self-signed one.
 */
export function testCertificate(): { key: string; cert: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecdsaWithSha256 = derSequence(der(0x06, Buffer.from('2a8648ce3d040302', 'hex')));
  const name = derSequence(
    der(0x31, derSequence(der(0x06, Buffer.from('550403', 'hex')), der(0x0c, Buffer.from('TDSTEST')))),
  );
  const validity = derSequence(
    der(0x17, Buffer.from('200101000000Z')),
    der(0x18, Buffer.from('20991231235959Z')),
  );
  const tbs = derSequence(
    der(0xa0, der(0x02, Buffer.from([2]))), // v3
    der(0x02, Buffer.from([1])), // serial
    ecdsaWithSha256,
    name,
    validity,
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const signature = der(0x03, Buffer.from([0]), sign('sha256', tbs, privateKey));
  const base64 = derSequence(tbs, ecdsaWithSha256, signature).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    cert: `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`,
  };
}
