import { toMillis, type DurationLike } from '../duration';
import type { StateDescriptor } from '../state/state-descriptors';
import { InvalidWindowParameterError } from './window-errors';
import type { Window } from './windows';

/** What a trigger decides (bit 1: fire, bit 2: purge), as Flink's TriggerResult. */
export enum TriggerResult {
  CONTINUE = 0,
  FIRE = 1,
  PURGE = 2,
  FIRE_AND_PURGE = 3,
}

export function isFire(r: TriggerResult): boolean {
  return (r & TriggerResult.FIRE) !== 0;
}
export function isPurge(r: TriggerResult): boolean {
  return (r & TriggerResult.PURGE) !== 0;
}

/** State of a trigger, scoped to the current key and window. */
export interface TriggerState<S> {
  get(): S | undefined;
  update(value: S): void;
  /** Combines with the stored value through the descriptor's `combine` (reducing state). */
  add(value: S): void;
  clear(): void;
}

/** Flink's Trigger.TriggerContext: timers and state for the current key and window. */
export interface TriggerContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
  registerProcessingTimeTimer(time: number): void;
  registerEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  getPartitionedState<S>(descriptor: StateDescriptor<S>): TriggerState<S>;
}

export interface OnMergeContext extends TriggerContext {
  /** Combines this state of the merged windows into the result window (reducing state). */
  mergePartitionedState<S>(descriptor: StateDescriptor<S>): void;
}

/**
 * Decides when a window's function runs (Flink's Trigger). One instance serves all keys and windows
 * of an operator: per-window data belongs in partitioned state, never in fields.
 */
export abstract class Trigger<T, W extends Window> {
  abstract onElement(element: T, timestamp: number, window: W, ctx: TriggerContext): TriggerResult;
  abstract onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  abstract onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  /** Drops the trigger's timers and state of `window` (the window is purged for good). */
  abstract clear(window: W, ctx: TriggerContext): void;
  canMerge(): boolean {
    return false;
  }
  onMerge(_window: W, _ctx: OnMergeContext): void {
    throw new Error(`Assertion failed: trigger ${this.constructor.name} does not support merging windows`);
  }
}

