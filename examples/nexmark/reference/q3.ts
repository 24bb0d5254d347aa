import type { Auction, NexmarkEvent, Person } from '@flott/nexmark';
import type { Q3Result } from '../q3';

/**
 * q3 by definition, as a batch join over the whole stream (SQL: SELECT P.name, P.city, P.state, A.id
 * FROM auction A, person P WHERE A.seller = P.id AND A.category = 10 AND P.state IN ('OR','ID','CA')).
 * One row per matching (auction, person) pair, ordered by auction id.
 */
export function q3Reference(events: Iterable<NexmarkEvent>): Q3Result[] {
  const people = new Map<number, Person[]>();
  const auctions: Auction[] = [];
  for (const e of events) {
    if (e.type === 'person') people.set(e.person.id, [...(people.get(e.person.id) ?? []), e.person]);
    else if (e.type === 'auction') auctions.push(e.auction);
  }
  const out: Q3Result[] = [];
  for (const a of auctions) {
    if (a.category !== 10) continue;
    for (const p of people.get(a.seller) ?? []) {
      if (p.state === 'OR' || p.state === 'ID' || p.state === 'CA') out.push({ name: p.name, city: p.city, state: p.state, auctionId: a.id });
    }
  }
  return out.sort((x, y) => x.auctionId - y.auctionId);
}
