import { eventAt, events, eventTime, NEXMARK_DEFAULTS, nexmarkConfig, NexmarkGenerator } from './generator';
import { FIRST_AUCTION_ID, FIRST_PERSON_ID, ID_LEAD, kindOf, lastAuctionId, lastPersonId } from './ids';
import type { Auction, Bid, NexmarkEvent, Person } from './model';
import { FIRST_NAMES, LAST_NAMES, US_CITIES, US_STATES } from './strings';

const N = 100_000;
const config = nexmarkConfig({ events: N });
const all: NexmarkEvent[] = [...events(config)];
const bids = all.flatMap((e) => (e.type === 'bid' ? [e.bid] : []));
const auctions = all.flatMap((e) => (e.type === 'auction' ? [e.auction] : []));
const people = all.flatMap((e) => (e.type === 'person' ? [e.person] : []));

describe('Nexmark generator', () => {
  it('is deterministic per event: the same event whether generated alone, in a range or in a fresh generator', () => {
    for (const n of [0, 1, 49, 50, 777, 31_415, 99_999]) {
      expect(eventAt(config, n)).toEqual(all[n]);
      expect(new NexmarkGenerator(config).at(n)).toEqual(all[n]);
      expect([...events(config, n, n + 1)]).toEqual([all[n]]);
    }
    // A different config (another object with the same values) gives the same events.
    expect([...events(nexmarkConfig({ events: N }), 500, 600)]).toEqual(all.slice(500, 600));
  });

  it('follows the 1:3:46 proportions by eventId % 50', () => {
    expect(all.filter((e, n) => e.type !== kindOf(config.firstEventId + n))).toEqual([]);
    expect(people.length).toBe(2000);
    expect(auctions.length).toBe(6000);
    expect(bids.length).toBe(92_000);
    // Event 0 has id 1: an auction (1 % 50 = 1); ids 50, 100, ... are people.
    expect(all[0].type).toBe('auction');
    expect(all[49].type).toBe('person');
  });

  it('computes lastPersonId and lastAuctionId as NEXMARK.md defines them', () => {
    expect([0, 1, 49, 50, 99, 100].map(lastPersonId)).toEqual([0, 0, 0, 1, 1, 2]);
    // e = floor(id/50), o = id % 50: o < 1 → 3(e-1)+2; o ≥ 4 → 3e+2; else 3e + o − 1.
    expect([50, 51, 52, 53, 54, 99, 100, 101].map(lastAuctionId)).toEqual([2, 3, 4, 5, 5, 5, 5, 6]);
  });

  it('gives new people and auctions consecutive ids from 1000, one per creating event', () => {
    const wrong = all.filter((e, n) => {
      const id = config.firstEventId + n;
      if (e.type === 'person') return e.person.id !== lastPersonId(id) + FIRST_PERSON_ID;
      if (e.type === 'auction') return e.auction.id !== lastAuctionId(id) + FIRST_AUCTION_ID;
      return false;
    });
    expect(wrong).toEqual([]);
    // firstEventId 1 skips event id 0, the creator of person 1000.
    expect(people.map((p) => p.id)).toEqual(Array.from({ length: 2000 }, (_, i) => 1001 + i));
    expect(auctions.map((a) => a.id)).toEqual(Array.from({ length: 6000 }, (_, i) => 1000 + i));
  });

  it('refers only to recent people and auctions, at most ID_LEAD ids ahead of the last created one', () => {
    let lastPerson = FIRST_PERSON_ID - 1;
    let lastAuction = FIRST_AUCTION_ID - 1;
    const recentPerson = (id: number): boolean => id >= FIRST_PERSON_ID && id >= lastPerson - 1000 && id <= lastPerson + ID_LEAD + 1;
    const wrong: NexmarkEvent[] = [];
    let aheadOfLast = 0;
    for (const e of all) {
      if (e.type === 'person') lastPerson = e.person.id;
      else if (e.type === 'auction') {
        lastAuction = e.auction.id;
        if (!recentPerson(e.auction.seller)) wrong.push(e);
      } else {
        const b = e.bid;
        if (!recentPerson(b.bidder) || b.auction < Math.max(FIRST_AUCTION_ID, lastAuction - 100) || b.auction > lastAuction + ID_LEAD) wrong.push(e);
        if (b.auction > lastAuction) aheadOfLast++;
      }
    }
    expect(wrong).toEqual([]);
    // The lead is used, but rarely: 10 of ~111 random choices, for the random half of the bids.
    expect(aheadOfLast / bids.length).toBeGreaterThan(0.03);
    expect(aheadOfLast / bids.length).toBeLessThan(0.06);
  });

  it('sends about half of the bids to the hot auction (the newest multiple of 100) and 3/4 to hot bidders and sellers', () => {
    const hotAuctionOf = (n: number): number => Math.floor(lastAuctionId(config.firstEventId + n) / 100) * 100 + FIRST_AUCTION_ID;
    const hotPersonOf = (n: number): number => Math.floor(lastPersonId(config.firstEventId + n) / 100) * 100 + FIRST_PERSON_ID;
    let toHotAuction = 0;
    let byHotBidder = 0;
    let byHotSeller = 0;
    all.forEach((e, n) => {
      if (e.type === 'bid' && e.bid.auction === hotAuctionOf(n)) toHotAuction++;
      if (e.type === 'bid' && e.bid.bidder === hotPersonOf(n) + 1) byHotBidder++;
      if (e.type === 'auction' && e.auction.seller === hotPersonOf(n)) byHotSeller++;
    });
    // The hot share plus the random references that happen to hit the same auction.
    expect(toHotAuction / bids.length).toBeGreaterThan(0.5);
    expect(toHotAuction / bids.length).toBeLessThan(0.52);
    expect(byHotBidder / bids.length).toBeGreaterThan(0.74);
    expect(byHotBidder / bids.length).toBeLessThan(0.76);
    expect(byHotSeller / auctions.length).toBeGreaterThan(0.73);
    expect(byHotSeller / auctions.length).toBeLessThan(0.77);
    // Skew: the 1 % of auctions that are multiples of 100 get about half of all bids.
    const onHundreds = bids.filter((b) => (b.auction - FIRST_AUCTION_ID) % 100 === 0).length / bids.length;
    expect(onHundreds).toBeGreaterThan(0.5);
    expect(onHundreds).toBeLessThan(0.52);
  });

  it('spaces timestamps by 1000 / eventsPerSecond ms from baseTime', () => {
    expect(all.filter((e, n) => eventTime(e) !== NEXMARK_DEFAULTS.baseTime + Math.floor(n / 10))).toEqual([]);
    expect(eventTime(all[N - 1])).toBe(Date.UTC(2025, 0, 1) + 9999);
    const fast = nexmarkConfig({ eventsPerSecond: 3, baseTime: 0 });
    expect([0, 1, 2, 3, 4, 7].map((n) => eventTime(eventAt(fast, n)))).toEqual([0, 333, 666, 1000, 1333, 2333]);
  });

  it('draws fields from the specified domains', () => {
    const names = new Set(FIRST_NAMES.flatMap((f) => LAST_NAMES.map((l) => `${f} ${l}`)));
    const states: readonly string[] = US_STATES;
    const cities: readonly string[] = US_CITIES;
    const badPeople = people.filter((p) => !names.has(p.name) || !states.includes(p.state) || !cities.includes(p.city) ||
      !/^[a-z]{7}@[a-z]{5}\.com$/.test(p.emailAddress) || !/^\d{4} \d{4} \d{4} \d{4}$/.test(p.creditCard));
    expect(badPeople).toEqual([]);
    expect(new Set(people.map((p) => p.state)).size).toBe(6);
    const badAuctions = auctions.filter((a) => a.category < 10 || a.category > 14 || !Number.isInteger(a.category) ||
      a.reserve <= a.initialBid || a.expires <= a.dateTime);
    expect(badAuctions).toEqual([]);
    expect(new Set(auctions.map((a) => a.category)).size).toBe(5);
    const prices = bids.map((b) => b.price);
    expect(Math.min(...prices)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...prices)).toBeLessThanOrEqual(100_000_000);
    expect(bids.filter((b) => !Number.isInteger(b.price))).toEqual([]);
    // log-uniform: a sixth of the prices per decade.
    const belowTenDollars = prices.filter((p) => p < 1000).length / prices.length;
    expect(belowTenDollars).toBeGreaterThan(0.15);
    expect(belowTenDollars).toBeLessThan(0.18);
    const hotChannel = bids.filter((b) => ['Google', 'Facebook', 'Baidu', 'Apple'].includes(b.channel)).length / bids.length;
    expect(hotChannel).toBeGreaterThan(0.48);
    expect(hotChannel).toBeLessThan(0.52);
    expect(bids.filter((b) => !/^(Google|Facebook|Baidu|Apple|channel-\d{1,4})$/.test(b.channel))).toEqual([]);
  });

  it.each([10_000, 1000])('keeps auctions open 1 + rand(2 × horizon) ms, one horizon on average, at %i events/s', (eventsPerSecond) => {
    // The horizon: the time until the auction 100 auctions ahead is generated, 100 × 50/3 events later.
    const horizon = ((100 * 50) / 3) * (1000 / eventsPerSecond);
    const lifetimes = [...events(nexmarkConfig({ events: N, eventsPerSecond }))]
      .flatMap((e) => (e.type === 'auction' ? [e.auction.expires - e.auction.dateTime] : []));
    const mean = lifetimes.reduce((s, x) => s + x, 0) / lifetimes.length;
    // Uniform on [1, 2 × horizon]: the mean of 6000 lifetimes is within 5 % of one horizon (6 standard errors).
    expect(Math.abs(mean / horizon - 1)).toBeLessThan(0.05);
    expect(Math.min(...lifetimes)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...lifetimes)).toBeGreaterThan(1.95 * horizon);
    expect(Math.max(...lifetimes)).toBeLessThanOrEqual(2 * Math.ceil(horizon));
    expect(lifetimes.filter((x) => !Number.isInteger(x))).toEqual([]);
  });

  it('pads records to their average size ± 20 %', () => {
    const personSize = (p: Person): number =>
      16 + p.name.length + p.emailAddress.length + p.creditCard.length + p.city.length + p.state.length + p.extra.length;
    const auctionSize = (a: Auction): number => 56 + a.itemName.length + a.description.length + a.extra.length;
    const bidSize = (b: Bid): number => 32 + b.channel.length + b.url.length + b.extra.length;
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(people.filter((p) => Math.abs(personSize(p) - 200) > 30)).toEqual([]);
    expect(auctions.filter((a) => Math.abs(auctionSize(a) - 500) > 70)).toEqual([]);
    expect(Math.abs(mean(people.map(personSize)) - 200)).toBeLessThan(3);
    expect(Math.abs(mean(auctions.map(auctionSize)) - 500)).toBeLessThan(3);
    // A bid's channel and url alone reach about 100 bytes: most bids need no padding, none exceeds it by much.
    expect(mean(bids.map(bidSize))).toBeLessThan(130);
  });

  it('validates its configuration', () => {
    expect(() => nexmarkConfig({ events: -1 })).toThrow(RangeError);
    expect(() => nexmarkConfig({ events: 1.5 })).toThrow(RangeError);
    expect(() => nexmarkConfig({ eventsPerSecond: 0 })).toThrow(RangeError);
    expect(() => nexmarkConfig({ targetRate: -5 })).toThrow(RangeError);
    expect(nexmarkConfig({ events: Infinity }).events).toBe(Infinity);
  });
});
