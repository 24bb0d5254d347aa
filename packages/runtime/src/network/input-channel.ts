import { NO_TIMESTAMP, copyBytes, type RecordDecoder } from '@flott/core';
import {
  TAG_END_OF_PARTITION, TAG_RECORD, TAG_RECORD_TS, TAG_WATERMARK, readEvent, readU32,
} from './buffer-format';
import { ElementKind, type InputElement } from './input-element';
import { CorruptNetworkBufferError } from './network-errors';
import type { ConsumerEndpoint } from './transport';

/** What a channel tells its gate. */
export interface InputChannelOwner {
  channelHasData(channel: InputChannel): void;
  bufferCountChanged(delta: number): void;
}

/**
 * Consumer side of one channel: queues received buffers (at most the credits it granted), decodes
 * them entry by entry with its own decoder, and returns each buffer with one credit as soon as it is
 * fully decoded. Runs on the consuming task's event loop only.
 */
export class InputChannel {
  /** Set by the gate while the channel sits in its queue of channels with data. */
  enqueued = false;
  ended = false;
  /** Set by the gate while checkpoint alignment holds this channel back (its data waits, its credits too). */
  blocked = false;
  private readonly queuedBuffers: ArrayBuffer[] = [];
  private readonly queuedLengths: number[] = [];
  private ab: ArrayBuffer | undefined;
  private buf: Buffer | undefined;
  private pos = 0;
  private end = 0;
  /** A record whose payload continues in the next buffer(s). */
  private span: Buffer | undefined;
  private spanFilled = 0;
  private spanTimestamp = NO_TIMESTAMP;
  private unusedCredits = 0;
  private endpoint: ConsumerEndpoint | undefined;
  private released = false;

  constructor(
    readonly index: number,
    private readonly decoder: RecordDecoder<unknown>,
    private readonly initialCredits: number,
    private readonly owner: InputChannelOwner,
  ) {}

  connect(endpoint: ConsumerEndpoint): void {
    if (this.endpoint) throw new Error(`Assertion failed: input channel ${this.index} is already connected`);
    this.endpoint = endpoint;
    endpoint.onBuffer((ab, length) => this.onBuffer(ab, length));
    this.unusedCredits = this.initialCredits;
    endpoint.sendCredit(this.initialCredits, []);
  }

  hasData(): boolean {
    return this.buf !== undefined || this.queuedBuffers.length > 0;
  }

  /** True while a buffer is partly decoded (the gate stays on this channel until it is done). */
  isInsideBuffer(): boolean {
    return this.buf !== undefined;
  }

  /** Fills `out` with the next element and returns true, or returns false when nothing is buffered. */
  next(out: InputElement): boolean {
    for (;;) {
      let buf = this.buf;
      if (buf === undefined) {
        if (this.queuedBuffers.length === 0) return false;
        const ab = this.queuedBuffers.shift() as ArrayBuffer;
        this.end = this.queuedLengths.shift() as number;
        this.ab = ab;
        this.buf = buf = Buffer.from(ab);
        this.pos = 0;
      }
      const end = this.end;
      let pos = this.pos;
      const span = this.span;
      if (span !== undefined) {
        const n = Math.min(span.length - this.spanFilled, end - pos);
        copyBytes(buf, pos, pos + n, span, this.spanFilled);
        this.spanFilled += n;
        this.pos = pos + n;
        if (this.spanFilled < span.length) {
          this.recycleCurrent();
          continue;
        }
        this.span = undefined;
        out.value = this.decoder.decode(span, 0, span.length);
        out.kind = ElementKind.RECORD;
        out.timestamp = this.spanTimestamp;
        out.event = undefined;
        if (this.pos >= end) this.recycleCurrent();
        return true;
      }
      if (pos >= end) {
        this.recycleCurrent();
        continue;
      }
      const tag = buf[pos];
      if (tag === TAG_RECORD || tag === TAG_RECORD_TS) {
        let timestamp = NO_TIMESTAMP;
        if (tag === TAG_RECORD_TS) {
          timestamp = buf.readDoubleLE(pos + 1);
          pos += 9;
        } else {
          pos += 1;
        }
        if (pos + 4 > end) throw new CorruptNetworkBufferError('Record header is cut off at the buffer end', { pos, end });
        const length = readU32(buf, pos);
        pos += 4;
        if (pos + length <= end) {
          out.value = this.decoder.decode(buf, pos, pos + length);
          out.kind = ElementKind.RECORD;
          out.timestamp = timestamp;
          out.event = undefined;
          this.pos = pos + length;
          if (this.pos >= end) this.recycleCurrent();
          return true;
        }
        const spanBuf = Buffer.allocUnsafe(length);
        copyBytes(buf, pos, end, spanBuf, 0);
        this.span = spanBuf;
        this.spanFilled = end - pos;
        this.spanTimestamp = timestamp;
        this.pos = end;
        this.recycleCurrent();
        continue;
      }
      if (tag === TAG_WATERMARK) {
        if (pos + 9 > end) throw new CorruptNetworkBufferError('Watermark is cut off at the buffer end', { pos, end });
        out.kind = ElementKind.WATERMARK;
        out.timestamp = buf.readDoubleLE(pos + 1);
        out.value = undefined;
        out.event = undefined;
        this.pos = pos + 9;
        if (this.pos >= end) this.recycleCurrent();
        return true;
      }
      const { event, next } = readEvent(buf, pos, end);
      out.kind = ElementKind.EVENT;
      out.event = event;
      out.value = undefined;
      out.timestamp = NO_TIMESTAMP;
      this.pos = next;
      if (tag === TAG_END_OF_PARTITION) {
        this.recycleCurrent();
        this.ended = true;
        // Nothing follows end-of-partition; closing frees the transport (and lets worker threads exit).
        this.endpoint?.close();
      } else if (next >= end) {
        this.recycleCurrent();
      }
      return true;
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    const dropped = this.queuedBuffers.length + (this.buf !== undefined ? 1 : 0);
    this.queuedBuffers.length = 0;
    this.queuedLengths.length = 0;
    this.buf = undefined;
    this.ab = undefined;
    this.span = undefined;
    if (dropped > 0) this.owner.bufferCountChanged(-dropped);
    this.endpoint?.close();
  }

  private onBuffer(ab: ArrayBuffer, length: number): void {
    if (this.released) return;
    if (this.unusedCredits <= 0) {
      throw new Error(`Assertion failed: input channel ${this.index} received a buffer without credit`);
    }
    this.unusedCredits--;
    this.queuedBuffers.push(ab);
    this.queuedLengths.push(length);
    this.owner.bufferCountChanged(1);
    this.owner.channelHasData(this);
  }

  /** Gives the fully decoded buffer back with one credit (state is consistent first: this may re-enter onBuffer). */
  private recycleCurrent(): void {
    const ab = this.ab as ArrayBuffer;
    this.ab = undefined;
    this.buf = undefined;
    this.owner.bufferCountChanged(-1);
    this.unusedCredits++;
    this.endpoint?.sendCredit(1, [ab]);
  }
}
