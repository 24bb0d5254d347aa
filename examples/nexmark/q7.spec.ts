import type { Q7Result } from './q7';
import { q7Reference } from './reference/q7';
import { generatedEvents, runQuery } from './run-query';

const EVENTS = 200_000;
const order = (x: Q7Result, y: Q7Result): number =>
  x.dateTime - y.dateTime || x.auction - y.auction || x.bidder - y.bidder || x.price - y.price || x.extra.localeCompare(y.extra);

describe('Nexmark q7 (highest bid per window)', () => {
  const expected = q7Reference(generatedEvents(EVENTS)).sort(order);

  it('has something to check', () => {
    // 200 000 events at 10 000 events/s of event time span 20 s: windows of 10 s.
    expect(new Set(expected.map((r) => Math.floor(r.dateTime / 10_000))).size).toBeGreaterThanOrEqual(2);
  });

  it.each([1, 2])('equals the batch reference at parallelism %i', (p) => {
    expect(runQuery<Q7Result>('q7', p, EVENTS).sort(order)).toEqual(expected);
  });
});
