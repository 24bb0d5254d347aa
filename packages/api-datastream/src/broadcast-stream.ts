import {
  JobBuildError,
  KeyedBroadcastProcessFunction,
  type BroadcastProcessFunctionLike,
  type KeyedBroadcastProcessFunctionLike,
  type MapStateDescriptor,
} from '@flott/core';
import { CoBroadcastWithKeyedOperator, CoBroadcastWithNonKeyedOperator } from '@flott/runtime/internal';
import { addTwoInputOperator, type TwoInputWiring } from './connected-streams';
import type { SingleOutputStreamOperator } from './data-stream';
import type { StreamInput } from './graph-builder';
import type { StreamContext } from './stream-context';

type AnyMapStateDescriptor = MapStateDescriptor<unknown, unknown>;

/**
 * A stream sent to every subtask of the operator it is connected to, with the broadcast state it
 * fills (Flink's BroadcastStream, made by `stream.broadcast(descriptor, ...)`).
 */
export class BroadcastStream<T> {
  declare readonly __type?: T;

  /** @internal */
  constructor(
    readonly context: StreamContext,
    readonly inputs: readonly StreamInput[],
    readonly descriptors: readonly AnyMapStateDescriptor[],
  ) {
    if (descriptors.length === 0) throw new JobBuildError('broadcast(...): give at least one MapStateDescriptor for the broadcast state');
  }

  getBroadcastStateDescriptors(): readonly AnyMapStateDescriptor[] {
    return this.descriptors;
  }
}

/**
 * A (keyed or non-keyed) stream connected with a BroadcastStream (Flink's BroadcastConnectedStream):
 * `process` takes a KeyedBroadcastProcessFunction when the first stream is keyed, else a
 * BroadcastProcessFunction.
 */
export class BroadcastConnectedStream<IN1, IN2> {
  /** @internal */
  constructor(
    private readonly wiring: TwoInputWiring,
    private readonly descriptors: readonly AnyMapStateDescriptor[],
  ) {}

  isKeyed(): boolean {
    return this.wiring.keySelector1 !== undefined;
  }

  process<R, K = unknown>(
    fn: BroadcastProcessFunctionLike<IN1, IN2, R> | KeyedBroadcastProcessFunctionLike<K, IN1, IN2, R>,
  ): SingleOutputStreamOperator<R> {
    const descriptors = this.descriptors;
    if (this.isKeyed()) {
      const keyed = fn as KeyedBroadcastProcessFunctionLike<K, unknown, unknown, R>;
      return addTwoInputOperator(this.wiring, 'Co-Process-Broadcast-Keyed', 'CoBroadcastKeyed', () => new CoBroadcastWithKeyedOperator(keyed, descriptors));
    }
    if (fn instanceof KeyedBroadcastProcessFunction) {
      throw new JobBuildError('A KeyedBroadcastProcessFunction can only be used when the non-broadcast stream is keyed (keyBy() it first)');
    }
    const plain = fn as BroadcastProcessFunctionLike<unknown, unknown, R>;
    return addTwoInputOperator(this.wiring, 'Co-Process-Broadcast', 'CoBroadcast', () => new CoBroadcastWithNonKeyedOperator(plain, descriptors));
  }
}
