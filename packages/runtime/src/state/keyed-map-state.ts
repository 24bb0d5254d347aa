import type { MapState, MapStateDescriptor } from '@flott/core';
import type { KeyedStateBackend } from '../spi/state-backend';
import type { NamespaceScope } from './keyed-state-handles';
import { entriesOf, mapKeyOf, type EntryTable, type MapEntry } from '../serialization/map-keys';
import type { TtlPolicy } from './ttl-policy';

/**
 * MapState of the current key: the backend holds one table per (key, namespace); with TTL each
 * entry expires on its own (Flink's TtlMapState). An emptied table is removed from the backend.
 */
export class KeyedMapState<K, V> implements MapState<K, V> {
  constructor(
    private readonly backend: KeyedStateBackend,
    private readonly descriptor: MapStateDescriptor<K, V>,
    private readonly scope: NamespaceScope,
    private readonly ttl: TtlPolicy | undefined,
  ) {}

  get(key: K): V | undefined {
    const table = this.table(false);
    const entry = table?.get(mapKeyOf(key));
    if (!table || !entry) return undefined;
    return this.visible(table, mapKeyOf(key), entry) ? entry.value : this.expiredValue(entry);
  }

  put(key: K, value: V): void {
    const table = this.table(true) as EntryTable<K, V>;
    table.set(mapKeyOf(key), { key, value, t: this.now() });
    this.store(table);
  }

  putAll(entries: Iterable<readonly [K, V]> | ReadonlyMap<K, V>): void {
    const table = this.table(true) as EntryTable<K, V>;
    const t = this.now();
    for (const [key, value] of entriesOf(entries)) table.set(mapKeyOf(key), { key, value, t });
    this.store(table);
  }

  remove(key: K): void {
    const table = this.table(false);
    if (table && table.delete(mapKeyOf(key))) this.store(table);
  }

  contains(key: K): boolean {
    const table = this.table(false);
    const k = mapKeyOf(key);
    const entry = table?.get(k);
    return !!table && !!entry && (this.visible(table, k, entry) || this.expiredValue(entry) !== undefined);
  }

  entries(): Array<[K, V]> {
    return this.live().map((e) => [e.key, e.value]);
  }

  keys(): K[] {
    return this.live().map((e) => e.key);
  }

  values(): V[] {
    return this.live().map((e) => e.value);
  }

  isEmpty(): boolean {
    return this.live().length === 0;
  }

  clear(): void {
    this.backend.clear(this.descriptor, this.scope.namespace);
  }

  private live(): Array<MapEntry<K, V>> {
    const table = this.table(false);
    if (!table) return [];
    const result: Array<MapEntry<K, V>> = [];
    for (const [k, entry] of [...table]) {
      if (this.visible(table, k, entry)) result.push(entry);
      else if (this.ttl?.returnExpired) result.push(entry);
    }
    return result;
  }

  /** Checks TTL; removes an expired entry (writing the table back) and refreshes on read if configured. */
  private visible(table: EntryTable<K, V>, k: unknown, entry: MapEntry<K, V>): boolean {
    const ttl = this.ttl;
    if (!ttl) return true;
    if (ttl.isExpired({ v: entry.value, t: entry.t })) {
      table.delete(k);
      this.store(table);
      return false;
    }
    if (ttl.updateOnRead) {
      entry.t = this.now();
      this.store(table);
    }
    return true;
  }

  private expiredValue(entry: MapEntry<K, V>): V | undefined {
    return this.ttl?.returnExpired ? entry.value : undefined;
  }

  private table(create: boolean): EntryTable<K, V> | undefined {
    const t = this.backend.get(this.descriptor, this.scope.namespace) as EntryTable<K, V> | undefined;
    return t ?? (create ? new Map() : undefined);
  }

  private store(table: EntryTable<K, V>): void {
    if (table.size === 0) this.backend.clear(this.descriptor, this.scope.namespace);
    else this.backend.put(this.descriptor, table, this.scope.namespace);
  }

  private now(): number {
    return this.ttl ? this.ttl.wrap(undefined).t : 0;
  }
}
