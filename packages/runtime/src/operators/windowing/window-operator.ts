import {
  isFire,
  isMergingAssigner,
  isPurge,
  TimeWindow,
  type Evictor,
  type EvictorContext,
  type MergingWindowAssigner,
  type TimestampedValue,
  type Trigger,
  type Window,
  type WindowAssigner,
  type WindowAssignerContext,
} from '@flott/core';
import type { KeyedStateBackend } from '../../spi/state-backend';
import { AbstractUdfStreamOperator } from '../abstract-stream-operator';
import { TimestampedCollector } from '../basic-operators';
import { specializeHotMethods } from '../specialize';
import type { OneInputStreamOperator } from '../stream-operator';
import type { InternalTimer, InternalTimerService, TimerNamespaceId, Triggerable } from '../timers/timer-service';
import { MergingWindowSet } from './merging-window-set';
import { restoredWindow } from './restored-windows';
import { WINDOW_CONTENTS, type WindowContents } from './window-contents';
import { WindowProcessContext, WindowTriggerContext } from './window-contexts';
import type { InternalWindowFunction } from './internal-window-functions';

const MAX_TIME = Number.MAX_SAFE_INTEGER;

export interface WindowOperatorOptions<IN, ACC, V, OUT, W extends Window> {
  readonly assigner: WindowAssigner<IN, W>;
  /** The assigner's default trigger unless given. */
  readonly trigger?: Trigger<IN, W>;
  readonly contents: WindowContents<IN, ACC, V>;
  readonly windowFunction: InternalWindowFunction<V, OUT, unknown, W>;
  /** Needs `contents.evicting`. */
  readonly evictor?: Evictor<IN, W>;
  /** Event time only: how long after a window's end late elements still update (and re-fire) it. */
  readonly allowedLateness?: number;
  /** Side output id for elements too late for all their windows; dropped (and counted) without one. */
  readonly lateDataOutputTag?: string;
}

/** Flink's name of the window operator's timer service. */
export const WINDOW_TIMERS = 'window-timers';

/**
 * A window's timer id (TimerNamespaceId). Among the timers at a TimeWindow's own end (the trigger's
 * usual timer) the timestamp fixes the end, so the start tells windows apart: no string is built. A
 * session window is a new object per element (merging covers), so its namespace would be built once
 * per element only for this dedup (~6 % of Nexmark q11's slot thread, --cpu-prof). Elsewhere: the namespace.
 */
export function windowTimerId(window: Window, timestamp: number): TimerNamespaceId {
  return window instanceof TimeWindow && timestamp === window.end - 1 ? window.start : window.namespace;
}

/**
 * Keyed windows (Flink's WindowOperator and EvictingWindowOperator): assigns each element to windows,
 * keeps their contents in the keyed state backend under the window's namespace, asks the trigger
 * when to fire and purge, and cleans a window up at its end plus the allowed lateness. Event-time
 * windows fire from the timer service as watermarks advance. Mailbox thread only.
 */
