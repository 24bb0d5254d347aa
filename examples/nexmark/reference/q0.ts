import type { NexmarkEvent } from '@flott/nexmark';
import type { Q0Result } from '../q0';

/** q0 by definition: every bid's (auction, bidder, price, dateTime, extra), in stream order. */
export function q0Reference(events: Iterable<NexmarkEvent>): Q0Result[] {
  const out: Q0Result[] = [];
  for (const e of events) {
    if (e.type !== 'bid') continue;
    const { auction, bidder, price, dateTime, extra } = e.bid;
    out.push({ auction, bidder, price, dateTime, extra });
  }
  return out;
}
