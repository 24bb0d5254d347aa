import { specializeHotMethods } from '../specialize';
import { AbstractStreamOperator } from '../abstract-stream-operator';
import { AVAILABLE, AvailabilityNotifier } from '../availability';
import { InputStatus, NO_TIMESTAMP, type SourceOperator } from '../stream-operator';
import { SourceRateLimiter } from './rate-limiter';
import { splitRange } from './split';

/** Largest index count an unbounded generator uses (it will not be reached). */
export const UNBOUNDED_COUNT = Number.MAX_SAFE_INTEGER;

export interface GeneratorSourceOptions {
  /** Total rate over all subtasks; each subtask gets an equal share (Flink's RateLimiterStrategy.perSecond). */
  readonly recordsPerSecond?: number;
}

/**
 * Flink's DataGeneratorSource (and NumberSequenceSource): indexes [0, count) are split into
 * contiguous ranges, one per subtask, and each index i becomes `generate(i)`. Rate limiting is
 * smooth: record k of a subtask is due k / rate seconds after open, timed by the injected
 * clock and scheduler.
 */
export class GeneratorSource<T> extends AbstractStreamOperator<T> implements SourceOperator<T> {
  readonly isSourceOperator = true;
  private next = 0;
  private end = 0;
  private limiter?: SourceRateLimiter;
  private cancelled = false;
  private readonly notifier = new AvailabilityNotifier();
  private readonly noTimestamp = NO_TIMESTAMP;

  constructor(
    private readonly count: number,
    private readonly generate: (index: number) => T,
    private readonly options: GeneratorSourceOptions = {},
  ) {
    super();
    specializeHotMethods(this, ['emitRecords']);
    if (!(count >= 0)) throw new RangeError(`Generator count must be >= 0, got ${count}`);
    const rate = options.recordsPerSecond;
    if (rate !== undefined && !(rate > 0)) throw new RangeError(`recordsPerSecond must be > 0, got ${rate}`);
  }

  override open(): void {
    const ctx = this.env.runtimeContext;
    const p = ctx.getNumberOfParallelSubtasks();
    const total = Number.isFinite(this.count) ? this.count : UNBOUNDED_COUNT;
    const range = splitRange(total, ctx.getIndexOfThisSubtask(), p);
    this.next = range.start;
    this.end = range.end;
    if (this.options.recordsPerSecond !== undefined) {
      const { clock, scheduler } = this.env;
      this.limiter = new SourceRateLimiter(this.options.recordsPerSecond / p, clock, scheduler, () => this.notifier.notify());
    }
  }

  pollNext(maxRecords: number): InputStatus {
    if (this.cancelled || this.next >= this.end) return InputStatus.END_OF_INPUT;
    const n = this.limiter ? this.limiter.admit(Math.min(maxRecords, this.end - this.next)) : Math.min(maxRecords, this.end - this.next);
    if (n <= 0) return InputStatus.NOTHING_AVAILABLE;
    this.emitRecords(n);
    if (this.next >= this.end) return InputStatus.END_OF_INPUT;
    return !this.limiter || this.limiter.emitted(n) ? InputStatus.MORE_AVAILABLE : InputStatus.NOTHING_AVAILABLE;
  }

  /** The per-record loop, compiled per instance (see specializeHotMethods). */
  private emitRecords(n: number): void {
    const output = this.output;
    const generate = this.generate;
    const timestamp = this.noTimestamp;
    const first = this.next;
    const end = first + n;
    this.next = end;
    for (let i = first; i < end; i++) output.collect(generate(i), timestamp);
  }

  available(): Promise<void> {
    if (this.cancelled || this.next >= this.end || !this.limiter || this.limiter.permitted() > 0) return AVAILABLE;
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
