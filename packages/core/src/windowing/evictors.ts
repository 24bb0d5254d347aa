import { toMillis, type DurationLike } from '../duration';
import { NO_TIMESTAMP } from '../time/timestamps';
import { InvalidWindowParameterError } from './window-errors';
import type { TimestampedValue, Window } from './windows';

export interface EvictorContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
}

/**
 * Removes elements from a firing window before and/or after the window function runs (Flink's
 * Evictor). `elements` is the window's contents in arrival order; evictors remove in place.
 */
export interface Evictor<T, W extends Window> {
  evictBefore(elements: TimestampedValue<T>[], size: number, window: W, ctx: EvictorContext): void;
  evictAfter(elements: TimestampedValue<T>[], size: number, window: W, ctx: EvictorContext): void;
}

/** Keeps at most `maxCount` elements (the most recent ones). */
export class CountEvictor<T = unknown> implements Evictor<T, Window> {
  private constructor(
    readonly maxCount: number,
    private readonly doEvictAfter: boolean,
  ) {}
  static of<T = unknown>(maxCount: number, doEvictAfter = false): CountEvictor<T> {
    if (!(Number.isInteger(maxCount) && maxCount >= 0)) throw new InvalidWindowParameterError('CountEvictor', `count must be an integer >= 0, got ${maxCount}`);
    return new CountEvictor<T>(maxCount, doEvictAfter);
  }
  evictBefore(elements: TimestampedValue<T>[], size: number, _window: Window, _ctx: EvictorContext): void {
    if (!this.doEvictAfter) this.evict(elements, size);
  }
  evictAfter(elements: TimestampedValue<T>[], size: number, _window: Window, _ctx: EvictorContext): void {
    if (this.doEvictAfter) this.evict(elements, size);
  }
  private evict(elements: TimestampedValue<T>[], size: number): void {
    if (size > this.maxCount) elements.splice(0, size - this.maxCount);
  }
}

/** Keeps the elements within `windowSize` of the newest element's timestamp. */
export class TimeEvictor<T = unknown> implements Evictor<T, Window> {
  private constructor(
    readonly windowSize: number,
    private readonly doEvictAfter: boolean,
  ) {}
  static of<T = unknown>(windowSize: DurationLike, doEvictAfter = false): TimeEvictor<T> {
    return new TimeEvictor<T>(toMillis(windowSize, 'TimeEvictor.of: windowSize'), doEvictAfter);
  }
  evictBefore(elements: TimestampedValue<T>[], _size: number, _window: Window, _ctx: EvictorContext): void {
    if (!this.doEvictAfter) this.evict(elements);
  }
  evictAfter(elements: TimestampedValue<T>[], _size: number, _window: Window, _ctx: EvictorContext): void {
    if (this.doEvictAfter) this.evict(elements);
  }
  private evict(elements: TimestampedValue<T>[]): void {
    // As Flink: elements without timestamps (processing time) are never evicted by time.
    if (elements.length === 0 || elements[0].timestamp === NO_TIMESTAMP) return;
    let newest = Number.NEGATIVE_INFINITY;
    for (const e of elements) newest = Math.max(newest, e.timestamp);
    const cutoff = newest - this.windowSize;
    removeWhere(elements, (e) => e.timestamp <= cutoff);
  }
}

export type DeltaFunction<T> = (oldPoint: T, newPoint: T) => number;

/** Removes elements whose delta to the last element is >= `threshold`. */
export class DeltaEvictor<T> implements Evictor<T, Window> {
  private constructor(
    readonly threshold: number,
    private readonly delta: DeltaFunction<T>,
    private readonly doEvictAfter: boolean,
  ) {}
  static of<T>(threshold: number, delta: DeltaFunction<T>, doEvictAfter = false): DeltaEvictor<T> {
    return new DeltaEvictor<T>(threshold, delta, doEvictAfter);
  }
  evictBefore(elements: TimestampedValue<T>[], _size: number, _window: Window, _ctx: EvictorContext): void {
    if (!this.doEvictAfter) this.evict(elements);
  }
  evictAfter(elements: TimestampedValue<T>[], _size: number, _window: Window, _ctx: EvictorContext): void {
    if (this.doEvictAfter) this.evict(elements);
  }
  private evict(elements: TimestampedValue<T>[]): void {
    if (elements.length === 0) return;
    const last = elements[elements.length - 1].value;
    removeWhere(elements, (e) => this.delta(e.value, last) >= this.threshold);
  }
}

function removeWhere<T>(elements: T[], predicate: (e: T) => boolean): void {
  let kept = 0;
  for (let i = 0; i < elements.length; i++) if (!predicate(elements[i])) elements[kept++] = elements[i];
  elements.length = kept;
}
