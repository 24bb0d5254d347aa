import { AbstractStreamOperator } from '../abstract-stream-operator';
import { AVAILABLE, AvailabilityNotifier } from '../availability';
import { InputStatus, type SourceOperator } from '../stream-operator';
import { SourceRateLimiter } from './rate-limiter';

/**
 * A source that generates its records itself, optionally paced at a rate (the data generator and
 * the Nexmark source): polling, pacing, availability and cancellation live here; a subclass says
 * when it is exhausted and emits records in its own (per-instance compiled) loop.
 */
export abstract class PacedSourceOperator<T> extends AbstractStreamOperator<T> implements SourceOperator<T> {
  readonly isSourceOperator = true;
  private limiter?: SourceRateLimiter;
  private cancelled = false;
  private readonly notifier = new AvailabilityNotifier();

  /** Whether this subtask has emitted all its records. */
  protected abstract exhausted(): boolean;

  /** Emits up to `max` (≥ 1) records; returns how many it emitted. */
  protected abstract emitRecords(max: number): number;

  /** Paces this subtask at `ratePerSecond` from now on (call it from open). */
  protected pace(ratePerSecond: number): void {
    const { clock, scheduler } = this.env;
    this.limiter = new SourceRateLimiter(ratePerSecond, clock, scheduler, () => this.notifier.notify());
  }

  pollNext(maxRecords: number): InputStatus {
    if (this.cancelled || this.exhausted()) return InputStatus.END_OF_INPUT;
    const limiter = this.limiter;
    const n = limiter ? limiter.admit(maxRecords) : maxRecords;
    if (n <= 0) return InputStatus.NOTHING_AVAILABLE;
    const emitted = this.emitRecords(n);
    if (this.exhausted()) return InputStatus.END_OF_INPUT;
    return !limiter || limiter.emitted(emitted) ? InputStatus.MORE_AVAILABLE : InputStatus.NOTHING_AVAILABLE;
  }

  available(): Promise<void> {
    if (this.cancelled || this.exhausted() || !this.limiter || this.limiter.permitted() > 0) return AVAILABLE;
    this.limiter.scheduleWakeUp();
    return this.notifier.next();
  }

  cancel(): void {
    this.cancelled = true;
    this.limiter?.cancel();
    this.notifier.notify();
  }

  override close(): void {
    this.limiter?.cancel();
  }
}
