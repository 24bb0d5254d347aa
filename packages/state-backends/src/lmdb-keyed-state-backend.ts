import { assert, type StateDescriptor } from '@flott/core';
import { KeyGroupOutOfRangeError } from '@flott/runtime/common';
import { NOT_PRIMITIVE, packPrimitiveArrays, stateCodecOf, unpackPrimitive, type StateValueCodec } from '@flott/runtime/spi';
import type { KeyedStateBackend, KeyedStateBackendParameters, KeyedStateSnapshotResources, KeyGroupRange, StateEntry } from '@flott/runtime/spi';
import type { Database, Transaction } from 'lmdb';
import type { Packr } from 'msgpackr';
import { canonicalKey, isPrimitiveKey, UnsupportedStateKeyError } from './canonical-key';
import { LmdbEntryCache, type CachedEntry } from './lmdb-entry-cache';
import { NOT_COPIED, ValueCopier } from '@flott/core';
import { decodeStateKey, keyGroupRange, MAX_KEY_GROUPS, MAX_STATES, primitiveFromCanonical, StateKeyEncoder } from './lmdb-state-keys';

export interface LmdbKeyedStateBackendOptions {
  readonly params: KeyedStateBackendParameters;
  /** This subtask's own database in the slot's environment (binary keys and values). */
  readonly db: Database<Buffer, Buffer>;
  /** Serialises values (msgpackr with the checkpoint format's type options). */
  readonly codec: Packr;
  /** Writes buffered before they are committed in one transaction. */
  readonly writeBatchSize: number;
  /** Bytes of buffered values before they are committed, whatever the count. */
  readonly writeBatchMemory: number;
  /** Entries kept on the task thread once read or committed (lmdb-entry-cache.ts). */
  readonly cacheEntries: number;
  /** Bytes of values kept so at most. */
  readonly cacheMemory: number;
  /** Called after each commit (the slot checks its size bound). */
  readonly afterCommit: () => void;
  /** Called once by dispose, after the buffered writes were dropped: drops the database. */
  readonly onDispose: () => void;
  /**
   * Incremental checkpoints: a database beside `db` where each commit notes every key it wrote, with
   * the epoch (snapshots taken before it) and, for a removed composite key, the key itself.
   */
  readonly changes?: Database<Buffer, Buffer>;
}

/** A value the lmdb backend's cache holds serialised (one the copier leaves to msgpackr). */
class Packed {
  constructor(readonly bytes: Buffer) {}
}

/** Snapshots whose epochs are kept as bases for changes at most (the runtime bases on the last completed one). */
const MAX_SNAPSHOT_EPOCHS = 64;

/**
 * Keyed state of one operator subtask in an LMDB database (`lmdb`): every value serialised with
 * msgpackr under a key that starts with its key group (layout in lmdb-state-keys.ts), so snapshots
 * and rescaling read whole key groups with range scans. Used on the task's mailbox thread only, with
 * lmdb's synchronous API. Writes are buffered and committed together (one LMDB transaction costs about
 * ten times one write), and the entries used last stay cached as values (lmdb-entry-cache.ts, a
 * write-back cache: a value is serialised when its batch is committed); reads look at the cache
 * first, scans and snapshots commit it. `get` returns a fresh copy of the value and `put` keeps one,
 * never a live object: callers write changes back with `put`, as the SPI asks. A state whose
 * descriptor has a custom serializer is stored in its serialized form (the serializer's bytes, so a
 * class instance comes back as one); scans and snapshots hand its values back as values.
 */
