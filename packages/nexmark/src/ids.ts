/** Id rules of NEXMARK.md (as Beam's generator): which entity an event id creates or may refer to. */
export const PROPORTION_TOTAL = 50;
export const PERSON_PROPORTION = 1;
export const AUCTION_PROPORTION = 3;
export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
export const FIRST_CATEGORY_ID = 10;
export const NUM_CATEGORIES = 5;
/** People and auctions a random reference chooses among (the most recent ones). */
export const ACTIVE_PEOPLE = 1000;
export const IN_FLIGHT_AUCTIONS = 100;
/** Random references may reach this many ids beyond the last created one (entities about to appear). */
export const ID_LEAD = 10;
export const HOT_AUCTION_RATIO = 2;
export const HOT_SELLER_RATIO = 4;
export const HOT_BIDDER_RATIO = 4;
export const HOT_CHANNEL_RATIO = 2;
/** Hot entities are the multiples of this (rounded down from the last id). */
export const HOT_GROUP = 100;

export type EventKind = 'person' | 'auction' | 'bid';

export function kindOf(eventId: number): EventKind {
  const r = eventId % PROPORTION_TOTAL;
  if (r < PERSON_PROPORTION) return 'person';
  if (r < PERSON_PROPORTION + AUCTION_PROPORTION) return 'auction';
  return 'bid';
}

/** Base-0 id of the last person created at or before `eventId`. */
export function lastPersonId(eventId: number): number {
  return Math.floor(eventId / PROPORTION_TOTAL);
}

/** Base-0 id of the last auction created at or before `eventId`. */
export function lastAuctionId(eventId: number): number {
  let epoch = Math.floor(eventId / PROPORTION_TOTAL);
  let offset = eventId % PROPORTION_TOTAL;
  if (offset < PERSON_PROPORTION) {
    epoch -= 1;
    offset = AUCTION_PROPORTION - 1;
  } else if (offset >= PERSON_PROPORTION + AUCTION_PROPORTION) {
    offset = AUCTION_PROPORTION - 1;
  } else {
    offset -= PERSON_PROPORTION;
  }
  return epoch * AUCTION_PROPORTION + offset;
}
