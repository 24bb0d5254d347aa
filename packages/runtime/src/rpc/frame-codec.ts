import { FlottError, type SerializedError } from '@flott/core';
import { Packr, Unpackr, type Options } from 'msgpackr';

// The TCP transport's frames (docs/rpc.md, "Frames"): a 4-byte big-endian payload length, then the
// payload, one msgpack value. msgpackr's structuredClone mode makes Map, Set, Date, typed arrays,
// BigInt, undefined-valued fields and shared references come back as structuredClone gives them
// (the local transport's copies), so a gateway call behaves alike on both transports. Records are
// defined inside each frame (no structures shared across frames), so frames decode independently.

const MSGPACK_OPTIONS: Readonly<Options> = { structuredClone: true };

export const FRAME_HEADER_BYTES = 4;

/** What a frame carries. Handshake messages first (docs/rpc.md, "Handshake"), then calls. */
export type WireMessage =
  | { readonly t: 'req'; readonly id: number; readonly ep: string; readonly m: string; readonly a: readonly unknown[]; readonly ft?: string }
  | { readonly t: 'tell'; readonly ep: string; readonly m: string; readonly a: readonly unknown[]; readonly ft?: string }
  | { readonly t: 'res'; readonly id: number; readonly v: unknown }
  | { readonly t: 'err'; readonly id: number; readonly e: SerializedError }
  /** Server → client, first: the protocol version, the server's nonce, whether it wants a secret. */
  | { readonly t: 'hello'; readonly v: number; readonly nonce: Uint8Array; readonly secret: boolean }
  /** Client → server: the client's nonce and its proof of the secret (absent without one). */
  | { readonly t: 'auth'; readonly nonce: Uint8Array; readonly mac?: Uint8Array }
  /** Server → client: accepted, with the server's proof of the secret. */
  | { readonly t: 'welcome'; readonly mac?: Uint8Array }
  | { readonly t: 'refused'; readonly reason: string };

/** A frame whose length prefix exceeds rpc.framesize: the stream cannot be trusted further. */
export class InboundFrameTooLargeError extends FlottError {
  constructor(bytes: number, maxBytes: number) {
    super('RPC_INBOUND_FRAME_TOO_LARGE', `Received an RPC frame of ${bytes} bytes, more than rpc.framesize (${maxBytes} bytes)`, { bytes, maxBytes });
  }
}

/** Packs messages into frames. Not shared between connections (msgpackr keeps per-instance buffers). */
export class FrameEncoder {
  private readonly packr = new Packr({ ...MSGPACK_OPTIONS });

  /** The message's frame, or undefined when its payload would exceed `maxBytes` (nothing is sent). */
  encode(message: WireMessage, maxBytes: number): { frame?: Buffer; payloadBytes: number } {
    const payload = this.packr.pack(message);
    if (payload.length > maxBytes) return { payloadBytes: payload.length };
    const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
    frame.writeUInt32BE(payload.length, 0);
    payload.copy(frame, FRAME_HEADER_BYTES);
    return { frame, payloadBytes: payload.length };
  }
}

/**
 * Splits a byte stream into messages, whatever the chunking. Holds at most one frame's bytes
 * (bounded by `maxBytes`); a larger length prefix throws InboundFrameTooLargeError at once.
 */
export class FrameDecoder {
  private readonly unpackr = new Unpackr({ ...MSGPACK_OPTIONS });
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** @param maxBytes the largest payload accepted; the connection lowers it until the handshake is done. */
  constructor(public maxBytes: number) {}

  /** The messages completed by `chunk`, in order. */
  push(chunk: Buffer): WireMessage[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: WireMessage[] = [];
    while (this.buffered >= FRAME_HEADER_BYTES) {
      const length = this.peekLength();
      if (length > this.maxBytes) throw new InboundFrameTooLargeError(length, this.maxBytes);
      if (this.buffered < FRAME_HEADER_BYTES + length) break;
      const frame = this.take(FRAME_HEADER_BYTES + length);
      out.push(this.unpackr.unpack(frame.subarray(FRAME_HEADER_BYTES)) as WireMessage);
    }
    return out;
  }

  private peekLength(): number {
    const first = this.chunks[0];
    if (first.length >= FRAME_HEADER_BYTES) return first.readUInt32BE(0);
    const head = Buffer.concat(this.chunks, Math.min(this.buffered, 16));
    return head.readUInt32BE(0);
  }

  /** Removes and returns the next `n` buffered bytes (copied only when they span chunks). */
  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0];
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const all = Buffer.concat(this.chunks);
    this.chunks = all.length > n ? [all.subarray(n)] : [];
    return all.subarray(0, n);
  }
}
