/**
 * User keys of MapState and BroadcastState are compared by value, as Flink compares them by
 * equals(): primitives directly, arrays and objects by their JSON form (in a key space apart from
 * strings, so the string "[1]" and the array [1] stay different keys).
 */
export function mapKeyOf(key: unknown): unknown {
  if (key === null || typeof key !== 'object') return key;
  return `\u0000${JSON.stringify(key, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`;
}

export interface MapEntry<K, V> {
  readonly key: K;
  value: V;
  /** Last-access time for TTL (0 when the state has no TTL). */
  t: number;
}

export type EntryTable<K, V> = Map<unknown, MapEntry<K, V>>;

export function entriesOf<K, V>(source: Iterable<readonly [K, V]> | ReadonlyMap<K, V>): Iterable<readonly [K, V]> {
  return source instanceof Map ? (source as ReadonlyMap<K, V>).entries() : (source as Iterable<readonly [K, V]>);
}
