import { NO_TIMESTAMP, copyBytes, type RecordEncoder } from '@flott/core';
import {
  MIN_RECORD_ROOM, RECORD_HEADER, RECORD_TS_HEADER, TAG_RECORD, TAG_RECORD_TS, encodedEventSize, writeEvent, writeU32,
  type NetworkEvent,
} from './buffer-format';
import type { NetworkConfig } from './network-config';
import { BufferOverdraftError } from './network-errors';
import type { ChannelBuffer, RecordSegment } from './record-segment';
import { BUFFER_ANNOUNCES_BARRIER, BUFFER_PRIORITY, BUFFER_WITHOUT_CREDIT, type ProducerEndpoint } from './transport';

/** What a subpartition needs from its ResultPartition: the shared buffer pools and availability tracking. */
export interface SubpartitionOwner {
  readonly partitionId: string;
  takeBuffer(): ArrayBuffer;
  recycleBuffer(buffer: ArrayBuffer): void;
  takeSegment(): RecordSegment;
  recycleSegment(segment: RecordSegment): void;
  subpartitionAvailabilityChanged(available: boolean): void;
}

/**
 * How records reach a consumer on the producer's own event loop: `copy` gives each record to it as
 * the copy a serialiser's round trip would make (the serializer's copier; the consumer owns it),
 * `reuse` as the object itself (object reuse). Undefined: serialised, as to any other consumer.
 */
export type HandOver<T> = (value: T) => T;

export interface SubpartitionStats {
  queuedBuffers: number;
  inFlightBuffers: number;
  maxQueuedBuffers: number;
  maxInFlightBuffers: number;
  credits: number;
}

/**
 * Producer side of one channel: serialises into the current buffer, queues finished buffers and sends
 * them while it holds credit. Bounds: in flight <= credits granted by the consumer; queued <=
 * maxBuffersPerChannel (+ maxOverdraftBuffers while one operator call finishes; beyond that it throws);
 * plus the one buffer being written. Reaching maxBuffersPerChannel queued makes it unavailable.
 * Runs on the producing task's event loop only.
 *
 * Hand-over in one thread: attached to a consumer on the same event loop (an endpoint with
 * sendSegment) and given a `handOver`, the subpartition writes records into RecordSegments instead of
 * bytes from then on (what it wrote before goes first, as bytes). Segments are bounded, queued, sent and
 * credited exactly as buffers are, events and barriers included, so back-pressure and checkpoints keep
 * their semantics; a segment holds at most `recordsPerSegment` entries.
 */
export class PipelinedSubpartition<T> {
  private ab: ArrayBuffer | undefined;
  private buf: Buffer | undefined;
  /** Bytes written into the current buffer, or entries into the current segment. */
  private pos = 0;
  private readonly limit: number;
  /** Writing segments (set once, at attach). */
  private objects = false;
  private segment: RecordSegment | undefined;
  private readonly queuedBuffers: ChannelBuffer[] = [];
  private readonly queuedLengths: number[] = [];
  private credits = 0;
  private inFlight = 0;
  private maxQueued = 0;
  private maxInFlight = 0;
  /** A flush found no credit: the current buffer goes out as soon as credit arrives, filling up meanwhile. */
  private flushRequested = false;
  private available = true;
  private endpoint: ProducerEndpoint | undefined;
  private released = false;
  /** The last aligned barrier written, while it waits in the queue: how many queued buffers up to and including its own. */
  private queuedBarrier: { event: NetworkEvent; buffersUpToIt: number } | undefined;

  constructor(
    readonly index: number,
    private readonly config: NetworkConfig,
    private readonly encoder: RecordEncoder<T>,
    private readonly owner: SubpartitionOwner,
    private readonly handOver?: HandOver<T>,
  ) {
    this.limit = config.segmentSize;
  }

