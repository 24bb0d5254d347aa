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

/** An Output that remembers everything, in order. */
export class RecordingOutput<T> implements Output<T> {
  readonly records: RecordedElement<T>[] = [];
  readonly sideRecords: RecordedSideElement[] = [];
  readonly watermarks: number[] = [];
  /** Watermark statuses in order: true = idle, false = active. */
  readonly watermarkStatuses: boolean[] = [];

  collect(value: T, timestamp: number): void {
    this.records.push({ value, timestamp });
  }
  collectSide(tagId: string, value: unknown, timestamp: number): void {
    this.sideRecords.push({ tagId, value, timestamp });
  }
  emitWatermark(watermark: number): void {
    this.watermarks.push(watermark);
  }
  emitWatermarkStatus(idle: boolean): void {
    this.watermarkStatuses.push(idle);
  }

  values(): T[] {
    return this.records.map((r) => r.value);
  }
  sideValues(tagId: string): unknown[] {
    return this.sideRecords.filter((r) => r.tagId === tagId).map((r) => r.value);
  }
  clear(): void {
    this.records.length = 0;
    this.sideRecords.length = 0;
    this.watermarks.length = 0;
    this.watermarkStatuses.length = 0;
  }
}
