/**
 * Batch reference for q12 (bids per bidder in processing-time windows). Which window a bid lands
 * in depends on the wall clock, so the reference is what does not: the total number of bids per
 * bidder, which the job's window counts of that bidder must add up to.
 */
import type { NexmarkEvent } from '@flott/nexmark';

export function q12BidsPerBidder(events: Iterable<NexmarkEvent>): Map<number, number> {
  const totals = new Map<number, number>();
  for (const e of events) {
    if (e.type === 'bid') totals.set(e.bid.bidder, (totals.get(e.bid.bidder) ?? 0) + 1);
  }
  return totals;
}
