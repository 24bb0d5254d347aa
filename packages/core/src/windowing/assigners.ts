import { toMillis, toSignedMillis, type DurationLike } from '../duration';
import { NO_TIMESTAMP } from '../time/timestamps';
import { InvalidWindowParameterError, MissingTimestampError } from './window-errors';
import { GlobalWindow, TimeWindow, getWindowStartWithOffset, type Window } from './windows';
import { EndOfStreamTrigger, EventTimeTrigger, NeverTrigger, ProcessingTimeTrigger, type Trigger } from './triggers';

export interface WindowAssignerContext {
  currentProcessingTime(): number;
}

/** Assigns each element to zero or more windows (Flink's WindowAssigner). */
export abstract class WindowAssigner<T, W extends Window> {
  abstract assignWindows(element: T, timestamp: number, context: WindowAssignerContext): W[];
  abstract getDefaultTrigger(): Trigger<T, W>;
  abstract isEventTime(): boolean;
}

/** Called once per group of windows that merge into `result` (Flink's MergeCallback). */
export type MergeCallback<W> = (toBeMerged: readonly W[], result: W) => void;

/** Assigners whose windows merge (sessions). */
export abstract class MergingWindowAssigner<T, W extends Window> extends WindowAssigner<T, W> {
  abstract mergeWindows(windows: readonly W[], callback: MergeCallback<W>): void;
}

export function isMergingAssigner<T, W extends Window>(a: WindowAssigner<T, W>): a is MergingWindowAssigner<T, W> {
  return a instanceof MergingWindowAssigner;
}

/** Merges overlapping time windows into their cover (Flink's TimeWindow.mergeWindows). */
export function mergeTimeWindows(windows: readonly TimeWindow[], callback: MergeCallback<TimeWindow>): void {
  if (windows.length === 2) {
    // A key's one session and an element's new window, the common case: what the loop below does, without its arrays.
    const first = windows[1].start < windows[0].start ? windows[1] : windows[0];
    const second = first === windows[0] ? windows[1] : windows[0];
    if (first.intersects(second)) callback([first, second], first.cover(second));
    return;
  }
  const sorted = sortedByStart(windows);
  let current: TimeWindow | undefined;
  let group: TimeWindow[] = [];
  for (const w of sorted) {
    if (current && current.intersects(w)) {
      current = current.cover(w);
      group.push(w);
    } else {
      if (current && group.length > 1) callback(group, current);
      current = w;
      group = [w];
    }
  }
  if (current && group.length > 1) callback(group, current);
}

/** A copy sorted by start: insertion sort for the few windows a key usually has, else Array#sort. */
function sortedByStart(windows: readonly TimeWindow[]): TimeWindow[] {
  const n = windows.length;
  if (n > 16) return [...windows].sort((a, b) => a.start - b.start);
  const out = new Array<TimeWindow>(n);
  for (let i = 0; i < n; i++) {
    const w = windows[i];
    let j = i;
    while (j > 0 && out[j - 1].start > w.start) {
      out[j] = out[j - 1];
      j--;
    }
    out[j] = w;
  }
  return out;
}

function eventTimestamp(timestamp: number, assigner: string): number {
  if (timestamp === NO_TIMESTAMP) throw new MissingTimestampError(assigner);
  return timestamp;
}

function checkTumbling(name: string, size: number, offset: number): void {
  if (!(size > 0) || !(Math.abs(offset) < size)) {
    throw new InvalidWindowParameterError(name, `parameters must satisfy abs(offset) < size and size > 0 (size ${size}, offset ${offset})`);
  }
}

function checkSliding(name: string, size: number, slide: number, offset: number): void {
  if (!(size > 0) || !(slide > 0) || !(Math.abs(offset) < slide)) {
    throw new InvalidWindowParameterError(name, `parameters must satisfy abs(offset) < slide, size > 0 and slide > 0 (size ${size}, slide ${slide}, offset ${offset})`);
  }
}

