import type { Clock } from '@flott/core';
import type { TaskTimeSample } from '../rpc/gateways';

export type { TaskTimeSample };

/**
 * Where a task's time goes (Flink's busyTimeMsPerSecond / idleTimeMsPerSecond /
 * backPressuredTimeMsPerSecond, as cumulative counters a reader turns into rates). The task loop
 * reads the clock once before and once after each wait, never per record, so the hot loop pays
 * nothing: waits end slices anyway. Busy is what is neither idle nor back-pressured. Owned by the
 * task's thread.
 */
export class TaskTimeMetrics {
  private startedAt?: number;
  private idle = 0;
  private backPressured = 0;

  constructor(private readonly clock: Clock) {}

  start(): void {
    this.startedAt = this.clock.relativeTimeMillis();
  }

  /** Awaits `wait`, counting its time as idle or back-pressured. */
  async measure(kind: 'idle' | 'backPressured', wait: Promise<void>): Promise<void> {
    const from = this.clock.relativeTimeMillis();
    try {
      await wait;
    } finally {
      const spent = this.clock.relativeTimeMillis() - from;
      if (kind === 'idle') this.idle += spent;
      else this.backPressured += spent;
    }
  }

  sample(): TaskTimeSample {
    const elapsed = this.startedAt === undefined ? 0 : this.clock.relativeTimeMillis() - this.startedAt;
    return { elapsedMs: elapsed, idleMs: this.idle, backPressuredMs: this.backPressured };
  }
}
