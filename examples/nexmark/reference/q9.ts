/**
 * Batch reference for q9 (winning bids), written from the query's definition: for each auction the
 * bids with `auction.dateTime <= bid.dateTime <= auction.expires` (the SQL's BETWEEN); the winner
 * is the highest price, then the earliest dateTime. Flink's ROW_NUMBER leaves further ties to
 * arrival order; this reference (and the job) break them by bidder, channel, url and extra so the
 * result does not depend on parallelism. Auctions without such a bid have no result (inner join).
 */
import type { Auction, Bid, NexmarkEvent } from '@flott/nexmark';
import type { Q9Result } from '../q9';

/** Negative when `a` wins over `b`. */
export function compareBids(a: Bid, b: Bid): number {
  if (a.price !== b.price) return b.price - a.price;
  if (a.dateTime !== b.dateTime) return a.dateTime - b.dateTime;
  if (a.bidder !== b.bidder) return a.bidder - b.bidder;
  return compareStrings(a.channel, b.channel) || compareStrings(a.url, b.url) || compareStrings(a.extra, b.extra);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function inLifetime(auction: Auction, bid: Bid): boolean {
  return bid.dateTime >= auction.dateTime && bid.dateTime <= auction.expires;
}

/** Every auction that has a bid within its lifetime, with its winning bid (in no particular order). */
export function winningBids(events: Iterable<NexmarkEvent>): Array<{ auction: Auction; bid: Bid }> {
  const auctions: Auction[] = [];
  const bidsByAuction = new Map<number, Bid[]>();
  for (const e of events) {
    if (e.type === 'auction') auctions.push(e.auction);
    else if (e.type === 'bid') {
      const list = bidsByAuction.get(e.bid.auction);
      if (list) list.push(e.bid);
      else bidsByAuction.set(e.bid.auction, [e.bid]);
    }
  }
  const winners: Array<{ auction: Auction; bid: Bid }> = [];
  for (const auction of auctions) {
    const candidates = (bidsByAuction.get(auction.id) ?? []).filter((bid) => inLifetime(auction, bid));
    if (candidates.length === 0) continue;
    candidates.sort(compareBids);
    winners.push({ auction, bid: candidates[0] });
  }
  return winners;
}

export function q9Reference(events: Iterable<NexmarkEvent>): Q9Result[] {
  return winningBids(events).map(({ auction, bid }) => ({
    ...auction,
    auction: bid.auction,
    bidder: bid.bidder,
    price: bid.price,
    bidDateTime: bid.dateTime,
    bidExtra: bid.extra,
  }));
}