/**
 * The windows of the latest start an assigner computed, reused while records keep falling into them
 * (most consecutive records do): the TimeWindow objects, and so their namespace strings, are built once
 * per window instead of once per record. TimeWindows are immutable; each call gets a fresh array.
 */
class RecentWindows {
  private start = Number.NaN;
  private windows: readonly TimeWindow[] = [];
  private count = 0;

  /**
   * Tumbling: the one window containing `timestamp`. While timestamps stay in the last window no start
   * is computed: getWindowStartWithOffset's `%` of a double (epoch milliseconds are beyond 32 bits) is a
   * C call, ~3.6 % of Nexmark q12's slot thread (--cpu-prof). Whole timestamps only: sizes and offsets
   * are whole milliseconds (toMillis), so for a whole timestamp the window it lies in is the one the
   * arithmetic gives; a fractional one takes the arithmetic's rounding.
   */
  tumbling(timestamp: number, offset: number, size: number): TimeWindow[] {
    const last = this.windows[0];
    if (last !== undefined && timestamp >= this.start && timestamp < last.end && Number.isInteger(timestamp)) return [last];
    const start = getWindowStartWithOffset(timestamp, offset, size);
    if (start !== this.start) {
      this.start = start;
      this.windows = [new TimeWindow(start, start + size)];
    }
    return [this.windows[0]];
  }

  /** Sliding: the windows containing `timestamp`, newest first (`lastStart` = the newest one's start). */
  sliding(timestamp: number, size: number, slide: number, offset: number): TimeWindow[] {
    const lastStart = getWindowStartWithOffset(timestamp, offset, slide);
    // Windows start at lastStart - k × slide for every k with a start above timestamp - size: how many
    // depends on the timestamp too when the size is not a multiple of the slide.
    const count = Math.ceil((lastStart - timestamp + size) / slide);
    if (lastStart !== this.start || count !== this.count) {
      const windows: TimeWindow[] = [];
      for (let start = lastStart; start > timestamp - size; start -= slide) windows.push(new TimeWindow(start, start + size));
      this.start = lastStart;
      this.count = count;
      this.windows = windows;
    }
    return this.windows.slice();
  }
}

abstract class MergingTimeWindowAssigner<T> extends MergingWindowAssigner<T, TimeWindow> {
  mergeWindows(windows: readonly TimeWindow[], callback: MergeCallback<TimeWindow>): void {
    mergeTimeWindows(windows, callback);
  }
}

/**
 * Whether `assigner` merges TimeWindows as the session assigners do (mergeTimeWindows: windows that
 * intersect merge into their cover), so a caller may merge one new window by that rule directly. A
 * subclass that overrides mergeWindows merges its own way.
 */
export function mergesIntersectingTimeWindows(assigner: WindowAssigner<unknown, Window>): boolean {
  return assigner instanceof MergingTimeWindowAssigner && assigner.mergeWindows === MergingTimeWindowAssigner.prototype.mergeWindows;
}

export class TumblingEventTimeWindows<T = unknown> extends WindowAssigner<T, TimeWindow> {
  private constructor(
    readonly size: number,
    readonly offset: number,
  ) {
    super();
    checkTumbling('TumblingEventTimeWindows', size, offset);
  }
  /** Windows of `size`, shifted by `offset` from the epoch (e.g. `Duration.ofHours(-8)` for days in UTC+8). */
  static of<T = unknown>(size: DurationLike, offset: DurationLike = 0): TumblingEventTimeWindows<T> {
    const what = 'TumblingEventTimeWindows.of';
    return new TumblingEventTimeWindows<T>(toMillis(size, `${what}: size`), toSignedMillis(offset, `${what}: offset`));
  }
  private readonly recent = new RecentWindows();
  assignWindows(_element: T, timestamp: number): TimeWindow[] {
    return this.recent.tumbling(eventTimestamp(timestamp, 'TumblingEventTimeWindows'), this.offset, this.size);
  }
  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return EventTimeTrigger.create<T>();
  }
  isEventTime(): boolean {
    return true;
  }
  override toString(): string {
    return `TumblingEventTimeWindows(${this.size})`;
  }
}

