/**
 * An entry of the lmdb backend's cache: the LMDB key and the value's bytes (undefined: no entry, in
 * LMDB or after a removal); `dirty` until it is committed.
 */
export interface CachedEntry {
  readonly key: Buffer;
  value: Buffer | undefined;
  dirty: boolean;
  /** A removed composite key: the change record carries it (the key of the LMDB entry is its canonical form only). */
  removedKey?: unknown;
}

export interface LmdbEntryCacheBounds {
  /** Entries kept, committed or not (0: only writes not yet committed). */
  readonly entries: number;
  /** Bytes kept, committed or not: values, keys and an estimate of each entry's own objects (ENTRY_OVERHEAD). */
  readonly bytes: number;
  /** Writes not yet committed after which they are committed (one transaction). */
  readonly writeBatchSize: number;
  /** Bytes of values not yet committed after which they are committed. */
  readonly writeBatchMemory: number;
}

/** What an entry costs the heap beyond its value's bytes: the key (a Buffer and its latin1 string), the Map slot, the objects. */
const ENTRY_OVERHEAD = 160;

const costOf = (key: Buffer, value: Buffer | undefined): number => ENTRY_OVERHEAD + 2 * key.length + (value?.length ?? 0);

/**
 * The lmdb backend's entries on the task thread, by the LMDB key's latin1 form: the writes not yet
 * committed (committed together, as one transaction costs about ten writes) and, once committed or
 * read, the entries used last, so the read-modify-write of a hot key (a window's count per auction)
 * costs a Map lookup instead of an LMDB read. Both are bounded: writes by the batch bounds, the cache
 * by entries and bytes, dropping the oldest committed entries first (insertion order). Values are
 * bytes, so `get` still hands out a fresh copy and a snapshot needs no serialising at the barrier.
 */
export class LmdbEntryCache {
  private readonly entries = new Map<string, CachedEntry>();
  private readonly dirty: CachedEntry[] = [];
  private dirtyBytes = 0;
  private bytes = 0;

  constructor(
    private readonly bounds: LmdbEntryCacheBounds,
    /** Commits `writes` in one transaction. */
    private readonly commit: (writes: readonly CachedEntry[]) => void,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(id: string): CachedEntry | undefined {
    return this.entries.get(id);
  }

  /** Keeps a value read from LMDB (a copy: LMDB's read buffer is reused). */
  remember(id: string, key: Buffer, value: Buffer | undefined): void {
    if (this.bounds.entries === 0) return;
    const copy = value === undefined ? undefined : Buffer.from(value);
    this.entries.set(id, { key: Buffer.from(key), value: copy, dirty: false });
    this.bytes += costOf(key, copy);
    this.bound();
  }

  /** Buffers a write; commits the buffered ones when the batch is full. */
  write(id: string, key: Buffer, value: Buffer | undefined, removedKey?: unknown): void {
    let entry = this.entries.get(id);
    if (entry === undefined) {
      entry = { key: Buffer.from(key), value: undefined, dirty: false };
      this.entries.set(id, entry);
      this.bytes += costOf(key, undefined);
    }
    this.bytes += (value?.length ?? 0) - (entry.value?.length ?? 0);
    entry.value = value;
    entry.removedKey = removedKey;
    if (!entry.dirty) {
      entry.dirty = true;
      this.dirty.push(entry);
    }
    this.dirtyBytes += value?.length ?? 0;
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

  clear(): void {
    this.entries.clear();
    this.dirty.length = 0;
    this.dirtyBytes = 0;
    this.bytes = 0;
  }

  /**
   * Over a bound: drops the oldest committed entries, an eighth of the bound beyond it (in one go, not
   * one per access). Writes not yet committed stay: the batch bounds bound them.
   */
  private bound(): void {
    const { entries, bytes, writeBatchMemory } = this.bounds;
    const maxBytes = bytes + writeBatchMemory;
    let drop = this.entries.size - this.dirty.length - entries;
    if (drop <= 0 && this.bytes <= maxBytes) return;
    drop += entries >> 3;
    for (const [id, entry] of this.entries) {
      if (drop <= 0 && this.bytes <= maxBytes) break;
      if (entry.dirty) continue;
      this.entries.delete(id);
      this.bytes -= costOf(entry.key, entry.value);
      drop--;
    }
  }
}
