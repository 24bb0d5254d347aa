import type { InternalTimer } from './timer-service';

/** One registered timer, with what the heap and (later) per-key-group snapshots need. */
export interface TimerEntry<N> extends InternalTimer<N> {
  readonly keyGroup: number;
  /** Dedup id: (key, namespace, timestamp) by value. */
  readonly id: string;
  /** Registration order: ties on timestamp fire first-registered first, so runs are deterministic. */
  readonly seq: number;
  heapIndex: number;
}

/**
 * A binary min-heap of timers by (timestamp, registration order) with a dedup index, so registering
 * an existing (key, namespace, timestamp) is a no-op and deleting one is O(log n).
 */
export class TimerHeap<N> {
  private readonly heap: Array<TimerEntry<N>> = [];
  private readonly byId = new Map<string, TimerEntry<N>>();
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  peek(): TimerEntry<N> | undefined {
    return this.heap[0];
  }

  /** Returns false when the timer was already there; the key group is computed only for a new timer. */
  add(key: unknown, namespace: N, timestamp: number, id: string, keyGroupOf: (key: unknown) => number): boolean {
    if (this.byId.has(id)) return false;
    const keyGroup = keyGroupOf(key);
    const entry: TimerEntry<N> = { key, namespace, timestamp, keyGroup, id, seq: this.seq++, heapIndex: this.heap.length };
    this.byId.set(id, entry);
    this.heap.push(entry);
    this.siftUp(entry.heapIndex);
    return true;
  }

  /** Returns false when there was no such timer. */
  remove(id: string): boolean {
    const entry = this.byId.get(id);
    if (!entry) return false;
    this.removeAt(entry.heapIndex);
    return true;
  }

  poll(): TimerEntry<N> | undefined {
    if (this.heap.length === 0) return undefined;
    const head = this.heap[0];
    this.removeAt(0);
    return head;
  }

  /** Timers of one key group (unordered), for snapshots by key-group range. */
  *ofKeyGroup(keyGroup: number): Iterable<TimerEntry<N>> {
    for (const e of this.heap) if (e.keyGroup === keyGroup) yield e;
  }

  clear(): void {
    this.heap.length = 0;
    this.byId.clear();
  }

  private removeAt(index: number): void {
    const removed = this.heap[index];
    this.byId.delete(removed.id);
    const last = this.heap.pop() as TimerEntry<N>;
    if (index < this.heap.length) {
      this.heap[index] = last;
      last.heapIndex = index;
      this.siftUp(index);
      this.siftDown(last.heapIndex);
    }
    removed.heapIndex = -1;
  }

  private less(a: TimerEntry<N>, b: TimerEntry<N>): boolean {
    return a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.seq < b.seq);
  }

  private siftUp(index: number): void {
    const h = this.heap;
    const e = h[index];
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.less(e, h[parent])) break;
      h[index] = h[parent];
      h[index].heapIndex = index;
      index = parent;
    }
    h[index] = e;
    e.heapIndex = index;
  }

  private siftDown(index: number): void {
    const h = this.heap;
    const n = h.length;
    const e = h[index];
    for (;;) {
      const left = 2 * index + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && this.less(h[right], h[left]) ? right : left;
      if (!this.less(h[child], e)) break;
      h[index] = h[child];
      h[index].heapIndex = index;
      index = child;
    }
    h[index] = e;
    e.heapIndex = index;
  }
}