  writeRecord(value: T, timestamp: number): void {
    if (this.objects) {
      this.handOverRecord(value, timestamp);
      return;
    }
    let buf = this.buf;
    if (buf === undefined || this.limit - this.pos < MIN_RECORD_ROOM) buf = this.nextBuffer();
    const pos = this.pos;
    let payloadStart: number;
    if (timestamp === NO_TIMESTAMP) {
      buf[pos] = TAG_RECORD;
      payloadStart = pos + RECORD_HEADER;
    } else {
      buf[pos] = TAG_RECORD_TS;
      buf.writeDoubleLE(timestamp, pos + 1);
      payloadStart = pos + RECORD_TS_HEADER;
    }
    const end = this.encoder.encodeInto(value, buf, payloadStart, this.limit);
    if (end >= 0) {
      writeU32(buf, payloadStart - 4, end - payloadStart);
      this.pos = end;
      if (this.limit - end < MIN_RECORD_ROOM) this.finishCurrent();
    } else {
      this.writeSpanning(buf, payloadStart, this.encoder.overflow());
    }
  }

  private handOverRecord(value: T, timestamp: number): void {
    const segment = this.segmentWithRoom();
    segment.addRecord((this.handOver as HandOver<T>)(value), timestamp);
    this.pos = segment.length;
    if (segment.isFull()) this.finishCurrent();
  }

  /** The current segment, or a new one when there is none or it is full (after an event that found no credit to flush). */
  private segmentWithRoom(): RecordSegment {
    const current = this.segment;
    if (current !== undefined && !current.isFull()) return current;
    if (this.pos > 0) this.finishCurrent();
    const segment = this.owner.takeSegment();
    this.segment = segment;
    this.pos = 0;
    return segment;
  }

  private writeSpanning(first: Buffer, payloadStart: number, bytes: Uint8Array): void {
    writeU32(first, payloadStart - 4, bytes.length);
    let written = this.limit - payloadStart;
    copyBytes(bytes, 0, written, first, payloadStart);
    this.pos = this.limit;
    while (written < bytes.length) {
      const buf = this.nextBuffer();
      const n = Math.min(this.limit, bytes.length - written);
      copyBytes(bytes, written, written + n, buf, 0);
      written += n;
      this.pos = n;
    }
    if (this.limit - this.pos < MIN_RECORD_ROOM) this.finishCurrent();
  }

  /** Appends `event` after everything written so far and flushes. */
  writeEvent(event: NetworkEvent): void {
    if (this.objects) {
      const segment = this.segmentWithRoom();
      segment.addEvent(event);
      this.pos = segment.length;
    } else {
      const size = encodedEventSize(event);
      if (size > this.limit) throw new Error(`Assertion failed: event of ${size} bytes exceeds the segment size ${this.limit}`);
      if (this.buf === undefined || this.limit - this.pos < size) this.nextBuffer();
      this.pos = writeEvent(this.buf as Buffer, this.pos, event);
    }
    // The current buffer holds it: counted down as buffers go out (sendHead), also by the flush below.
    if (event.kind === 'barrier') this.queuedBarrier = { event, buffersUpToIt: this.queuedBuffers.length + 1 };
    this.flush();
  }

  /**
   * Aligned-checkpoint-timeout on the output side (Flink's timeout of a barrier in the output queue):
   * when the barrier of `checkpointId` still waits here, the data ahead of it and it go out at once
   * (as for an unaligned barrier), followed by a copy of the barrier marked PRIORITY, so the consumer
   * switches to unaligned without waiting for the back-pressured data. The in-band copy is ignored there.
   */
  timeOutBarrier(checkpointId: number): void {
    const queued = this.queuedBarrier;
    if (queued === undefined || queued.event.kind !== 'barrier' || queued.event.checkpointId !== checkpointId || this.endpoint === undefined) return;
    this.queuedBarrier = undefined;
    this.writePriorityEvent(queued.event);
  }

