import type { Clock } from '@flott/core';
import type { KeyedStateBackend } from '../../spi/state-backend';
import type { Cancellable, Scheduler } from '../../time/clock';
import type { Output } from '../stream-operator';
import { specializeHotMethods } from '../specialize';
import { HeapInternalTimerService, type TimerServiceHost } from './heap-internal-timer-service';
import type { TimerEntry } from './timer-queue';
import type { InternalTimeServiceManager, InternalTimer, InternalTimerService, TimerFiringControl, TimerNamespaceIdOf, Triggerable } from './timer-service';

export interface HeapInternalTimeServiceManagerOptions {
  readonly keyedStateBackend: KeyedStateBackend;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /** Key group of a key (kept with each timer for per-key-group snapshots); 0 for all keys unless given. */
  readonly keyGroupOf?: (key: unknown) => number;
  /** Back-pressure hooks of the task; without them every firing runs to completion (tests). */
  readonly control?: TimerFiringControl;
  /**
   * Operators' processing-time reads one clock reading serves, within one synchronous turn (default 1:
   * every read reads the clock; processingTimeReadsPerReading(clock) for tasks).
   */
  readonly processingTimeReads?: number;
}

const NEVER_YIELD: TimerFiringControl = { shouldYield: () => false, onPendingWork: () => undefined };

type AnyService = HeapInternalTimerService<unknown>;

/**
 * The timer services of one keyed operator, on the JS heap (Flink's InternalTimeServiceManagerImpl
 * with heap priority queues). Event-time timers fire from `advanceWatermark`, processing-time timers
 * from one scheduled wake-up for the earliest timer of all services. Both loops stop between two
 * timers when the task's outputs are full and continue from `continueFiring` (see TimerFiringControl).
 * Mailbox thread only: the scheduler runs its callbacks on the same event loop.
 */
export class HeapInternalTimeServiceManager implements InternalTimeServiceManager {
  private readonly services = new Map<string, AnyService>();
  private readonly serviceList: AnyService[] = [];
  private readonly host: TimerServiceHost;
  private readonly control: TimerFiringControl;
  private watermark = Number.MIN_SAFE_INTEGER;
  /** Highest watermark asked for; `watermark` equals it except between two firing slices. */
  private targetWatermark = Number.MIN_SAFE_INTEGER;
  private eventTimePending = false;
  private processingTimePending = false;
  private deferredWatermark: number | undefined;
  /** A watermark status that came after the held-back watermark and must not overtake it. */
  private deferredStatus: boolean | undefined;
  private deferredOutput: Output<unknown> | undefined;
  private wakeUp: Cancellable | undefined;
  private wakeUpAt = Number.POSITIVE_INFINITY;
  private disposed = false;
  private quiesced = false;
  /**
   * Timers restored from a snapshot whose service the operator has not asked for yet: they join it
   * when it does (the namespace id function comes with that call), and snapshots include them meanwhile.
   */
  private readonly restored = new Map<string, Array<{ domain: 'event' | 'processing'; timer: InternalTimer<unknown> }>>();
  /** The clock reading operators' processing-time reads get, and how many more reads it serves. */
  private now = 0;
  private nowReads = 0;
  private nowExpiryQueued = false;
  private readonly expireNow = (): void => {
    this.nowReads = 0;
    this.nowExpiryQueued = false;
  };

  constructor(private readonly options: HeapInternalTimeServiceManagerOptions) {
    this.control = options.control ?? NEVER_YIELD;
    const keyGroupOf = options.keyGroupOf ?? (() => 0);
    this.host = {
      backend: options.keyedStateBackend,
      currentProcessingTime: () => this.currentProcessingTime(),
      keyGroupOf,
      currentWatermark: () => this.watermark,
      processingTimerAdded: (ts) => this.scheduleWakeUp(ts),
    };
  }

  getInternalTimerService<N>(
    name: string,
    triggerable: Triggerable<N>,
    namespaceId?: TimerNamespaceIdOf<N>,
    restoredNamespace?: (stored: unknown) => N,
  ): InternalTimerService<N> {
    const existing = this.services.get(name);
    if (existing) {
      existing.triggerable = triggerable as Triggerable<unknown>;
      return existing as unknown as InternalTimerService<N>;
    }
    const service = new HeapInternalTimerService<N>(name, triggerable, this.host, namespaceId, restoredNamespace);
    this.services.set(name, service as unknown as AnyService);
    this.serviceList.push(service as unknown as AnyService);
    const restored = this.restored.get(name);
    if (restored) {
      this.restored.delete(name);
      for (const { domain, timer } of restored) service.restoreTimer(domain, timer);
    }
    return service;
  }

