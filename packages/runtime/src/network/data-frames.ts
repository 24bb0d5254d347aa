import type { SerializedError } from '@flott/core';
import { CorruptDataFrameError } from './network-errors';

/*
 * Frames of the data connection between two TaskManagers (docs/network.md): a 4-byte big-endian length
 * of what follows, a 1-byte frame type, then the type's fields. Every channel on the connection is
 * named by the receiver id its consumer side chose when it requested the partition.
 */
export const FRAME_PARTITION_REQUEST = 1;
export const FRAME_BUFFER = 2;
export const FRAME_ADD_CREDIT = 3;
export const FRAME_CANCEL_PARTITION_REQUEST = 4;
export const FRAME_CLOSE_REQUEST = 5;
export const FRAME_ERROR_RESPONSE = 6;

/** ErrorResponse receiver id meaning the whole connection (every channel on it). */
export const CONNECTION_ERROR = 0xffffffff;
/** Control frames (requests, errors) are at most this long; an error's text is cut to fit. */
export const MAX_CONTROL_FRAME_BYTES = 64 * 1024;
const LENGTH_BYTES = 4;
const BUFFER_HEADER_BYTES = LENGTH_BYTES + 1 + 4 + 1;

export type DataFrame =
  | { type: typeof FRAME_PARTITION_REQUEST; receiverId: number; partitionKey: string; subpartition: number; initialCredit: number }
  /** `data` is a view into the received bytes, valid only during the frame callback. */
  | { type: typeof FRAME_BUFFER; receiverId: number; flags: number; data: Uint8Array }
  | { type: typeof FRAME_ADD_CREDIT; receiverId: number; credits: number }
  | { type: typeof FRAME_CANCEL_PARTITION_REQUEST; receiverId: number }
  | { type: typeof FRAME_CLOSE_REQUEST }
  | { type: typeof FRAME_ERROR_RESPONSE; receiverId: number; error: SerializedError };

/** Largest frame a connection accepts: a full network buffer with its header, or a control frame. */
export function maxFrameBytes(segmentSize: number): number {
  return Math.max(BUFFER_HEADER_BYTES + segmentSize, MAX_CONTROL_FRAME_BYTES);
}

function frame(type: number, bodyBytes: number): Buffer {
  const out = Buffer.allocUnsafe(LENGTH_BYTES + 1 + bodyBytes);
  out.writeUInt32BE(1 + bodyBytes, 0);
  out.writeUInt8(type, LENGTH_BYTES);
  return out;
}

/** A Buffer frame holding a copy of `length` bytes of `source` (so the source can go back to its producer at once). */
export function encodeBufferFrame(receiverId: number, flags: number, source: ArrayBuffer, length: number): Buffer {
  const out = frame(FRAME_BUFFER, 4 + 1 + length);
  out.writeUInt32BE(receiverId, 5);
  out.writeUInt8(flags, 9);
  out.set(new Uint8Array(source, 0, length), BUFFER_HEADER_BYTES);
  return out;
}

export function encodePartitionRequest(receiverId: number, partitionKey: string, subpartition: number, initialCredit: number): Buffer {
  const key = Buffer.from(partitionKey, 'utf8');
  if (key.length > MAX_CONTROL_FRAME_BYTES - 64) throw new CorruptDataFrameError(`Partition key of ${key.length} bytes is too long for a PartitionRequest`);
  const out = frame(FRAME_PARTITION_REQUEST, 12 + key.length);
  out.writeUInt32BE(receiverId, 5);
  out.writeUInt32BE(subpartition, 9);
  out.writeUInt32BE(initialCredit, 13);
  key.copy(out, 17);
  return out;
}

export function encodeAddCredit(receiverId: number, credits: number): Buffer {
  const out = frame(FRAME_ADD_CREDIT, 8);
  out.writeUInt32BE(receiverId, 5);
  out.writeUInt32BE(credits, 9);
  return out;
}

export function encodeCancelPartitionRequest(receiverId: number): Buffer {
  const out = frame(FRAME_CANCEL_PARTITION_REQUEST, 4);
  out.writeUInt32BE(receiverId, 5);
  return out;
}

