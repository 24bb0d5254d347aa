import { MissingTimestampError, NO_TIMESTAMP, TimeWindow, type StateDescriptor } from '@flott/core';
import type { KeyedStateBackend } from '../../spi/state-backend';
import { AbstractUdfStreamOperator } from '../abstract-stream-operator';
import { TimestampedCollector } from '../basic-operators';
import { specializeHotMethods } from '../specialize';
import type { OneInputStreamOperator } from '../stream-operator';
import type { InternalTimer, InternalTimerService, Triggerable } from '../timers/timer-service';
import type { WindowContents } from './window-contents';
import { WindowProcessContext } from './window-contexts';
import type { InternalWindowFunction } from './internal-window-functions';

/**
 * The slices of one key, in one entry so an element costs one state lookup and a firing reads its
 * slices without further lookups: a flat array [timer, start0, acc0, start1, acc1, ...] with the
 * slices by ascending start (a key holds size/pane slices at most; one array instead of a Map per
 * key keeps long-lived state small for the garbage collector). `timer` is the key's one pending
 * timer (a window's max timestamp): the operator tracks it itself, so registering needs no dedup.
 */
const SLICES: StateDescriptor = { name: 'window-slices', kind: 'value' };
type Slices = unknown[];
const TIMER_NAMESPACE = 'slices';

export interface SlicingWindowOperatorOptions<IN, ACC, V, OUT> {
  readonly size: number;
  readonly slide: number;
  readonly offset: number;
  /** Must support `combineSlices` (reduce or aggregate). */
  readonly contents: WindowContents<IN, ACC, V>;
  readonly windowFunction: InternalWindowFunction<V, OUT, unknown, TimeWindow>;
  readonly lateDataOutputTag?: string;
}

/**
 * Sliding (or tumbling) event-time windows with an incremental aggregate, computed by window
 * slicing: each element updates the one slice (pane of gcd(size, slide)) it falls into, and a
 * window's result is combined from its size/pane slices when it fires. Per element this costs one
 * state update however many windows overlap; the naive WindowOperator costs one per window.
 *
 * Same results as WindowOperator with the default EventTimeTrigger, no evictor and no allowed
 * lateness: a window fires once, when the watermark reaches its max timestamp, if it holds an
 * element; elements whose windows have all fired are late (dropped or side output). Per key, one
 * timer is pending: the next window end that has data. Mailbox thread only.
 */
