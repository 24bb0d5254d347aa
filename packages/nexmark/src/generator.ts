import type { Auction, Bid, GeneratorConfig, NexmarkEvent, Person } from './model';
import {
  ACTIVE_PEOPLE, AUCTION_PROPORTION, FIRST_AUCTION_ID, FIRST_CATEGORY_ID, FIRST_PERSON_ID, HOT_AUCTION_RATIO, HOT_BIDDER_RATIO,
  HOT_CHANNEL_RATIO, HOT_GROUP, HOT_SELLER_RATIO, ID_LEAD, IN_FLIGHT_AUCTIONS, NUM_CATEGORIES, PERSON_PROPORTION, PROPORTION_TOTAL,
  lastAuctionId, lastPersonId,
} from './ids';
import { EventRandom } from './random';
import {
  CHANNELS, FIRST_NAMES, FULL_NAMES, HOT_CHANNELS, LAST_NAMES, POOL_SIZE, US_CITIES, US_STATES, channelName, channelUrl,
  creditCardPool, descriptionPool, emailPool, hotChannel, hotChannelUrl, itemNamePool, padding,
} from './strings';

export const NEXMARK_DEFAULTS: GeneratorConfig = Object.freeze({
  events: 100_000,
  targetRate: 0,
  eventsPerSecond: 10_000,
  firstEventId: 1,
  baseTime: Date.UTC(2025, 0, 1),
});

/** Average record sizes in bytes that `extra` pads to (± 20 %). */
export const AVG_PERSON_BYTES = 200;
export const AVG_AUCTION_BYTES = 500;
export const AVG_BID_BYTES = 100;

/** The defaults with `overrides`, validated. */
export function nexmarkConfig(overrides: Partial<GeneratorConfig> = {}): GeneratorConfig {
  const config: GeneratorConfig = Object.freeze({ ...NEXMARK_DEFAULTS, ...overrides });
  if (!(config.events >= 0) || (Number.isFinite(config.events) && !Number.isSafeInteger(config.events))) {
    throw new RangeError(`Nexmark events must be an integer >= 0 or Infinity, got ${config.events}`);
  }
  if (!(config.targetRate >= 0) || !Number.isFinite(config.targetRate)) {
    throw new RangeError(`Nexmark targetRate must be >= 0 events/s (0 = unlimited), got ${config.targetRate}`);
  }
  if (!(config.eventsPerSecond > 0) || !Number.isFinite(config.eventsPerSecond)) {
    throw new RangeError(`Nexmark eventsPerSecond must be > 0, got ${config.eventsPerSecond}`);
  }
  if (!Number.isSafeInteger(config.firstEventId) || config.firstEventId < 0) {
    throw new RangeError(`Nexmark firstEventId must be an integer >= 0, got ${config.firstEventId}`);
  }
  if (!Number.isSafeInteger(config.baseTime)) throw new RangeError(`Nexmark baseTime must be an integer (epoch ms), got ${config.baseTime}`);
  return config;
}

/** Events spanned by the next IN_FLIGHT_AUCTIONS auctions: the horizon an auction's lifetime is drawn from. */
const EVENTS_PER_AUCTION_HORIZON = Math.floor((IN_FLIGHT_AUCTIONS * PROPORTION_TOTAL) / AUCTION_PROPORTION);

/**
 * Generates event number n of a configured stream. Holds one reusable random generator and the
 * string pools, so generating allocates only the records themselves; not safe to share between
 * concurrent iterations (there are none on a JavaScript thread).
 */
export class NexmarkGenerator {
  private readonly random = new EventRandom();
  private readonly firstEventId: number;
  private readonly baseTime: number;
  private readonly eventsPerSecond: number;
  private readonly itemNames = itemNamePool();
  private readonly descriptions = descriptionPool();
  private readonly emails = emailPool();
  private readonly creditCards = creditCardPool();

  constructor(readonly config: GeneratorConfig) {
    this.firstEventId = config.firstEventId;
    this.baseTime = config.baseTime;
    this.eventsPerSecond = config.eventsPerSecond;
  }

  /** dateTime of event number n. Multiplying before dividing keeps whole results exact. */
  timestamp(n: number): number {
    return this.baseTime + Math.floor((n * 1000) / this.eventsPerSecond);
  }

  at(n: number): NexmarkEvent {
    const eventId = this.firstEventId + n;
    const timestamp = this.timestamp(n);
    this.random.seed(eventId);
    const r = eventId % PROPORTION_TOTAL;
    if (r >= PERSON_PROPORTION + AUCTION_PROPORTION) return { type: 'bid', bid: this.bid(eventId, timestamp) };
    if (r < PERSON_PROPORTION) return { type: 'person', person: this.person(eventId, timestamp) };
    return { type: 'auction', auction: this.auction(eventId, n, timestamp) };
  }

  private person(eventId: number, dateTime: number): Person {
    const random = this.random;
    const name = FULL_NAMES[random.nextInt(FIRST_NAMES.length) * LAST_NAMES.length + random.nextInt(LAST_NAMES.length)];
    const emailAddress = this.emails[random.nextInt(POOL_SIZE)];
    const creditCard = this.creditCards[random.nextInt(POOL_SIZE)];
    const city = US_CITIES[random.nextInt(US_CITIES.length)];
    const state = US_STATES[random.nextInt(US_STATES.length)];
    const size = 16 + name.length + emailAddress.length + creditCard.length + city.length + state.length;
    return {
      id: lastPersonId(eventId) + FIRST_PERSON_ID,
      name,
      emailAddress,
      creditCard,
      city,
      state,
      dateTime,
      extra: this.extra(size, AVG_PERSON_BYTES),
    };
  }