export class LmdbKeyedStateBackend implements KeyedStateBackend {
  readonly keyGroupRange: KeyGroupRange;
  private readonly db: Database<Buffer, Buffer>;
  private readonly codec: Packr;
  private readonly keys = new StateKeyEncoder();
  private readonly stateIds = new Map<string, number>();
  private readonly stateNames: string[] = [];
  /** The custom serializers' codec of each state id whose descriptor has one (the runtime's serialization/state-codec.ts). */
  private readonly stateCodecs: Array<StateValueCodec | undefined> = [];
  /** Entries per key group (index = key group − start): empty groups are known without a scan. */
  private readonly groupEntries: Int32Array;
  private entries = 0;
  /** Writes not yet committed and entries used last (lmdb-entry-cache.ts), decoded. */
  private readonly cache: LmdbEntryCache;
  /**
   * The cache's maps by state id, for entries without a namespace: by the user key itself (primitive
   * keys: a lookup builds nothing) or by its canonical form (composite keys).
   */
  private readonly cacheMaps: Array<{ readonly primitive: Map<unknown, CachedEntry>; readonly composite: Map<unknown, CachedEntry> }> = [];
  /** The cache's map for entries with a namespace, by the LMDB key's latin1 form. */
  private readonly namespacedCache = new Map<unknown, CachedEntry>();
  /** The id in its cache map of the entry `cacheMap` was last called for. */
  private cacheId: unknown;
  private readonly copier = new ValueCopier();
  /** The size `own` estimated for the value it made last. */
  private ownSize = 0;
  private disposed = false;
  private hasKey = false;
  private currentKey: unknown;
  private currentKeyGroup = 0;
  private currentComposite = false;
  /** The canonical form of a composite current key (its id in the cache). */
  private currentCanonical: string | undefined;
  /** Whether `keys` holds the current key (a number key is encoded only when an LMDB key is needed). */
  private keyEncoded = false;
  /** The current primitive key, to skip the encoding when consecutive records share it. */
  private lastPrimitive: unknown;
  /**
   * Whether the entry of the last lookup (state id, namespace, under the current key) exists, so the
   * put of a read-modify-write does not look it up again to keep the counts. Reset with the key.
   */
  private lookedUpState = -1;
  private lookedUpNamespace: string | undefined;
  private lookedUpExists = false;
  /** Read transactions of snapshots being written: ended by their release, or by dispose. */
  private readonly snapshots = new Set<Transaction>();
  /** Incremental: commits since the last snapshot carry this epoch in the change records. */
  private epoch = 0;
  /** Incremental: the epoch each recent snapshot closed, by checkpoint id. */
  private readonly snapshotEpochs = new Map<number, number>();

  constructor(private readonly options: LmdbKeyedStateBackendOptions) {
    const { keyGroupRange: range, maxParallelism } = options.params;
    const { startKeyGroup, endKeyGroup } = range;
    assert(
      Number.isInteger(startKeyGroup) && Number.isInteger(endKeyGroup) && startKeyGroup >= 0 && startKeyGroup <= endKeyGroup &&
        endKeyGroup < maxParallelism && maxParallelism <= MAX_KEY_GROUPS,
      `invalid key-group range [${startKeyGroup}, ${endKeyGroup}] for max parallelism ${maxParallelism} (at most ${MAX_KEY_GROUPS})`,
    );
    this.keyGroupRange = { startKeyGroup, endKeyGroup };
    this.groupEntries = new Int32Array(endKeyGroup - startKeyGroup + 1);
    this.db = options.db;
    this.codec = options.codec;
    this.cache = new LmdbEntryCache(
      { entries: options.cacheEntries, bytes: options.cacheMemory, writeBatchSize: options.writeBatchSize, writeBatchMemory: options.writeBatchMemory },
      (writes) => this.commit(writes),
    );
  }

  setCurrentKey(key: unknown): void {
    this.checkOpen();
    if (this.hasKey && !this.currentComposite && Object.is(key, this.lastPrimitive)) return;
    if (key === null || key === undefined) throw new UnsupportedStateKeyError('keys must not be null or undefined');
    const keyGroup = this.options.params.keyGroupOf(key);
    const { startKeyGroup, endKeyGroup } = this.keyGroupRange;
    if (!Number.isInteger(keyGroup) || keyGroup < startKeyGroup || keyGroup > endKeyGroup) {
      throw new KeyGroupOutOfRangeError(keyGroup, this.keyGroupRange, this.options.params.operatorId);
    }
    const composite = !isPrimitiveKey(key);
    // A number's key is always short enough: it is encoded when LMDB is asked (a cache hit needs none).
    this.keyEncoded = typeof key !== 'number';
    const canonical = this.keyEncoded ? canonicalKey(key) : undefined;
    if (canonical !== undefined) this.keys.setKey(canonical, composite);
    this.currentCanonical = composite ? canonical : undefined;
    this.currentKey = key;
    this.currentComposite = composite;
    this.lastPrimitive = composite ? undefined : key;
    this.currentKeyGroup = keyGroup;
    this.hasKey = true;
    this.lookedUpState = -1;
  }

