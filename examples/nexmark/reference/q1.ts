import type { NexmarkEvent } from '@flott/nexmark';
import type { Q1Result } from '../q1';

/** Dollar cents to euro cents at 0.908, to the nearest cent with halves rounded up (integer arithmetic). */
export function toEuroCents(dollarCents: number): number {
  const scaled = dollarCents * 908;
  const whole = Math.floor(scaled / 1000);
  return scaled - whole * 1000 >= 500 ? whole + 1 : whole;
}

/** q1 by definition: every bid with its price in euros, in stream order. */
export function q1Reference(events: Iterable<NexmarkEvent>): Q1Result[] {
  const out: Q1Result[] = [];
  for (const e of events) {
    if (e.type !== 'bid') continue;
    const { auction, bidder, price, dateTime, extra } = e.bid;
    out.push({ auction, bidder, price: toEuroCents(price), dateTime, extra });
  }
  return out;
}
