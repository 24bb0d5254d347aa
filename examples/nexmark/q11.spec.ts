import type { Q11Result } from './q11';
import { q11Reference } from './reference/q11';
import { generatedEvents, runQuery } from './run-query';

const EVENTS = 200_000;
const order = (x: Q11Result, y: Q11Result): number => x.bidder - y.bidder || x.windowStart - y.windowStart;

describe('Nexmark q11 (bids per bidder session)', () => {
  const expected = q11Reference(generatedEvents(EVENTS)).sort(order);

  it('has something to check', () => {
    // Sessions that merged many bids over several seconds. (At the generator's default 10 000
    // events/s of event time a bidder is drawn only for about 5 s, so no bidder here has two
    // sessions; the split is covered by the session window tests of the runtime.)
    expect(expected.length).toBeGreaterThan(1000);
    expect(expected.some((r) => r.count > 100 && r.windowEnd - r.windowStart > 14_000)).toBe(true);
  });

  it.each([1, 2])('equals the batch reference at parallelism %i', (p) => {
    expect(runQuery<Q11Result>('q11', p, EVENTS).sort(order)).toEqual(expected);
  });
});
