/**
 * An entry of the lmdb backend's cache: the LMDB key and the value, decoded (undefined: no entry, in
 * LMDB or after a removal); `dirty` until it is committed. The value is the cache's own copy: it is
 * never handed out (the backend copies it for `get`) and never changed in place (a write replaces it).
 */
export interface CachedEntry {
  readonly key: Buffer;
  value: unknown;
  /** Estimated heap bytes of the value. */
  size: number;
  dirty: boolean;
  /** A removed composite key: the change record carries it (the key of the LMDB entry is its canonical form only). */
  removedKey?: unknown;
  /** The map of the cache that holds the entry, and its id there (to drop it). */
  readonly map: Map<unknown, CachedEntry>;
  readonly id: unknown;
}

export interface LmdbEntryCacheBounds {
  /** Entries kept, committed or not (0: only writes not yet committed). */
  readonly entries: number;
  /** Bytes kept, committed or not: values, keys and an estimate of each entry's own objects (ENTRY_OVERHEAD). */
  readonly bytes: number;
  /** Writes not yet committed after which they are committed (one transaction). */
  readonly writeBatchSize: number;
  /** Estimated bytes of values not yet committed after which they are committed. */
  readonly writeBatchMemory: number;
}

/** What an entry costs the heap beyond its value: the key (a Buffer), the Map slot, the objects. */
const ENTRY_OVERHEAD = 160;

const costOf = (entry: CachedEntry): number => ENTRY_OVERHEAD + entry.key.length + entry.size;

/**
 * The lmdb backend's entries on the task thread, decoded: the writes not yet committed (a write-back
 * cache: a value is serialised once, when its batch is committed in one transaction, however often it
 * was written since) and, once committed or read, the entries used last, so the read-modify-write of a
 * hot key (a window's count per auction) costs a Map lookup and a copy instead of an LMDB read and a
 * msgpack round trip. Entries live in maps the backend picks per state (by the user key itself for
 * primitive keys, so a lookup builds no key). Both are bounded: writes by the batch bounds, the cache
 * by entries and bytes, dropping the oldest committed entries first (insertion order).
 */
export class LmdbEntryCache {
  /** Every entry held, oldest first, from `head` on (dropped entries are taken off the front). */
  private queue: CachedEntry[] = [];
  private head = 0;
  private readonly dirty: CachedEntry[] = [];
  private dirtyBytes = 0;
  private bytes = 0;

  constructor(
    private readonly bounds: LmdbEntryCacheBounds,
    /** Commits `writes` in one transaction (serialising their values). */
    private readonly commit: (writes: readonly CachedEntry[]) => void,
  ) {}

  get size(): number {
    return this.queue.length - this.head;
  }

  /** Keeps a value read from LMDB (decoded: the cache's own copy) in `map` under `id`. */
  remember(map: Map<unknown, CachedEntry>, id: unknown, key: Buffer, value: unknown, size: number): void {
    if (this.bounds.entries === 0) return;
    this.add({ key: Buffer.from(key), value, size, dirty: false, map, id });
    this.bound();
  }

  /**
   * Buffers a write of `value` (the cache's own copy; undefined: a removal) to `entry`, or to a new
   * entry for `key` in `map` under `id`; commits the buffered ones when the batch is full.
   */
  write(entry: CachedEntry | undefined, map: Map<unknown, CachedEntry>, id: unknown, key: Buffer, value: unknown, size: number, removedKey?: unknown): void {
    if (entry === undefined) {
      entry = { key: Buffer.from(key), value, size, dirty: false, map, id };
      this.add(entry);
    } else {
      this.bytes += size - entry.size;
      entry.value = value;
      entry.size = size;
    }
    entry.removedKey = removedKey;
    if (!entry.dirty) {
      entry.dirty = true;
      this.dirty.push(entry);
    }
    this.dirtyBytes += size;
    if (this.dirty.length >= this.bounds.writeBatchSize || this.dirtyBytes >= this.bounds.writeBatchMemory) this.flush();
    this.bound();
  }

  /** Commits the buffered writes in one transaction; their entries stay cached. */
  flush(): void {
    if (this.dirty.length === 0) return;
    this.commit(this.dirty);
    for (const entry of this.dirty) {
      entry.dirty = false;
      entry.removedKey = undefined;
    }
    this.dirty.length = 0;
    this.dirtyBytes = 0;
  }

  /** Drops everything, committed or not (the backend's maps are cleared with it). */
  clear(): void {
    for (let i = this.head; i < this.queue.length; i++) this.queue[i].map.clear();
    this.queue = [];
    this.head = 0;
    this.dirty.length = 0;
    this.dirtyBytes = 0;
    this.bytes = 0;
  }

  private add(entry: CachedEntry): void {
    entry.map.set(entry.id, entry);
    this.queue.push(entry);
    this.bytes += costOf(entry);
  }

  /**
   * Over a bound: drops the oldest committed entries, an eighth of the bound beyond it (in one go, not
   * one per access). Writes not yet committed stay (the batch bounds bound them): they go to the back.
   */
  private bound(): void {
    const { entries, bytes, writeBatchMemory } = this.bounds;
    const maxBytes = bytes + writeBatchMemory;
    let drop = this.size - this.dirty.length - entries;
    if (drop <= 0 && this.bytes <= maxBytes) return;
    drop += entries >> 3;
    const kept: CachedEntry[] = [];
    const queue = this.queue;
    let i = this.head;
    for (; i < queue.length && (drop > 0 || this.bytes > maxBytes); i++) {
      const entry = queue[i];
      if (entry.dirty) {
        kept.push(entry);
        continue;
      }
      entry.map.delete(entry.id);
      this.bytes -= costOf(entry);
      drop--;
    }
    // The uncommitted entries passed over keep their place at the front.
    this.head = i - kept.length;
    for (let k = 0; k < kept.length; k++) queue[this.head + k] = kept[k];
    if (this.head > 1024 && this.head * 2 > queue.length) {
      this.queue = queue.slice(this.head);
      this.head = 0;
    }
  }
}
