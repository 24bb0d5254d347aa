import type { Clock } from '@flott/core';
import type { Cancellable, Scheduler } from '../../time/clock';

/**
 * Paces one source subtask at `ratePerSecond` records per second on the injected clock (Flink's
 * RateLimiterStrategy.perSecond): record k is due k / rate seconds after the start, so emission is
 * smooth, and `scheduleWakeUp` calls `onDue` once the next record is due.
 */
export class SourceRateLimiter {
  private emittedCount = 0;
  private readonly startedAt: number;
  private timer?: Cancellable;

  constructor(
    private readonly ratePerSecond: number,
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    private readonly onDue: () => void,
  ) {
    this.startedAt = clock.relativeTimeMillis();
  }

  /** Records that are due now and not yet emitted (the first one is due at once). */
  permitted(): number {
    const elapsed = this.clock.relativeTimeMillis() - this.startedAt;
    // Multiply before dividing so whole seconds give exact counts.
    return Math.floor((elapsed * this.ratePerSecond) / 1000) + 1 - this.emittedCount;
  }

  /** How many of `wanted` records may go out now; when none, the wake-up is scheduled. */
  admit(wanted: number): number {
    const n = Math.min(wanted, this.permitted());
    if (n <= 0) this.scheduleWakeUp();
    return n;
  }

  /** Records `n` emitted; false (wake-up scheduled) when the next record is not due yet. */
  emitted(n: number): boolean {
    this.emittedCount += n;
    if (this.permitted() > 0) return true;
    this.scheduleWakeUp();
    return false;
  }

  scheduleWakeUp(): void {
    if (this.timer) return;
    const dueAt = this.startedAt + (this.emittedCount * 1000) / this.ratePerSecond;
    const delay = Math.max(0, Math.ceil(dueAt - this.clock.relativeTimeMillis()));
    this.timer = this.scheduler.schedule(delay, () => {
      this.timer = undefined;
      this.onDue();
    });
  }

  cancel(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
