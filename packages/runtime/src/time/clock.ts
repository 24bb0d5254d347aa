import { Clock } from '@flott/core';

// Time and timers come from these injected services in core code (DESIGN.md §9), never from
// `Date.now` or `setTimeout` directly, so tests can drive time by hand. The Clock contract itself is
// in @flott/core (watermark generators take one); its implementations and the Scheduler are here.

export interface Cancellable {
  cancel(): void;
}

/** Runs callbacks later on the caller's event loop. */
export interface Scheduler {
  schedule(delayMs: number, fn: () => void): Cancellable;
  scheduleAtFixedRate(periodMs: number, fn: () => void): Cancellable;
}
export const Scheduler = Symbol.for('flott.Scheduler');

export class SystemClock implements Clock {
  currentTimeMillis(): number {
    return Date.now();
  }
  relativeTimeMillis(): number {
    return performance.now();
  }
}

/**
 * How many of an operator's processing-time reads one reading of `clock` may serve within one
 * synchronous turn (see HeapInternalTimeServiceManager#currentProcessingTime): 64 for the system
 * clock, whose reading costs ~50 ns (a processing-time window reads it per element); 1 for other
 * clocks (a test's manual clock moves between two reads of one turn).
 */
export function processingTimeReadsPerReading(clock: Clock): number {
  return clock instanceof SystemClock ? 64 : 1;
}

export class SystemScheduler implements Scheduler {
  schedule(delayMs: number, fn: () => void): Cancellable {
    const t = setTimeout(fn, delayMs);
    return { cancel: () => clearTimeout(t) };
  }
  scheduleAtFixedRate(periodMs: number, fn: () => void): Cancellable {
    const t = setInterval(fn, periodMs);
    return { cancel: () => clearInterval(t) };
  }
}

/** A clock and scheduler that move only when the test says so. */
export class ManualClock implements Clock, Scheduler {
  private now: number;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; period?: number; fn: () => void }>();

  constructor(startMillis = 0) {
    this.now = startMillis;
  }
  currentTimeMillis(): number {
    return this.now;
  }
  relativeTimeMillis(): number {
    return this.now;
  }
  schedule(delayMs: number, fn: () => void): Cancellable {
    const id = this.seq++;
    this.timers.set(id, { at: this.now + delayMs, fn });
    return { cancel: () => this.timers.delete(id) };
  }
  scheduleAtFixedRate(periodMs: number, fn: () => void): Cancellable {
    const id = this.seq++;
    this.timers.set(id, { at: this.now + periodMs, period: periodMs, fn });
    return { cancel: () => this.timers.delete(id) };
  }
  /** When the earliest timer is due, or undefined when none is scheduled (a simulator steps from one to the next). */
  nextTimerAt(): number | undefined {
    let at: number | undefined;
    for (const t of this.timers.values()) if (at === undefined || t.at < at) at = t.at;
    return at;
  }
  /** Advances time, firing due timers in time order. */
  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      let next: [number, { at: number; period?: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= target && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      const [id, t] = next;
      this.now = t.at;
      if (t.period !== undefined) t.at += t.period;
      else this.timers.delete(id);
      t.fn();
    }
    this.now = target;
  }
}
