import {
  KeyedStateUnavailableError,
  StateDescriptorConflictError,
  type AbstractStateDescriptor,
  type AggregatingState,
  type AggregatingStateDescriptor,
  type Clock,
  type KeyedStateStore,
  type ListState,
  type ListStateDescriptor,
  type MapState,
  type MapStateDescriptor,
  type ReducingState,
  type ReducingStateDescriptor,
  type State,
  type StateKind,
  type ValueState,
  type ValueStateDescriptor,
} from '@flott/core';
import type { KeyedStateBackend } from '../spi/state-backend';
import { KeyedMapState } from './keyed-map-state';
import { KeyedAggregatingState, KeyedListState, KeyedReducingState, KeyedValueState, type NamespaceScope } from './keyed-state-handles';
import { KeyedStateSerializers } from './state-serializers';
import { ttlPolicyOf } from './ttl-policy';

/**
 * Creates state handles on one operator's KeyedStateBackend. Handles act on the backend's current
 * key and on this store's current namespace (undefined unless a window operator sets one), so an
 * operator that needs state per window keeps one store for that and switches its namespace.
 * One handle per state name; asking again returns the same handle. Mailbox thread only.
 */
export class DefaultKeyedStateStore implements KeyedStateStore, NamespaceScope {
  namespace: string | undefined;
  private readonly handles = new Map<string, { readonly kind: StateKind; readonly handle: unknown }>();

  constructor(
    readonly backend: KeyedStateBackend,
    private readonly clock: Clock,
    namespace?: string,
  ) {
    this.namespace = namespace;
  }

  setCurrentNamespace(namespace: string | undefined): void {
    this.namespace = namespace;
  }

  getState<T>(d: ValueStateDescriptor<T>): ValueState<T> {
    return this.handle(d, () => new KeyedValueState(this.backend, d, this, this.ttl(d)));
  }

  getListState<T>(d: ListStateDescriptor<T>): KeyedListState<T> {
    return this.handle(d, () => new KeyedListState<T>(this.backend, d, this, this.ttl(d)));
  }

  getMapState<K, V>(d: MapStateDescriptor<K, V>): MapState<K, V> {
    return this.handle(d, () => new KeyedMapState(this.backend, d, this, this.ttl(d)));
  }

  getReducingState<T>(d: ReducingStateDescriptor<T>): KeyedReducingState<T> {
    return this.handle(d, () => new KeyedReducingState(this.backend, d, this, this.ttl(d)));
  }

  getAggregatingState<IN, ACC, OUT>(d: AggregatingStateDescriptor<IN, ACC, OUT>): KeyedAggregatingState<IN, ACC, OUT> {
    return this.handle(d, () => new KeyedAggregatingState(this.backend, d, this, this.ttl(d)));
  }

  /** The handle of any descriptor, by its kind (for applyToKeyedState and windows). */
  getPartitionedState(d: AbstractStateDescriptor<unknown>): State {
    switch (d.kind) {
      case 'value':
        return this.getState(d as ValueStateDescriptor<unknown>);
      case 'list':
        return this.getListState(d as ListStateDescriptor<unknown>);
      case 'map':
        return this.getMapState(d as MapStateDescriptor<unknown, unknown>);
      case 'reducing':
        return this.getReducingState(d as ReducingStateDescriptor<unknown>);
      case 'aggregating':
        return this.getAggregatingState(d as AggregatingStateDescriptor<unknown, unknown, unknown>);
    }
  }

  /**
   * Runs `fn` for every key that holds a value of `descriptor` (in this store's namespace), with
   * that key current (Flink's applyToKeyedState); the previous current key is restored afterwards.
   */
  forEachKey(descriptor: AbstractStateDescriptor<unknown>, fn: (key: unknown) => void): void {
    const previous = this.backend.getCurrentKey();
    try {
      for (const key of this.backend.getKeys(descriptor, this.namespace)) {
        this.backend.setCurrentKey(key);
        fn(key);
      }
    } finally {
      if (previous !== undefined) this.backend.setCurrentKey(previous);
    }
  }

  private ttl(d: AbstractStateDescriptor<unknown>) {
    return ttlPolicyOf(d.getTtlConfig(), this.clock);
  }

  private handle<H>(d: AbstractStateDescriptor<unknown>, create: () => H): H {
    const existing = this.handles.get(d.name);
    if (existing) {
      if (existing.kind !== d.kind) throw new StateDescriptorConflictError(d.name, existing.kind, d.kind);
      return existing.handle as H;
    }
    // The backend learns the state's serializer, and a restore's entries waiting for it become values.
    KeyedStateSerializers.of(this.backend).register(d, this.backend);
    const handle = create();
    this.handles.set(d.name, { kind: d.kind, handle });
    return handle;
  }
}

/** Throws Flink's error on every getter: the RuntimeContext of a function that does not run keyed. */
export const NON_KEYED_STATE_STORE: KeyedStateStore = {
  getState: (d) => nonKeyed(d.name),
  getListState: (d) => nonKeyed(d.name),
  getMapState: (d) => nonKeyed(d.name),
  getReducingState: (d) => nonKeyed(d.name),
  getAggregatingState: (d) => nonKeyed(d.name),
};

function nonKeyed(name: string): never {
  throw new KeyedStateUnavailableError(name);
}