  private auction(eventId: number, n: number, dateTime: number): Auction {
    const random = this.random;
    const itemName = this.itemNames[random.nextInt(POOL_SIZE)];
    const description = this.descriptions[random.nextInt(POOL_SIZE)];
    const initialBid = this.price();
    const reserve = initialBid + this.price();
    const seller = random.nextInt(HOT_SELLER_RATIO) > 0
      ? Math.floor(lastPersonId(eventId) / HOT_GROUP) * HOT_GROUP
      : this.randomPerson(eventId);
    const category = FIRST_CATEGORY_ID + random.nextInt(NUM_CATEGORIES);
    // Beam's nextAuctionLengthMs: 1 + rand(2 × horizon), so an auction stays open one horizon on
    // average (about 167 ms at 10 000 events/s) and at most two.
    const horizon = this.timestamp(n + EVENTS_PER_AUCTION_HORIZON) - dateTime;
    const expires = dateTime + 1 + random.nextInt(Math.max(2 * horizon, 1));
    const size = 56 + itemName.length + description.length;
    return {
      id: lastAuctionId(eventId) + FIRST_AUCTION_ID,
      itemName,
      description,
      initialBid,
      reserve,
      dateTime,
      expires,
      seller: seller + FIRST_PERSON_ID,
      category,
      extra: this.extra(size, AVG_AUCTION_BYTES),
    };
  }

  private bid(eventId: number, dateTime: number): Bid {
    const random = this.random;
    const auction = random.nextInt(HOT_AUCTION_RATIO) > 0
      ? Math.floor(lastAuctionId(eventId) / HOT_GROUP) * HOT_GROUP
      : this.randomAuction(eventId);
    const bidder = random.nextInt(HOT_BIDDER_RATIO) > 0
      ? Math.floor(lastPersonId(eventId) / HOT_GROUP) * HOT_GROUP + 1
      : this.randomPerson(eventId);
    const price = this.price();
    let channel: string;
    let url: string;
    if (random.nextInt(HOT_CHANNEL_RATIO) > 0) {
      const i = random.nextInt(HOT_CHANNELS.length);
      channel = hotChannel(i);
      url = hotChannelUrl(i);
    } else {
      const i = random.nextInt(CHANNELS);
      channel = channelName(i);
      url = channelUrl(i);
    }
    const size = 32 + channel.length + url.length;
    return {
      auction: auction + FIRST_AUCTION_ID,
      bidder: bidder + FIRST_PERSON_ID,
      price,
      channel,
      url,
      dateTime,
      extra: this.extra(size, AVG_BID_BYTES),
    };
  }

  /** Base-0 id of a recent person (or one of the next ID_LEAD to come). */
  private randomPerson(eventId: number): number {
    const people = lastPersonId(eventId) + 1;
    const active = Math.min(people, ACTIVE_PEOPLE);
    return people - active + this.random.nextInt(active + ID_LEAD);
  }

  /** Base-0 id of an auction among the last IN_FLIGHT_AUCTIONS (or one of the next ID_LEAD to come). */
  private randomAuction(eventId: number): number {
    const hi = lastAuctionId(eventId);
    const lo = Math.max(hi - IN_FLIGHT_AUCTIONS, 0);
    return lo + this.random.nextInt(hi - lo + 1 + ID_LEAD);
  }

  /** Cents, log-uniform from $1 to $1 000 000. */
  private price(): number {
    return Math.round(Math.pow(10, this.random.next01() * 6) * 100);
  }

  /** Padding that brings a record of `size` bytes to `average` ± 20 % (none when it is already larger). */
  private extra(size: number, average: number): string {
    if (size >= average) return '';
    const wanted = average - size;
    const delta = Math.round(wanted * 0.2);
    return padding(wanted - delta + this.random.nextInt(2 * delta + 1));
  }
}

let lastConfig: GeneratorConfig | undefined;
let lastGenerator: NexmarkGenerator | undefined;

/** Event number n (0-based) of the stream; the same for the same config and n, wherever it is generated. */
export function eventAt(config: GeneratorConfig, n: number): NexmarkEvent {
  if (lastConfig !== config || lastGenerator === undefined) {
    lastGenerator = new NexmarkGenerator(config);
    lastConfig = config;
  }
  return lastGenerator.at(n);
}

/** dateTime of event number n. */
export function eventTimestamp(config: GeneratorConfig, n: number): number {
  return config.baseTime + Math.floor((n * 1000) / config.eventsPerSecond);
}

/** Events number `from` (inclusive) to `to` (exclusive, default config.events; Infinity: endless), in order. */
export function* events(config: GeneratorConfig, from = 0, to: number = config.events): Generator<NexmarkEvent> {
  const generator = new NexmarkGenerator(config);
  for (let n = from; n < to; n++) yield generator.at(n);
}

/** The event time of an event (its record's dateTime). */
export function eventTime(event: NexmarkEvent): number {
  switch (event.type) {
    case 'bid':
      return event.bid.dateTime;
    case 'auction':
      return event.auction.dateTime;
    case 'person':
      return event.person.dateTime;
  }
}