export class WindowOperator<IN, ACC, V, OUT, W extends Window>
  extends AbstractUdfStreamOperator<OUT, InternalWindowFunction<V, OUT, unknown, W>>
  implements OneInputStreamOperator<IN, OUT>, Triggerable<W>
{
  private readonly assigner: WindowAssigner<IN, W>;
  private readonly trigger: Trigger<IN, W>;
  private readonly contents: WindowContents<IN, ACC, V>;
  private readonly evictor?: Evictor<IN, W>;
  private readonly allowedLateness: number;
  private readonly lateTag?: string;
  private readonly eventTime: boolean;
  private readonly merging: MergingWindowAssigner<IN, W> | undefined;
  private backend!: KeyedStateBackend;
  private timers!: InternalTimerService<W>;
  private triggerContext!: WindowTriggerContext<W>;
  private processContext!: WindowProcessContext<W>;
  private collector!: TimestampedCollector<OUT>;
  private readonly assignerContext: WindowAssignerContext = { currentProcessingTime: () => this.timers.currentProcessingTime() };
  private readonly evictorContext: EvictorContext = {
    getCurrentProcessingTime: () => this.timers.currentProcessingTime(),
    getCurrentWatermark: () => this.timers.currentWatermark(),
  };
  /** Elements dropped as late (Flink's numLateRecordsDropped metric). */
  numLateRecordsDropped = 0;
  private readonly onMerge = (result: W, mergedWindows: readonly W[], stateWindowResult: W, mergedStateWindows: readonly W[]): void =>
    this.mergeWindows(result, mergedWindows, stateWindowResult, mergedStateWindows);
  /** The merging window set of the current key (merging assigners only). */
  private mergingSet: MergingWindowSet<W> | undefined;

  constructor(options: WindowOperatorOptions<IN, ACC, V, OUT, W>) {
    super(options.windowFunction);
    this.assigner = options.assigner;
    this.trigger = options.trigger ?? options.assigner.getDefaultTrigger();
    this.contents = options.contents;
    this.evictor = options.evictor;
    this.allowedLateness = options.allowedLateness ?? 0;
    this.lateTag = options.lateDataOutputTag;
    this.eventTime = this.assigner.isEventTime();
    this.merging = isMergingAssigner(this.assigner) ? this.assigner : undefined;
    if (this.allowedLateness < 0) throw new Error(`Assertion failed: allowed lateness must be >= 0, got ${this.allowedLateness}`);
    if (this.merging && !this.trigger.canMerge()) throw new Error(`Assertion failed: trigger ${String(this.trigger)} cannot be used with merging windows`);
    if (this.evictor && !this.contents.evicting) throw new Error('Assertion failed: an evictor needs evicting window contents');
    specializeHotMethods(this, ['processElement']);
  }

  override open(): void | Promise<void> {
    const env = this.env;
    if (!env.keyedStateBackend || !env.timeServiceManager) {
      throw new Error(`Assertion failed: window operator ${env.operatorName} runs without keyed state or timers (not after keyBy?)`);
    }
    this.backend = env.keyedStateBackend;
    this.timers = env.timeServiceManager.getInternalTimerService<W>(WINDOW_TIMERS, this, windowTimerId, restoredWindow);
    this.triggerContext = new WindowTriggerContext(this.backend, this.timers);
    this.processContext = new WindowProcessContext(this.backend, env.clock, this.timers, this.output as never);
    this.collector = new TimestampedCollector(this.output);
    if (this.merging) this.mergingSet = new MergingWindowSet<W>(this.merging as MergingWindowAssigner<unknown, W>, this.backend);
    return super.open();
  }

  /** The user's window (or join) function behind the internal one: it gets the rich and checkpoint life cycle. */
  protected override get userFunctions(): readonly unknown[] {
    return this.userFunction.userFunctions;
  }

  processElement(value: IN, timestamp: number): void {
    const windows = this.assigner.assignWindows(value, timestamp, this.assignerContext);
    const skipped = this.merging ? this.addToMergingWindows(value, timestamp, windows) : this.addToWindows(value, timestamp, windows);
    if (skipped && this.isElementLate(timestamp)) {
      if (this.lateTag !== undefined) this.output.collectSide(this.lateTag, value, timestamp);
      else this.numLateRecordsDropped++;
    }
  }

  processWatermark(watermark: number): void {
    this.env.timeServiceManager!.advanceWatermark(watermark);
    this.output.emitWatermark(watermark);
  }

  onEventTime(timer: InternalTimer<W>): void {
    this.onTimer(timer, true);
  }

  onProcessingTime(timer: InternalTimer<W>): void {
    this.onTimer(timer, false);
  }

  /** Returns true when every window of the element was late (the element was not added anywhere). */
  private addToWindows(value: IN, timestamp: number, windows: readonly W[]): boolean {
    let skipped = true;
    for (const window of windows) {
      if (this.isWindowLate(window)) continue;
      skipped = false;
      this.addAndTrigger(value, timestamp, window, window);
    }
    return skipped;
  }

  private addToMergingWindows(value: IN, timestamp: number, windows: readonly W[]): boolean {
    let skipped = true;
    const set = (this.mergingSet as MergingWindowSet<W>).load();
    for (const window of windows) {
      const actual = set.addWindow(window, this.onMerge);
      if (this.isWindowLate(actual)) {
        set.retireWindow(actual);
        continue;
      }
      skipped = false;
      this.addAndTrigger(value, timestamp, actual, set.getStateWindow(actual) as W);
    }
    set.persist();
    return skipped;
  }

  private addAndTrigger(value: IN, timestamp: number, window: W, stateWindow: W): void {
    const ns = stateWindow.namespace;
    const acc = this.contents.add(this.backend.get(WINDOW_CONTENTS, ns) as ACC | undefined, value, timestamp);
    this.backend.put(WINDOW_CONTENTS, acc, ns);
    this.triggerContext.window = window;
    const result = this.trigger.onElement(value, timestamp, window, this.triggerContext);
    if (isFire(result)) this.emitWindowContents(window, stateWindow, acc);
    if (isPurge(result)) this.backend.clear(WINDOW_CONTENTS, ns);
    this.registerCleanupTimer(window);
  }

  private mergeWindows(result: W, mergedWindows: readonly W[], stateWindowResult: W, mergedStateWindows: readonly W[]): void {
    if (this.eventTime && this.cleanupTime(result) <= this.timers.currentWatermark()) {
      throw new Error(`Assertion failed: merging made event-time window ${String(result)} end before the current watermark ${this.timers.currentWatermark()}`);
    }
    if (!this.eventTime && result.maxTimestamp() <= this.timers.currentProcessingTime()) {
      throw new Error(`Assertion failed: merging made processing-time window ${String(result)} end before the current processing time`);
    }
    const ctx = this.triggerContext;
    ctx.window = result;
    ctx.mergedWindows = mergedWindows;
    this.trigger.onMerge(result, ctx);
    ctx.mergedWindows = [];
    for (const m of mergedWindows) {
      ctx.window = m;
      this.trigger.clear(m, ctx);
      this.deleteCleanupTimer(m);
    }
    // No other state window's contents move into the result's (a session's next element): nothing to read or write.
    if (mergedStateWindows.length === 0) return;
    let target = this.backend.get(WINDOW_CONTENTS, stateWindowResult.namespace) as ACC | undefined;
    for (const s of mergedStateWindows) {
      const acc = this.backend.get(WINDOW_CONTENTS, s.namespace) as ACC | undefined;
      if (acc === undefined) continue;
      target = target === undefined ? acc : this.contents.merge(target, acc);
      this.backend.clear(WINDOW_CONTENTS, s.namespace);
    }
    if (target !== undefined) this.backend.put(WINDOW_CONTENTS, target, stateWindowResult.namespace);
  }

  private onTimer(timer: InternalTimer<W>, eventTimeTimer: boolean): void {
    const window = timer.namespace;
    let set: MergingWindowSet<W> | undefined;
    let stateWindow: W = window;
    if (this.merging) {
      set = (this.mergingSet as MergingWindowSet<W>).load();
      const s = set.getStateWindow(window);
      // A timer of a window that merged away: the merge already cleared its trigger state.
      if (s === undefined) return;
      stateWindow = s;
    }
    const ns = stateWindow.namespace;
    const acc = this.backend.get(WINDOW_CONTENTS, ns) as ACC | undefined;
    if (acc !== undefined) {
      const ctx = this.triggerContext;
      ctx.window = window;
      const result = eventTimeTimer ? this.trigger.onEventTime(timer.timestamp, window, ctx) : this.trigger.onProcessingTime(timer.timestamp, window, ctx);
      if (isFire(result)) this.emitWindowContents(window, stateWindow, acc);
      if (isPurge(result)) this.backend.clear(WINDOW_CONTENTS, ns);
    }
    if (eventTimeTimer === this.eventTime && timer.timestamp === this.cleanupTime(window)) this.clearAllState(window, stateWindow, set);
    set?.persist();
  }

  private emitWindowContents(window: W, stateWindow: W, acc: ACC): void {
    const collector = this.collector;
    collector.timestamp = window.maxTimestamp();
    this.processContext.current = window;
    const key = this.backend.getCurrentKey();
    const evictor = this.evictor;
    if (!evictor) {
      this.userFunction.process(key, window, this.processContext, this.contents.values(acc), collector);
      return;
    }
    const elements = acc as unknown as TimestampedValue<IN>[];
    evictor.evictBefore(elements, elements.length, window, this.evictorContext);
    this.userFunction.process(key, window, this.processContext, this.contents.values(acc), collector);
    evictor.evictAfter(elements, elements.length, window, this.evictorContext);
    if (elements.length === 0) this.backend.clear(WINDOW_CONTENTS, stateWindow.namespace);
    else this.backend.put(WINDOW_CONTENTS, elements, stateWindow.namespace);
  }

  private clearAllState(window: W, stateWindow: W, set: MergingWindowSet<W> | undefined): void {
    this.backend.clear(WINDOW_CONTENTS, stateWindow.namespace);
    this.triggerContext.window = window;
    this.trigger.clear(window, this.triggerContext);
    this.processContext.current = window;
    this.userFunction.clear(window, this.processContext);
    set?.retireWindow(window);
  }

  /** When a window's state goes: its end plus the allowed lateness (event time), its end (processing time). */
  private cleanupTime(window: W): number {
    const max = window.maxTimestamp();
    // The window's own number where the sum would equal it (no new heap number per element).
    if (!this.eventTime || (this.allowedLateness === 0 && max < MAX_TIME)) return max;
    const t = max + this.allowedLateness;
    return t >= max && t < MAX_TIME ? t : MAX_TIME;
  }

  private registerCleanupTimer(window: W): void {
    const t = this.cleanupTime(window);
    if (t === MAX_TIME) return;
    if (this.eventTime) this.timers.registerEventTimeTimer(window, t);
    else this.timers.registerProcessingTimeTimer(window, t);
  }

  private deleteCleanupTimer(window: W): void {
    const t = this.cleanupTime(window);
    if (t === MAX_TIME) return;
    if (this.eventTime) this.timers.deleteEventTimeTimer(window, t);
    else this.timers.deleteProcessingTimeTimer(window, t);
  }

  private isWindowLate(window: W): boolean {
    return this.eventTime && this.cleanupTime(window) <= this.timers.currentWatermark();
  }

  private isElementLate(timestamp: number): boolean {
    return this.eventTime && timestamp + this.allowedLateness <= this.timers.currentWatermark();
  }
}
