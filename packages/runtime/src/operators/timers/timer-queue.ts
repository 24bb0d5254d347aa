import { canonicalKey, isPrimitiveKey } from '../../util/canonical-key';
import type { InternalTimer, TimerNamespaceId } from './timer-service';
import { UnsupportedTimerKeyError } from './timer-ids';

/** One registered timer, as the queue hands it out (poll) or lists it for snapshots (all). */
export interface TimerEntry<N> extends InternalTimer<N> {
  /** The namespace's dedup id (see getInternalTimerService's `namespaceId`). */
  readonly namespaceId: TimerNamespaceId;
}

/** A timer with its key group, for snapshots by key-group range. */
export interface KeyGroupTimer<N> extends TimerEntry<N> {
  readonly keyGroup: number;
}

/** Per key: the index of the timer of its one namespace, or (rarely) indexes by namespace id. */
type KeySlot = number | Map<TimerNamespaceId, number>;

/** Marks a removed or fired timer's key in its bucket. */
const DEAD: unique symbol = Symbol('dead timer');

/**
 * Slots of a queue's cache of pending timers for number keys (a power of two): a number key's timer goes
 * to slot `key & (KNOWN_SLOTS − 1)`, every other key's to slot KNOWN_SLOTS. A slot holds the last timer
 * `add` saw there. Keyed windows register the same timer per element (a processing-time window's end,
 * an end-of-input timer, a window's trigger and cleanup timers at one time), key after key; the cache
 * answers "pending" for a key seen recently without the bucket's Map lookup.
 */
const KNOWN_SLOTS = 1024;

/** The cache slot of `key`'s timers. */
function knownSlot(key: unknown): number {
  return typeof key === 'number' ? key & (KNOWN_SLOTS - 1) : KNOWN_SLOTS;
}

/** Dead entries a bucket tolerates before it compacts (when they also outnumber the live ones). */
const MIN_COMPACTION = 64;

/**
 * Entries (live and dead) up to which a bucket finds its primitive-key timers by a scan of its keys
 * instead of a dedup map: a session window's timers spread over many timestamps, a few per bucket,
 * and a Map per bucket was most of what registering one cost (q11). Below MIN_COMPACTION, so a
 * scanned bucket never compacts.
 */
const SCAN_LIMIT = 16;

/**
 * The timers of one timestamp, in registration order: a timer is one array slot (its key) and, when
 * deduplicated, a Map entry, no object of its own (timers live until their time comes, long enough
 * to reach the old generation, where every object costs the garbage collector's marking again).
 * The namespace is kept once per bucket until a second one appears (an operator's timers share
 * one: a window's end is the timestamp). Primitive keys index the dedup map as they are (a Map
 * compares numbers and strings by value); composite keys (tuples, objects) by their canonical form,
 * in a map of their own so a string key can never collide with an encoding.
 */
class TimerBucket<N> {
  keys: unknown[] = [];
  /** Per entry, once entries differ in namespace; until then every entry has `namespace`. */
  namespaces: N[] | undefined;
  namespaceIds: TimerNamespaceId[] | undefined;
  /** Firing position: every entry before it is dead. */
  cursor = 0;
  live = 0;
  heapIndex = -1;
  /**
   * The dedup index of primitive keys; undefined while the bucket is scanned instead (few entries,
   * none added by addUnique: then every primitive-key entry is a timer `add` registered).
   */
  byKey: Map<unknown, KeySlot> | undefined;
  byComposite: Map<string, KeySlot> | undefined;

  constructor(
    readonly timestamp: number,
    readonly namespace: N,
    readonly namespaceId: TimerNamespaceId,
  ) {}

  push(key: unknown, namespace: N, namespaceId: TimerNamespaceId): number {
    const at = this.keys.length;
    this.keys.push(key);
    if (this.namespaceIds !== undefined) {
      this.namespaces!.push(namespace);
      this.namespaceIds.push(namespaceId);
    } else if (namespaceId !== this.namespaceId) {
      this.namespaces = new Array<N>(at).fill(this.namespace);
      this.namespaceIds = new Array<TimerNamespaceId>(at).fill(this.namespaceId);
      this.namespaces.push(namespace);
      this.namespaceIds.push(namespaceId);
    }
    this.live++;
    return at;
  }

  namespaceIdAt(i: number): TimerNamespaceId {
    return this.namespaceIds === undefined ? this.namespaceId : this.namespaceIds[i];
  }

  /** Index of the first live entry from the cursor on (the next to fire); the cursor moves there. */
  first(): number {
    const keys = this.keys;
    let i = this.cursor;
    while (i < keys.length && keys[i] === DEAD) i++;
    this.cursor = i;
    return i;
  }

