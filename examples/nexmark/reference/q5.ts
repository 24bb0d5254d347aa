/**
 * Batch reference for q5 (hot items): every bid falls into the SIZE / SLIDE sliding windows
 * `[start, start + SIZE)` with `start` a multiple of SLIDE; per window, the number of bids per
 * auction; the result is, per window, every auction whose count equals the window's largest count.
 */
import type { NexmarkEvent } from '@flott/nexmark';
import type { Q5Result } from '../q5';

export const Q5_SIZE_MS = 10_000;
export const Q5_SLIDE_MS = 2_000;

export function q5Reference(events: Iterable<NexmarkEvent>): Q5Result[] {
  const countsByWindow = new Map<number, Map<number, number>>();
  for (const e of events) {
    if (e.type !== 'bid') continue;
    const t = e.bid.dateTime;
    for (let start = t - (((t % Q5_SLIDE_MS) + Q5_SLIDE_MS) % Q5_SLIDE_MS); start > t - Q5_SIZE_MS; start -= Q5_SLIDE_MS) {
      let counts = countsByWindow.get(start);
      if (!counts) countsByWindow.set(start, (counts = new Map()));
      counts.set(e.bid.auction, (counts.get(e.bid.auction) ?? 0) + 1);
    }
  }
  const results: Q5Result[] = [];
  for (const [windowStart, counts] of countsByWindow) {
    let max = 0;
    for (const count of counts.values()) max = Math.max(max, count);
    for (const [auction, count] of counts) {
      if (count === max) results.push({ windowStart, windowEnd: windowStart + Q5_SIZE_MS, auction, count });
    }
  }
  return results;
}
