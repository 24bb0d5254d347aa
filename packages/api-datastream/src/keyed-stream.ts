import type { KeyedProcessFunctionLike, ReduceFunctionLike, Window, WindowAssigner } from '@flott/core';
import {
  KeyedAggregationOperator,
  KeyedProcessOperator,
  byAggregation,
  fieldAggregation,
  fieldSelector,
  reduceAggregation,
  selectorAggregation,
  type AggregationKind,
  type Comparable,
  type RollingAggregation,
} from '@flott/runtime/internal';
import { DataStream, SingleOutputStreamOperator } from './data-stream';
import type { ComparableField, NumericField } from './field-types';
import type { StreamInput } from './graph-builder';
import type { StreamContext } from './stream-context';
import { IntervalJoin } from './windowing/interval-join';
import { WindowedStream } from './windowing/windowed-stream';

/**
 * A stream partitioned by key (Flink's KeyedStream). Operators applied to it run keyed: the task
 * sets the current key per record and their state lives per key in the keyed state backend.
 *
 * Rolling aggregations emit the updated aggregate for every record. By field name, `sum`, `min`
 * and `max` keep the other fields of the key's first record and update only that field;
 * `minBy`/`maxBy` emit the whole record with the extreme value (the earlier one on ties unless
 * `first` is false). With a selector function, `sum`/`min`/`max` emit the aggregated value itself.
 */
export class KeyedStream<T, K> extends DataStream<T> {
  /** @internal */
  constructor(
    context: StreamContext,
    inputs: readonly StreamInput[],
    private readonly keySelector: (value: T) => K,
  ) {
    super(
      context,
      inputs.map((i) => ({ ...i, partitioner: { kind: 'hash', keySelector: (v: unknown) => keySelector(v as T) } })),
    );
  }

  getKeySelector(): (value: T) => K {
    return this.keySelector;
  }

  /**
   * Applies a KeyedProcessFunction (or an object/function with `processElement`) with keyed state and
   * timers; `ctx.getCurrentKey()` is the record's (or the firing timer's) key.
   */
  override process<R>(fn: KeyedProcessFunctionLike<K, T, R>): SingleOutputStreamOperator<R> {
    return this.transform('KeyedProcess', () => new KeyedProcessOperator<K, T, R>(fn), 'KeyedProcess');
  }

  /** Cuts each key's elements into windows (Flink's KeyedStream#window). */
  window<W extends Window>(assigner: WindowAssigner<T, W>): WindowedStream<T, K, W> {
    return new WindowedStream<T, K, W>(this, assigner);
  }

  /** Joins with another keyed stream by time interval: `.between(lower, upper).process(fn)` (event time). */
  intervalJoin<T2>(other: KeyedStream<T2, K>): IntervalJoin<T, T2, K> {
    return new IntervalJoin<T, T2, K>(this, other);
  }

  reduce(reducer: ReduceFunctionLike<T>): SingleOutputStreamOperator<T> {
    return this.aggregate('Keyed Reduce', 'KeyedReduce', reduceAggregation(reducer), reducer);
  }

  sum(field: NumericField<T>): SingleOutputStreamOperator<T>;
  sum(selector: (value: T) => number): SingleOutputStreamOperator<number>;
  sum(field: NumericField<T> | ((value: T) => number)): SingleOutputStreamOperator<T> | SingleOutputStreamOperator<number> {
    return this.byFieldOrSelector('sum', field);
  }

  min(field: ComparableField<T>): SingleOutputStreamOperator<T>;
  min<V extends Comparable>(selector: (value: T) => V): SingleOutputStreamOperator<V>;
  min<V extends Comparable>(field: ComparableField<T> | ((value: T) => V)): SingleOutputStreamOperator<T> | SingleOutputStreamOperator<V> {
    return this.byFieldOrSelector('min', field);
  }

  max(field: ComparableField<T>): SingleOutputStreamOperator<T>;
  max<V extends Comparable>(selector: (value: T) => V): SingleOutputStreamOperator<V>;
  max<V extends Comparable>(field: ComparableField<T> | ((value: T) => V)): SingleOutputStreamOperator<T> | SingleOutputStreamOperator<V> {
    return this.byFieldOrSelector('max', field);
  }

  minBy(field: ComparableField<T> | ((value: T) => Comparable), first = true): SingleOutputStreamOperator<T> {
    return this.aggregate('Keyed Aggregation', 'KeyedAggregation', byAggregation('min', this.selectorOf(field), first));
  }

  maxBy(field: ComparableField<T> | ((value: T) => Comparable), first = true): SingleOutputStreamOperator<T> {
    return this.aggregate('Keyed Aggregation', 'KeyedAggregation', byAggregation('max', this.selectorOf(field), first));
  }

  protected override stateKeySelector(): (value: unknown) => unknown {
    const selector = this.keySelector;
    return (v) => selector(v as T);
  }

  private byFieldOrSelector<V extends Comparable>(kind: AggregationKind, field: PropertyKey | ((value: T) => V)): SingleOutputStreamOperator<T> | SingleOutputStreamOperator<V> {
    if (typeof field === 'function') {
      return this.aggregate('Keyed Aggregation', 'KeyedAggregation', selectorAggregation(kind, field));
    }
    return this.aggregate('Keyed Aggregation', 'KeyedAggregation', fieldAggregation<T>(kind, field));
  }

  private selectorOf(field: PropertyKey | ((value: T) => Comparable)): (value: T) => Comparable {
    return typeof field === 'function' ? field : fieldSelector<T>(field);
  }

  private aggregate<R>(name: string, kind: string, aggregation: RollingAggregation<T, R>, userFunction?: unknown): SingleOutputStreamOperator<R> {
    // Read when the task creates the operator: main has configured the environment by then.
    const env = this.getExecutionEnvironment();
    // BATCH combines such inputs per key before the shuffle and while sorting (StreamNode.inputCombiner).
    const inputCombiner = aggregation.inputsCombine ? aggregation : undefined;
    return this.transformWith(name, () => new KeyedAggregationOperator<T, R>(aggregation, userFunction, env.getRuntimeMode() === 'BATCH'), kind,
      inputCombiner ? { inputCombiner } : {});
  }
}