export function encodeCloseRequest(): Buffer {
  return frame(FRAME_CLOSE_REQUEST, 0);
}

/** An ErrorResponse for one channel, or for the connection with CONNECTION_ERROR; a long error loses its stack and cause, then text. */
export function encodeErrorResponse(receiverId: number, error: SerializedError): Buffer {
  let json = Buffer.from(JSON.stringify(error), 'utf8');
  const room = MAX_CONTROL_FRAME_BYTES - 16;
  if (json.length > room) {
    const { code, name, message, data } = error;
    json = Buffer.from(JSON.stringify({ code, name, message: message.slice(0, room / 8), data }), 'utf8');
    if (json.length > room) json = Buffer.from(JSON.stringify({ code, name, message: message.slice(0, room / 8) }), 'utf8');
  }
  const out = frame(FRAME_ERROR_RESPONSE, 4 + json.length);
  out.writeUInt32BE(receiverId, 5);
  json.copy(out, 9);
  return out;
}

/**
 * Cuts a byte stream into frames. Bounded: a frame longer than `maxFrame` (a bug or a foreign peer)
 * throws CorruptDataFrameError, and the connection is closed; at most one partial frame is held.
 */
export class FrameDecoder {
  private pending: Buffer | undefined;

  constructor(private readonly maxFrame: number) {}

  /** Calls `onFrame` for every whole frame in what arrived so far, in order. */
  push(chunk: Buffer, onFrame: (frame: DataFrame) => void): void {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    let pos = 0;
    while (buf.length - pos >= LENGTH_BYTES) {
      const length = buf.readUInt32BE(pos);
      if (length < 1 || length + LENGTH_BYTES > this.maxFrame) {
        throw new CorruptDataFrameError(`Data frame of ${length} bytes is outside 1..${this.maxFrame - LENGTH_BYTES} bytes`, { length });
      }
      if (buf.length - pos < LENGTH_BYTES + length) break;
      onFrame(decodeFrame(buf, pos + LENGTH_BYTES, length));
      pos += LENGTH_BYTES + length;
    }
    // A copy: the socket's chunk is not kept alive by a few trailing bytes.
    if (pos < buf.length) this.pending = Buffer.from(buf.subarray(pos));
  }
}

function decodeFrame(buf: Buffer, start: number, length: number): DataFrame {
  const type = buf.readUInt8(start);
  const body = start + 1;
  const bodyLength = length - 1;
  const need = (n: number): void => {
    if (bodyLength < n) throw new CorruptDataFrameError(`Data frame of type ${type} has ${bodyLength} bytes, needs at least ${n}`, { type, length });
  };
  switch (type) {
    case FRAME_PARTITION_REQUEST:
      need(12);
      return {
        type,
        receiverId: buf.readUInt32BE(body),
        subpartition: buf.readUInt32BE(body + 4),
        initialCredit: buf.readUInt32BE(body + 8),
        partitionKey: buf.toString('utf8', body + 12, start + length),
      };
    case FRAME_BUFFER:
      need(5);
      return { type, receiverId: buf.readUInt32BE(body), flags: buf.readUInt8(body + 4), data: buf.subarray(body + 5, start + length) };
    case FRAME_ADD_CREDIT:
      need(8);
      return { type, receiverId: buf.readUInt32BE(body), credits: buf.readUInt32BE(body + 4) };
    case FRAME_CANCEL_PARTITION_REQUEST:
      need(4);
      return { type, receiverId: buf.readUInt32BE(body) };
    case FRAME_CLOSE_REQUEST:
      return { type };
    case FRAME_ERROR_RESPONSE: {
      need(4);
      let error: SerializedError;
      try {
        error = JSON.parse(buf.toString('utf8', body + 4, start + length)) as SerializedError;
      } catch {
        throw new CorruptDataFrameError('ErrorResponse frame does not hold JSON', { length });
      }
      return { type, receiverId: buf.readUInt32BE(body), error };
    }
    default:
      throw new CorruptDataFrameError(`Unknown data frame type ${type}`, { type, length });
  }
}
