import type { Q5Result } from './q5';
import { q5Reference } from './reference/q5';
import { generatedEvents, runQuery } from './run-query';

const EVENTS = 200_000;
const order = (x: Q5Result, y: Q5Result): number => x.windowStart - y.windowStart || x.auction - y.auction;

describe('Nexmark q5 (hot items)', () => {
  const expected = q5Reference(generatedEvents(EVENTS)).sort(order);

  it('has something to check', () => {
    // 20 s of event time in 2 s slides: every window that holds a bid.
    expect(new Set(expected.map((r) => r.windowStart)).size).toBeGreaterThanOrEqual(10);
  });

  it.each([1, 2])('equals the batch reference at parallelism %i', (p) => {
    expect(runQuery<Q5Result>('q5', p, EVENTS).sort(order)).toEqual(expected);
  });
});