  /**
   * An unaligned checkpoint barrier overtakes everything written so far (Flink's priority event): the
   * current buffer and the queued ones go to the consumer at once, with credit where some is left and
   * without otherwise (the consumer stores them with the checkpoint as channel state), then the barrier
   * alone in a buffer marked PRIORITY. Before a consumer is attached, the barrier is queued in-band
   * instead (nothing is in flight then). Bound: at most maxBuffersPerChannel + maxOverdraftBuffers + 1
   * data buffers go out without credit per barrier, and each is charged to the credits (which go below
   * zero): until the consumer has returned them, nothing more is sent and they count as queued for
   * availability, so pushes of one checkpoint after another cannot pile up at the consumer.
   */
  writePriorityEvent(event: NetworkEvent): void {
    const size = encodedEventSize(event);
    if (size > this.limit) throw new Error(`Assertion failed: event of ${size} bytes exceeds the segment size ${this.limit}`);
    if (this.pos > 0) this.queueCurrent();
    this.queuedBarrier = undefined;
    const endpoint = this.endpoint;
    if (endpoint === undefined) {
      // No consumer yet, so nothing is in flight: the barrier waits in order, whatever the queue's bound.
      this.queueEventAlone(event);
      this.updateAvailability();
      return;
    }
    this.trySend();
    while (this.queuedBuffers.length > 0) {
      this.credits--;
      this.sendHead(endpoint, BUFFER_WITHOUT_CREDIT);
    }
    this.queueEventAlone(event);
    this.sendHead(endpoint, BUFFER_WITHOUT_CREDIT | BUFFER_PRIORITY);
    this.updateAvailability();
  }

  /** Queues `event` in a buffer (or segment) of its own. */
  private queueEventAlone(event: NetworkEvent): void {
    if (this.objects) {
      const segment = this.owner.takeSegment();
      segment.addEvent(event);
      this.queuedBuffers.push(segment);
      this.queuedLengths.push(segment.length);
    } else {
      const ab = this.owner.takeBuffer();
      this.queuedBuffers.push(ab);
      this.queuedLengths.push(writeEvent(Buffer.from(ab), 0, event));
    }
  }

  /**
   * Flushes a partly filled segment of records handed over in this thread (nothing for bytes): the
   * producing task calls it when it lets the event loop run, so its consumer on the same loop gets
   * them in its next turn instead of when the segment fills or the buffer timeout passes. Sending a
   * segment costs no message, so this is cheap; a consumer of two inputs, one of them sparse (q4's
   * auctions beside its bids), would otherwise see the sparse one's records late.
   */
  flushHandOver(): void {
    if (this.objects && this.pos > 0) this.flush();
  }

  /** Sends what was written as soon as credit allows; an empty flush sends nothing. */
  flush(): void {
    if (this.pos === 0) return;
    if (this.credits > this.queuedBuffers.length) {
      this.finishCurrent();
    } else {
      // No credit left for it: keep appending to this buffer instead of queueing a mostly empty one.
      this.flushRequested = true;
    }
  }

  /**
   * Connects the consumer. One on this event loop (an endpoint that takes segments) gets records as
   * objects from now on when the subpartition has a `handOver`; what was written before goes first, as
   * bytes (before a consumer connects, its place is unknown: bytes keep the buffer bounds either way).
   */
  attach(endpoint: ProducerEndpoint): void {
    if (this.endpoint) throw new Error(`Assertion failed: subpartition ${this.index} already has a consumer`);
    this.endpoint = endpoint;
    if (this.handOver !== undefined && endpoint.sendSegment !== undefined && !this.released) {
      if (this.pos > 0) this.queueCurrent();
      else if (this.ab !== undefined) this.owner.recycleBuffer(this.ab);
      this.ab = undefined;
      this.buf = undefined;
      this.objects = true;
    }
    endpoint.onCredit((credits, returned) => this.onCredit(credits, returned));
  }

  isAvailable(): boolean {
    return this.available;
  }

  stats(): SubpartitionStats {
    return {
      queuedBuffers: this.queuedBuffers.length,
      inFlightBuffers: this.inFlight,
      maxQueuedBuffers: this.maxQueued,
      maxInFlightBuffers: this.maxInFlight,
      credits: this.credits,
    };
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.queuedBuffers.length = 0;
    this.queuedLengths.length = 0;
    this.ab = undefined;
    this.buf = undefined;
    this.segment = undefined;
    this.pos = 0;
    this.endpoint?.close();
  }

