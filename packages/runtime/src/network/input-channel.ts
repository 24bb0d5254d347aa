import { NO_TIMESTAMP, copyBytes, type RecordDecoder } from '@flott/core';
import {
  TAG_END_OF_PARTITION, TAG_RECORD, TAG_RECORD_TS, TAG_WATERMARK, readEvent, readU32, type NetworkEvent,
} from './buffer-format';
import { ElementKind, newInputElement, type InputElement } from './input-element';
import { CorruptNetworkBufferError } from './network-errors';
import { RecordSegment, SEGMENT_RECORD, SEGMENT_WATERMARK, type ChannelBuffer } from './record-segment';
import { BUFFER_ANNOUNCES_BARRIER, BUFFER_PRIORITY, BUFFER_WITHOUT_CREDIT, type ConsumerEndpoint } from './transport';

/** What a channel tells its gate. */
export interface InputChannelOwner {
  channelHasData(channel: InputChannel): void;
  bufferCountChanged(delta: number): void;
  /** An unaligned barrier arrived: the data queued ahead of it is decoded (and recorded, when recording). */
  priorityBarrier(channel: InputChannel, barrier: BarrierEvent): void;
  /**
   * A buffer with an aligned barrier (with a timeout) arrived, and it is decoded ahead with the data
   * before it: should the checkpoint go unaligned, what lies ahead of the barrier is in the backlog.
   */
  barrierAnnounced(channel: InputChannel, barrier: BarrierEvent): void;
}

export type BarrierEvent = Extract<NetworkEvent, { kind: 'barrier' }>;

/**
 * Receives the elements of a channel that belong to an unaligned checkpoint's channel state (Flink's
 * ChannelStateWriter, fed per channel): every element decoded while the channel records, in order.
 * Returning false stops the recording (the checkpoint's barrier, or the channel's end, was reached).
 * The channel calls `endBatch` after each run of `record` calls, before any element recorded in it
 * reaches the task: the recorder may hold the elements themselves until then (and pack them in one go).
 */
export interface ChannelRecorder {
  record(element: Readonly<InputElement>): boolean;
  endBatch(): void;
}

/** The raw buffer of the decoded-ahead elements before it goes back to the producer once they are consumed. */
interface RecycleMarker {
  readonly recycle: ChannelBuffer;
}

type BacklogItem = InputElement | RecycleMarker;

/**
 * Consumer side of one channel: queues received buffers (at most the credits it granted, plus the
 * ones an unaligned barrier pushed without credit), decodes them entry by entry with its own decoder,
 * and returns each buffer with one credit once it is fully decoded. A buffer pushed without credit
 * costs a credit all the same (the producer's balance goes below zero, and it sends nothing more until
 * the returns bring it back up), so such pushes cannot add up checkpoint after checkpoint: what is
 * in flight stays within the credits granted plus one barrier's push. Runs on the consuming task's
 * event loop only.
 *
 * Returns wait while the producer still holds at least half the credits first granted, and go
 * together as soon as it holds fewer (checked when a buffer is consumed and when one arrives): a
 * return is a message that wakes the producer's thread, tens of microseconds of the sender's time on
 * the 2-core bench machine (69 µs a postMessage to an idle thread, 4 µs in a burst), and at a 1 ms
 * buffer timeout one return per buffer was half the messages between slot threads. A producer that
 * is sending (its credits running low) gets every return at once, as before; one that sends a buffer
 * now and then gets them a few at a time. Never more than the first grant is held back.
 *
 * Unaligned checkpoints decode ahead: when an unaligned barrier arrives, or while the channel records
 * for a checkpoint, buffers are decoded as they arrive into a backlog of elements (the decoder is
 * stateful, so bytes cannot be stored and decoded later by another one); the raw buffers stay held,
 * until their elements are consumed, so the backlog is bounded like the queue. Restored
 * channel state is a backlog too, consumed before anything the channel receives.
 */
