import type { AggregateFunction, ReduceFunction } from '../functions/functions';
import { InvalidStateConfigurationError } from './state-errors';
import type { StateTtlConfig } from './state-ttl';

/** Describes one named state of an operator as a KeyedStateBackend sees it; `kind` selects the handle type. */
export interface StateDescriptor<S = unknown> {
  readonly name: string;
  readonly kind: 'value' | 'list' | 'map' | 'reducing' | 'aggregating';
  /** For reducing/aggregating state: how values combine. */
  readonly combine?: (acc: S, value: S) => S;
  readonly defaultValue?: S;
}

export type StateKind = StateDescriptor['kind'];

/**
 * Names one state of an operator and how it behaves (Flink's StateDescriptor). The name identifies
 * the state in the backend (and in snapshots, later), so it must be unique per operator.
 */
export abstract class AbstractStateDescriptor<T> implements StateDescriptor<T> {
  abstract readonly kind: StateKind;
  private ttlConfig?: StateTtlConfig;

  constructor(readonly name: string) {
    if (typeof name !== 'string' || name.length === 0) throw new InvalidStateConfigurationError('A state name must be a non-empty string');
  }

  /** Expires values `ttlConfig.ttlMs` after their last write (or access) as Flink's state TTL. */
  enableTimeToLive(ttlConfig: StateTtlConfig): void {
    this.ttlConfig = ttlConfig;
  }

  getTtlConfig(): StateTtlConfig | undefined {
    return this.ttlConfig;
  }

  isTtlEnabled(): boolean {
    return this.ttlConfig?.isEnabled() ?? false;
  }
}

export class ValueStateDescriptor<T> extends AbstractStateDescriptor<T> {
  readonly kind = 'value' as const;
  /** Returned by `value()` while the state is empty (deprecated in Flink, kept for porting jobs). */
  constructor(
    name: string,
    readonly defaultValue?: T,
  ) {
    super(name);
  }
}

export class ListStateDescriptor<T> extends AbstractStateDescriptor<T[]> {
  readonly kind = 'list' as const;
  declare readonly __element?: T;
}

export class MapStateDescriptor<K, V> extends AbstractStateDescriptor<Map<K, V>> {
  readonly kind = 'map' as const;
  declare readonly __key?: K;
  declare readonly __value?: V;
}

export type ReduceFunctionOrLambda<T> = ReduceFunction<T> | ((a: T, b: T) => T);

export class ReducingStateDescriptor<T> extends AbstractStateDescriptor<T> {
  readonly kind = 'reducing' as const;
  readonly reduce: (a: T, b: T) => T;
  constructor(
    name: string,
    readonly reduceFunction: ReduceFunctionOrLambda<T>,
  ) {
    super(name);
    this.reduce = typeof reduceFunction === 'function' ? reduceFunction : reduceFunction.reduce.bind(reduceFunction);
  }
}

export class AggregatingStateDescriptor<IN, ACC, OUT> extends AbstractStateDescriptor<ACC> {
  readonly kind = 'aggregating' as const;
  declare readonly __in?: IN;
  declare readonly __out?: OUT;
  constructor(
    name: string,
    readonly aggregateFunction: AggregateFunction<IN, ACC, OUT>,
  ) {
    super(name);
  }
}