  private onCredit(credits: number, returned: ChannelBuffer[]): void {
    if (this.released) return;
    this.credits += credits;
    this.inFlight -= returned.length;
    for (let i = 0; i < returned.length; i++) {
      const b = returned[i];
      if (b instanceof ArrayBuffer) this.owner.recycleBuffer(b);
      else this.owner.recycleSegment(b);
    }
    this.trySend();
    if (this.flushRequested && this.credits > 0 && this.pos > 0) this.finishCurrent();
    this.updateAvailability();
  }

  /** Finishes the current buffer (if it holds data) and starts an empty one (byte mode only). */
  private nextBuffer(): Buffer {
    if (this.pos > 0) this.finishCurrent();
    if (this.buf === undefined) {
      const ab = this.owner.takeBuffer();
      this.ab = ab;
      this.buf = Buffer.from(ab);
    }
    this.pos = 0;
    return this.buf;
  }

  private finishCurrent(): void {
    if (this.pos === 0) return;
    const cannotSendNow = this.endpoint === undefined || this.credits <= 0;
    if (cannotSendNow && this.queuedBuffers.length >= this.config.maxBuffersPerChannel + this.config.maxOverdraftBuffers) {
      throw new BufferOverdraftError(this.owner.partitionId, this.index, this.config.maxBuffersPerChannel,
        this.config.maxOverdraftBuffers);
    }
    this.queueCurrent();
    this.trySend();
    if (this.queuedBuffers.length > this.maxQueued) this.maxQueued = this.queuedBuffers.length;
    this.updateAvailability();
  }

  /** Moves the current buffer or segment (it holds data) to the queue. */
  private queueCurrent(): void {
    if (this.segment !== undefined) {
      this.queuedBuffers.push(this.segment);
      this.segment = undefined;
    } else {
      this.queuedBuffers.push(this.ab as ArrayBuffer);
      this.ab = undefined;
      this.buf = undefined;
    }
    this.queuedLengths.push(this.pos);
    this.pos = 0;
    this.flushRequested = false;
  }

  private trySend(): void {
    const endpoint = this.endpoint;
    if (endpoint === undefined) return;
    while (this.credits > 0 && this.queuedBuffers.length > 0) {
      this.credits--;
      this.sendHead(endpoint, 0);
    }
  }

  /**
   * Sends the first queued buffer (`flags`: transport flags; a credited send has taken its credit). The
   * buffer that holds the last barrier written goes out flagged ANNOUNCES_BARRIER when that barrier is
   * aligned with a timeout (the consumer announces it on arrival).
   */
  private sendHead(endpoint: ProducerEndpoint, flags: number): void {
    const b = this.queuedBuffers.shift() as ChannelBuffer;
    const length = this.queuedLengths.shift() as number;
    const barrier = this.queuedBarrier;
    if (barrier !== undefined && --barrier.buffersUpToIt === 0) {
      this.queuedBarrier = undefined;
      if (barrier.event.kind === 'barrier' && barrier.event.alignedTimeoutMs > 0) flags |= BUFFER_ANNOUNCES_BARRIER;
    }
    this.inFlight++;
    if (this.inFlight > this.maxInFlight) this.maxInFlight = this.inFlight;
    if (b instanceof ArrayBuffer) endpoint.sendBuffer(b, length, flags);
    else (endpoint.sendSegment as NonNullable<ProducerEndpoint['sendSegment']>)(b, flags);
  }

  private updateAvailability(): void {
    // Buffers an unaligned barrier pushed without credit count as queued until the consumer returned them.
    const available = this.queuedBuffers.length + Math.max(0, -this.credits) < this.config.maxBuffersPerChannel;
    if (available !== this.available) {
      this.available = available;
      this.owner.subpartitionAvailabilityChanged(available);
    }
  }
}
