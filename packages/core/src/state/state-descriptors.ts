import type { AggregateFunction, ReduceFunction } from '../functions/functions';
import { isTypeSerializer, type TypeSerializer } from '../serialization/type-serializer';
import { InvalidStateConfigurationError } from './state-errors';
import type { StateTtlConfig } from './state-ttl';

/** Describes one named state of an operator as a KeyedStateBackend sees it; `kind` selects the handle type. */
export interface StateDescriptor<S = unknown> {
  readonly name: string;
  readonly kind: 'value' | 'list' | 'map' | 'reducing' | 'aggregating';
  /** For reducing/aggregating state: how values combine. */
  readonly combine?: (acc: S, value: S) => S;
  readonly defaultValue?: S;
  /**
   * Writes the state's values into snapshots instead of msgpack (and the lmdb backend's stored bytes):
   * for value, reducing and aggregating state the value, for list state each element, for map state
   * each value. Absent: msgpack.
   */
  readonly valueSerializer?: TypeSerializer<unknown>;
  /** Map state only: writes each user key of the map instead of msgpack. */
  readonly mapKeySerializer?: TypeSerializer<unknown>;
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

  /** The custom serializer of the state's values (see StateDescriptor.valueSerializer), or undefined: msgpack. */
  abstract readonly valueSerializer?: TypeSerializer<unknown>;

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
  readonly defaultValue?: T;
  readonly valueSerializer?: TypeSerializer<unknown>;
  /**
   * `new ValueStateDescriptor(name)`, `(name, serializer)`, `(name, serializer, defaultValue)`, or the
   * deprecated `(name, defaultValue)`: a second argument with `serialize` and `deserialize` functions
   * is the serializer.
   */
  constructor(name: string, serializerOrDefault?: TypeSerializer<T> | T, defaultValue?: T) {
    super(name);
    if (isTypeSerializer(serializerOrDefault)) {
      this.valueSerializer = serializerOrDefault as TypeSerializer<unknown>;
      this.defaultValue = defaultValue;
    } else {
      this.defaultValue = serializerOrDefault as T | undefined;
    }
  }

  getSerializer(): TypeSerializer<T> | undefined {
    return this.valueSerializer as TypeSerializer<T> | undefined;
  }
}

export class ListStateDescriptor<T> extends AbstractStateDescriptor<T[]> {
  readonly kind = 'list' as const;
  declare readonly __element?: T;
  readonly valueSerializer?: TypeSerializer<unknown>;
  /** `elementSerializer`: writes each element of the list (absent: msgpack). */
  constructor(name: string, elementSerializer?: TypeSerializer<T>) {
    super(name);
    this.valueSerializer = checkedSerializer(name, elementSerializer, 'element serializer');
  }

  getElementSerializer(): TypeSerializer<T> | undefined {
    return this.valueSerializer as TypeSerializer<T> | undefined;
  }
}

export class MapStateDescriptor<K, V> extends AbstractStateDescriptor<Map<K, V>> {
  readonly kind = 'map' as const;
  declare readonly __key?: K;
  declare readonly __value?: V;
  readonly mapKeySerializer?: TypeSerializer<unknown>;
  readonly valueSerializer?: TypeSerializer<unknown>;
  /** Either serializer may be left out (msgpack for that side). */
  constructor(name: string, keySerializer?: TypeSerializer<K>, valueSerializer?: TypeSerializer<V>) {
    super(name);
    this.mapKeySerializer = checkedSerializer(name, keySerializer, 'key serializer');
    this.valueSerializer = checkedSerializer(name, valueSerializer, 'value serializer');
  }

  getKeySerializer(): TypeSerializer<K> | undefined {
    return this.mapKeySerializer as TypeSerializer<K> | undefined;
  }

  getValueSerializer(): TypeSerializer<V> | undefined {
    return this.valueSerializer as TypeSerializer<V> | undefined;
  }
}

export type ReduceFunctionOrLambda<T> = ReduceFunction<T> | ((a: T, b: T) => T);

export class ReducingStateDescriptor<T> extends AbstractStateDescriptor<T> {
  readonly kind = 'reducing' as const;
  readonly reduce: (a: T, b: T) => T;
  readonly valueSerializer?: TypeSerializer<unknown>;
  constructor(
    name: string,
    readonly reduceFunction: ReduceFunctionOrLambda<T>,
    serializer?: TypeSerializer<T>,
  ) {
    super(name);
    this.reduce = typeof reduceFunction === 'function' ? reduceFunction : reduceFunction.reduce.bind(reduceFunction);
    this.valueSerializer = checkedSerializer(name, serializer, 'serializer');
  }

  getSerializer(): TypeSerializer<T> | undefined {
    return this.valueSerializer as TypeSerializer<T> | undefined;
  }
}

export class AggregatingStateDescriptor<IN, ACC, OUT> extends AbstractStateDescriptor<ACC> {
  readonly kind = 'aggregating' as const;
  declare readonly __in?: IN;
  declare readonly __out?: OUT;
  readonly valueSerializer?: TypeSerializer<unknown>;
  /** `accumulatorSerializer`: writes the accumulator (absent: msgpack). */
  constructor(
    name: string,
    readonly aggregateFunction: AggregateFunction<IN, ACC, OUT>,
    accumulatorSerializer?: TypeSerializer<ACC>,
  ) {
    super(name);
    this.valueSerializer = checkedSerializer(name, accumulatorSerializer, 'accumulator serializer');
  }

  getSerializer(): TypeSerializer<ACC> | undefined {
    return this.valueSerializer as TypeSerializer<ACC> | undefined;
  }
}

function checkedSerializer<T>(stateName: string, serializer: TypeSerializer<T> | undefined, what: string): TypeSerializer<unknown> | undefined {
  if (serializer === undefined || serializer === null) return undefined;
  if (!isTypeSerializer(serializer)) {
    throw new InvalidStateConfigurationError(`The ${what} of state '${stateName}' must have serialize(value) and deserialize(bytes) functions`);
  }
  return serializer as TypeSerializer<unknown>;
}
