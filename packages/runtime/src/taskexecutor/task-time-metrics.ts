import type { Clock } from '@flott/core';
import type { TaskTimeSample } from '../rpc/gateways';

export type { TaskTimeSample };

/**
 * Where a task's time goes (Flink's busyTimeMsPerSecond / idleTimeMsPerSecond /
 * backPressuredTimeMsPerSecond, as cumulative counters a reader turns into rates). The task loop
 * reads the clock once before and once after each wait, never per record, so the hot loop pays
 * nothing: waits end slices anyway. Busy is what is neither idle nor back-pressured. A sample counts
 * the wait in progress up to now (as Flink's TimerGauge does): a task blocked longer than the
 * reader's window (a source behind a slow consumer) reads as back-pressured, not as busy. Owned by
 * the task's thread.
 */
export class TaskTimeMetrics {
  private startedAt?: number;
  private idle = 0;
  private backPressured = 0;
  /** The wait in progress (the task loop waits for one thing at a time). */
  private current?: { kind: 'idle' | 'backPressured'; from: number };

  constructor(private readonly clock: Clock) {}

  start(): void {
    this.startedAt = this.clock.relativeTimeMillis();
  }

  /** Awaits `wait`, counting its time as idle or back-pressured. */
  async measure(kind: 'idle' | 'backPressured', wait: Promise<void>): Promise<void> {
    const current = { kind, from: this.clock.relativeTimeMillis() };
    this.current = current;
    try {
      await wait;
    } finally {
      const spent = this.clock.relativeTimeMillis() - current.from;
      if (kind === 'idle') this.idle += spent;
      else this.backPressured += spent;
      if (this.current === current) this.current = undefined;
    }
  }

  sample(): TaskTimeSample {
    const now = this.clock.relativeTimeMillis();
    const elapsed = this.startedAt === undefined ? 0 : now - this.startedAt;
    const ongoing = this.current ? now - this.current.from : 0;
    return {
      elapsedMs: elapsed,
      idleMs: this.idle + (this.current?.kind === 'idle' ? ongoing : 0),
      backPressuredMs: this.backPressured + (this.current?.kind === 'backPressured' ? ongoing : 0),
    };
  }
}
