import type { NexmarkEvent } from '@flott/nexmark';
import type { Q1Result } from '../q1';

/**
 * Dollar cents to euro cents at 0.908, exact to 3 decimals (DECIMAL(23,3)): the exact decimal is
 * written out from integer thousandths and parsed, so its value is the number nearest to it.
 */
export function toEuroCents(dollarCents: number): number {
  if (!Number.isSafeInteger(dollarCents) || dollarCents < 0) {
    throw new Error(`Assertion failed: a Nexmark price is a whole number of cents >= 0, got ${dollarCents}`);
  }
  return Number(euroCentsDecimal(dollarCents));
}

/** The exact decimal of dollar cents × 0.908, with 3 decimals: 625 → "567.500". */
export function euroCentsDecimal(dollarCents: number): string {
  const thousandths = BigInt(dollarCents) * 908n;
  return `${thousandths / 1000n}.${String(thousandths % 1000n).padStart(3, '0')}`;
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