export class TumblingProcessingTimeWindows<T = unknown> extends WindowAssigner<T, TimeWindow> {
  private constructor(
    readonly size: number,
    readonly offset: number,
  ) {
    super();
    checkTumbling('TumblingProcessingTimeWindows', size, offset);
  }
  /** Windows of `size`, shifted by `offset` from the epoch (e.g. `Duration.ofHours(-8)` for days in UTC+8). */
  static of<T = unknown>(size: DurationLike, offset: DurationLike = 0): TumblingProcessingTimeWindows<T> {
    const what = 'TumblingProcessingTimeWindows.of';
    return new TumblingProcessingTimeWindows<T>(toMillis(size, `${what}: size`), toSignedMillis(offset, `${what}: offset`));
  }
  private readonly recent = new RecentWindows();
  assignWindows(_element: T, _timestamp: number, context: WindowAssignerContext): TimeWindow[] {
    return this.recent.tumbling(context.currentProcessingTime(), this.offset, this.size);
  }
  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return ProcessingTimeTrigger.create<T>();
  }
  isEventTime(): boolean {
    return false;
  }
  override toString(): string {
    return `TumblingProcessingTimeWindows(${this.size})`;
  }
}

export class SlidingEventTimeWindows<T = unknown> extends WindowAssigner<T, TimeWindow> {
  private constructor(
    readonly size: number,
    readonly slide: number,
    readonly offset: number,
  ) {
    super();
    checkSliding('SlidingEventTimeWindows', size, slide, offset);
  }
  /** Windows of `size` starting every `slide`, shifted by `offset` from the epoch. */
  static of<T = unknown>(size: DurationLike, slide: DurationLike, offset: DurationLike = 0): SlidingEventTimeWindows<T> {
    const what = 'SlidingEventTimeWindows.of';
    return new SlidingEventTimeWindows<T>(toMillis(size, `${what}: size`), toMillis(slide, `${what}: slide`), toSignedMillis(offset, `${what}: offset`));
  }
  private readonly recent = new RecentWindows();
  assignWindows(_element: T, timestamp: number): TimeWindow[] {
    return this.recent.sliding(eventTimestamp(timestamp, 'SlidingEventTimeWindows'), this.size, this.slide, this.offset);
  }
  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return EventTimeTrigger.create<T>();
  }
  isEventTime(): boolean {
    return true;
  }
  override toString(): string {
    return `SlidingEventTimeWindows(${this.size}, ${this.slide})`;
  }
}

export class SlidingProcessingTimeWindows<T = unknown> extends WindowAssigner<T, TimeWindow> {
  private constructor(
    readonly size: number,
    readonly slide: number,
    readonly offset: number,
  ) {
    super();
    checkSliding('SlidingProcessingTimeWindows', size, slide, offset);
  }
  /** Windows of `size` starting every `slide`, shifted by `offset` from the epoch. */
  static of<T = unknown>(size: DurationLike, slide: DurationLike, offset: DurationLike = 0): SlidingProcessingTimeWindows<T> {
    const what = 'SlidingProcessingTimeWindows.of';
    return new SlidingProcessingTimeWindows<T>(toMillis(size, `${what}: size`), toMillis(slide, `${what}: slide`), toSignedMillis(offset, `${what}: offset`));
  }
  private readonly recent = new RecentWindows();
  assignWindows(_element: T, _timestamp: number, context: WindowAssignerContext): TimeWindow[] {
    return this.recent.sliding(context.currentProcessingTime(), this.size, this.slide, this.offset);
  }
  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return ProcessingTimeTrigger.create<T>();
  }
  isEventTime(): boolean {
    return false;
  }
  override toString(): string {
    return `SlidingProcessingTimeWindows(${this.size}, ${this.slide})`;
  }
}

/** Extracts the session gap from an element (Flink's SessionWindowTimeGapExtractor). */
export type SessionGapExtractor<T> = (element: T) => number;

function sessionWindow(start: number, gap: number, name: string): TimeWindow[] {
  if (!(gap > 0)) throw new InvalidWindowParameterError(name, `dynamic session gap must be > 0, got ${gap}`);
  return [new TimeWindow(start, start + gap)];
}

