import { splitRange } from './split';

describe('splitRange', () => {
  it('covers [0, total) exactly once with contiguous shares differing by at most one', () => {
    for (const total of [0, 1, 2, 7, 10, 100]) {
      for (const p of [1, 2, 3, 4, 11]) {
        const shares = Array.from({ length: p }, (_, i) => splitRange(total, i, p));
        expect(shares[0].start).toBe(0);
        expect(shares[p - 1].end).toBe(total);
        for (let i = 1; i < p; i++) expect(shares[i].start).toBe(shares[i - 1].end);
        const sizes = shares.map((s) => s.end - s.start);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    }
  });

  it('gives the remainder to the first subtasks', () => {
    expect([0, 1, 2].map((i) => splitRange(10, i, 3))).toEqual([
      { start: 0, end: 4 },
      { start: 4, end: 7 },
      { start: 7, end: 10 },
    ]);
  });

  it('stays exact near 2^53', () => {
    const total = Number.MAX_SAFE_INTEGER;
    expect(splitRange(total, 2, 3).end).toBe(total);
    expect(splitRange(total, 1, 3).end - splitRange(total, 1, 3).start).toBe(Math.floor(total / 3));
  });

  it('rejects a subtask index outside the parallelism', () => {
    expect(() => splitRange(10, 3, 3)).toThrow('Assertion failed');
  });
});