export class InputChannel {
  /** Set by the gate while the channel sits in its queue of channels with data. */
  enqueued = false;
  ended = false;
  /** The channel delivered end-of-data or end-of-partition: no record follows (the gate counts it once). */
  dataEnded = false;
  /** Set by the gate while checkpoint alignment holds this channel back (its data waits, its credits too). */
  blocked = false;
  private readonly queuedBuffers: ChannelBuffer[] = [];
  private readonly queuedLengths: number[] = [];
  private backlog: BacklogItem[] = [];
  private backlogHead = 0;
  /** While set, decoded-ahead elements are held, not recycled (see decodeAhead). */
  private deferRecycle = false;
  private recorder: ChannelRecorder | undefined;
  private ab: ArrayBuffer | undefined;
  private buf: Buffer | undefined;
  /** The segment being read (records handed over in one thread), at `pos`; `end` is its length. */
  private segment: RecordSegment | undefined;
  private pos = 0;
  private end = 0;
  /** A record whose payload continues in the next buffer(s). */
  private span: Buffer | undefined;
  private spanFilled = 0;
  private spanTimestamp = NO_TIMESTAMP;
  /** Credits the producer holds (announced, not yet used); what waits in heldReturns is not announced. */
  private unusedCredits = 0;
  /** Consumed credited buffers whose return waits (see the class comment). */
  private heldReturns: ChannelBuffer[] = [];
  /** Returns wait while the producer holds at least this many credits. */
  private readonly creditsToHoldReturns: number;
  private endpoint: ConsumerEndpoint | undefined;
  private released = false;

  constructor(
    readonly index: number,
    private readonly decoder: RecordDecoder<unknown>,
    private readonly initialCredits: number,
    private readonly owner: InputChannelOwner,
  ) {
    this.creditsToHoldReturns = Math.ceil(initialCredits / 2);
  }

  connect(endpoint: ConsumerEndpoint): void {
    if (this.endpoint) throw new Error(`Assertion failed: input channel ${this.index} is already connected`);
    this.endpoint = endpoint;
    endpoint.onBuffer((ab, length, flags) => this.onBuffer(ab, length, flags));
    this.unusedCredits = this.initialCredits;
    endpoint.sendCredit(this.initialCredits, []);
  }

  hasData(): boolean {
    return this.backlogHead < this.backlog.length || this.buf !== undefined || this.segment !== undefined || this.queuedBuffers.length > 0;
  }

  /** True while a buffer (or the backlog) is partly consumed (the gate stays on this channel until it is done). */
  isInsideBuffer(): boolean {
    return this.buf !== undefined || this.segment !== undefined || this.backlogHead < this.backlog.length;
  }

  /** Fills `out` with the next element and returns true, or returns false when nothing is buffered. */
  next(out: InputElement): boolean {
    while (this.backlogHead < this.backlog.length) {
      const item = this.backlog[this.backlogHead++];
      if (this.backlogHead === this.backlog.length) {
        this.backlog = [];
        this.backlogHead = 0;
      }
      if ('recycle' in item) {
        this.giveBack(item.recycle);
        continue;
      }
      out.kind = item.kind;
      out.value = item.value;
      out.timestamp = item.timestamp;
      out.event = item.event;
      if (item.kind === ElementKind.EVENT && item.event?.kind === 'end-of-partition') this.markEnded();
      return true;
    }
    return this.decode(out);
  }

  /**
   * Elements restored from a checkpoint's channel state: consumed before anything received. Only
   * before the first element is consumed.
   */
  restoreBacklog(elements: readonly InputElement[]): void {
    this.backlog.splice(this.backlogHead, 0, ...elements);
    if (elements.length > 0) this.owner.channelHasData(this);
  }

