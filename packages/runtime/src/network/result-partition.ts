import type { RecordSerializer } from '@flott/core';
import type { NetworkEvent } from './buffer-format';
import type { NetworkConfig } from './network-config';
import { NetworkReleasedError } from './network-errors';
import { RecordSegment } from './record-segment';
import { PipelinedSubpartition, type HandOver, type SubpartitionOwner, type SubpartitionStats } from './subpartition';
import type { ProducerEndpoint } from './transport';

export interface ResultPartitionStats {
  perSubpartition: SubpartitionStats[];
  buffersAllocated: number;
  maxBuffersAllocated: number;
  /** Segments of records handed over as objects (consumers on this event loop), allocated so far. */
  segmentsAllocated: number;
}

/**
 * How a partition gives records to consumers on its own event loop (see PipelinedSubpartition.attach):
 * `copy` (the serializer's copier, when it has one), `reuse` (the objects themselves: object reuse),
 * or `off` (serialised, as to every other consumer).
 */
export type LocalHandOver = 'copy' | 'reuse' | 'off';

/**
 * Producer side of one intermediate result partition of a task: one subpartition per consumer
 * channel. Used on the producing task's event loop only. The task checks `isAvailable()` before it
 * processes the next input record (waiting on `whenAvailable()` otherwise); one operator call (which
 * cannot block mid-way, unlike a Flink task) may still overdraw a subpartition by `maxOverdraftBuffers`.
 *
 * Memory bound: buffers are pooled per partition and a new one is allocated only when the pool is
 * empty, so `buffersAllocated` never exceeds numSubpartitions x (credits granted per channel +
 * maxBuffersPerChannel + maxOverdraftBuffers + 1). Segments of records handed over in one thread
 * (LocalHandOver) are pooled and bounded the same way, each holding at most recordsPerSegment records.
 */
export class ResultPartition<T> implements SubpartitionOwner {
  readonly partitionId: string;
  private readonly subpartitions: PipelinedSubpartition<T>[];
  private readonly freeBuffers: ArrayBuffer[] = [];
  private readonly freeSegments: RecordSegment[] = [];
  private segmentsAllocated = 0;
  private readonly segmentSize: number;
  private readonly recordsPerSegment: number;
  private unavailableSubpartitions = 0;
  private availabilityWaiter: { promise: Promise<void>; resolve: () => void } | undefined;
  private allocated = 0;
  private maxAllocated = 0;
  private finished = false;
  private dataEnded = false;
  private released = false;
  /** Neither finished nor released (one field for the per-record check). */
  private writable = true;
  /** Records written (a broadcast one once): Flink's numRecordsOut of the producing task. */
  numRecordsOut = 0;
  /** Called once, when the partition takes its first buffer (its first record or event): data can be consumed. */
  onFirstData: (() => void) | undefined;
  private produced = false;
  /** Some subpartition may hand records over as objects (to a consumer in this thread). */
  private readonly handsOver: boolean;

  constructor(opts: { partitionId: string; numSubpartitions: number; config: NetworkConfig; serializer: RecordSerializer<T> }) {
    if (!Number.isInteger(opts.numSubpartitions) || opts.numSubpartitions < 1) {
      throw new Error(`Assertion failed: numSubpartitions must be a positive integer, got ${opts.numSubpartitions}`);
    }
    this.partitionId = opts.partitionId;
    this.segmentSize = opts.config.segmentSize;
    this.recordsPerSegment = opts.config.recordsPerSegment;
    this.subpartitions = [];
    const mode = opts.config.localHandOver;
    let handsOver = false;
    for (let i = 0; i < opts.numSubpartitions; i++) {
      let handOver: HandOver<T> | undefined;
      if (mode === 'reuse') handOver = (value) => value;
      else if (mode === 'copy') handOver = opts.serializer.createCopier?.();
      if (handOver !== undefined) handsOver = true;
      this.subpartitions.push(new PipelinedSubpartition<T>(i, opts.config, opts.serializer.createEncoder(), this, handOver));
    }
    this.handsOver = handsOver;
  }

  get numSubpartitions(): number {
    return this.subpartitions.length;
  }

  /** Serialises `value` into `subpartition`'s current buffer. */
  emit(value: T, timestamp: number, subpartition: number): void {
    const sp = this.subpartitions[subpartition];
    if (sp === undefined || !this.writable) this.failWrite(subpartition);
    sp.writeRecord(value, timestamp);
    this.numRecordsOut++;
  }

  broadcastEmit(value: T, timestamp: number): void {
    if (!this.writable) this.failWrite(0);
    const sps = this.subpartitions;
    for (let i = 0; i < sps.length; i++) sps[i].writeRecord(value, timestamp);
    this.numRecordsOut++;
  }

  /** Appends `event` to every subpartition after the records written so far, and flushes them. */
  broadcastEvent(event: NetworkEvent): void {
    if (!this.writable) this.failWrite(0);
    for (const sp of this.subpartitions) sp.writeEvent(event);
  }

