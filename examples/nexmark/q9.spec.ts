import type { Q9Result } from './q9';
import { q9Reference } from './reference/q9';
import { generatedEvents, runQuery } from './run-query';

const EVENTS = 200_000;
const order = (x: Q9Result, y: Q9Result): number => x.id - y.id;

describe('Nexmark q9 (winning bids)', () => {
  const events = generatedEvents(EVENTS);
  const expected = q9Reference(events).sort(order);

  it('has something to check', () => {
    const auctions = events.filter((e) => e.type === 'auction').length;
    expect(expected.length).toBeGreaterThan(auctions / 2);
    expect(expected.length).toBeLessThan(auctions);
  });

  it.each([1, 2])('equals the batch reference at parallelism %i', (p) => {
    expect(runQuery<Q9Result>('q9', p, EVENTS).sort(order)).toEqual(expected);
  });
});