/** Fires once the watermark passes the window's end (default for event-time assigners). */
export class EventTimeTrigger<T = unknown> extends Trigger<T, Window> {
  protected constructor() {
    super();
  }
  static create<T = unknown>(): EventTimeTrigger<T> {
    return new EventTimeTrigger<T>();
  }
  onElement(_e: T, _ts: number, window: Window, ctx: TriggerContext): TriggerResult {
    // The watermark may already be past the window (late element within the allowed lateness).
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }
  onEventTime(time: number, window: Window, _ctx: TriggerContext): TriggerResult {
    return time === window.maxTimestamp() ? TriggerResult.FIRE : TriggerResult.CONTINUE;
  }
  onProcessingTime(_time: number, _window: Window, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(window: Window, ctx: TriggerContext): void {
    ctx.deleteEventTimeTimer(window.maxTimestamp());
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(window: Window, ctx: OnMergeContext): void {
    // A merged window whose end already passed fires through the element that caused the merge.
    if (window.maxTimestamp() > ctx.getCurrentWatermark()) ctx.registerEventTimeTimer(window.maxTimestamp());
  }
  override toString(): string {
    return 'EventTimeTrigger()';
  }
}

/** Fires when the processing-time clock passes the window's end (default for processing-time assigners). */
export class ProcessingTimeTrigger<T = unknown> extends Trigger<T, Window> {
  private constructor() {
    super();
  }
  static create<T = unknown>(): ProcessingTimeTrigger<T> {
    return new ProcessingTimeTrigger<T>();
  }
  onElement(_e: T, _ts: number, window: Window, ctx: TriggerContext): TriggerResult {
    ctx.registerProcessingTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }
  onEventTime(_time: number, _window: Window, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(_time: number, _window: Window, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.FIRE;
  }
  clear(window: Window, ctx: TriggerContext): void {
    ctx.deleteProcessingTimeTimer(window.maxTimestamp());
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(window: Window, ctx: OnMergeContext): void {
    if (window.maxTimestamp() > ctx.getCurrentProcessingTime()) ctx.registerProcessingTimeTimer(window.maxTimestamp());
  }
  override toString(): string {
    return 'ProcessingTimeTrigger()';
  }
}

const sum = (a: number, b: number): number => a + b;
const min = (a: number, b: number): number => Math.min(a, b);

/** Fires once a window holds `maxCount` elements (since its last firing). */
export class CountTrigger<T = unknown> extends Trigger<T, Window> {
  private readonly countState: StateDescriptor<number> = { name: 'count', kind: 'reducing', combine: sum };
  private constructor(readonly maxCount: number) {
    super();
  }
  static of<T = unknown>(maxCount: number): CountTrigger<T> {
    if (!(Number.isInteger(maxCount) && maxCount > 0)) throw new InvalidWindowParameterError('CountTrigger', `count must be a positive integer, got ${maxCount}`);
    return new CountTrigger<T>(maxCount);
  }
  onElement(_e: T, _ts: number, _w: Window, ctx: TriggerContext): TriggerResult {
    const count = ctx.getPartitionedState(this.countState);
    count.add(1);
    if ((count.get() ?? 0) >= this.maxCount) {
      count.clear();
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }
  onEventTime(_time: number, _window: Window, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(_time: number, _window: Window, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(_w: Window, ctx: TriggerContext): void {
    ctx.getPartitionedState(this.countState).clear();
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(_w: Window, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.countState);
  }
  override toString(): string {
    return `CountTrigger(${this.maxCount})`;
  }
}

/** Turns every FIRE of the nested trigger into FIRE_AND_PURGE. */
export class PurgingTrigger<T, W extends Window> extends Trigger<T, W> {
  private constructor(readonly nestedTrigger: Trigger<T, W>) {
    super();
  }
  static of<T, W extends Window>(nestedTrigger: Trigger<T, W>): PurgingTrigger<T, W> {
    return new PurgingTrigger(nestedTrigger);
  }
  onElement(element: T, timestamp: number, window: W, ctx: TriggerContext): TriggerResult {
    return purging(this.nestedTrigger.onElement(element, timestamp, window, ctx));
  }
  onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    return purging(this.nestedTrigger.onEventTime(time, window, ctx));
  }
  onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    return purging(this.nestedTrigger.onProcessingTime(time, window, ctx));
  }
  clear(window: W, ctx: TriggerContext): void {
    this.nestedTrigger.clear(window, ctx);
  }
  override canMerge(): boolean {
    return this.nestedTrigger.canMerge();
  }
  override onMerge(window: W, ctx: OnMergeContext): void {
    this.nestedTrigger.onMerge(window, ctx);
  }
  override toString(): string {
    return `PurgingTrigger(${String(this.nestedTrigger)})`;
  }
}

function purging(r: TriggerResult): TriggerResult {
  return isFire(r) ? TriggerResult.FIRE_AND_PURGE : r;
}

function checkInterval(name: string, interval: number): void {
  if (!(interval > 0)) throw new InvalidWindowParameterError(name, `interval must be > 0, got ${interval}`);
}

/**
 * What the continuous triggers share: a periodic timer every `interval` in one time domain, kept in
 * reducing "fire-time" state so merged windows keep the earliest, and a firing at the window's end.
 */
abstract class ContinuousTrigger<T> extends Trigger<T, Window> {
  private readonly fireTime: StateDescriptor<number> = { name: 'fire-time', kind: 'reducing', combine: min };
  protected constructor(readonly interval: number) {
    super();
  }
  protected abstract registerTimer(ctx: TriggerContext, time: number): void;
  protected abstract deleteTimer(ctx: TriggerContext, time: number): void;

  /** Starts the periodic timer, aligned to the interval, unless it runs already. */
  protected startPeriodic(alignTo: number, window: Window, ctx: TriggerContext): void {
    const state = ctx.getPartitionedState(this.fireTime);
    if (state.get() === undefined) this.registerNext(alignTo - (alignTo % this.interval), window, ctx, state);
  }

  /** A timer of this trigger's time domain fired. */
  protected onTimer(time: number, window: Window, ctx: TriggerContext): TriggerResult {
    if (time === window.maxTimestamp()) return TriggerResult.FIRE;
    const state = ctx.getPartitionedState(this.fireTime);
    if (state.get() === time) {
      state.clear();
      this.registerNext(time, window, ctx, state);
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }
  clear(_w: Window, ctx: TriggerContext): void {
    const state = ctx.getPartitionedState(this.fireTime);
    const next = state.get();
    if (next !== undefined) {
      this.deleteTimer(ctx, next);
      state.clear();
    }
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(_w: Window, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.fireTime);
    const next = ctx.getPartitionedState(this.fireTime).get();
    if (next !== undefined) this.registerTimer(ctx, next);
  }
  private registerNext(time: number, window: Window, ctx: TriggerContext, state: TriggerState<number>): void {
    const next = Math.min(time + this.interval, window.maxTimestamp());
    state.add(next);
    this.registerTimer(ctx, next);
  }
}

/** Fires every `interval` of event time and at the window's end. */
export class ContinuousEventTimeTrigger<T = unknown> extends ContinuousTrigger<T> {
  static of<T = unknown>(interval: DurationLike): ContinuousEventTimeTrigger<T> {
    const millis = toMillis(interval, 'ContinuousEventTimeTrigger.of: interval');
    checkInterval('ContinuousEventTimeTrigger', millis);
    return new ContinuousEventTimeTrigger<T>(millis);
  }
  onElement(_e: T, timestamp: number, window: Window, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(window.maxTimestamp());
    this.startPeriodic(timestamp, window, ctx);
    return TriggerResult.CONTINUE;
  }
  onEventTime(time: number, window: Window, ctx: TriggerContext): TriggerResult {
    return this.onTimer(time, window, ctx);
  }
  onProcessingTime(_time: number, _window: Window, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  protected registerTimer(ctx: TriggerContext, time: number): void {
    ctx.registerEventTimeTimer(time);
  }
  protected deleteTimer(ctx: TriggerContext, time: number): void {
    ctx.deleteEventTimeTimer(time);
  }
  override toString(): string {
    return `ContinuousEventTimeTrigger(${this.interval})`;
  }
}

/** Fires every `interval` of processing time and at the window's end. */
export class ContinuousProcessingTimeTrigger<T = unknown> extends ContinuousTrigger<T> {
  static of<T = unknown>(interval: DurationLike): ContinuousProcessingTimeTrigger<T> {
    const millis = toMillis(interval, 'ContinuousProcessingTimeTrigger.of: interval');
    checkInterval('ContinuousProcessingTimeTrigger', millis);
    return new ContinuousProcessingTimeTrigger<T>(millis);
  }
  onElement(_e: T, _ts: number, window: Window, ctx: TriggerContext): TriggerResult {
    this.startPeriodic(ctx.getCurrentProcessingTime(), window, ctx);
    return TriggerResult.CONTINUE;
  }
  onEventTime(_time: number, _window: Window, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(time: number, window: Window, ctx: TriggerContext): TriggerResult {
    return this.onTimer(time, window, ctx);
  }
  protected registerTimer(ctx: TriggerContext, time: number): void {
    ctx.registerProcessingTimeTimer(time);
  }
  protected deleteTimer(ctx: TriggerContext, time: number): void {
    ctx.deleteProcessingTimeTimer(time);
  }
  override toString(): string {
    return `ContinuousProcessingTimeTrigger(${this.interval})`;
  }
}

/** Never fires (default trigger of GlobalWindows). */
export class NeverTrigger<T = unknown> extends Trigger<T, Window> {
  private constructor() {
    super();
  }
  static create<T = unknown>(): NeverTrigger<T> {
    return new NeverTrigger<T>();
  }
  onElement(_e: T, _ts: number, _window: Window, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onEventTime(_time: number, _window: Window, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(_time: number, _window: Window, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(_window: Window, _ctx: TriggerContext): void {}
  override canMerge(): boolean {
    return true;
  }
  override onMerge(_window: Window, _ctx: OnMergeContext): void {}
  override toString(): string {
    return 'NeverTrigger()';
  }
}

/**
 * Fires once when the input ends: the watermark reaches the window's max timestamp, which for the
 * GlobalWindow is MAX_WATERMARK (default trigger of `GlobalWindows.createWithEndOfStreamTrigger()`).
 */
export class EndOfStreamTrigger<T = unknown> extends EventTimeTrigger<T> {
  static override create<T = unknown>(): EndOfStreamTrigger<T> {
    return new EndOfStreamTrigger<T>();
  }
  // The GlobalWindow's end is MAX_WATERMARK, so EventTimeTrigger's timer at the window's end is the end
  // of the stream; unlike the event-time trigger, as in Flink, this one does not merge.
  override canMerge(): boolean {
    return false;
  }
  override toString(): string {
    return 'EndOfStreamTrigger()';
  }
}
