/**
 * The state handles a user function works with (Flink's ValueState, ListState, MapState,
 * ReducingState, AggregatingState, BroadcastState). Keyed handles act on the current key (set by the
 * task from the record or timer being processed) and the store's current namespace.
 *
 * What is copied: `ListState.get()` and the iterators of MapState/BroadcastState return fresh arrays
 * (adding while iterating is safe), but the element/value objects themselves are the stored objects,
 * as with Flink's heap backend. Mutating a returned object without writing it back changes the
 * state of the `hashmap` backend only; call `update`/`put` to be portable across backends.
 */
export interface State {
  /** Removes the value of the current key (and namespace). */
  clear(): void;
}

export interface ValueState<T> extends State {
  /** The value, or the descriptor's default value (undefined without one) when empty. */
  value(): T | undefined;
  /** `update(undefined)` or `update(null)` clears, as in Flink. */
  update(value: T | null | undefined): void;
}

/** State that values are added to and whose aggregate is read (Flink's AppendingState). */
export interface AppendingState<IN, OUT> extends State {
  get(): OUT;
  add(value: IN): void;
}

export interface ListState<T> extends AppendingState<T, T[]> {
  /** A copy of the list; empty when there is no value. */
  get(): T[];
  /** Replaces the list; an empty array clears it. */
  update(values: readonly T[]): void;
  addAll(values: readonly T[]): void;
}

export interface ReducingState<T> extends AppendingState<T, T | undefined> {}

export interface AggregatingState<IN, OUT> extends AppendingState<IN, OUT | undefined> {}

export interface MapState<K, V> extends State {
  get(key: K): V | undefined;
  put(key: K, value: V): void;
  putAll(entries: Iterable<readonly [K, V]> | ReadonlyMap<K, V>): void;
  remove(key: K): void;
  contains(key: K): boolean;
  entries(): Array<[K, V]>;
  keys(): K[];
  values(): V[];
  isEmpty(): boolean;
}

/** Broadcast state as the non-broadcast side sees it (Flink's ReadOnlyBroadcastState). */
export interface ReadOnlyBroadcastState<K, V> {
  get(key: K): V | undefined;
  contains(key: K): boolean;
  immutableEntries(): ReadonlyArray<readonly [K, V]>;
}

/** Broadcast state as the broadcast side sees it: the same on every subtask if every subtask writes alike. */
export interface BroadcastState<K, V> extends ReadOnlyBroadcastState<K, V> {
  put(key: K, value: V): void;
  putAll(entries: Iterable<readonly [K, V]> | ReadonlyMap<K, V>): void;
  remove(key: K): void;
  entries(): Array<[K, V]>;
  keys(): K[];
  values(): V[];
  isEmpty(): boolean;
  clear(): void;
}