function checkGap(name: string, gap: number): void {
  if (!(gap > 0)) throw new InvalidWindowParameterError(name, `session gap must be > 0, got ${gap}`);
}

export class EventTimeSessionWindows<T = unknown> extends MergingTimeWindowAssigner<T> {
  private constructor(private readonly gapOf: SessionGapExtractor<T>) {
    super();
  }
  static withGap<T = unknown>(gap: DurationLike): EventTimeSessionWindows<T> {
    const millis = toMillis(gap, 'EventTimeSessionWindows.withGap: gap');
    checkGap('EventTimeSessionWindows', millis);
    return new EventTimeSessionWindows<T>(() => millis);
  }
  static withDynamicGap<T>(extractor: SessionGapExtractor<T>): EventTimeSessionWindows<T> {
    return new EventTimeSessionWindows<T>(extractor);
  }
  assignWindows(element: T, timestamp: number): TimeWindow[] {
    return sessionWindow(eventTimestamp(timestamp, 'EventTimeSessionWindows'), this.gapOf(element), 'EventTimeSessionWindows');
  }
  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return EventTimeTrigger.create<T>();
  }
  isEventTime(): boolean {
    return true;
  }
  override toString(): string {
    return 'EventTimeSessionWindows';
  }
}

export class ProcessingTimeSessionWindows<T = unknown> extends MergingTimeWindowAssigner<T> {
  private constructor(private readonly gapOf: SessionGapExtractor<T>) {
    super();
  }
  static withGap<T = unknown>(gap: DurationLike): ProcessingTimeSessionWindows<T> {
    const millis = toMillis(gap, 'ProcessingTimeSessionWindows.withGap: gap');
    checkGap('ProcessingTimeSessionWindows', millis);
    return new ProcessingTimeSessionWindows<T>(() => millis);
  }
  static withDynamicGap<T>(extractor: SessionGapExtractor<T>): ProcessingTimeSessionWindows<T> {
    return new ProcessingTimeSessionWindows<T>(extractor);
  }
  assignWindows(element: T, _timestamp: number, context: WindowAssignerContext): TimeWindow[] {
    return sessionWindow(context.currentProcessingTime(), this.gapOf(element), 'ProcessingTimeSessionWindows');
  }
  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return ProcessingTimeTrigger.create<T>();
  }
  isEventTime(): boolean {
    return false;
  }
  override toString(): string {
    return 'ProcessingTimeSessionWindows';
  }
}

/**
 * One window for all elements of a key (Flink's GlobalWindows). `create()` never fires by itself
 * (give it a trigger, e.g. `CountTrigger`); `createWithEndOfStreamTrigger()` fires once, when the
 * input ends (the watermark reaches MAX_WATERMARK, Flink's Long.MAX_VALUE): one result per key over
 * all its data, as in a batch group-by. Its results carry timestamp MAX_WATERMARK.
 */
export class GlobalWindows<T = unknown> extends WindowAssigner<T, GlobalWindow> {
  private static readonly WINDOWS: GlobalWindow[] = [GlobalWindow.INSTANCE];
  private constructor(private readonly endOfStream: boolean) {
    super();
  }
  /** The global window with a trigger that never fires. */
  static create<T = unknown>(): GlobalWindows<T> {
    return new GlobalWindows<T>(false);
  }
  /** The global window with a trigger that fires once at the end of the input (Flink 1.19+). */
  static createWithEndOfStreamTrigger<T = unknown>(): GlobalWindows<T> {
    return new GlobalWindows<T>(true);
  }
  assignWindows(): GlobalWindow[] {
    return GlobalWindows.WINDOWS;
  }
  getDefaultTrigger(): Trigger<T, GlobalWindow> {
    return this.endOfStream ? EndOfStreamTrigger.create<T>() : NeverTrigger.create<T>();
  }
  isEventTime(): boolean {
    return false;
  }
  override toString(): string {
    return 'GlobalWindows()';
  }
}
