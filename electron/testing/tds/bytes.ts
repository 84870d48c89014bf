/**
 * Test support only: bounds-checked byte reading and writing for TDS payloads.
 *
 * Everything inside a TDS message is little-endian (only the 8-byte packet header and the
 * PRELOGIN option table are big-endian, handled in packets.ts and login.ts). A client that
 * sends a truncated or lying length must produce a TdsDecodeError, never a read past the
 * end of a buffer, so every read goes through `need()`.
 */

/** A malformed or truncated client message; the session answers it with an error or a hang-up. */
export class TdsDecodeError extends Error {
  override name = 'TdsDecodeError';
}

export class ByteReader {
  private offset: number;

  constructor(
    private readonly buf: Buffer,
    start = 0,
  ) {
    this.offset = start;
  }

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.buf.length - this.offset;
  }

  private need(n: number): number {
    if (!Number.isInteger(n) || n < 0 || this.offset + n > this.buf.length) {
      throw new TdsDecodeError(
        `truncated message: need ${n} byte(s) at offset ${this.offset}, ${this.remaining} left`,
      );
    }
    const at = this.offset;
    this.offset += n;
    return at;
  }

  u8(): number {
    return this.buf.readUInt8(this.need(1));
  }

  u16(): number {
    return this.buf.readUInt16LE(this.need(2));
  }

  u16be(): number {
    return this.buf.readUInt16BE(this.need(2));
  }

  i16(): number {
    return this.buf.readInt16LE(this.need(2));
  }

  u32(): number {
    return this.buf.readUInt32LE(this.need(4));
  }

  i32(): number {
    return this.buf.readInt32LE(this.need(4));
  }

  u64(): bigint {
    return this.buf.readBigUInt64LE(this.need(8));
  }

  i64(): bigint {
    return this.buf.readBigInt64LE(this.need(8));
  }

  /** An unsigned little-endian integer of 1..6 bytes (TDS uses 3- and 5-byte ones for dates). */
  uintLE(bytes: number): number {
    return this.buf.readUIntLE(this.need(bytes), bytes);
  }

  bytes(n: number): Buffer {
    const at = this.need(n);
    return this.buf.subarray(at, at + n);
  }

  skip(n: number): void {
    this.need(n);
  }

  /** `chars` UTF-16LE code units. */
  ucs2(chars: number): string {
    return this.bytes(chars * 2).toString('utf16le');
  }

  /** B_VARCHAR: a 1-byte character count, then UTF-16LE. */
  bVarChar(): string {
    return this.ucs2(this.u8());
  }

  /** US_VARCHAR: a 2-byte character count, then UTF-16LE. */
  usVarChar(): string {
    return this.ucs2(this.u16());
  }
}

export class ByteWriter {
  private readonly chunks: Buffer[] = [];

  private fixed(size: number, write: (b: Buffer) => void): this {
    const b = Buffer.alloc(size);
    write(b);
    this.chunks.push(b);
    return this;
  }

  u8(v: number): this {
    return this.fixed(1, (b) => b.writeUInt8(v, 0));
  }

  u16(v: number): this {
    return this.fixed(2, (b) => b.writeUInt16LE(v, 0));
  }

  u16be(v: number): this {
    return this.fixed(2, (b) => b.writeUInt16BE(v, 0));
  }

  i16(v: number): this {
    return this.fixed(2, (b) => b.writeInt16LE(v, 0));
  }

  u32(v: number): this {
    return this.fixed(4, (b) => b.writeUInt32LE(v, 0));
  }

  u32be(v: number): this {
    return this.fixed(4, (b) => b.writeUInt32BE(v, 0));
  }

  i32(v: number): this {
    return this.fixed(4, (b) => b.writeInt32LE(v, 0));
  }

  u64(v: bigint | number): this {
    return this.fixed(8, (b) => b.writeBigUInt64LE(BigInt(v), 0));
  }

  i64(v: bigint): this {
    return this.fixed(8, (b) => b.writeBigInt64LE(v, 0));
  }

  f32(v: number): this {
    return this.fixed(4, (b) => b.writeFloatLE(v, 0));
  }

  f64(v: number): this {
    return this.fixed(8, (b) => b.writeDoubleLE(v, 0));
  }

  uintLE(v: number, bytes: number): this {
    return this.fixed(bytes, (b) => b.writeUIntLE(v, 0, bytes));
  }

  bytes(data: Buffer): this {
    this.chunks.push(data);
    return this;
  }

  ucs2(text: string): this {
    return this.bytes(Buffer.from(text, 'utf16le'));
  }

  /** B_VARCHAR; the caller keeps the text under 256 UTF-16 code units. */
  bVarChar(text: string): this {
    const clipped = text.length > 255 ? text.slice(0, 255) : text;
    return this.u8(clipped.length).ucs2(clipped);
  }

  /** US_VARCHAR. */
  usVarChar(text: string): this {
    const clipped = text.length > 65535 ? text.slice(0, 65535) : text;
    return this.u16(clipped.length).ucs2(clipped);
  }

  /** B_VARBYTE: a 1-byte length, then the bytes. */
  bVarByte(data: Buffer): this {
    return this.u8(data.length).bytes(data);
  }

  get length(): number {
    return this.chunks.reduce((sum, c) => sum + c.length, 0);
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