  /**
   * Adds timers from a snapshot (before the operator opens): they join the service `name` when the
   * operator asks for it. Event-time timers fire once the watermark passes them again; processing-time
   * timers that are already due fire at the first wake-up.
   */
  restoreTimers(name: string, domain: 'event' | 'processing', timers: Iterable<InternalTimer<unknown>>): void {
    const existing = this.services.get(name);
    if (existing) {
      for (const timer of timers) existing.restoreTimer(domain, timer);
      return;
    }
    let pending = this.restored.get(name);
    if (!pending) this.restored.set(name, (pending = []));
    for (const timer of timers) pending.push({ domain, timer });
  }

  advanceWatermark(watermark: number): void {
    if (watermark > this.targetWatermark) this.targetWatermark = watermark;
    this.fireEventTimeTimers();
  }

  currentWatermark(): number {
    return this.watermark;
  }

  numTimers(): number {
    let n = 0;
    for (const s of this.serviceList) n += s.numTimers();
    return n;
  }

  /** Whether firing stopped for back-pressure (or processing-time timers are due) and awaits `continueFiring`. */
  hasPendingWork(): boolean {
    return this.eventTimePending || this.processingTimePending || this.deferredWatermark !== undefined;
  }

  /** Continues pending firing; true when nothing is left. Emits a held-back watermark once its timers fired. */
  continueFiring(): boolean {
    if (this.eventTimePending && !this.fireEventTimeTimers()) return false;
    if (this.deferredWatermark !== undefined && this.deferredOutput) {
      const wm = this.deferredWatermark;
      this.deferredWatermark = undefined;
      this.deferredOutput.emitWatermark(wm);
      const status = this.deferredStatus;
      this.deferredStatus = undefined;
      if (status !== undefined) this.deferredOutput.emitWatermarkStatus?.(status);
    }
    if (this.processingTimePending && !this.fireProcessingTimeTimers()) return false;
    return !this.hasPendingWork();
  }

  /**
   * The operator's output, with watermarks held back while timers released by an earlier
   * `advanceWatermark` still wait to fire. The task hands this to keyed operators as their output.
   */
  gateOutput<T>(output: Output<T>): Output<T> {
    const gated = new WatermarkGatingOutput<T>(output, this);
    this.deferredOutput = output as Output<unknown>;
    return gated;
  }

  /** @internal Called by the gating output. */
  holdBackWatermark(watermark: number): boolean {
    if (!this.eventTimePending) return false;
    this.deferredWatermark = watermark;
    return true;
  }

  /**
   * @internal Called by the gating output: a status waits behind a held-back watermark, since a
   * downstream valve ignores watermarks that arrive after IDLE. A status that undoes the waiting one
   * cancels it.
   */
  holdBackWatermarkStatus(idle: boolean): boolean {
    if (this.deferredWatermark === undefined) return false;
    this.deferredStatus = this.deferredStatus !== undefined && this.deferredStatus !== idle ? undefined : idle;
    return true;
  }

  /** Stops processing-time timers (end of input or shutdown); event-time firing still works. */
  quiesce(): void {
    this.quiesced = true;
    this.processingTimePending = false;
    this.wakeUp?.cancel();
    this.wakeUp = undefined;
    this.wakeUpAt = Number.POSITIVE_INFINITY;
  }

  /** Every timer by key group, in one pass (the synchronous part of a snapshot). */
  timersByKeyGroup(): Map<number, Array<{ service: string; domain: 'event' | 'processing'; timer: InternalTimer<unknown> }>> {
    const out = new Map<number, Array<{ service: string; domain: 'event' | 'processing'; timer: InternalTimer<unknown> }>>();
    const add = (keyGroup: number, service: string, domain: 'event' | 'processing', timer: InternalTimer<unknown>) => {
      let list = out.get(keyGroup);
      if (!list) out.set(keyGroup, (list = []));
      list.push({ service, domain, timer: { key: timer.key, namespace: timer.namespace, timestamp: timer.timestamp } });
    };
    for (const s of this.serviceList) {
      for (const t of s.eventTimeTimers.all()) add(t.keyGroup, s.name, 'event', t);
      for (const t of s.processingTimeTimers.all()) add(t.keyGroup, s.name, 'processing', t);
    }
    for (const [service, timers] of this.restored) {
      for (const { domain, timer } of timers) add(this.host.keyGroupOf(timer.key), service, domain, timer);
    }
    return out;
  }

  dispose(): void {
    this.quiesce();
    this.disposed = true;
    for (const s of this.serviceList) {
      s.eventTimeTimers.clear();
      s.processingTimeTimers.clear();
    }
  }

