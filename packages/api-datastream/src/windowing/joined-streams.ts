import {
  JobBuildError,
  toMillis,
  type CoGroupFunctionLike,
  type Collector,
  type DurationLike,
  type Evictor,
  type FlatJoinFunction,
  type JoinFunctionLike,
  type TaggedUnion,
  type Trigger,
  type Window,
  type WindowAssigner,
} from '@flott/core';
import {
  coGroupWindowFunction,
  flatJoinCoGroup,
  identityFold,
  joinCoGroup,
  listContents,
  type InternalWindowFunction,
} from '@flott/runtime/internal';
import type { DataStream, SingleOutputStreamOperator } from '../data-stream';
import { WindowedStream } from './windowed-stream';

type Tagged<T1, T2> = TaggedUnion<T1, T2>;

/**
 * Window co-group and join (Flink's CoGroupedStreams / JoinedStreams), built as Flink builds them:
 * each input tagged with its side, the union keyed by the side's key, one keyed window over both,
 * and a function that splits each window's elements by side. A co-group takes a CoGroupFunction
 * (both sides' elements of a key and window), a join a JoinFunction or FlatJoinFunction (one pair at
 * a time); each accepts only its own kind.
 */
export class CoGroupedStreams<T1, T2> {
  /** @internal Created by `DataStream.coGroup`. */
  constructor(
    private readonly input1: DataStream<T1>,
    private readonly input2: DataStream<T2>,
  ) {}

  where<K>(keySelector: (value: T1) => K): { equalTo(keySelector: (value: T2) => K): CoGroupWhereEqualTo<T1, T2, K> } {
    return {
      equalTo: (keySelector2: (value: T2) => K) => new CoGroupWhereEqualTo<T1, T2, K>(this.input1, this.input2, keySelector, keySelector2),
    };
  }
}

/** `a.join(b)` (Flink's JoinedStreams): `.where(ka).equalTo(kb).window(assigner).apply(joinFunction)`. */
export class JoinedStreams<T1, T2> {
  /** @internal Created by `DataStream.join`. */
  constructor(
    private readonly input1: DataStream<T1>,
    private readonly input2: DataStream<T2>,
  ) {}

  where<K>(keySelector: (value: T1) => K): { equalTo(keySelector: (value: T2) => K): JoinWhereEqualTo<T1, T2, K> } {
    return {
      equalTo: (keySelector2: (value: T2) => K) => new JoinWhereEqualTo<T1, T2, K>(this.input1, this.input2, keySelector, keySelector2),
    };
  }
}

interface Sides<T1, T2, K> {
  readonly input1: DataStream<T1>;
  readonly input2: DataStream<T2>;
  readonly key1: (value: T1) => K;
  readonly key2: (value: T2) => K;
}

export class CoGroupWhereEqualTo<T1, T2, K> {
  private readonly sides: Sides<T1, T2, K>;
  /** @internal */
  constructor(input1: DataStream<T1>, input2: DataStream<T2>, key1: (value: T1) => K, key2: (value: T2) => K) {
    this.sides = { input1, input2, key1, key2 };
  }

  window<W extends Window>(assigner: WindowAssigner<Tagged<T1, T2>, W>): WithWindow<T1, T2, K, W> {
    return new WithWindow<T1, T2, K, W>(this.sides, assigner);
  }
}

export class JoinWhereEqualTo<T1, T2, K> {
  private readonly sides: Sides<T1, T2, K>;
  /** @internal */
  constructor(input1: DataStream<T1>, input2: DataStream<T2>, key1: (value: T1) => K, key2: (value: T2) => K) {
    this.sides = { input1, input2, key1, key2 };
  }

  window<W extends Window>(assigner: WindowAssigner<Tagged<T1, T2>, W>): JoinedWithWindow<T1, T2, K, W> {
    return new JoinedWithWindow<T1, T2, K, W>(this.sides, assigner);
  }
}

/** Trigger, evictor and lateness of a window join or co-group, and the operator they build. */
export abstract class WindowedTwoInputs<T1, T2, K, W extends Window> {
  private windowTrigger?: Trigger<Tagged<T1, T2>, W>;
  private windowEvictor?: Evictor<Tagged<T1, T2>, W>;
  private lateness = 0;

  /** @internal */
  constructor(
    private readonly sides: Sides<T1, T2, K>,
    private readonly assigner: WindowAssigner<Tagged<T1, T2>, W>,
  ) {}

