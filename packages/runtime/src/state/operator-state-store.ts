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
import { entriesOf, mapKeyOf, type EntryTable } from './map-keys';

export type { OperatorStateMode };

export interface OperatorStateSnapshot {
  readonly name: string;
  readonly mode: OperatorStateMode;
  readonly values: unknown[];
}

class OperatorListState<T> implements ListState<T> {
  private list: T[] = [];
  constructor(
    readonly name: string,
    readonly mode: OperatorStateMode,
  ) {}
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
  constructor(readonly name: string) {}
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
    const lists = [...this.lists.values()].map((s) => ({ name: s.name, mode: s.mode, values: s.get() }));
    const broadcasts = [...this.broadcasts.values()].map((s) => ({ name: s.name, mode: 'BROADCAST' as const, values: s.entries() }));
    return [...lists, ...broadcasts];
  }

  /**
   * Puts restored state in place before the operator initialises (its share after redistribution):
   * lists keep their mode, so asking for one with another mode fails as it would have before.
   */
  restoreState(states: readonly OperatorStateSnapshot[]): void {
    for (const s of states) {
      if (s.mode === 'BROADCAST') {
        const state = new HeapBroadcastState<unknown, unknown>(s.name);
        for (const [k, v] of s.values as Array<[unknown, unknown]>) state.put(k, v);
        this.broadcasts.set(s.name, state);
      } else {
        const state = new OperatorListState<unknown>(s.name, s.mode);
        state.update(s.values);
        this.lists.set(s.name, state);
      }
    }
  }

  private list<T>(descriptor: ListStateDescriptor<T>, mode: OperatorStateMode): ListState<T> {
    const existing = this.lists.get(descriptor.name);
    if (existing) {
      if (existing.mode !== mode) throw new StateDescriptorConflictError(descriptor.name, existing.mode, mode);
      return existing as ListState<T>;
    }
    const state = new OperatorListState<T>(descriptor.name, mode);
    this.lists.set(descriptor.name, state as OperatorListState<unknown>);
    return state;
  }
}
