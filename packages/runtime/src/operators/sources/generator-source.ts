import { NO_TIMESTAMP } from '@flott/core';
import { specializeHotMethods } from '../specialize';
import { PacedSourceOperator } from './paced-source';
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
export class GeneratorSource<T> extends PacedSourceOperator<T> {
  private next = 0;
  private end = 0;
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
    if (this.options.recordsPerSecond !== undefined) this.pace(this.options.recordsPerSecond / p);
  }

  protected exhausted(): boolean {
    return this.next >= this.end;
  }

  /** The per-record loop, compiled per instance (see specializeHotMethods). */
  protected emitRecords(max: number): number {
    const output = this.output;
    const generate = this.generate;
    const timestamp = this.noTimestamp;
    const first = this.next;
    const end = Math.min(first + max, this.end);
    this.next = end;
    for (let i = first; i < end; i++) output.collect(generate(i), timestamp);
    return end - first;
  }
}
