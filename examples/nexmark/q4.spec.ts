import type { Q4Result } from './q4';
import { q4Reference } from './reference/q4';
import { generatedEvents, runQuery } from './run-query';

const EVENTS = 200_000;

describe('Nexmark q4 (average winning price per category)', () => {
  const expected = q4Reference(generatedEvents(EVENTS));

  it('has something to check', () => {
    expect(expected.map((r) => r.category)).toEqual([10, 11, 12, 13, 14]);
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
