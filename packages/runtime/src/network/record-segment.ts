import type { NetworkEvent } from './buffer-format';

/** What an entry of a RecordSegment is. */
export const SEGMENT_RECORD = 0;
export const SEGMENT_WATERMARK = 1;
export const SEGMENT_EVENT = 2;

/**
 * The in-thread counterpart of a network buffer: a channel whose producer and consumer share an event
 * loop hands records over as objects in segments instead of serialising them into bytes (the records
 * are copies the consumer owns, unless object reuse is on; see PipelinedSubpartition.attach). A segment
 * travels like a buffer (one credit each, returned for reuse) and holds at most `capacity` entries:
 * records with their timestamps, watermarks and events, in the order they were written.
 */
export class RecordSegment {
  readonly kinds: Uint8Array;
  readonly values: unknown[];
  readonly timestamps: Float64Array;
  length = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`Assertion failed: segment capacity must be a positive integer, got ${capacity}`);
    this.kinds = new Uint8Array(capacity);
    this.values = new Array<unknown>(capacity).fill(undefined);
    this.timestamps = new Float64Array(capacity);
  }

  isFull(): boolean {
    return this.length >= this.capacity;
  }

  /** Appends a record; the caller checks isFull first. */
  addRecord(value: unknown, timestamp: number): void {
    const i = this.length++;
    this.kinds[i] = SEGMENT_RECORD;
    this.values[i] = value;
    this.timestamps[i] = timestamp;
  }

  addEvent(event: NetworkEvent): void {
    const i = this.length++;
    if (event.kind === 'watermark') {
      this.kinds[i] = SEGMENT_WATERMARK;
      this.timestamps[i] = event.timestamp;
    } else {
      this.kinds[i] = SEGMENT_EVENT;
      this.values[i] = event;
    }
  }

  /** Empties the segment for reuse, dropping its references to records. */
  clear(): void {
    this.values.fill(undefined, 0, this.length);
    this.length = 0;
  }
}

/** What a channel carries: a network buffer (bytes) or, between subtasks of one thread, a segment. */
export type ChannelBuffer = ArrayBuffer | RecordSegment;
