/**
 * A small, fast PRNG re-seeded for every event from its id (as Beam's generator does), so an event
 * is the same whichever subtask generates it and whatever came before. One instance is reused for
 * all events of a generator: seeding allocates nothing.
 */
export class EventRandom {
  private state = 0;

  /** Starts the sequence of event `eventId` (any safe integer, also beyond 2^32). */
  seed(eventId: number): void {
    const lo = eventId >>> 0;
    const hi = Math.floor(eventId / 4294967296) >>> 0;
    // Both halves go through a murmur3-style finaliser so neighbouring ids start far apart.
    let h = Math.imul(lo ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(hi + 0x632be5ab, 0xc2b2ae35);
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    h = Math.imul(h, 0x846ca68b);
    h ^= h >>> 16;
    this.state = h | 0;
  }

  /** Uniform in [0, 1), 32 bits of resolution (mulberry32 step). */
  next01(): number {
    const s = (this.state = (this.state + 0x6d2b79f5) | 0);
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t = (t + Math.imul(t ^ (t >>> 7), t | 61)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, bound) for bound ≥ 1 (bounds here stay far below 2^32). */
  nextInt(bound: number): number {
    return Math.floor(this.next01() * bound);
  }
}