  entry(i: number): TimerEntry<N> {
    return this.namespaceIds === undefined
      ? { key: this.keys[i], namespace: this.namespace, timestamp: this.timestamp, namespaceId: this.namespaceId }
      : { key: this.keys[i], namespace: this.namespaces![i], timestamp: this.timestamp, namespaceId: this.namespaceIds[i] };
  }

  kill(i: number): void {
    this.keys[i] = DEAD;
    if (this.namespaces !== undefined) this.namespaces[i] = undefined as N;
    this.live--;
  }

  hasIndexed(): boolean {
    return (this.byKey !== undefined && this.byKey.size > 0) || (this.byComposite !== undefined && this.byComposite.size > 0);
  }

  /** While scanned: the entry of the live timer (key, namespace id), or -1. */
  scan(key: unknown, namespaceId: TimerNamespaceId): number {
    const keys = this.keys;
    for (let i = this.cursor; i < keys.length; i++) {
      if (keys[i] === key && this.namespaceIdAt(i) === namespaceId) return i;
    }
    return -1;
  }

  /** Ends the scanning: indexes the live primitive-key entries (all registered by `add`) in a dedup map. */
  indexPrimitiveKeys(): Map<unknown, KeySlot> {
    const index = new Map<unknown, KeySlot>();
    const keys = this.keys;
    for (let i = this.cursor; i < keys.length; i++) {
      const key = keys[i];
      if (key === DEAD || !isPrimitiveKey(key)) continue;
      const slot = index.get(key);
      const id = this.namespaceIdAt(i);
      if (slot === undefined) index.set(key, i);
      else if (typeof slot === 'number') index.set(key, new Map([[this.namespaceIdAt(slot), slot], [id, i]]));
      else slot.set(id, i);
    }
    this.byKey = index;
    return index;
  }

  /** Drops dead entries once they outnumber the live ones (removals of not-yet-due timers). */
  compactIfSparse(): void {
    const dead = this.keys.length - this.cursor - this.live;
    if (dead < MIN_COMPACTION || dead <= this.live) return;
    const keys: unknown[] = [];
    const namespaces: N[] | undefined = this.namespaces && [];
    const namespaceIds: TimerNamespaceId[] | undefined = this.namespaceIds && [];
    const indexed = this.hasIndexed();
    for (let i = this.cursor; i < this.keys.length; i++) {
      const key = this.keys[i];
      if (key === DEAD) continue;
      const at = keys.length;
      keys.push(key);
      namespaces?.push(this.namespaces![i]);
      namespaceIds?.push(this.namespaceIds![i]);
      if (!indexed) continue;
      const primitive = isPrimitiveKey(key);
      const index = primitive ? this.byKey : this.byComposite;
      const lookup = primitive ? key : compositeId(key);
      const slot = index?.get(lookup);
      // Timers added by addUnique are not indexed.
      if (typeof slot === 'number') {
        if (slot === i) index!.set(lookup, at);
      } else if (slot !== undefined && slot.get(this.namespaceIdAt(i)) === i) {
        slot.set(this.namespaceIdAt(i), at);
      }
    }
    this.keys = keys;
    this.namespaces = namespaces;
    this.namespaceIds = namespaceIds;
    this.cursor = 0;
  }
}

/**
 * The timers of one timer service and time domain (Flink's heap priority queue set): a queue in
 * (timestamp, registration order) with dedup by (key, namespace, timestamp). Timers group into one
 * bucket per timestamp (windows, slices and rounded deadlines share few timestamps), and a binary
 * heap orders the buckets; so registering, deleting and polling a timer costs a Map lookup or two
 * plus, only for a new timestamp, O(log #timestamps). No string is built per timer for primitive
 * keys; key groups are computed only for snapshots. Mailbox thread only.
 */
export class TimerQueue<N> {
  private readonly buckets = new Map<number, TimerBucket<N>>();
  private readonly heap: Array<TimerBucket<N>> = [];
  private count = 0;
  /** The bucket last looked up (while in the heap): timers come in runs of one timestamp (a window's end). */
  private last: TimerBucket<N> | undefined;
  /**
   * Pending timers by cache slot (knownSlot): an entry is a timer `add` added or found and nothing
   * removed since (remove, poll and clear forget it), so a match is pending. A NaN time: none. Created
   * on the first `add`.
   */
  private knownKeys: unknown[] | undefined;
  private knownIds: TimerNamespaceId[] | undefined;
  private knownTimes: Float64Array | undefined;

  constructor(private readonly keyGroupOf: (key: unknown) => number = () => 0) {}

  get size(): number {
    return this.count;
  }

  /** The next timer to fire, without removing it. */
  peek(): TimerEntry<N> | undefined {
    const top = this.heap[0];
    return top === undefined ? undefined : top.entry(top.first());
  }

