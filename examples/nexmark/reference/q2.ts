import type { NexmarkEvent } from '@flott/nexmark';
import type { Q2Result } from '../q2';

/** q2 by definition: (auction, price) of the bids with auction % 123 == 0, in stream order. */
export function q2Reference(events: Iterable<NexmarkEvent>): Q2Result[] {
  const out: Q2Result[] = [];
  for (const e of events) {
    if (e.type === 'bid' && e.bid.auction % 123 === 0) out.push({ auction: e.bid.auction, price: e.bid.price });
  }
  return out;
}
