/**
 * Test support only: TDS packet framing (MS-TDS 2.2.3).
 *
 * A TDS *message* travels as one or more *packets*, each with an 8-byte big-endian header;
 * the last packet of a message carries the EOM status bit. Clients split anything longer
 * than the negotiated packet size (4096 for tedious) across packets, so a long SQL text or
 * an nvarchar(max) parameter must be reassembled before it can be decoded. The server side
 * writes the same way, and may flush part of a response (packets without EOM) before the
 * rest is ready: that is how SQL Server streams BACKUP progress messages, and tedious
 * surfaces each INFO as soon as its packet arrives.
 */
import { TdsDecodeError } from './bytes';

export const HEADER_LENGTH = 8;

/** Packet types (MS-TDS 2.2.3.1.1). */
export const PacketType = {
  SQL_BATCH: 0x01,
  RPC_REQUEST: 0x03,
  TABULAR_RESULT: 0x04,
  ATTENTION: 0x06,
  BULK_LOAD: 0x07,
  TRANSACTION_MANAGER: 0x0e,
  LOGIN7: 0x10,
  SSPI: 0x11,
  PRELOGIN: 0x12,
} as const;

/** Packet status bits (MS-TDS 2.2.3.1.2). */
export const PacketStatus = {
  EOM: 0x01,
  IGNORE: 0x02,
  RESET_CONNECTION: 0x08,
  RESET_CONNECTION_SKIP_TRAN: 0x10,
} as const;

/** Defensive ceiling: a client message larger than this is treated as a protocol error. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** One complete client message, reassembled from its packets. */
export interface TdsMessage {
  type: number;
  payload: Buffer;
  /** The client abandoned the message while sending it (status IGNORE on its last packet). */
  ignore: boolean;
  /** The client asked for a session reset before this request (RESETCONNECTION on the first packet). */
  resetConnection: boolean;
}

/**
 * Turns a byte stream into complete messages. Packets of one message are concatenated until
 * the EOM packet; the leftover partial packet is kept for the next `push`.
 */
export class MessageAssembler {
  private pending: Buffer = Buffer.alloc(0);
  private parts: Buffer[] = [];
  private partBytes = 0;
  private currentType: number | undefined;
  private currentReset = false;

  push(chunk: Buffer): TdsMessage[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const messages: TdsMessage[] = [];
    let offset = 0;
    while (this.pending.length - offset >= HEADER_LENGTH) {
      const type = this.pending.readUInt8(offset);
      const status = this.pending.readUInt8(offset + 1);
      const length = this.pending.readUInt16BE(offset + 2);
      if (length < HEADER_LENGTH) {
        throw new TdsDecodeError(`packet length ${length} is shorter than its header`);
      }
      if (this.pending.length - offset < length) {
        break;
      }
      const data = this.pending.subarray(offset + HEADER_LENGTH, offset + length);
      offset += length;

      if (this.currentType === undefined) {
        this.currentType = type;
        this.currentReset =
          (status & (PacketStatus.RESET_CONNECTION | PacketStatus.RESET_CONNECTION_SKIP_TRAN)) !== 0;
      } else if (type !== this.currentType && type !== PacketType.ATTENTION) {
        throw new TdsDecodeError(
          `packet type 0x${type.toString(16)} inside a 0x${this.currentType.toString(16)} message`,
        );
      }

      if (type === PacketType.ATTENTION && this.currentType !== PacketType.ATTENTION) {
        // An attention may not interleave with a half-sent request (tedious ends such a
        // request with IGNORE instead); surface it on its own rather than corrupt the request.
        messages.push({ type, payload: Buffer.alloc(0), ignore: false, resetConnection: false });
        continue;
      }

      this.partBytes += data.length;
      if (this.partBytes > MAX_MESSAGE_BYTES) {
        throw new TdsDecodeError(`message larger than ${MAX_MESSAGE_BYTES} bytes`);
      }
      // Copy: the socket may reuse the chunk's memory after we return.
      this.parts.push(Buffer.from(data));

      if ((status & PacketStatus.EOM) !== 0) {
        messages.push({
          type: this.currentType,
          payload: Buffer.concat(this.parts),
          ignore: (status & PacketStatus.IGNORE) !== 0,
          resetConnection: this.currentReset,
        });
        this.parts = [];
        this.partBytes = 0;
        this.currentType = undefined;
        this.currentReset = false;
      }
    }
    this.pending = offset === 0 ? this.pending : Buffer.from(this.pending.subarray(offset));
    return messages;
  }
}

/** Writes server messages as packets of at most `packetSize` bytes. */
export class PacketWriter {
  private packetId = 1;
  packetSize: number;

  constructor(
    private readonly sink: (data: Buffer) => void,
    packetSize: number,
    private readonly spid: number,
  ) {
    this.packetSize = packetSize;
  }

  /**
   * Sends `payload` as packets of `type`. With `eom` false the message stays open: the next
   * call continues it (used to flush INFO messages before a scripted delay).
   */
  send(type: number, payload: Buffer, eom: boolean): void {
    const room = this.packetSize - HEADER_LENGTH;
    if (payload.length === 0) {
      if (eom) this.sink(this.packet(type, Buffer.alloc(0), true));
      return;
    }
    for (let at = 0; at < payload.length; at += room) {
      const slice = payload.subarray(at, Math.min(at + room, payload.length));
      const last = at + room >= payload.length;
      this.sink(this.packet(type, slice, eom && last));
    }
  }

  private packet(type: number, data: Buffer, eom: boolean): Buffer {
    const header = Buffer.alloc(HEADER_LENGTH);
    header.writeUInt8(type, 0);
    header.writeUInt8(eom ? PacketStatus.EOM : 0, 1);
    header.writeUInt16BE(HEADER_LENGTH + data.length, 2);
    header.writeUInt16BE(this.spid, 4);
    header.writeUInt8(this.packetId, 6);
    header.writeUInt8(0, 7);
    this.packetId = (this.packetId + 1) % 256;
    return Buffer.concat([header, data]);
  }
}