  trigger(trigger: Trigger<Tagged<T1, T2>, W>): this {
    this.windowTrigger = trigger;
    return this;
  }
  evictor(evictor: Evictor<Tagged<T1, T2>, W>): this {
    this.windowEvictor = evictor;
    return this;
  }
  /** Event time: elements up to `lateness` (milliseconds or a Duration) behind a window's end still update it. */
  allowedLateness(lateness: DurationLike): this {
    this.lateness = toMillis(lateness, 'allowedLateness');
    return this;
  }

  protected build<R>(what: 'CoGroup' | 'Join', coGroup: CoGroupFunctionLike<T1, T2, R>): SingleOutputStreamOperator<R> {
    const { input1, input2, key1, key2 } = this.sides;
    const tagged1 = input1.map((v): Tagged<T1, T2> => ({ t: 1, v })).name(`${what}: tag input 1`);
    const tagged2 = input2.map((v): Tagged<T1, T2> => ({ t: 2, v })).name(`${what}: tag input 2`);
    const keyed = tagged1.union(tagged2).keyBy((u) => (u.t === 1 ? key1(u.v as T1) : key2(u.v as T2)));
    const windowed = new WindowedStream<Tagged<T1, T2>, K, W>(keyed, this.assigner);
    if (this.windowTrigger) windowed.trigger(this.windowTrigger);
    if (this.windowEvictor) windowed.evictor(this.windowEvictor);
    windowed.allowedLateness(this.lateness);
    const fn = coGroupWindowFunction(coGroup) as unknown as InternalWindowFunction<Tagged<T1, T2>, R, K, W>;
    return windowed.build(what, listContents<Tagged<T1, T2>>(), identityFold<Tagged<T1, T2>>(), fn, []);
  }
}

/** A windowed co-group (Flink's CoGroupedStreams.WithWindow). */
export class WithWindow<T1, T2, K, W extends Window> extends WindowedTwoInputs<T1, T2, K, W> {
  /** A CoGroupFunction: `coGroup(first, second, out)` with both sides' elements of one key and window. */
  apply<R>(f: CoGroupFunctionLike<T1, T2, R>): SingleOutputStreamOperator<R> {
    if (typeof f !== 'function' && typeof f?.coGroup !== 'function') {
      throw new JobBuildError('coGroup().apply(): expected a CoGroupFunction (a function or an object with coGroup(first, second, out))');
    }
    return this.build('CoGroup', f);
  }
}

/** What a window join's `apply` takes: a JoinFunction or FlatJoinFunction, as a function or an object with `join`. */
export type JoinFunctionShape<T1, T2> =
  | ((first: T1, second: T2, out: Collector<unknown>) => unknown)
  | { join(first: T1, second: T2, out: Collector<unknown>): unknown };

type JoinMethodOf<F> = F extends (...args: never[]) => unknown ? F : F extends { join: infer J } ? J : never;

/** The result type of a join function: what `join(a, b)` returns, or what `join(a, b, out)` collects. */
export type JoinResultOf<F> =
  JoinMethodOf<F> extends (...args: infer P) => infer RET ? (P['length'] extends 3 ? (P[2] extends Collector<infer R> ? R : never) : RET) : never;

/**
 * A windowed join (Flink's JoinedStreams.WithWindow): `apply` takes a JoinFunction (`join(a, b)`
 * returns one result per pair) or a FlatJoinFunction (`join(a, b, out)` emits any number), told
 * apart, as Java tells the two lambdas apart, by the number of declared parameters.
 */
export class JoinedWithWindow<T1, T2, K, W extends Window> extends WindowedTwoInputs<T1, T2, K, W> {
  // One generic signature, not overloads: overloads would fix a lambda's parameter types at the first one tried.
  apply<F extends JoinFunctionShape<T1, T2>>(f: F): SingleOutputStreamOperator<JoinResultOf<F>> {
    return this.build('Join', joinAsCoGroup<T1, T2, JoinResultOf<F>>(f as unknown as JoinFunctionLike<T1, T2, JoinResultOf<F>>));
  }
}

function joinAsCoGroup<T1, T2, R>(f: JoinFunctionLike<T1, T2, R> | FlatJoinFunction<T1, T2, R>): CoGroupFunctionLike<T1, T2, R> {
  const arity = typeof f === 'function' ? f.length : typeof f?.join === 'function' ? f.join.length : -1;
  if (arity < 0) throw new JobBuildError('join().apply(): expected a JoinFunction or FlatJoinFunction (a function or an object with join)');
  if (arity >= 3) {
    const flat = typeof f === 'function' ? { join: f as unknown as FlatJoinFunction<T1, T2, R>['join'] } : (f as FlatJoinFunction<T1, T2, R>);
    return flatJoinCoGroup(flat);
  }
  return joinCoGroup(f as JoinFunctionLike<T1, T2, R>);
}