  getCurrentKey(): unknown {
    return this.currentKey;
  }

  get(descriptor: StateDescriptor, namespace?: string): unknown {
    this.checkAccess();
    const stateId = this.stateIds.get(descriptor.name);
    if (stateId === undefined) return undefined;
    const map = this.cacheMap(stateId, namespace);
    const id = this.cacheId;
    const cached = map.get(id);
    let value: unknown;
    if (cached !== undefined) {
      const stored = cached.value;
      value = stored instanceof Packed ? this.unpack(stored.bytes) : stored === undefined ? undefined : this.copyOut(stored);
    } else {
      const key = this.lmdbKey(stateId, namespace);
      const bytes = this.read(key);
      value = bytes === undefined ? undefined : this.unpack(bytes, true);
      // The cache keeps the value decoded when the copier can copy it (the caller gets the copy), else the bytes.
      const own = typeof value === 'object' && value !== null ? this.copier.copy(value) : NOT_COPIED;
      if (own === NOT_COPIED) {
        this.cache.remember(map, id, key, bytes === undefined ? undefined : typeof value === 'object' ? new Packed(Buffer.from(bytes)) : value, bytes === undefined ? 0 : 64 + bytes.length);
      } else {
        this.cache.remember(map, id, key, value, this.copier.size);
        value = own;
      }
    }
    this.remember(stateId, namespace, value !== undefined);
    if (value === undefined) return undefined;
    if (this.currentComposite) value = (value as [unknown, unknown])[1];
    const codec = this.stateCodecs[stateId];
    return codec === undefined ? value : codec.fromSerialized(value);
  }

  put(descriptor: StateDescriptor, value: unknown, namespace?: string): void {
    // As the heap backend: update(null)-style undefined clears, an undefined value is never stored.
    if (value === undefined) return this.clear(descriptor, namespace);
    this.checkAccess();
    const stateId = this.stateIdOf(descriptor.name);
    const codec = stateCodecOf(descriptor);
    if (codec !== undefined) {
      this.stateCodecs[stateId] = codec;
      value = codec.toSerialized(value);
    }
    const own = this.own(this.currentComposite ? [this.currentKey, value] : value);
    const existed = this.write(stateId, namespace, own, this.ownSize, this.known(stateId, namespace));
    this.remember(stateId, namespace, true);
    if (!existed) {
      this.entries++;
      this.groupEntries[this.currentKeyGroup - this.keyGroupRange.startKeyGroup]++;
    }
  }

  clear(descriptor: StateDescriptor, namespace?: string): void {
    this.checkAccess();
    const stateId = this.stateIds.get(descriptor.name);
    if (stateId === undefined) return;
    const existed = this.write(stateId, namespace, undefined, 0, this.known(stateId, namespace), this.currentComposite ? this.currentKey : undefined);
    this.remember(stateId, namespace, false);
    if (!existed) return;
    this.entries--;
    this.groupEntries[this.currentKeyGroup - this.keyGroupRange.startKeyGroup]--;
  }

  getKeys(descriptor: StateDescriptor, namespace?: string): unknown[] {
    this.checkOpen();
    const keys: unknown[] = [];
    const stateId = this.stateIds.get(descriptor.name);
    if (stateId === undefined) return keys;
    this.flush();
    for (const keyGroup of this.nonEmptyKeyGroups()) {
      for (const { key, value } of this.db.getRange(this.keys.prefixRange(keyGroup, stateId, namespace))) {
        keys.push(this.entryOf(key, value, false).key);
      }
    }
    return keys;
  }

  numEntries(): number {
    return this.entries;
  }

  nonEmptyKeyGroups(): number[] {
    const result: number[] = [];
    this.groupEntries.forEach((n, i) => {
      if (n > 0) result.push(this.keyGroupRange.startKeyGroup + i);
    });
    return result;
  }

