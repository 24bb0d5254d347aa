import type { NexmarkEvent } from '@flott/nexmark';
import type { Q4Result } from './q4';
import { q4Reference } from './reference/q4';
import { generatedEvents, runQuery } from './run-query';

const EVENTS = 200_000;

/** An auction open from time 0 to 100 and one bid on it at time 50 with `price`. */
function auctionWonAt(id: number, category: number, price: number): NexmarkEvent[] {
  return [
    { type: 'auction', auction: { id, itemName: 'i', description: 'd', initialBid: 1, reserve: 2, dateTime: 0, expires: 100, seller: 1000, category, extra: '' } },
    { type: 'bid', bid: { auction: id, bidder: 1000, price, channel: 'Google', url: 'u', dateTime: 50, extra: '' } },
  ];
}

describe('q4 averages as Flink\'s AVG over BIGINT', () => {
  it('truncates sum / count to a whole number', () => {
    const events = [
      ...auctionWonAt(1, 10, 100), ...auctionWonAt(2, 10, 101),
      ...auctionWonAt(3, 11, 7),
      ...auctionWonAt(4, 12, 1), ...auctionWonAt(5, 12, 1), ...auctionWonAt(6, 12, 2),
      ...auctionWonAt(7, 13, 99_999_999), ...auctionWonAt(8, 13, 100_000_000),
    ];
    expect(q4Reference(events)).toEqual([
      { category: 10, avg: 100 }, // 100.5
      { category: 11, avg: 7 },
      { category: 12, avg: 1 }, // 1.33
      { category: 13, avg: 99_999_999 }, // 99 999 999.5
    ]);
  });
});

describe('Nexmark q4 (average winning price per category)', () => {
  const expected = q4Reference(generatedEvents(EVENTS));

  it('has something to check', () => {
    expect(expected.map((r) => r.category)).toEqual([10, 11, 12, 13, 14]);
    expect(expected.filter((r) => !Number.isInteger(r.avg))).toEqual([]);
  });

  it.each([1, 2])('ends with the batch reference average of every category at parallelism %i', (p) => {
    const updates = runQuery<Q4Result>('q4', p, EVENTS);
    // A changelog: the last update of a category is its final average.
    const last = new Map<number, number>();
    for (const u of updates) last.set(u.category, u.avg);
    const got = [...last.entries()].sort(([x], [y]) => x - y).map(([category, avg]) => ({ category, avg }));
    expect(got).toEqual(expected);
  });
});
