/**
 * q12 counts bids in processing-time windows, so which window a bid lands in depends on the wall
 * clock and cannot be compared with a batch computation. The test checks what does not depend on
 * it: per bidder, the window counts add up to the bidder's number of bids in the generated stream
 * (each bid counted exactly once, including the windows still open when the input ends); each
 * (bidder, window) appears once; every window is aligned to the window size; and the windows are
 * processing-time windows: the run is rate-limited to span several of them, and their times lie
 * within the run's wall-clock time, not at the events' times (2025-01-01 onward).
 * It uses 1 s windows (`--window-ms 1000`; the query's 10 s would make the run last 20 s or more).
 */
import type { Q12Result } from './q12';
import { q12BidsPerBidder } from './reference/q12';
import { generatedEvents, runQuery } from './run-query';

const EVENTS = 100_000;
const RATE = 40_000;
const WINDOW_MS = 1000;

describe('Nexmark q12 (bids per bidder in processing-time windows)', () => {
  const events = generatedEvents(EVENTS);
  const expectedTotals = q12BidsPerBidder(events);

  it.each([1, 2])('counts every bid once in aligned processing-time windows at parallelism %i', (p) => {
    const started = Date.now();
    const results = runQuery<Q12Result>('q12', p, EVENTS, ['--rate', String(RATE), '--window-ms', String(WINDOW_MS)]);
    const finished = Date.now();

    const totals = new Map<number, number>();
    for (const r of results) totals.set(r.bidder, (totals.get(r.bidder) ?? 0) + r.count);
    expect(new Map([...totals].sort(([x], [y]) => x - y))).toEqual(new Map([...expectedTotals].sort(([x], [y]) => x - y)));

    expect(new Set(results.map((r) => `${r.bidder}@${r.windowStart}`)).size).toBe(results.length);
    for (const r of results) {
      expect(r.windowStart % WINDOW_MS).toBe(0);
      expect(r.windowEnd - r.windowStart).toBe(WINDOW_MS);
      expect(r.windowStart).toBeGreaterThanOrEqual(started - WINDOW_MS);
      expect(r.windowEnd).toBeLessThanOrEqual(finished + WINDOW_MS);
    }
    // 100 000 events at 40 000 events/s take 2.5 s: at least two 1 s windows hold bids.
    expect(new Set(results.map((r) => r.windowStart)).size).toBeGreaterThanOrEqual(2);
  });
});