  entriesOfKeyGroup(keyGroup: number): Iterable<StateEntry> {
    this.checkOpen();
    const { startKeyGroup, endKeyGroup } = this.keyGroupRange;
    if (keyGroup < startKeyGroup || keyGroup > endKeyGroup) throw new KeyGroupOutOfRangeError(keyGroup, this.keyGroupRange, this.options.params.operatorId);
    // Committed now rather than at the first next(): the scan sees every write made before the call.
    this.flush();
    if (this.groupEntries[keyGroup - startKeyGroup] === 0) return [];
    return this.scanKeyGroup(keyGroup);
  }

  /** Commits the buffered writes in one transaction (scans call it; tests and benchmarks may). */
  flush(): void {
    this.cache.flush();
  }

  /** Commits `writes` in one transaction: each value is serialised here, once per batch. */
  private commit(writes: readonly CachedEntry[]): void {
    const db = this.db;
    const changes = this.options.changes;
    db.transactionSync(() => {
      for (const write of writes) {
        if (write.value === undefined) db.removeSync(write.key);
        else db.putSync(write.key, write.value instanceof Packed ? write.value.bytes : this.pack(write.value));
        if (changes) changes.putSync(write.key, this.changeRecord(write));
      }
    });
    this.options.afterCommit();
  }

  /**
   * Commits the write batch (at most `writeBatchSize` writes) and opens an LMDB read transaction: LMDB's
   * MVCC keeps the pages it sees while later commits write new ones, so the asynchronous part streams
   * the state as of the barrier from disk, one key group's range scan at a time, whatever its size.
   * Until it is released the transaction pins those pages (the file grows by what changes meanwhile).
   */
  snapshot(checkpointId: number, changesSince?: number): KeyedStateSnapshotResources {
    this.checkOpen();
    this.flush();
    const txn = this.db.useReadTransaction();
    this.snapshots.add(txn);
    const sinceEpoch = changesSince === undefined || !this.options.changes ? undefined : this.snapshotEpochs.get(changesSince);
    if (this.options.changes) {
      // Commits after this snapshot carry the next epoch: the changes since it are those of a higher one.
      this.snapshotEpochs.set(checkpointId, this.epoch++);
      if (this.snapshotEpochs.size > MAX_SNAPSHOT_EPOCHS) this.snapshotEpochs.delete(this.snapshotEpochs.keys().next().value!);
    }
    const groups = sinceEpoch === undefined ? this.nonEmptyKeyGroups() : this.allKeyGroups();
    const readable = (): void => {
      if (!this.snapshots.has(txn)) assert(false, `an lmdb keyed state snapshot of operator ${this.options.params.operatorId} read after its release or dispose`);
    };
    return {
      incremental: sinceEpoch !== undefined,
      keyGroups: () => {
        readable();
        return groups;
      },
      entriesOfKeyGroup: (keyGroup) => {
        readable();
        return sinceEpoch === undefined ? this.scanKeyGroup(keyGroup, txn) : this.scanChanges(keyGroup, sinceEpoch, txn);
      },
      release: () => {
        if (this.snapshots.delete(txn)) txn.done();
      },
    };
  }

  /** Snapshots before a completed checkpoint's are no base for changes any more (the runtime bases on the latest completed). */
  notifyCheckpointComplete(checkpointId: number): void {
    for (const id of [...this.snapshotEpochs.keys()]) if (id < checkpointId) this.snapshotEpochs.delete(id);
  }