export class SlicingWindowOperator<IN, ACC, V, OUT>
  extends AbstractUdfStreamOperator<OUT, InternalWindowFunction<V, OUT, unknown, TimeWindow>>
  implements OneInputStreamOperator<IN, OUT>, Triggerable<string>
{
  private readonly size: number;
  private readonly slide: number;
  private readonly offset: number;
  private readonly pane: number;
  private readonly contents: WindowContents<IN, ACC, V>;
  private readonly combine: (target: ACC | undefined, slice: ACC) => ACC;
  private readonly lateTag?: string;
  private readonly slices = SLICES;
  /** A field, not the import: processElement is compiled per instance and sees only `this`. */
  private readonly noTimestamp = NO_TIMESTAMP;
  private readonly timerNamespace = TIMER_NAMESPACE;
  private backend!: KeyedStateBackend;
  private timers!: InternalTimerService<string>;
  private processContext!: WindowProcessContext<TimeWindow>;
  private collector!: TimestampedCollector<OUT>;
  numLateRecordsDropped = 0;

  constructor(options: SlicingWindowOperatorOptions<IN, ACC, V, OUT>) {
    super(options.windowFunction);
    const { size, slide, offset, contents } = options;
    if (!contents.combineSlices) throw new Error('Assertion failed: window slicing needs contents that combine slices');
    this.size = size;
    this.slide = slide;
    this.offset = offset;
    this.pane = gcd(size, slide);
    this.contents = contents;
    this.combine = contents.combineSlices;
    this.lateTag = options.lateDataOutputTag;
    specializeHotMethods(this, ['processElement']);
  }

  override open(): void | Promise<void> {
    const env = this.env;
    if (!env.keyedStateBackend || !env.timeServiceManager) {
      throw new Error(`Assertion failed: window operator ${env.operatorName} runs without keyed state or timers (not after keyBy?)`);
    }
    this.backend = env.keyedStateBackend;
    this.timers = env.timeServiceManager.getInternalTimerService<string>('window-timers', this, (ns) => ns);
    this.processContext = new WindowProcessContext(this.backend, env.clock, this.timers as never, this.output as never);
    this.collector = new TimestampedCollector(this.output);
    return super.open();
  }

  /** The user's window (or join) function behind the internal one: it gets the rich and checkpoint life cycle. */
  protected override get userFunctions(): readonly unknown[] {
    return this.userFunction.userFunctions;
  }

  processElement(value: IN, timestamp: number): void {
    if (timestamp === this.noTimestamp) this.missingTimestamp();
    const watermark = this.timers.currentWatermark();
    const slideRem = (timestamp - this.offset) % this.slide;
    const lastWindowStart = timestamp - (slideRem < 0 ? slideRem + this.slide : slideRem);
    if (lastWindowStart + this.size - 1 <= watermark || timestamp - lastWindowStart >= this.size) {
      // In no window (slide > size leaves gaps): late only by its own timestamp, as Flink's WindowOperator.
      if (timestamp - lastWindowStart < this.size || timestamp <= watermark) this.late(value, timestamp);
      return;
    }
    const paneRem = (timestamp - this.offset) % this.pane;
    const sliceStart = timestamp - (paneRem < 0 ? paneRem + this.pane : paneRem);
    const backend = this.backend;
    const slices = backend.get(this.slices) as Slices | undefined;
    if (slices === undefined) {
      const timer = this.firstTimer(sliceStart, watermark);
      backend.put(this.slices, [timer, sliceStart, this.contents.add(undefined, value, timestamp)]);
      this.timers.registerUniqueEventTimeTimer(this.timerNamespace, timer);
      return;
    }
    // Elements mostly arrive in time order: their slice is the last one, or a new one after it.
    let i = slices.length - 2;
    while (i >= 1 && (slices[i] as number) > sliceStart) i -= 2;
    if (i >= 1 && slices[i] === sliceStart) {
      slices[i + 1] = this.contents.add(slices[i + 1] as ACC, value, timestamp);
      backend.put(this.slices, slices);
      return;
    }
    if (i === slices.length - 2) slices.push(sliceStart, this.contents.add(undefined, value, timestamp));
    else slices.splice(i + 2, 0, sliceStart, this.contents.add(undefined, value, timestamp));
    // A new slice needs an earlier timer only if it arrived out of order; a later one is reached by
    // the chain of timers (each firing registers the next window that holds data).
    const timer = this.firstTimer(sliceStart, watermark);
    if (timer < (slices[0] as number)) {
      slices[0] = timer;
      this.timers.registerUniqueEventTimeTimer(this.timerNamespace, timer);
    }
    backend.put(this.slices, slices);
  }

  processWatermark(watermark: number): void {
    this.env.timeServiceManager!.advanceWatermark(watermark);
    this.output.emitWatermark(watermark);
  }

  onEventTime(timer: InternalTimer<string>): void {
    const backend = this.backend;
    const slices = backend.get(this.slices) as Slices | undefined;
    // A timer that an out-of-order slice's earlier one replaced: nothing to do.
    if (!slices || slices[0] !== timer.timestamp) return;
    const windowEnd = timer.timestamp + 1;
    const windowStart = windowEnd - this.size;
    let acc: ACC | undefined;
    for (let i = 1; i < slices.length; i += 2) {
      const start = slices[i] as number;
      if (start >= windowStart && start < windowEnd) acc = this.combine(acc, slices[i + 1] as ACC);
    }
    if (acc !== undefined) {
      const window = new TimeWindow(windowStart, windowEnd);
      this.collector.timestamp = timer.timestamp;
      this.processContext.current = window;
      this.userFunction.process(backend.getCurrentKey(), window, this.processContext, this.contents.values(acc), this.collector);
      // No allowed lateness: the window is done for good.
      this.userFunction.clear(window, this.processContext);
    }
    // Slices that end before the next window starts belong to no later window (a prefix: sorted).
    const nextWindowStart = windowStart + this.slide;
    let expired = 1;
    while (expired < slices.length && (slices[expired] as number) + this.pane <= nextWindowStart) expired += 2;
    if (expired === slices.length) {
      backend.clear(this.slices);
      return;
    }
    if (expired > 1) slices.splice(1, expired - 1);
    // The next window that holds one of the remaining slices.
    const next = this.windowEndAtOrAfter(Math.max((slices[1] as number) + this.pane, windowEnd + this.slide)) - 1;
    slices[0] = next;
    backend.put(this.slices, slices);
    this.timers.registerUniqueEventTimeTimer(this.timerNamespace, next);
  }

  onProcessingTime(): void {}

  /** The timer (max timestamp) of a new slice's first window that has not fired yet (one ending after the watermark). */
  private firstTimer(sliceStart: number, watermark: number): number {
    return this.windowEndAtOrAfter(Math.max(sliceStart + this.pane, watermark + 2)) - 1;
  }

  /** The smallest window end >= t (window ends are offset + size + k * slide). */
  private windowEndAtOrAfter(t: number): number {
    const rem = (((this.offset + this.size - t) % this.slide) + this.slide) % this.slide;
    return t + rem;
  }

  private late(value: IN, timestamp: number): void {
    if (this.lateTag !== undefined) this.output.collectSide(this.lateTag, value, timestamp);
    else this.numLateRecordsDropped++;
  }

  private missingTimestamp(): never {
    throw new MissingTimestampError(`SlidingEventTimeWindows(${this.size}, ${this.slide})`);
  }
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}