  /** Timestamp of the next timer to fire; +Infinity when there is none. */
  peekTimestamp(): number {
    const top = this.heap[0];
    return top === undefined ? Number.POSITIVE_INFINITY : top.timestamp;
  }

  /** Adds a timer for `key` unless (key, namespace, timestamp) is there already: then returns false. */
  add(key: unknown, namespace: N, namespaceId: TimerNamespaceId, timestamp: number): boolean {
    // A timer the cache holds is pending: no lookup. Only remove, poll and clear take timers away, and they forget it.
    const times = this.knownTimes ?? this.createKnown();
    const slot = knownSlot(key);
    if (times[slot] === timestamp && this.knownKeys![slot] === key && this.knownIds![slot] === namespaceId) return false;
    const added = this.register(key, namespace, namespaceId, timestamp);
    times[slot] = timestamp;
    this.knownKeys![slot] = key;
    this.knownIds![slot] = namespaceId;
    return added;
  }

  private register(key: unknown, namespace: N, namespaceId: TimerNamespaceId, timestamp: number): boolean {
    const bucket = this.bucketFor(timestamp, namespace, namespaceId);
    const primitive = isPrimitiveKey(key);
    let index: Map<unknown, KeySlot>;
    if (!primitive) {
      index = bucket.byComposite ??= new Map();
    } else if (bucket.byKey !== undefined) {
      index = bucket.byKey;
    } else {
      if (bucket.scan(key, namespaceId) >= 0) return false;
      // NaN is one key to a Map, never equal to itself to a scan.
      if (bucket.keys.length < SCAN_LIMIT && key === key) {
        bucket.push(key, namespace, namespaceId);
        this.count++;
        return true;
      }
      index = bucket.indexPrimitiveKeys();
    }
    const lookup = primitive ? key : compositeId(key);
    const slot = index.get(lookup);
    const at = bucket.keys.length;
    if (slot === undefined) {
      index.set(lookup, at);
    } else if (typeof slot === 'number') {
      const existingId = bucket.namespaceIdAt(slot);
      if (existingId === namespaceId) return false;
      index.set(lookup, new Map([[existingId, slot], [namespaceId, at]]));
    } else {
      if (slot.has(namespaceId)) return false;
      slot.set(namespaceId, at);
    }
    bucket.push(key, namespace, namespaceId);
    this.count++;
    return true;
  }

  /**
   * Adds a timer the caller knows is not pending (an operator that tracks its own timers per key, as
   * window slicing does): no dedup index entry, so no hash-map work. `remove` cannot find it. The
   * key is the state backend's current key, which setCurrentKey has checked already.
   */
  addUnique(key: unknown, namespace: N, namespaceId: TimerNamespaceId, timestamp: number): void {
    const bucket = this.bucketFor(timestamp, namespace, namespaceId);
    // A scan would find this timer: from now on the bucket's dedup map alone says what `add` registered.
    if (bucket.byKey === undefined) bucket.indexPrimitiveKeys();
    bucket.push(key, namespace, namespaceId);
    this.count++;
  }

  /** Removes the timer (key, namespace, timestamp); false when there was none. */
  remove(key: unknown, namespaceId: TimerNamespaceId, timestamp: number): boolean {
    // Another timer's removal leaves a cached one pending: a merged session window registers its new
    // timer, then deletes the old one, then registers the new one again (its trigger's onElement).
    this.forgetKnown(key, namespaceId, timestamp);
    const bucket = this.bucketAt(timestamp);
    if (bucket === undefined) return false;
    const primitive = isPrimitiveKey(key);
    if (primitive && bucket.byKey === undefined) {
      const at = bucket.scan(key, namespaceId);
      if (at < 0) return false;
      this.kill(bucket, at);
      return true;
    }
    const index = primitive ? bucket.byKey : bucket.byComposite;
    const lookup = primitive ? key : compositeId(key);
    const slot = index?.get(lookup);
    if (slot === undefined) return false;
    const at = typeof slot === 'number' ? (bucket.namespaceIdAt(slot) === namespaceId ? slot : -1) : (slot.get(namespaceId) ?? -1);
    if (at < 0) return false;
    this.forget(index!, lookup, slot, namespaceId);
    this.kill(bucket, at);
    if (bucket.live > 0) bucket.compactIfSparse();
    return true;
  }

  /** Removes and returns the next timer to fire. */
  poll(): TimerEntry<N> | undefined {
    const bucket = this.heap[0];
    if (bucket === undefined) return undefined;
    const at = bucket.first();
    const entry = bucket.entry(at);
    bucket.cursor = at + 1;
    this.forgetKnown(entry.key, entry.namespaceId, entry.timestamp);
    // Only timers added by `add` are in the dedup index (and only if it points at this entry).
    if (bucket.hasIndexed()) {
      const primitive = isPrimitiveKey(entry.key);
      const index = primitive ? bucket.byKey : bucket.byComposite;
      const lookup = primitive ? entry.key : compositeId(entry.key);
      const slot = index?.get(lookup);
      if (slot !== undefined && (typeof slot === 'number' ? slot === at : slot.get(entry.namespaceId) === at)) {
        this.forget(index!, lookup, slot, entry.namespaceId);
      }
    }
    this.kill(bucket, at);
    return entry;
  }