  /** Fires due event-time timers of all services in timestamp order; false when it stopped early. */
  private fireEventTimeTimers(): boolean {
    // As Flink: timers firing for watermark W already see W as the current watermark.
    this.watermark = this.targetWatermark;
    const target = this.targetWatermark;
    let fired = 0;
    for (;;) {
      const service = this.earliestDue(true, target);
      if (!service) {
        this.eventTimePending = false;
        return true;
      }
      if (fired > 0 && this.control.shouldYield()) {
        this.eventTimePending = true;
        this.control.onPendingWork();
        return false;
      }
      const timer = service.eventTimeTimers.poll() as TimerEntry<unknown>;
      this.options.keyedStateBackend.setCurrentKey(timer.key);
      fired++;
      service.triggerable.onEventTime(timer);
    }
  }

  /**
   * Processing time for the operators: one clock reading serves up to `processingTimeReads` reads
   * and never outlives the synchronous turn it was taken in (a microtask expires it), so a reading is
   * at most one slice of the task old (stream-task.ts: ≤ 5 ms) and, bounded by the reads, usually µs.
   * No processing-time timer fires within a turn that is not its own, and firing takes a fresh
   * reading that later reads of its turn get: a record never sees a time before a timer that fired.
   */
  private currentProcessingTime(): number {
    if (this.nowReads > 0) {
      this.nowReads--;
      return this.now;
    }
    return this.readClock();
  }

  private readClock(): number {
    this.now = this.options.clock.currentTimeMillis();
    this.nowReads = (this.options.processingTimeReads ?? 1) - 1;
    if (this.nowReads > 0 && !this.nowExpiryQueued) {
      this.nowExpiryQueued = true;
      queueMicrotask(this.expireNow);
    }
    return this.now;
  }

  private fireProcessingTimeTimers(): boolean {
    if (this.disposed || this.quiesced) return true;
    const now = this.readClock();
    let fired = 0;
    for (;;) {
      const service = this.earliestDue(false, now);
      if (!service) {
        this.processingTimePending = false;
        this.scheduleNextWakeUp();
        return true;
      }
      if (fired > 0 && this.control.shouldYield()) {
        this.processingTimePending = true;
        this.control.onPendingWork();
        return false;
      }
      const timer = service.processingTimeTimers.poll() as TimerEntry<unknown>;
      this.options.keyedStateBackend.setCurrentKey(timer.key);
      fired++;
      service.triggerable.onProcessingTime(timer);
    }
  }

  /** The service whose next timer of the domain is due by `upTo` and earliest (first service on a tie). */
  private earliestDue(eventTime: boolean, upTo: number): AnyService | undefined {
    const list = this.serviceList;
    let best: AnyService | undefined;
    let bestTs = upTo;
    for (let i = 0; i < list.length; i++) {
      const s = list[i];
      const ts = (eventTime ? s.eventTimeTimers : s.processingTimeTimers).peekTimestamp();
      if (ts <= bestTs && (best === undefined || ts < bestTs)) {
        best = s;
        bestTs = ts;
      }
    }
    return best;
  }

  private scheduleNextWakeUp(): void {
    let earliest = Number.POSITIVE_INFINITY;
    for (const s of this.serviceList) {
      const head = s.processingTimeTimers.peekTimestamp();
      if (head < earliest) earliest = head;
    }
    if (earliest !== Number.POSITIVE_INFINITY) this.scheduleWakeUp(earliest);
  }

  /** Keeps one wake-up, for the earliest processing-time timer. */
  private scheduleWakeUp(timestamp: number): void {
    if (this.disposed || this.quiesced || timestamp >= this.wakeUpAt) return;
    this.wakeUp?.cancel();
    this.wakeUpAt = timestamp;
    const delay = Math.max(0, timestamp - this.options.clock.currentTimeMillis());
    this.wakeUp = this.options.scheduler.schedule(delay, () => {
      this.wakeUp = undefined;
      this.wakeUpAt = Number.POSITIVE_INFINITY;
      if (this.control.shouldYield()) {
        this.processingTimePending = true;
        this.control.onPendingWork();
      } else {
        this.fireProcessingTimeTimers();
      }
    });
  }
}

/** Forwards everything; holds back a watermark (and any status after it) while the timers it follows are still to fire. */
class WatermarkGatingOutput<T> implements Output<T> {
  constructor(
    private readonly inner: Output<T>,
    private readonly manager: HeapInternalTimeServiceManager,
  ) {
    specializeHotMethods(this, ['collect']);
  }
  collect(value: T, timestamp: number): void {
    this.inner.collect(value, timestamp);
  }
  collectSide(tagId: string, value: unknown, timestamp: number): void {
    this.inner.collectSide(tagId, value, timestamp);
  }
  emitWatermark(watermark: number): void {
    if (!this.manager.holdBackWatermark(watermark)) this.inner.emitWatermark(watermark);
  }
  emitWatermarkStatus(idle: boolean): void {
    if (!this.manager.holdBackWatermarkStatus(idle)) this.inner.emitWatermarkStatus?.(idle);
  }
}
