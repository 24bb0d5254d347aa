import { canonicalKey, isPrimitiveKey } from '../../util/canonical-key';
import type { InternalTimer } from './timer-service';
import { UnsupportedTimerKeyError } from './timer-ids';

/** One registered timer, with what the queue and (later) per-key-group snapshots need. */
export interface TimerEntry<N> extends InternalTimer<N> {
  readonly keyGroup: number;
  /** The namespace's dedup id (see getInternalTimerService's `namespaceId`). */
  readonly namespaceId: string;
  /** False once polled or removed. */
  live: boolean;
}

/** Per key: the timer of its one namespace, or (rarely) a map by namespace id when it has several. */
type KeySlot<N> = TimerEntry<N> | Map<string, TimerEntry<N>>;

/** Entries of one bucket that may be dead before it compacts its registration list. */
const MIN_COMPACTION = 64;

/**
 * The timers of one timestamp, in registration order. Primitive keys index the dedup map as they
 * are (a Map compares numbers and strings by value); composite keys (tuples, objects) by their
 * canonical form, in a map of their own so a string key can never collide with an encoding.
 */
class TimerBucket<N> {
  /** Registration order; dead entries are skipped and dropped by compaction. */
  entries: Array<TimerEntry<N>> = [];
  /** Firing position in `entries`: everything before it is dead. */
  cursor = 0;
  live = 0;
  heapIndex = -1;
  readonly byKey = new Map<unknown, KeySlot<N>>();
  byComposite: Map<string, KeySlot<N>> | undefined;

  constructor(readonly timestamp: number) {}

  /** The first live entry from the cursor on (the next to fire). */
  first(): TimerEntry<N> | undefined {
    const entries = this.entries;
    let i = this.cursor;
    while (i < entries.length && !entries[i].live) i++;
    this.cursor = i;
    return entries[i];
  }

  /** Drops dead entries once they outnumber the live ones (removals of not-yet-due timers). */
  compactIfSparse(): void {
    const dead = this.entries.length - this.cursor - this.live;
    if (dead < MIN_COMPACTION || dead <= this.live) return;
    const kept: Array<TimerEntry<N>> = [];
    for (let i = this.cursor; i < this.entries.length; i++) if (this.entries[i].live) kept.push(this.entries[i]);
    this.entries = kept;
    this.cursor = 0;
  }
}

/**
 * The timers of one timer service and time domain (Flink's heap priority queue set): a queue in
 * (timestamp, registration order) with dedup by (key, namespace, timestamp). Timers group into one
 * bucket per timestamp (windows, slices and rounded deadlines share few timestamps), and a binary
 * heap orders the buckets; so registering, deleting and polling a timer costs a Map lookup or two
 * plus, only for a new timestamp, O(log #timestamps). No string is built per timer for primitive
 * keys. Mailbox thread only.
 */
export class TimerQueue<N> {
  private readonly buckets = new Map<number, TimerBucket<N>>();
  private readonly heap: Array<TimerBucket<N>> = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The next timer to fire, without removing it. */
  peek(): TimerEntry<N> | undefined {
    const top = this.heap[0];
    return top === undefined ? undefined : top.first();
  }

  /** Timestamp of the next timer to fire; +Infinity when there is none. */
  peekTimestamp(): number {
    const top = this.heap[0];
    return top === undefined ? Number.POSITIVE_INFINITY : top.timestamp;
  }

  /**
   * Adds a timer for `key` (the current key), unless (key, namespace, timestamp) is there already:
   * then returns false. The key group is computed only for a new timer.
   */
  add(key: unknown, namespace: N, namespaceId: string, timestamp: number, keyGroupOf: (key: unknown) => number): boolean {
    let bucket = this.buckets.get(timestamp);
    if (bucket === undefined) {
      bucket = new TimerBucket<N>(timestamp);
      this.buckets.set(timestamp, bucket);
      this.heapPush(bucket);
    }
    const primitive = isPrimitiveKey(key);
    const index = primitive ? bucket.byKey : (bucket.byComposite ??= new Map());
    const dedupKey = primitive ? key : compositeId(key);
    const slot = index.get(dedupKey);
    let byNamespace: Map<string, TimerEntry<N>> | undefined;
    if (slot !== undefined) {
      if (slot instanceof Map) {
        if (slot.has(namespaceId)) return false;
        byNamespace = slot;
      } else {
        if (slot.namespaceId === namespaceId) return false;
        byNamespace = new Map([[slot.namespaceId, slot]]);
        index.set(dedupKey, byNamespace);
      }
    }
    const entry: TimerEntry<N> = { key, namespace, timestamp, keyGroup: keyGroupOf(key), namespaceId, live: true };
    if (byNamespace) byNamespace.set(namespaceId, entry);
    else index.set(dedupKey, entry);
    bucket.entries.push(entry);
    bucket.live++;
    this.count++;
    return true;
  }

  /** Removes the timer (key, namespace, timestamp); false when there was none. */
  remove(key: unknown, namespaceId: string, timestamp: number): boolean {
    const bucket = this.buckets.get(timestamp);
    if (bucket === undefined) return false;
    const primitive = isPrimitiveKey(key);
    const index = primitive ? bucket.byKey : bucket.byComposite;
    if (index === undefined) return false;
    const dedupKey = primitive ? key : compositeId(key);
    const slot = index.get(dedupKey);
    let entry: TimerEntry<N> | undefined;
    if (slot instanceof Map) {
      entry = slot.get(namespaceId);
      if (entry === undefined) return false;
      slot.delete(namespaceId);
      if (slot.size === 0) index.delete(dedupKey);
    } else {
      if (slot === undefined || slot.namespaceId !== namespaceId) return false;
      entry = slot;
      index.delete(dedupKey);
    }
    this.kill(bucket, entry);
    if (bucket.live > 0) bucket.compactIfSparse();
    return true;
  }

  /** Removes and returns the next timer to fire. */
  poll(): TimerEntry<N> | undefined {
    const bucket = this.heap[0];
    if (bucket === undefined) return undefined;
    const entry = bucket.first() as TimerEntry<N>;
    bucket.cursor++;
    const primitive = isPrimitiveKey(entry.key);
    const index = (primitive ? bucket.byKey : bucket.byComposite) as Map<unknown, KeySlot<N>>;
    const dedupKey = primitive ? entry.key : compositeId(entry.key);
    const slot = index.get(dedupKey);
    if (slot instanceof Map) {
      slot.delete(entry.namespaceId);
      if (slot.size === 0) index.delete(dedupKey);
    } else {
      index.delete(dedupKey);
    }
    this.kill(bucket, entry);
    return entry;
  }

  /** Live timers of one key group (unordered), for snapshots by key-group range. */
  *ofKeyGroup(keyGroup: number): Iterable<TimerEntry<N>> {
    for (const bucket of this.heap) {
      for (let i = bucket.cursor; i < bucket.entries.length; i++) {
        const e = bucket.entries[i];
        if (e.live && e.keyGroup === keyGroup) yield e;
      }
    }
  }

  clear(): void {
    for (const bucket of this.heap) for (const e of bucket.entries) e.live = false;
    this.heap.length = 0;
    this.buckets.clear();
    this.count = 0;
  }

  private kill(bucket: TimerBucket<N>, entry: TimerEntry<N>): void {
    entry.live = false;
    bucket.live--;
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
