import { NO_TIMESTAMP } from '@flott/core';
import type { Output } from '../stream-operator';

export interface RecordedElement<T> {
  readonly value: T;
  readonly timestamp: number;
}

export interface RecordedSideElement {
  readonly tagId: string;
  readonly value: unknown;
  readonly timestamp: number;
}

/** One entry of a RecordingOutput's ordered log (Flink's harness output queue: StreamRecord, Watermark, WatermarkStatus). */
export type OutputEvent<T> =
  | { readonly kind: 'record'; readonly value: T; readonly timestamp: number }
  | { readonly kind: 'side'; readonly tagId: string; readonly value: unknown; readonly timestamp: number }
  | { readonly kind: 'watermark'; readonly watermark: number }
  | { readonly kind: 'status'; readonly idle: boolean };

/** Builds expected log entries: `expect(out.log).toEqual([OutputEvent.record('a', 1), OutputEvent.watermark(5)])`. */
export const OutputEvent = {
  record<T>(value: T, timestamp = NO_TIMESTAMP): OutputEvent<T> {
    return { kind: 'record', value, timestamp };
  },
  side(tagId: string, value: unknown, timestamp = NO_TIMESTAMP): OutputEvent<never> {
    return { kind: 'side', tagId, value, timestamp };
  },
  watermark(watermark: number): OutputEvent<never> {
    return { kind: 'watermark', watermark };
  },
  idle(): OutputEvent<never> {
    return { kind: 'status', idle: true };
  },
  active(): OutputEvent<never> {
    return { kind: 'status', idle: false };
  },
} as const;

/**
 * An Output that remembers everything. `log` holds every emission in order, so a test can assert
 * where a watermark or status falls among records (main and side); `records`, `sideRecords`,
 * `watermarks` and `watermarkStatuses` are the same emissions by kind, each in order.
 */
export class RecordingOutput<T> implements Output<T> {
  readonly log: OutputEvent<T>[] = [];
  readonly records: RecordedElement<T>[] = [];
  readonly sideRecords: RecordedSideElement[] = [];
  readonly watermarks: number[] = [];
  /** Watermark statuses in order: true = idle, false = active. */
  readonly watermarkStatuses: boolean[] = [];

  collect(value: T, timestamp: number): void {
    this.records.push({ value, timestamp });
    this.log.push({ kind: 'record', value, timestamp });
  }
  collectSide(tagId: string, value: unknown, timestamp: number): void {
    this.sideRecords.push({ tagId, value, timestamp });
    this.log.push({ kind: 'side', tagId, value, timestamp });
  }
  emitWatermark(watermark: number): void {
    this.watermarks.push(watermark);
    this.log.push({ kind: 'watermark', watermark });
  }
  emitWatermarkStatus(idle: boolean): void {
    this.watermarkStatuses.push(idle);
    this.log.push({ kind: 'status', idle });
  }

  values(): T[] {
    return this.records.map((r) => r.value);
  }
  sideValues(tagId: string): unknown[] {
    return this.sideRecords.filter((r) => r.tagId === tagId).map((r) => r.value);
  }

  /**
   * The log in a short text form, one line per emission: `a @1` (record; `a` without a timestamp),
   * `side:tag a @1`, `wm 5`, `IDLE`, `ACTIVE`. Values print as JSON unless they are strings (bigints as `5n`).
   */
  logLines(): string[] {
    return this.log.map(eventLine);
  }

  clear(): void {
    this.log.length = 0;
    this.records.length = 0;
    this.sideRecords.length = 0;
    this.watermarks.length = 0;
    this.watermarkStatuses.length = 0;
  }
}

function eventLine(e: OutputEvent<unknown>): string {
  switch (e.kind) {
    case 'record':
      return withTimestamp(show(e.value), e.timestamp);
    case 'side':
      return withTimestamp(`side:${e.tagId} ${show(e.value)}`, e.timestamp);
    case 'watermark':
      return `wm ${e.watermark}`;
    case 'status':
      return e.idle ? 'IDLE' : 'ACTIVE';
  }
}

function withTimestamp(text: string, timestamp: number): string {
  return timestamp === NO_TIMESTAMP ? text : `${text} @${timestamp}`;
}

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return `${value}n`;
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}