  notifyCheckpointAborted(checkpointId: number): void {
    this.snapshotEpochs.delete(checkpointId);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const txn of this.snapshots) txn.done();
    this.snapshots.clear();
    this.cache.clear();
    this.cacheMaps.length = 0;
    this.groupEntries.fill(0);
    this.entries = 0;
    this.options.onDispose();
  }

  private *scanKeyGroup(keyGroup: number, transaction?: Transaction): Generator<StateEntry> {
    for (const { key, value } of this.db.getRange({ ...keyGroupRange(keyGroup), transaction })) yield this.entryOf(key, value);
  }

  /**
   * The entries of one key group changed after epoch `since`, as the snapshot's transaction sees them:
   * the current value, or undefined for an entry removed since. The change records are keyed like the
   * state, so this is one range scan of the group's records (older records are skipped).
   */
  private *scanChanges(keyGroup: number, since: number, transaction: Transaction): Generator<StateEntry> {
    for (const { key, value: record } of this.options.changes!.getRange({ ...keyGroupRange(keyGroup), transaction })) {
      if (record.readUInt32BE(0) <= since) continue;
      // lmdb-js reads with the snapshot's transaction given in the options (its typings leave the options out).
      const bytes = this.read(key, transaction);
      if (bytes !== undefined) {
        yield this.entryOf(key, bytes);
        continue;
      }
      const decoded = decodeStateKey(key);
      const userKey = decoded.composite ? this.codec.unpack(record.subarray(4)) : primitiveFromCanonical(decoded.canonical);
      yield { key: userKey, stateName: this.stateNames[decoded.stateId], namespace: decoded.namespace, value: undefined };
    }
  }

  /** A change record: the epoch (u32), then the key of a removed composite entry (its value no longer holds it). */
  private changeRecord(write: CachedEntry): Buffer {
    const key = write.value === undefined && write.removedKey !== undefined ? this.codec.pack(write.removedKey) : undefined;
    const record = Buffer.allocUnsafe(4 + (key?.length ?? 0));
    record.writeUInt32BE(this.epoch, 0);
    key?.copy(record, 4);
    return record;
  }

  private allKeyGroups(): number[] {
    const { startKeyGroup, endKeyGroup } = this.keyGroupRange;
    return Array.from({ length: endKeyGroup - startKeyGroup + 1 }, (_, i) => startKeyGroup + i);
  }

  /**
   * The value's bytes, valid until the next read. lmdb-js may answer in its shared read buffer, longer
   * than the value (`lastSize` says how long; its typings leave it and the options out).
   */
  private read(key: Buffer, transaction?: Transaction): Buffer | undefined {
    const db = this.db as unknown as { getBinaryFast(key: Buffer, options?: { transaction: Transaction }): Buffer | undefined; lastSize: number };
    const bytes = transaction === undefined ? db.getBinaryFast(key) : db.getBinaryFast(key, { transaction });
    return bytes?.subarray(0, db.lastSize);
  }

  /**
   * A value's bytes, a fresh array. Primitives and arrays of them (counters, ids, lists of numbers: the
   * common values) skip msgpackr, which costs about a microsecond a call; the bytes are the same.
   */
  private pack(value: unknown): Buffer {
    const fast = packPrimitiveArrays(value);
    // A copy of msgpackr's output: it shares its buffer with later output.
    return fast !== undefined ? Buffer.from(fast.buffer, fast.byteOffset, fast.byteLength) : Buffer.from(this.codec.pack(value));
  }

  /**
   * A value from its bytes; `owned`: a value that outlives `bytes` (msgpackr may answer typed arrays
   * as views of the bytes it reads, and LMDB's read buffer is reused), so msgpackr reads a copy.
   */
  private unpack(bytes: Buffer, owned = false): unknown {
    const value = unpackPrimitive(bytes);
    return value === NOT_PRIMITIVE ? this.codec.unpack(owned ? Buffer.from(bytes) : bytes) : value;
  }

  /** One stored entry; its value read back through the state's custom serializer unless `values` is false (keys only). */
  private entryOf(rawKey: Buffer, rawValue: Buffer, values = true): StateEntry {
    const decoded = decodeStateKey(rawKey);
    const stored = this.unpack(rawValue);
    const stateName = this.stateNames[decoded.stateId];
    const codec = values ? this.stateCodecs[decoded.stateId] : undefined;
    if (decoded.composite) {
      const [key, value] = stored as [unknown, unknown];
      return { key, stateName, namespace: decoded.namespace, value: codec === undefined ? value : codec.fromSerialized(value) };
    }
    return { key: primitiveFromCanonical(decoded.canonical), stateName, namespace: decoded.namespace, value: codec === undefined ? stored : codec.fromSerialized(stored) };
  }

  /**
   * Buffers one write of the current key's entry (`value`: the cache's own copy; undefined: a removal,
   * buffered only if the entry exists); returns whether the entry existed before (looked up unless `known`).
   */
  private write(stateId: number, namespace: string | undefined, value: unknown, size: number, known: boolean | undefined, removedKey?: unknown): boolean {
    const map = this.cacheMap(stateId, namespace);
    const id = this.cacheId;
    const cached = map.get(id);
    const key = cached !== undefined ? cached.key : this.lmdbKey(stateId, namespace);
    const existed = known ?? (cached !== undefined ? cached.value !== undefined : this.db.doesExist(key));
    if (value !== undefined || existed) this.cache.write(cached, map, id, key, value, size, removedKey);
    return existed;
  }

  /** The cache map of the current key's entry in `stateId` and `namespace`; its id there is left in `cacheId`. */
  private cacheMap(stateId: number, namespace: string | undefined): Map<unknown, CachedEntry> {
    if (namespace !== undefined) {
      this.cacheId = this.lmdbKey(stateId, namespace).toString('latin1');
      return this.namespacedCache;
    }
    let maps = this.cacheMaps[stateId];
    if (maps === undefined) this.cacheMaps[stateId] = maps = { primitive: new Map(), composite: new Map() };
    if (this.currentComposite) {
      this.cacheId = this.currentCanonical;
      return maps.composite;
    }
    this.cacheId = this.currentKey;
    return maps.primitive;
  }

  /** The LMDB key of the current key's entry, in the encoder's scratch buffer (valid until the next call). */
  private lmdbKey(stateId: number, namespace: string | undefined): Buffer {
    if (!this.keyEncoded) {
      this.keys.setKey(canonicalKey(this.currentKey), false);
      this.keyEncoded = true;
    }
    return this.keys.encode(this.currentKeyGroup, stateId, namespace);
  }

  /**
   * The cache's own form of a value being written (sets `ownSize`): primitives as they are, plain
   * arrays and objects copied (@flott/core's ValueCopier), anything else serialised at once (Packed).
   */
  private own(value: unknown): unknown {
    if (typeof value !== 'object' || value === null) {
      this.ownSize = typeof value === 'string' ? 16 + 2 * value.length : 16;
      return value;
    }
    const copy = this.copier.copy(value);
    if (copy !== NOT_COPIED) {
      this.ownSize = this.copier.size;
      return copy;
    }
    // A copy of msgpackr's output: it shares its buffer with later output.
    const bytes = Buffer.from(this.codec.pack(value));
    this.ownSize = 64 + bytes.length;
    return new Packed(bytes);
  }

  /** A copy of a value the cache holds decoded (the copier made it, or copied it once already). */
  private copyOut(stored: unknown): unknown {
    if (typeof stored !== 'object' || stored === null) return stored;
    const copy = this.copier.copy(stored);
    assert(copy !== NOT_COPIED, 'a value the lmdb backend caches decoded cannot be copied');
    return copy;
  }

  /** Whether the entry exists, when the last lookup was of it. */
  private known(stateId: number, namespace: string | undefined): boolean | undefined {
    return this.lookedUpState === stateId && this.lookedUpNamespace === namespace ? this.lookedUpExists : undefined;
  }

  private remember(stateId: number, namespace: string | undefined, exists: boolean): void {
    this.lookedUpState = stateId;
    this.lookedUpNamespace = namespace;
    this.lookedUpExists = exists;
  }

  private stateIdOf(name: string): number {
    let id = this.stateIds.get(name);
    if (id === undefined) {
      id = this.stateNames.length;
      assert(id < MAX_STATES, `more than ${MAX_STATES} states in one keyed operator (lmdb state backend)`);
      this.stateIds.set(name, id);
      this.stateNames.push(name);
    }
    return id;
  }

  private checkAccess(): void {
    this.checkOpen();
    if (!this.hasKey) assert(false, 'keyed state accessed before setCurrentKey (state is only available in keyed contexts)');
  }

  private checkOpen(): void {
    if (this.disposed) assert(false, `keyed state backend of operator ${this.options.params.operatorId} used after dispose`);
  }
}
