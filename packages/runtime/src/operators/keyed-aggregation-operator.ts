import { NO_TIMESTAMP, type ReduceFunction, type ReduceFunctionLike, type StateDescriptor } from '@flott/core';
import type { KeyedStateBackend } from '../spi/state-backend';
import { AbstractUdfStreamOperator } from './abstract-stream-operator';
import { specializeHotMethods } from './specialize';
import type { OneInputStreamOperator } from './stream-operator';

/** How a rolling aggregation starts from a key's first record and folds in each later one. */
export interface RollingAggregation<IN, ACC> {
  first(value: IN): ACC;
  combine(accumulator: ACC, value: IN): ACC;
  /**
   * `combine` of two inputs is again a valid input whose aggregate equals theirs in order (sum, min,
   * max by field; minBy, maxBy): BATCH execution may then combine a key's records before sorting them.
   */
  readonly inputsCombine?: boolean;
  /**
   * Optional, with `inputsCombine`: `combine` for a caller that owns `accumulator` (a copy of its
   * own), which may therefore be changed and returned instead of copied (local aggregation).
   */
  combineOwned?(accumulator: ACC, value: IN): ACC;
}

/** State name Flink's StreamGroupedReduceOperator uses, so snapshots read alike. */
const STATE: StateDescriptor = { name: '_op_state', kind: 'value' };

/**
 * Keyed rolling aggregation (reduce, sum, min, max, minBy, maxBy): emits the updated aggregate for
 * every input record — or, in BATCH mode (`emitOnlyFinal`), each key's final aggregate once all
 * input is consumed, as Flink does for bounded jobs (with sorted inputs, as soon as the key's records
 * are done: `keyFinished`). The aggregate of each key lives in the keyed state backend, never in the
 * operator, so it is checkpointed and rescaled with the key groups. The task sets the current key.
 */
export class KeyedAggregationOperator<IN, ACC>
  extends AbstractUdfStreamOperator<ACC, unknown>
  implements OneInputStreamOperator<IN, ACC>
{
  private backend!: KeyedStateBackend;
  private readonly state = STATE;

  /** `userFunction` is the ReduceFunction (for its rich life cycle), if a user gave one. */
  constructor(
    private readonly aggregation: RollingAggregation<IN, ACC>,
    userFunction?: unknown,
    private readonly emitOnlyFinal = false,
  ) {
    super(userFunction);
    specializeHotMethods(this, ['processElement']);
  }

  override open(): void | Promise<void> {
    const backend = this.env.keyedStateBackend;
    if (!backend) throw new Error(`Assertion failed: keyed operator ${this.env.operatorName} got no keyed state backend`);
    this.backend = backend;
    return super.open();
  }

  processElement(value: IN, timestamp: number): void {
    const backend = this.backend;
    const current = backend.get(this.state) as ACC | undefined;
    const next = current === undefined ? this.aggregation.first(value) : this.aggregation.combine(current, value);
    backend.put(this.state, next);
    if (!this.emitOnlyFinal) this.output.collect(next, timestamp);
  }

  /** Sorted BATCH input: the key's aggregate is final; it goes out now and its state is dropped. */
  keyFinished(): void {
    if (!this.emitOnlyFinal) return;
    const value = this.backend.get(this.state) as ACC | undefined;
    if (value === undefined) return;
    this.output.collect(value, NO_TIMESTAMP);
    this.backend.clear(this.state);
  }

  override finish(): void | Promise<void> {
    const backend = this.backend;
    if (this.emitOnlyFinal && backend) {
      for (const key of backend.getKeys(STATE)) {
        backend.setCurrentKey(key);
        this.output.collect(backend.get(STATE) as ACC, NO_TIMESTAMP);
      }
    }
    return super.finish();
  }

  processWatermark(watermark: number): void {
    this.output.emitWatermark(watermark);
  }
}

export function reduceAggregation<T>(f: ReduceFunctionLike<T>): RollingAggregation<T, T> {
  const reduce = typeof f === 'function' ? f : f.reduce.bind(f);
  return { first: (v) => v, combine: reduce };
}
