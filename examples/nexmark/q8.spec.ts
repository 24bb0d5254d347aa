import type { Q8Result } from './q8';
import { q8Reference } from './reference/q8';
import { generatedEvents, runQuery } from './run-query';

const EVENTS = 200_000;
const order = (x: Q8Result, y: Q8Result): number => x.windowStart - y.windowStart || x.id - y.id;

describe('Nexmark q8 (new users who opened an auction)', () => {
  const events = generatedEvents(EVENTS);
  const expected = q8Reference(events).sort(order);

  it('has something to check', () => {
    const people = events.filter((e) => e.type === 'person').length;
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(people);
  });

  it.each([1, 2])('equals the batch reference at parallelism %i', (p) => {
    expect(runQuery<Q8Result>('q8', p, EVENTS).sort(order)).toEqual(expected);
  });
});
