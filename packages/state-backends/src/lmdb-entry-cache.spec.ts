import { LmdbEntryCache, type CachedEntry } from './lmdb-entry-cache';

const key = (i: number): Buffer => Buffer.from([i]);

function cache(bounds: Partial<ConstructorParameters<typeof LmdbEntryCache>[0]> = {}) {
  const commits: Array<Array<{ key: number; value: unknown }>> = [];
  const map = new Map<unknown, CachedEntry>();
  const c = new LmdbEntryCache({ entries: 8, bytes: 10_000, writeBatchSize: 4, writeBatchMemory: 10_000, ...bounds }, (writes: readonly CachedEntry[]) =>
    commits.push(writes.map((w) => ({ key: w.key[0], value: w.value }))));
  const write = (i: number, value: unknown, size = 1, removedKey?: unknown) => c.write(map.get(i), map, i, key(i), value, size, removedKey);
  const remember = (i: number, value: unknown, size = 1) => c.remember(map, i, key(i), value, size);
  return { c, commits, map, write, remember };
}

describe('LmdbEntryCache', () => {
  it('commits writes in batches of write-batch-size, the last value of a key once, and keeps them cached (write-back)', () => {
    const { c, commits, map, write } = cache();
    write(1, 'a');
    write(1, 'b');
    write(2, undefined, 0, 'removed');
    write(3, [3]);
    expect(commits).toEqual([]);
    expect(map.get(1)).toMatchObject({ dirty: true, value: 'b' });
    expect(map.get(2)).toMatchObject({ dirty: true, value: undefined, removedKey: 'removed' });
    write(4, 4);
    expect(commits).toEqual([[{ key: 1, value: 'b' }, { key: 2, value: undefined }, { key: 3, value: [3] }, { key: 4, value: 4 }]]);
    expect(map.get(1)).toMatchObject({ dirty: false, value: 'b' });
    expect(map.get(2)).toMatchObject({ dirty: false, value: undefined, removedKey: undefined });
    c.flush();
    expect(commits).toHaveLength(1);
    write(1, 'c');
    c.flush();
    expect(commits[1]).toEqual([{ key: 1, value: 'c' }]);
    expect(c.size).toBe(4);
  });

  it('commits when the estimated bytes written reach write-batch-memory', () => {
    const { commits, write } = cache({ writeBatchMemory: 10 });
    write(1, 'x', 6);
    expect(commits).toHaveLength(0);
    write(2, 'y', 6);
    expect(commits).toEqual([[{ key: 1, value: 'x' }, { key: 2, value: 'y' }]]);
  });

  it('drops the oldest committed entries beyond cache.size, never uncommitted ones, from the maps they are in', () => {
    const { c, commits, map, write, remember } = cache({ entries: 8, writeBatchSize: 100 });
    write(20, 1);
    for (let i = 0; i < 8; i++) remember(i, i);
    write(21, 1);
    // 8 read + 2 written: over by 0 committed entries, so nothing goes yet.
    expect(c.size).toBe(10);
    remember(9, 9);
    // One committed entry over: that many and an eighth of the bound more go, oldest first; the
    // uncommitted write before them stays.
    expect(c.size).toBe(9);
    expect([...map.keys()].sort((a, b) => (a as number) - (b as number))).toEqual([2, 3, 4, 5, 6, 7, 9, 20, 21]);
    expect(map.get(20)).toMatchObject({ dirty: true });
    expect(commits).toEqual([]);
    // Committed, the write is the oldest entry and goes first: 10 entries, 2 over, and one more go.
    c.flush();
    remember(10, 10);
    expect([...map.keys()].sort((a, b) => (a as number) - (b as number))).toEqual([4, 5, 6, 7, 9, 10, 21]);
    expect(c.size).toBe(map.size);
  });

  it('drops committed entries beyond cache.memory; with cache.size 0 keeps only what is not committed', () => {
    const { map, remember } = cache({ bytes: 10, writeBatchMemory: 1000 });
    remember(1, 'one', 600);
    remember(2, 'two', 600);
    expect(map.has(1)).toBe(false);
    expect(map.has(2)).toBe(true);
    const none = cache({ entries: 0, writeBatchSize: 2 });
    none.remember(1, 1);
    expect(none.c.size).toBe(0);
    none.write(2, 2);
    expect(none.c.size).toBe(1);
    none.write(3, 3);
    none.write(4, 4);
    expect(none.map.has(2)).toBe(false);
    expect(none.map.get(4)).toMatchObject({ dirty: true });
    expect(none.commits).toEqual([[{ key: 2, value: 2 }, { key: 3, value: 3 }]]);
  });

  it('keeps a copy of the key (the encoder reuses its buffer), and clear empties the maps', () => {
    const { c, map } = cache();
    const scratch = key(7);
    c.remember(map, 7, scratch, 'v', 1);
    scratch[0] = 9;
    expect(map.get(7)!.key).toEqual(key(7));
    c.clear();
    expect([map.size, c.size]).toEqual([0, 0]);
  });

  it('stays bounded over many rounds of reads and writes, its maps holding exactly the entries it counts', () => {
    const { c, map, write, remember } = cache({ entries: 50, writeBatchSize: 7 });
    for (let i = 0; i < 5000; i++) {
      const k = (i * 37) % 251;
      if (i % 3 === 0) write(k, i);
      else if (!map.has(k)) remember(k, k);
      expect(c.size).toBe(map.size);
    }
    expect(c.size).toBeLessThanOrEqual(50 + 7);
  });
});
