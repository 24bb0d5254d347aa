import {
  NullStateValueError,
  StateDescriptorConflictError,
  type BroadcastState,
  type ListState,
  type ListStateDescriptor,
  type MapStateDescriptor,
  type OperatorStateStore,
} from '@flott/core';
import type { OperatorStateMode } from '../snapshot/snapshot-data';
import { entriesOf, mapKeyOf, type EntryTable } from '../serialization/map-keys';
import { asBufferForm, noSerializerToRead, PLAIN, serializing, type Side } from '../serialization/state-codec';

export type { OperatorStateMode };

export interface OperatorStateSnapshot {
  readonly name: string;
  readonly mode: OperatorStateMode;
  readonly values: unknown[];
  /** The elements (broadcast: keys and values) are in the serialized form of the state's custom serializers. */
  readonly serialized?: boolean;
}

// Restored values written by custom serializers (a snapshot's `serialized` state) wait as they came
// (`waiting`) until the operator asks for the state with its descriptor, which has the serializers to
// read them; a snapshot before that writes them as they are.

class OperatorListState<T> implements ListState<T> {
  private list: T[] = [];
  waiting?: unknown[];
  /** The element serializer of the descriptor it was asked for with (undefined: msgpack). */
  element: Side | undefined;
  constructor(
    readonly name: string,
    readonly mode: OperatorStateMode,
  ) {}
  private used = false;
  /** Called for each descriptor the state is asked with: the first one's serializer counts, and reads what waits. */
  use(descriptor: ListStateDescriptor<T>): void {
    if (this.used) return;
    this.used = true;
    const serializer = descriptor.valueSerializer;
    this.element = serializer && serializing(this.name, serializer);
    if (this.waiting === undefined) return;
    if (this.element === undefined) throw noSerializerToRead(this.name);
    this.update(this.waiting.map(this.element.from) as T[]);
    this.waiting = undefined;
  }
  snapshot(): OperatorStateSnapshot {
    if (this.waiting !== undefined) return { name: this.name, mode: this.mode, values: this.waiting, serialized: true };
    if (this.element === undefined) return { name: this.name, mode: this.mode, values: this.get() };
    return { name: this.name, mode: this.mode, values: this.list.map(this.element.to), serialized: true };
  }
  get(): T[] {
    return this.list.slice();
  }
  add(value: T): void {
    if (value === null || value === undefined) throw new NullStateValueError(this.name, 'add');
    this.list.push(value);
  }
  addAll(values: readonly T[]): void {
    for (const v of values) this.add(v);
  }
  update(values: readonly T[]): void {
    for (const v of values) if (v === null || v === undefined) throw new NullStateValueError(this.name, 'update');
    this.list = values.slice();
  }
  clear(): void {
    this.list = [];
  }
}