  /**
   * Starts recording for an unaligned checkpoint: the elements not consumed yet are recorded now
   * (decoded ahead, unless `barrierReceived`: then only those queued ahead of the barrier, which are
   * all in the backlog), then, unless the recorder is done, every element as it arrives.
   */
  startRecording(recorder: ChannelRecorder, barrierReceived: boolean): void {
    try {
      for (let i = this.backlogHead; i < this.backlog.length; i++) {
        const item = this.backlog[i];
        if ('recycle' in item) continue;
        if (!recorder.record(item)) return;
      }
      if (barrierReceived || this.ended) return;
      this.recorder = recorder;
      this.decodeAhead();
    } finally {
      recorder.endBatch();
    }
  }

  stopRecording(): void {
    this.recorder = undefined;
  }

  /** Decodes everything queued into the backlog, recording each element while a recorder is set. */
  private decodeAhead(): void {
    const recorder = this.recorder;
    this.deferRecycle = true;
    try {
      for (;;) {
        const element = newInputElement(this.index);
        if (!this.decode(element)) return;
        this.backlog.push(element);
        if (this.recorder && !this.recorder.record(element)) this.recorder = undefined;
      }
    } finally {
      this.deferRecycle = false;
      recorder?.endBatch();
    }
  }

  private decode(out: InputElement): boolean {
    for (;;) {
      const segment = this.segment;
      if (segment !== undefined) {
        if (this.readSegment(segment, out)) return true;
        continue;
      }
      let buf = this.buf;
      if (buf === undefined) {
        if (this.queuedBuffers.length === 0) return false;
        const next = this.queuedBuffers.shift() as ChannelBuffer;
        this.end = this.queuedLengths.shift() as number;
        this.pos = 0;
        if (next instanceof RecordSegment) {
          this.segment = next;
          continue;
        }
        this.ab = next;
        this.buf = buf = Buffer.from(next);
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
        if (!this.deferRecycle) this.markEnded();
      } else if (next >= end) {
        this.recycleCurrent();
      }
      return true;
    }
  }

  /** The next entry of `segment` into `out` (false: the segment was empty and went back). */
  private readSegment(segment: RecordSegment, out: InputElement): boolean {
    const i = this.pos;
    if (i >= this.end) {
      this.recycleCurrent();
      return false;
    }
    this.pos = i + 1;
    const kind = segment.kinds[i];
    if (kind === SEGMENT_RECORD) {
      out.kind = ElementKind.RECORD;
      out.value = segment.values[i];
      out.timestamp = segment.timestamps[i];
      out.event = undefined;
      if (i + 1 >= this.end) this.recycleCurrent();
      return true;
    }
    if (kind === SEGMENT_WATERMARK) {
      out.kind = ElementKind.WATERMARK;
      out.timestamp = segment.timestamps[i];
      out.value = undefined;
      out.event = undefined;
      if (i + 1 >= this.end) this.recycleCurrent();
      return true;
    }
    const event = segment.values[i] as NetworkEvent;
    out.kind = ElementKind.EVENT;
    out.event = event;
    out.value = undefined;
    out.timestamp = NO_TIMESTAMP;
    if (event.kind === 'end-of-partition') {
      this.recycleCurrent();
      if (!this.deferRecycle) this.markEnded();
    } else if (i + 1 >= this.end) {
      this.recycleCurrent();
    }
    return true;
  }

  private markEnded(): void {
    this.ended = true;
    this.recorder = undefined;
    // Nothing follows end-of-partition; closing frees the transport (and lets worker threads exit).
    this.endpoint?.close();
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    let held = 0;
    for (let i = this.backlogHead; i < this.backlog.length; i++) if ('recycle' in this.backlog[i]) held++;
    const dropped = this.queuedBuffers.length + (this.buf !== undefined || this.segment !== undefined ? 1 : 0) + held;
    this.backlog = [];
    this.backlogHead = 0;
    this.recorder = undefined;
    this.queuedBuffers.length = 0;
    this.queuedLengths.length = 0;
    this.buf = undefined;
    this.ab = undefined;
    this.segment = undefined;
    this.span = undefined;
    if (dropped > 0) this.owner.bufferCountChanged(-dropped);
    this.endpoint?.close();
  }

