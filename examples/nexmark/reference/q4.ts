/**
 * Batch reference for q4 (average winning price per category): the winning price of an auction is
 * the highest price among its bids with `auction.dateTime <= bid.dateTime <= auction.expires`
 * (auctions without one do not count); the result is, per category, the average of those prices
 * over all auctions of the stream (the job's final value per category), as Flink's AVG over BIGINT
 * computes it: a whole number, sum / count truncated toward zero (here by BigInt division).
 */
import type { NexmarkEvent } from '@flott/nexmark';
import type { Q4Result } from '../q4';
import { winningBids } from './q9';

export function q4Reference(events: Iterable<NexmarkEvent>): Q4Result[] {
  const totals = new Map<number, { sum: number; count: number }>();
  // Only the winning price matters here, and it is the same whichever tie rule picks the bid.
  for (const { auction, bid } of winningBids(events)) {
    const t = totals.get(auction.category) ?? { sum: 0, count: 0 };
    totals.set(auction.category, { sum: t.sum + bid.price, count: t.count + 1 });
  }
  return [...totals.entries()]
    .sort(([a], [b]) => a - b)
    .map(([category, { sum, count }]) => ({ category, avg: Number(BigInt(sum) / BigInt(count)) }));
}
