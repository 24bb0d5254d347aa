import type { Clock } from '@flott/core';
import type { Cancellable, Scheduler } from '../../time/clock';

/**
 * The deadlines of an async operator's requests. All have the same timeout, so they expire in the
 * order they started: one timer, armed for the oldest live deadline, serves them all (a timer per
 * request cost more than the rest of the async stage). A request that completed stays in the list
 * until the timer passes it or a compaction drops it; compactions keep the list within
 * `maxEntries` (about twice the requests in flight), at an amortised constant cost per request.
 * Task thread only.
 */
export class RequestTimeouts<T extends { readonly done: boolean }> {
  private entries: Array<{ readonly item: T; readonly deadline: number }> = [];
  private head = 0;
  private timer?: Cancellable;

  constructor(
    private readonly timeoutMs: number,
    private readonly clock: Clock,
    private readonly scheduler: Scheduler,
    private readonly maxEntries: number,
    private readonly onExpired: (item: T) => void,
  ) {}

  add(item: T): void {
    const deadline = this.clock.relativeTimeMillis() + this.timeoutMs;
    this.entries.push({ item, deadline });
    if (this.timer === undefined) this.arm(deadline);
    if (this.entries.length - this.head > this.maxEntries) this.compact();
  }

  /** Drops every deadline and the timer (nothing in flight any more, or the operator closes). */
  clear(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.entries = [];
    this.head = 0;
  }

  private arm(deadline: number): void {
    this.timer = this.scheduler.schedule(Math.max(0, deadline - this.clock.relativeTimeMillis()), () => this.fire());
  }

  private fire(): void {
    this.timer = undefined;
    const now = this.clock.relativeTimeMillis();
    while (this.head < this.entries.length) {
      const e = this.entries[this.head];
      if (!e.item.done && e.deadline > now) break;
      this.head++;
      if (!e.item.done) this.onExpired(e.item);
    }
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else {
      this.arm(this.entries[this.head].deadline);
    }
  }

  private compact(): void {
    this.entries = this.entries.slice(this.head).filter((e) => !e.item.done);
    this.head = 0;
  }
}