  private onBuffer(ab: ChannelBuffer, length: number, flags: number): void {
    if (this.released) return;
    if (flags & BUFFER_PRIORITY) {
      this.onPriorityBuffer(ab, length);
      return;
    }
    // One pushed without credit (by an unaligned barrier) was paid for by the producer going below zero.
    if ((flags & BUFFER_WITHOUT_CREDIT) === 0 && this.unusedCredits <= 0) {
      throw new Error(`Assertion failed: input channel ${this.index} received a buffer without credit`);
    }
    this.unusedCredits--;
    if (this.heldReturns.length > 0 && this.unusedCredits < this.creditsToHoldReturns) this.returnHeld();
    this.queuedBuffers.push(ab);
    this.queuedLengths.push(length);
    this.owner.bufferCountChanged(1);
    if ((flags & BUFFER_ANNOUNCES_BARRIER) !== 0) this.announceBarrier();
    else if (this.recorder) this.decodeAhead();
    this.owner.channelHasData(this);
  }

  /** Decodes ahead up to and past the barrier the buffer just queued holds, and announces it. */
  private announceBarrier(): void {
    const from = this.backlog.length;
    this.decodeAhead();
    for (let i = from; i < this.backlog.length; i++) {
      const item = this.backlog[i];
      if (!('recycle' in item) && item.kind === ElementKind.EVENT && item.event?.kind === 'barrier') this.owner.barrierAnnounced(this, item.event);
    }
  }

  /**
   * An unaligned barrier, alone in its buffer: everything queued ahead of it is decoded now (recorded
   * when this channel records for its checkpoint), so what arrives later lies behind it. The gate hands
   * the barrier to the task ahead of all data, as unaligned (alignedTimeoutMs 0) whatever it said.
   */
  private onPriorityBuffer(ab: ChannelBuffer, length: number): void {
    let event: NetworkEvent;
    if (ab instanceof RecordSegment) {
      if (ab.length !== 1 || ab.kinds[0] === SEGMENT_RECORD || ab.kinds[0] === SEGMENT_WATERMARK) {
        throw new CorruptNetworkBufferError('A priority segment holds something other than one event', { length: ab.length });
      }
      event = ab.values[0] as NetworkEvent;
    } else {
      event = readEvent(Buffer.from(ab, 0, length), 0, length).event;
    }
    this.endpoint?.sendCredit(0, [ab]);
    if (event.kind !== 'barrier') throw new CorruptNetworkBufferError(`A priority buffer holds a ${event.kind} event, not a barrier`, { kind: event.kind });
    const barrier: BarrierEvent = { ...event, alignedTimeoutMs: 0 };
    this.decodeAhead();
    const recorder = this.recorder;
    if (recorder && !recorder.record({ kind: ElementKind.EVENT, value: undefined, timestamp: NO_TIMESTAMP, channel: this.index, event: barrier })) {
      this.recorder = undefined;
    }
    recorder?.endBatch();
    this.owner.priorityBarrier(this, barrier);
  }

  /**
   * The current buffer is decoded: it goes back with one credit, or, while decoding ahead, once the
   * elements decoded from it are consumed. State is consistent first: this may re-enter onBuffer.
   */
  private recycleCurrent(): void {
    const ab: ChannelBuffer = this.segment ?? (this.ab as ArrayBuffer);
    this.ab = undefined;
    this.buf = undefined;
    this.segment = undefined;
    if (this.deferRecycle) this.backlog.push({ recycle: ab });
    else this.giveBack(ab);
  }

  private giveBack(ab: ChannelBuffer): void {
    this.owner.bufferCountChanged(-1);
    this.heldReturns.push(ab);
    if (this.unusedCredits < this.creditsToHoldReturns) this.returnHeld();
  }

  /** Returns every held buffer with its credit. */
  private returnHeld(): void {
    const held = this.heldReturns;
    this.heldReturns = [];
    this.unusedCredits += held.length;
    this.endpoint?.sendCredit(held.length, held);
  }
}