  /** Every live timer with its key group (unordered), for snapshots: one pass over the queue. */
  *all(): Iterable<KeyGroupTimer<N>> {
    for (const bucket of this.heap) {
      for (let i = bucket.cursor; i < bucket.keys.length; i++) {
        const key = bucket.keys[i];
        if (key !== DEAD) yield { ...bucket.entry(i), keyGroup: this.keyGroupOf(key) };
      }
    }
  }

  clear(): void {
    this.heap.length = 0;
    this.buckets.clear();
    this.count = 0;
    this.last = undefined;
    this.knownTimes?.fill(NaN);
  }

  private createKnown(): Float64Array {
    this.knownKeys = new Array<unknown>(KNOWN_SLOTS + 1).fill(undefined);
    this.knownIds = new Array<TimerNamespaceId>(KNOWN_SLOTS + 1).fill(0);
    return (this.knownTimes = new Float64Array(KNOWN_SLOTS + 1).fill(NaN));
  }

  /**
   * The timer (key, namespace id, timestamp) is no longer pending: its cache slot forgets it. A composite
   * key may be another object equal to the cached one: its slot forgets whatever it holds.
   */
  private forgetKnown(key: unknown, namespaceId: TimerNamespaceId, timestamp: number): void {
    const times = this.knownTimes;
    if (times === undefined) return;
    const slot = knownSlot(key);
    if (!isPrimitiveKey(key) || (times[slot] === timestamp && this.knownKeys![slot] === key && this.knownIds![slot] === namespaceId)) times[slot] = NaN;
  }

  private bucketFor(timestamp: number, namespace: N, namespaceId: TimerNamespaceId): TimerBucket<N> {
    let bucket = this.bucketAt(timestamp);
    if (bucket === undefined) {
      bucket = new TimerBucket<N>(timestamp, namespace, namespaceId);
      this.buckets.set(timestamp, bucket);
      this.heapPush(bucket);
      this.last = bucket;
    }
    return bucket;
  }

  private bucketAt(timestamp: number): TimerBucket<N> | undefined {
    const last = this.last;
    if (last !== undefined && last.timestamp === timestamp && last.heapIndex >= 0) return last;
    const bucket = this.buckets.get(timestamp);
    if (bucket !== undefined) this.last = bucket;
    return bucket;
  }

  /** Drops (key, namespace) from the bucket's dedup index. */
  private forget(index: Map<unknown, KeySlot>, lookup: unknown, slot: KeySlot, namespaceId: TimerNamespaceId): void {
    if (typeof slot === 'number') {
      index.delete(lookup);
    } else {
      slot.delete(namespaceId);
      if (slot.size === 0) index.delete(lookup);
    }
  }

  private kill(bucket: TimerBucket<N>, at: number): void {
    bucket.kill(at);
    this.count--;
    if (bucket.live === 0) {
      this.buckets.delete(bucket.timestamp);
      this.heapRemove(bucket.heapIndex);
    }
  }

  private heapPush(bucket: TimerBucket<N>): void {
    bucket.heapIndex = this.heap.length;
    this.heap.push(bucket);
    this.siftUp(bucket.heapIndex);
  }

  private heapRemove(index: number): void {
    const h = this.heap;
    const removed = h[index];
    const last = h.pop() as TimerBucket<N>;
    if (index < h.length) {
      h[index] = last;
      last.heapIndex = index;
      this.siftUp(index);
      this.siftDown(last.heapIndex);
    }
    removed.heapIndex = -1;
  }

  private siftUp(index: number): void {
    const h = this.heap;
    const b = h[index];
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (h[parent].timestamp <= b.timestamp) break;
      h[index] = h[parent];
      h[index].heapIndex = index;
      index = parent;
    }
    h[index] = b;
    b.heapIndex = index;
  }

  private siftDown(index: number): void {
    const h = this.heap;
    const n = h.length;
    const b = h[index];
    for (;;) {
      const left = 2 * index + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && h[right].timestamp < h[left].timestamp ? right : left;
      if (h[child].timestamp >= b.timestamp) break;
      h[index] = h[child];
      h[index].heapIndex = index;
      index = child;
    }
    h[index] = b;
    b.heapIndex = index;
  }
}

function compositeId(key: unknown): string {
  return canonicalKey(key, (reason) => new UnsupportedTimerKeyError(reason));
}
