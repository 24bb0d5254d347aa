import {
  JobBuildError,
  coGroupWindowFunction,
  flatJoinCoGroup,
  identityFold,
  joinCoGroup,
  listContents,
  type CoGroupFunctionLike,
  type Evictor,
  type FlatJoinFunction,
  type InternalWindowFunction,
  type JoinFunctionLike,
  type TaggedUnion,
  type Trigger,
  type Window,
  type WindowAssigner,
} from '@flott/runtime';
import type { DataStream, SingleOutputStreamOperator } from '../data-stream';
import { WindowedStream } from './windowed-stream';

type Tagged<T1, T2> = TaggedUnion<T1, T2>;

/**
 * Window co-group and join (Flink's CoGroupedStreams / JoinedStreams), built as Flink builds them:
 * each input tagged with its side, the union keyed by the side's key, one keyed window over both,
 * and a function that splits each window's elements by side.
 */
export class CoGroupedStreams<T1, T2> {
  /** @internal Created by `DataStream.coGroup` / `DataStream.join`. */
  constructor(
    private readonly input1: DataStream<T1>,
    private readonly input2: DataStream<T2>,
    private readonly what: 'CoGroup' | 'Join' = 'CoGroup',
  ) {}

  where<K>(keySelector: (value: T1) => K): { equalTo(keySelector: (value: T2) => K): CoGroupWhereEqualTo<T1, T2, K> } {
    return {
      equalTo: (keySelector2: (value: T2) => K) => new CoGroupWhereEqualTo<T1, T2, K>(this.input1, this.input2, keySelector, keySelector2, this.what),
    };
  }
}

export class CoGroupWhereEqualTo<T1, T2, K> {
  /** @internal */
  constructor(
    private readonly input1: DataStream<T1>,
    private readonly input2: DataStream<T2>,
    private readonly key1: (value: T1) => K,
    private readonly key2: (value: T2) => K,
    private readonly what: 'CoGroup' | 'Join',
  ) {}

  window<W extends Window>(assigner: WindowAssigner<Tagged<T1, T2>, W>): WithWindow<T1, T2, K, W> {
    return new WithWindow<T1, T2, K, W>(this.input1, this.input2, this.key1, this.key2, assigner, this.what);
  }
}

export class WithWindow<T1, T2, K, W extends Window> {
  private windowTrigger?: Trigger<Tagged<T1, T2>, W>;
  private windowEvictor?: Evictor<Tagged<T1, T2>, W>;
  private lateness = 0;

  /** @internal */
  constructor(
    private readonly input1: DataStream<T1>,
    private readonly input2: DataStream<T2>,
    private readonly key1: (value: T1) => K,
    private readonly key2: (value: T2) => K,
    private readonly assigner: WindowAssigner<Tagged<T1, T2>, W>,
    private readonly what: 'CoGroup' | 'Join',
  ) {}

  trigger(trigger: Trigger<Tagged<T1, T2>, W>): this {
    this.windowTrigger = trigger;
    return this;
  }
  evictor(evictor: Evictor<Tagged<T1, T2>, W>): this {
    this.windowEvictor = evictor;
    return this;
  }
  allowedLateness(lateness: number): this {
    this.lateness = lateness;
    return this;
  }

  /**
   * Join: a JoinFunction (`join(a, b)` returns one result per pair) or a FlatJoinFunction
   * (`join(a, b, out)`, told apart by its third parameter). CoGroup: a CoGroupFunction.
   */
  apply<R>(f: JoinFunctionLike<T1, T2, R> | FlatJoinFunction<T1, T2, R> | CoGroupFunctionLike<T1, T2, R>): SingleOutputStreamOperator<R> {
    const coGroup = this.what === 'CoGroup' ? (f as CoGroupFunctionLike<T1, T2, R>) : joinAsCoGroup<T1, T2, R>(f as JoinFunctionLike<T1, T2, R> | FlatJoinFunction<T1, T2, R>);
    const tagged1 = this.input1.map((v): Tagged<T1, T2> => ({ t: 1, v })).name(`${this.what}: tag input 1`);
    const tagged2 = this.input2.map((v): Tagged<T1, T2> => ({ t: 2, v })).name(`${this.what}: tag input 2`);
    const key1 = this.key1;
    const key2 = this.key2;
    const keyed = tagged1.union(tagged2).keyBy((u) => (u.t === 1 ? key1(u.v as T1) : key2(u.v as T2)));
    const windowed = new WindowedStream<Tagged<T1, T2>, K, W>(keyed, this.assigner);
    if (this.windowTrigger) windowed.trigger(this.windowTrigger);
    if (this.windowEvictor) windowed.evictor(this.windowEvictor);
    windowed.allowedLateness(this.lateness);
    const fn = coGroupWindowFunction(coGroup) as unknown as InternalWindowFunction<Tagged<T1, T2>, R, K, W>;
    return windowed.build(this.what, listContents<Tagged<T1, T2>>(), identityFold<Tagged<T1, T2>>(), fn, []);
  }
}

function joinAsCoGroup<T1, T2, R>(f: JoinFunctionLike<T1, T2, R> | FlatJoinFunction<T1, T2, R>): CoGroupFunctionLike<T1, T2, R> {
  const arity = typeof f === 'function' ? f.length : typeof f.join === 'function' ? f.join.length : -1;
  if (arity < 0) throw new JobBuildError('join().apply(): expected a JoinFunction or FlatJoinFunction (a function or an object with join)');
  if (arity >= 3) {
    const flat = typeof f === 'function' ? { join: f as unknown as FlatJoinFunction<T1, T2, R>['join'] } : (f as FlatJoinFunction<T1, T2, R>);
    return flatJoinCoGroup(flat);
  }
  return joinCoGroup(f as JoinFunctionLike<T1, T2, R>);
}