class HeapBroadcastState<K, V> implements BroadcastState<K, V> {
  private readonly table: EntryTable<K, V> = new Map();
  waiting?: unknown[];
  private key: Side = PLAIN;
  private value: Side = PLAIN;
  private serialized = false;
  private used = false;
  constructor(readonly name: string) {}
  /** As OperatorListState.use, with the descriptor's key and value serializers. */
  use(descriptor: MapStateDescriptor<K, V>): void {
    if (this.used) return;
    this.used = true;
    const { mapKeySerializer: k, valueSerializer: v } = descriptor;
    this.key = k ? serializing(this.name, k) : PLAIN;
    this.value = v ? serializing(this.name, v) : PLAIN;
    this.serialized = k !== undefined || v !== undefined;
    if (this.waiting === undefined) return;
    if (!this.serialized) throw noSerializerToRead(this.name);
    for (const [key, value] of this.waiting as Array<[unknown, unknown]>) this.put(this.key.from(key) as K, this.value.from(value) as V);
    this.waiting = undefined;
  }
  snapshot(): OperatorStateSnapshot {
    if (this.waiting !== undefined) return { name: this.name, mode: 'BROADCAST', values: this.waiting, serialized: true };
    if (!this.serialized) return { name: this.name, mode: 'BROADCAST', values: this.entries() };
    return { name: this.name, mode: 'BROADCAST', values: [...this.table.values()].map((e) => [this.key.to(e.key), this.value.to(e.value)]), serialized: true };
  }
  get(key: K): V | undefined {
    return this.table.get(mapKeyOf(key))?.value;
  }
  contains(key: K): boolean {
    return this.table.has(mapKeyOf(key));
  }
  put(key: K, value: V): void {
    this.table.set(mapKeyOf(key), { key, value, t: 0 });
  }
  putAll(entries: Iterable<readonly [K, V]> | ReadonlyMap<K, V>): void {
    for (const [k, v] of entriesOf(entries)) this.put(k, v);
  }
  remove(key: K): void {
    this.table.delete(mapKeyOf(key));
  }
  entries(): Array<[K, V]> {
    return [...this.table.values()].map((e) => [e.key, e.value]);
  }
  immutableEntries(): ReadonlyArray<readonly [K, V]> {
    return Object.freeze(this.entries().map((e) => Object.freeze(e)));
  }
  keys(): K[] {
    return [...this.table.values()].map((e) => e.key);
  }
  values(): V[] {
    return [...this.table.values()].map((e) => e.value);
  }
  isEmpty(): boolean {
    return this.table.size === 0;
  }
  clear(): void {
    this.table.clear();
  }
}

export class DefaultOperatorStateStore implements OperatorStateStore {
  private readonly lists = new Map<string, OperatorListState<unknown>>();
  private readonly broadcasts = new Map<string, HeapBroadcastState<unknown, unknown>>();

  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.list(descriptor, 'SPLIT_DISTRIBUTE');
  }

  getUnionListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.list(descriptor, 'UNION');
  }

  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V> {
    let state = this.broadcasts.get(descriptor.name);
    if (!state) this.broadcasts.set(descriptor.name, (state = new HeapBroadcastState(descriptor.name)));
    (state as HeapBroadcastState<K, V>).use(descriptor);
    return state as BroadcastState<K, V>;
  }

  getRegisteredStateNames(): string[] {
    return [...this.lists.keys()];
  }

  getRegisteredBroadcastStateNames(): string[] {
    return [...this.broadcasts.keys()];
  }

  /** What a checkpoint will store (the checkpoint issue redistributes it by mode on restore). */
  snapshotState(): OperatorStateSnapshot[] {
    return [...[...this.lists.values()].map((s) => s.snapshot()), ...[...this.broadcasts.values()].map((s) => s.snapshot())];
  }

  /**
   * Puts restored state in place before the operator initialises (its share after redistribution):
   * lists keep their mode, so asking for one with another mode fails as it would have before.
   */
  restoreState(states: readonly OperatorStateSnapshot[]): void {
    for (const s of states) {
      if (s.mode === 'BROADCAST') {
        const state = new HeapBroadcastState<unknown, unknown>(s.name);
        if (s.serialized === true) state.waiting = s.values.map(asBufferForm);
        else for (const [k, v] of s.values as Array<[unknown, unknown]>) state.put(k, v);
        this.broadcasts.set(s.name, state);
      } else {
        const state = new OperatorListState<unknown>(s.name, s.mode);
        if (s.serialized === true) state.waiting = s.values.map(asBufferForm);
        else state.update(s.values);
        this.lists.set(s.name, state);
      }
    }
  }

  private list<T>(descriptor: ListStateDescriptor<T>, mode: OperatorStateMode): ListState<T> {
    const existing = this.lists.get(descriptor.name) as OperatorListState<T> | undefined;
    if (existing) {
      if (existing.mode !== mode) throw new StateDescriptorConflictError(descriptor.name, existing.mode, mode);
      existing.use(descriptor);
      return existing;
    }
    const state = new OperatorListState<T>(descriptor.name, mode);
    state.use(descriptor);
    this.lists.set(descriptor.name, state as OperatorListState<unknown>);
    return state;
  }
}
