/**
 * Batch reference for q11 (user sessions): per bidder, bids sorted by dateTime form one session
 * while each bid is at most GAP after the previous one (a bid's window `[t, t + GAP)` touches the
 * session's `[start, end)` when `t <= end`, as Flink merges session windows); a session ends GAP
 * after its last bid. The result is (bidder, count, windowStart, windowEnd) per session.
 */
import type { NexmarkEvent } from '@flott/nexmark';
import type { Q11Result } from '../q11';

export const Q11_GAP_MS = 10_000;

export function q11Reference(events: Iterable<NexmarkEvent>): Q11Result[] {
  const timesByBidder = new Map<number, number[]>();
  for (const e of events) {
    if (e.type !== 'bid') continue;
    const times = timesByBidder.get(e.bid.bidder);
    if (times) times.push(e.bid.dateTime);
    else timesByBidder.set(e.bid.bidder, [e.bid.dateTime]);
  }
  const results: Q11Result[] = [];
  for (const [bidder, times] of timesByBidder) {
    times.sort((a, b) => a - b);
    let start = times[0];
    let last = times[0];
    let count = 0;
    for (const t of times) {
      if (t > last + Q11_GAP_MS) {
        results.push({ bidder, count, windowStart: start, windowEnd: last + Q11_GAP_MS });
        start = t;
        count = 0;
      }
      last = t;
      count++;
    }
    results.push({ bidder, count, windowStart: start, windowEnd: last + Q11_GAP_MS });
  }
  return results;
}
