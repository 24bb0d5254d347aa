import {
  JobBuildError,
  KeyedCoProcessFunction,
  type CoFlatMapFunctionLike,
  type CoMapFunctionLike,
  type CoProcessFunctionLike,
  type KeyedCoProcessFunctionLike,
  type KeySelector,
} from '@flott/core';
import {
  CoProcessOperator,
  CoStreamFlatMap,
  CoStreamMap,
  KeyedCoProcessOperator,
  type StreamOperator,
  type TwoInputStreamOperator,
} from '@flott/runtime/internal';
import { SingleOutputStreamOperator, type DataStream } from './data-stream';
import type { StreamInput } from './graph-builder';
import type { StreamContext } from './stream-context';

type Selector = (value: unknown) => unknown;

/** How a two-input operator's node is wired: the inputs of each side and, when keyed, their key selectors. */
export interface TwoInputWiring {
  readonly context: StreamContext;
  readonly inputs1: readonly StreamInput[];
  readonly inputs2: readonly StreamInput[];
  readonly keySelector1?: Selector;
  readonly keySelector2?: Selector;
}

/** Adds a two-input operator node: input edges of side 1 get typeNumber 1, of side 2 typeNumber 2. */
export function addTwoInputOperator<R>(
  wiring: TwoInputWiring,
  name: string,
  kind: string,
  factory: () => TwoInputStreamOperator<unknown, unknown, R>,
): SingleOutputStreamOperator<R> {
  const inputs = [...wiring.inputs1.map((i) => ({ ...i, typeNumber: 1 })), ...wiring.inputs2.map((i) => ({ ...i, typeNumber: 2 }))];
  const node = wiring.context.builder.addNode(
    {
      name,
      kind,
      operatorFactory: factory as () => StreamOperator<unknown>,
      stateKeySelector: wiring.keySelector1,
      stateKeySelector2: wiring.keySelector2,
    },
    inputs,
  );
  return new SingleOutputStreamOperator<R>(wiring.context, node, '');
}

/**
 * Two streams of possibly different types, connected (Flink's ConnectedStreams). Functions see the
 * records of both, one at a time; keyed (both sides keyBy'd) they share keyed state per key.
 */
export class ConnectedStreams<IN1, IN2> {
  /** @internal Created by `DataStream.connect`. */
  constructor(
    private readonly first: DataStream<IN1>,
    private readonly second: DataStream<IN2>,
    private readonly wiring: TwoInputWiring,
  ) {
    if ((wiring.keySelector1 === undefined) !== (wiring.keySelector2 === undefined)) {
      throw new JobBuildError('connect(): either both streams are keyed or neither; key both with keyBy() (or use connect(...).keyBy(key1, key2))');
    }
  }

  getFirstInput(): DataStream<IN1> {
    return this.first;
  }

  getSecondInput(): DataStream<IN2> {
    return this.second;
  }

  isKeyed(): boolean {
    return this.wiring.keySelector1 !== undefined;
  }

  /** Keys both inputs; records of either input with equal keys meet in the same subtask and state. */
  keyBy<K>(key1: KeySelector<IN1, K> | ((value: IN1) => K), key2: KeySelector<IN2, K> | ((value: IN2) => K)): ConnectedStreams<IN1, IN2> {
    return this.first.keyBy(key1).connect(this.second.keyBy(key2));
  }

  map<R>(mapper: CoMapFunctionLike<IN1, IN2, R>): SingleOutputStreamOperator<R> {
    return addTwoInputOperator(this.wiring, 'Co-Map', 'CoMap', () => new CoStreamMap<unknown, unknown, R>(mapper as CoMapFunctionLike<unknown, unknown, R>));
  }

  flatMap<R>(flatMapper: CoFlatMapFunctionLike<IN1, IN2, R>): SingleOutputStreamOperator<R> {
    return addTwoInputOperator(
      this.wiring,
      'Co-Flat Map',
      'CoFlatMap',
      () => new CoStreamFlatMap<unknown, unknown, R>(flatMapper as CoFlatMapFunctionLike<unknown, unknown, R>),
    );
  }

  /**
   * A CoProcessFunction; on keyed connected streams also a KeyedCoProcessFunction, which gets
   * `getCurrentKey()` and timers (any function there can use keyed state).
   */
  process<R, K = unknown>(fn: CoProcessFunctionLike<IN1, IN2, R> | KeyedCoProcessFunctionLike<K, IN1, IN2, R>): SingleOutputStreamOperator<R> {
    if (this.isKeyed()) {
      const keyed = fn as KeyedCoProcessFunctionLike<K, unknown, unknown, R>;
      return addTwoInputOperator(this.wiring, 'KeyedCoProcess', 'KeyedCoProcess', () => new KeyedCoProcessOperator<K, unknown, unknown, R>(keyed));
    }
    if (fn instanceof KeyedCoProcessFunction) {
      throw new JobBuildError('A KeyedCoProcessFunction can only be used on keyed connected streams: keyBy() both inputs first');
    }
    const plain = fn as CoProcessFunctionLike<unknown, unknown, R>;
    return addTwoInputOperator(this.wiring, 'Co-Process', 'CoProcess', () => new CoProcessOperator<unknown, unknown, R>(plain));
  }

  /** Adds a custom two-input operator (Flink's ConnectedStreams#transform). */
  transform<R>(operatorName: string, operatorFactory: () => TwoInputStreamOperator<IN1, IN2, R>, kind = operatorName): SingleOutputStreamOperator<R> {
    return addTwoInputOperator(this.wiring, operatorName, kind, operatorFactory as () => TwoInputStreamOperator<unknown, unknown, R>);
  }
}
