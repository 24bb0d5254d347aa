/**
 * Batch reference for q8 (new users who opened an auction): people grouped by (id, name, 10 s
 * tumbling window of their registration), auctions by (seller, window of their dateTime); the
 * result is each person group that has an auction group with the same id and window (the SQL's
 * join of the two GROUP BYs: one row per person and window, however many auctions).
 */
import type { NexmarkEvent, Person } from '@flott/nexmark';
import type { Q8Result } from '../q8';

export const Q8_WINDOW_MS = 10_000;

function windowStartOf(t: number): number {
  return Math.floor(t / Q8_WINDOW_MS) * Q8_WINDOW_MS;
}

export function q8Reference(events: Iterable<NexmarkEvent>): Q8Result[] {
  const people: Person[] = [];
  const sellersByWindow = new Set<string>();
  for (const e of events) {
    if (e.type === 'person') people.push(e.person);
    else if (e.type === 'auction') sellersByWindow.add(`${e.auction.seller}@${windowStartOf(e.auction.dateTime)}`);
  }
  const results = new Map<string, Q8Result>();
  for (const p of people) {
    const windowStart = windowStartOf(p.dateTime);
    const key = `${p.id}@${windowStart}`;
    if (sellersByWindow.has(key)) results.set(`${key}@${p.name}`, { id: p.id, name: p.name, windowStart });
  }
  return [...results.values()];
}
