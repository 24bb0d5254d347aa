import type { Output } from '../stream-operator';

/** An input element the async operator holds: a record with its timestamp, or a watermark. */
export type QueuedElement<IN> =
  | { readonly kind: 'record'; readonly value: IN; readonly timestamp: number }
  | { readonly kind: 'watermark'; readonly watermark: number };

/** A record's place in the queue; `complete` hands over its result (once). */
export interface QueueEntry<OUT> {
  complete(results: readonly OUT[]): void;
}

/**
 * The async operator's queue of elements in flight (Flink's StreamElementQueue): records waiting for
 * their result and watermarks waiting for the records before them. The operator bounds its size
 * (capacity); the queue only orders. Task thread only.
 */
export interface StreamElementQueue<IN, OUT> {
  /** Records and watermarks not yet emitted. */
  readonly size: number;
  addRecord(value: IN, timestamp: number): QueueEntry<OUT>;
  addWatermark(watermark: number): void;
  /** Whether `emitCompleted` would emit something now. */
  hasCompletedHead(): boolean;
  /** Emits what may go out now into `output`; returns how many entries left the queue. */
  emitCompleted(output: Output<OUT>): number;
  /** The input elements of every entry still queued, in input order (what a checkpoint keeps). */
  values(): QueuedElement<IN>[];
}

class RecordEntry<IN, OUT> implements QueueEntry<OUT> {
  results?: readonly OUT[];
  constructor(
    readonly value: IN,
    readonly timestamp: number,
    private readonly onComplete: (entry: RecordEntry<IN, OUT>) => void,
  ) {}

  complete(results: readonly OUT[]): void {
    if (this.results !== undefined) throw new Error('Assertion failed: an async queue entry completed twice');
    this.results = results;
    this.onComplete(this);
  }

  emit(output: Output<OUT>): void {
    const results = this.results!;
    for (let i = 0; i < results.length; i++) output.collect(results[i], this.timestamp);
  }

  element(): QueuedElement<IN> {
    return { kind: 'record', value: this.value, timestamp: this.timestamp };
  }
}

const NOTHING = (): void => {};

/** Emits in input order: an entry goes out once it and every entry before it completed (Flink's OrderedStreamElementQueue). */
export class OrderedStreamElementQueue<IN, OUT> implements StreamElementQueue<IN, OUT> {
  private readonly entries: Array<RecordEntry<IN, OUT> | number> = [];

  get size(): number {
    return this.entries.length;
  }

  addRecord(value: IN, timestamp: number): QueueEntry<OUT> {
    const entry = new RecordEntry<IN, OUT>(value, timestamp, NOTHING);
    this.entries.push(entry);
    return entry;
  }

  addWatermark(watermark: number): void {
    this.entries.push(watermark);
  }

  hasCompletedHead(): boolean {
    const head = this.entries[0];
    return head !== undefined && (typeof head === 'number' || head.results !== undefined);
  }

  emitCompleted(output: Output<OUT>): number {
    let n = 0;
    while (this.hasCompletedHead()) {
      const head = this.entries.shift()!;
      if (typeof head === 'number') output.emitWatermark(head);
      else head.emit(output);
      n++;
    }
    return n;
  }

  values(): QueuedElement<IN>[] {
    return this.entries.map((e) => (typeof e === 'number' ? { kind: 'watermark', watermark: e } : e.element()));
  }
}

/** Records between two watermarks, and the watermark that closes them (none yet for the last). */
class Segment<IN, OUT> {
  /** Records not yet emitted, in input order. */
  readonly entries = new Set<RecordEntry<IN, OUT>>();
  /** Completed records not yet emitted, in completion order. */
  ready: RecordEntry<IN, OUT>[] = [];
  watermark?: number;
}

/**
 * Emits records as their results arrive, but never across a watermark (Flink's
 * UnorderedStreamElementQueue): the records before a watermark all go out before it, the records
 * after it only after it.
 */
export class UnorderedStreamElementQueue<IN, OUT> implements StreamElementQueue<IN, OUT> {
  private readonly segments: Segment<IN, OUT>[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  addRecord(value: IN, timestamp: number): QueueEntry<OUT> {
    const segment = this.openSegment();
    const entry = new RecordEntry<IN, OUT>(value, timestamp, (e) => segment.ready.push(e));
    segment.entries.add(entry);
    this.count++;
    return entry;
  }

  addWatermark(watermark: number): void {
    this.openSegment().watermark = watermark;
    this.count++;
  }

  hasCompletedHead(): boolean {
    const head = this.segments[0];
    return head !== undefined && (head.ready.length > 0 || (head.entries.size === 0 && head.watermark !== undefined));
  }

  emitCompleted(output: Output<OUT>): number {
    let n = 0;
    while (this.segments.length > 0) {
      const head = this.segments[0];
      if (head.ready.length > 0) {
        const ready = head.ready;
        head.ready = [];
        for (const entry of ready) {
          head.entries.delete(entry);
          entry.emit(output);
        }
        n += ready.length;
      }
      if (head.entries.size > 0 || head.watermark === undefined) break;
      output.emitWatermark(head.watermark);
      n++;
      this.segments.shift();
    }
    this.count -= n;
    return n;
  }

  values(): QueuedElement<IN>[] {
    const out: QueuedElement<IN>[] = [];
    for (const s of this.segments) {
      for (const e of s.entries) out.push(e.element());
      if (s.watermark !== undefined) out.push({ kind: 'watermark', watermark: s.watermark });
    }
    return out;
  }

  /** The last segment, unless a watermark closed it: then a new one. */
  private openSegment(): Segment<IN, OUT> {
    const last = this.segments[this.segments.length - 1];
    if (last !== undefined && last.watermark === undefined) return last;
    const segment = new Segment<IN, OUT>();
    this.segments.push(segment);
    return segment;
  }
}
