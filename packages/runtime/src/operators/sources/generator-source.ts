import { ListStateDescriptor, NO_TIMESTAMP, type ListState } from '@flott/core';
import { specializeHotMethods } from '../specialize';
import { PacedSourceOperator } from './paced-source';
import type { StateInitializationContext } from '../stream-operator';
import { splitRange } from './split';

/** The index ranges [next, end) a subtask has still to emit, as its checkpointed state (split evenly on rescale). */
const REMAINING_RANGES = new ListStateDescriptor<[number, number]>('generator-remaining-ranges');

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
 * clock and scheduler. Checkpoints keep each subtask's remaining ranges, so a restore continues at
 * the next index not yet emitted before the checkpoint, at any parallelism.
 */
export class GeneratorSource<T> extends PacedSourceOperator<T> {
  private next = 0;
  private end = 0;
  /** Ranges after the current one (a restore at lower parallelism can hand a subtask several). */
  private pending: Array<[number, number]> = [];
  private rangesState?: ListState<[number, number]>;
  private restored = false;
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

  initializeState(context: StateInitializationContext): void {
    this.rangesState = context.operatorStateStore.getListState(REMAINING_RANGES);
    if (!context.isRestored()) return;
    this.restored = true;
    this.pending = this.rangesState.get().filter(([from, to]) => from < to);
    this.takeNextRange();
  }

  override open(): void {
    const ctx = this.env.runtimeContext;
    const p = ctx.getNumberOfParallelSubtasks();
    if (!this.restored) {
      const total = Number.isFinite(this.count) ? this.count : UNBOUNDED_COUNT;
      const range = splitRange(total, ctx.getIndexOfThisSubtask(), p);
      this.next = range.start;
      this.end = range.end;
    }
    if (this.options.recordsPerSecond !== undefined) this.pace(this.options.recordsPerSecond / p);
  }

  snapshotState(): void {
    const remaining: Array<[number, number]> = this.next < this.end ? [[this.next, this.end], ...this.pending] : [...this.pending];
    this.rangesState?.update(remaining);
  }

  protected exhausted(): boolean {
    if (this.next < this.end) return false;
    return !this.takeNextRange();
  }

  private takeNextRange(): boolean {
    const range = this.pending.shift();
    if (!range) {
      this.next = this.end = 0;
      return false;
    }
    [this.next, this.end] = range;
    return true;
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
