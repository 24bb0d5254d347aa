/**
 * Batch reference for q7 (highest bid): bids grouped by 10 s tumbling window `[start, start + 10 s)`;
 * the result is every bid whose price equals its window's highest price.
 */
import type { Bid, NexmarkEvent } from '@flott/nexmark';
import type { Q7Result } from '../q7';

export const Q7_WINDOW_MS = 10_000;

export function q7Reference(events: Iterable<NexmarkEvent>): Q7Result[] {
  const bidsByWindow = new Map<number, Bid[]>();
  for (const e of events) {
    if (e.type !== 'bid') continue;
    const start = Math.floor(e.bid.dateTime / Q7_WINDOW_MS) * Q7_WINDOW_MS;
    const list = bidsByWindow.get(start);
    if (list) list.push(e.bid);
    else bidsByWindow.set(start, [e.bid]);
  }
  const results: Q7Result[] = [];
  for (const bids of bidsByWindow.values()) {
    let max = -Infinity;
    for (const b of bids) max = Math.max(max, b.price);
    for (const b of bids) {
      if (b.price === max) results.push({ auction: b.auction, price: b.price, bidder: b.bidder, dateTime: b.dateTime, extra: b.extra });
    }
  }
  return results;
}