  /** An unaligned checkpoint barrier overtakes what every subpartition holds (PipelinedSubpartition.writePriorityEvent). */
  broadcastPriorityEvent(event: NetworkEvent): void {
    if (!this.writable) this.failWrite(0);
    for (const sp of this.subpartitions) sp.writePriorityEvent(event);
  }

  /** See PipelinedSubpartition.timeOutBarrier. */
  timeOutBarrier(checkpointId: number): void {
    if (!this.writable) return;
    for (const sp of this.subpartitions) sp.timeOutBarrier(checkpointId);
  }

  /** Sends every partly filled buffer (buffer timeout or explicit flush); empty ones send nothing. */
  flushAll(): void {
    if (this.released) return;
    for (const sp of this.subpartitions) sp.flush();
  }

  /** Flushes the partly filled segments of subpartitions whose records are handed over in this thread (see PipelinedSubpartition.flushHandOver). */
  flushHandOvers(): void {
    if (this.released || !this.handsOver) return;
    for (const sp of this.subpartitions) sp.flushHandOver();
  }

  isAvailable(): boolean {
    return this.unavailableSubpartitions === 0;
  }

  whenAvailable(): Promise<void> {
    if (this.unavailableSubpartitions === 0 || this.released) return Promise.resolve();
    if (!this.availabilityWaiter) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.availabilityWaiter = { promise, resolve };
    }
    return this.availabilityWaiter.promise;
  }

  /** Connects the consumer of `subpartition`; data written before is queued (bounded) and sent on credit. */
  attachConsumer(subpartition: number, endpoint: ProducerEndpoint): void {
    const sp = this.subpartitions[subpartition];
    if (sp === undefined) throw new Error(`Assertion failed: no subpartition ${subpartition} in ${this.partitionId}`);
    if (this.released) {
      endpoint.close();
      return;
    }
    sp.attach(endpoint);
  }

  /**
   * Flushes and sends end-of-data on every subpartition (Flink's EndOfData): no record or watermark
   * follows; barriers and then end-of-partition still do.
   */
  endData(): void {
    if (this.finished || this.dataEnded) return;
    this.broadcastEvent({ kind: 'end-of-data' });
    this.dataEnded = true;
  }

  /** Flushes and sends end-of-partition on every subpartition; no record may follow. */
  finish(): void {
    if (this.finished) return;
    this.broadcastEvent({ kind: 'end-of-partition' });
    this.finished = true;
    this.writable = false;
  }

  isFinished(): boolean {
    return this.finished;
  }

  /** Drops all buffers and closes every channel (cancel/fail). */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.writable = false;
    for (const sp of this.subpartitions) sp.release();
    this.freeBuffers.length = 0;
    const waiter = this.availabilityWaiter;
    this.availabilityWaiter = undefined;
    waiter?.resolve();
  }

  stats(): ResultPartitionStats {
    return {
      perSubpartition: this.subpartitions.map((sp) => sp.stats()),
      buffersAllocated: this.allocated,
      maxBuffersAllocated: this.maxAllocated,
      segmentsAllocated: this.segmentsAllocated,
    };
  }

  takeBuffer(): ArrayBuffer {
    if (!this.produced) this.markProduced();
    const pooled = this.freeBuffers.pop();
    if (pooled !== undefined) return pooled;
    this.allocated++;
    if (this.allocated > this.maxAllocated) this.maxAllocated = this.allocated;
    return new ArrayBuffer(this.segmentSize);
  }

  recycleBuffer(buffer: ArrayBuffer): void {
    if (!this.released) this.freeBuffers.push(buffer);
  }

  /** Like takeBuffer, for a subpartition that hands records over as objects (bounded the same way). */
  takeSegment(): RecordSegment {
    if (!this.produced) this.markProduced();
    const pooled = this.freeSegments.pop();
    if (pooled !== undefined) return pooled;
    this.segmentsAllocated++;
    return new RecordSegment(this.recordsPerSegment);
  }

  private markProduced(): void {
    this.produced = true;
    this.onFirstData?.();
  }

  recycleSegment(segment: RecordSegment): void {
    segment.clear();
    if (!this.released) this.freeSegments.push(segment);
  }

  subpartitionAvailabilityChanged(available: boolean): void {
    this.unavailableSubpartitions += available ? -1 : 1;
    if (this.unavailableSubpartitions === 0 && this.availabilityWaiter) {
      const waiter = this.availabilityWaiter;
      this.availabilityWaiter = undefined;
      waiter.resolve();
    }
  }

  private failWrite(subpartition: number): never {
    if (this.released) throw new NetworkReleasedError(`Result partition ${this.partitionId}`);
    if (this.finished) throw new Error(`Assertion failed: result partition ${this.partitionId} was written after finish()`);
    throw new Error(`Assertion failed: no subpartition ${subpartition} in ${this.partitionId} (${this.subpartitions.length})`);
  }
}
