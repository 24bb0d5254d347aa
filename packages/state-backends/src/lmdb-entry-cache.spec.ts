import { LmdbEntryCache, type CachedEntry } from './lmdb-entry-cache';

const key = (i: number): Buffer => Buffer.from([i]);
const id = (i: number): string => key(i).toString('latin1');
const value = (bytes: number): Buffer => Buffer.alloc(bytes, 1);

function cache(bounds: Partial<ConstructorParameters<typeof LmdbEntryCache>[0]> = {}) {
  const commits: Array<Array<{ key: number; value: number | undefined }>> = [];
  const c = new LmdbEntryCache({ entries: 8, bytes: 1000, writeBatchSize: 4, writeBatchMemory: 1000, ...bounds }, (writes: readonly CachedEntry[]) =>
    commits.push(writes.map((w) => ({ key: w.key[0], value: w.value?.length }))));
  return { c, commits };
}

describe('LmdbEntryCache', () => {
  it('commits writes in batches of write-batch-size, the last value of a key once, and keeps them cached', () => {
    const { c, commits } = cache();
    c.write(id(1), key(1), value(1));
    c.write(id(1), key(1), value(2));
    c.write(id(2), key(2), undefined, 'removed');
    c.write(id(3), key(3), value(3));
    expect(commits).toEqual([]);
    c.write(id(4), key(4), value(4));
    expect(commits).toEqual([[{ key: 1, value: 2 }, { key: 2, value: undefined }, { key: 3, value: 3 }, { key: 4, value: 4 }]]);
    expect(c.get(id(1))).toMatchObject({ dirty: false, value: value(2) });
    expect(c.get(id(2))).toMatchObject({ dirty: false, value: undefined, removedKey: undefined });
    c.flush();
    expect(commits).toHaveLength(1);
  });

  it('commits when the written bytes reach write-batch-memory', () => {
    const { c, commits } = cache({ writeBatchMemory: 10 });
    c.write(id(1), key(1), value(6));
    expect(commits).toHaveLength(0);
    c.write(id(2), key(2), value(6));
    expect(commits).toEqual([[{ key: 1, value: 6 }, { key: 2, value: 6 }]]);
  });

  it('drops the oldest committed entries beyond cache.size, never uncommitted ones', () => {
    const { c, commits } = cache({ entries: 8, writeBatchSize: 100 });
    for (let i = 0; i < 8; i++) c.remember(id(i), key(i), value(1));
    c.write(id(20), key(20), value(1));
    c.write(id(21), key(21), value(1));
    // 8 read + 2 written: over by 0 committed entries, so nothing goes yet.
    expect(c.size).toBe(10);
    c.remember(id(9), key(9), value(1));
    // One committed entry over: that many and an eighth of the bound more go, oldest first.
    expect(c.size).toBe(9);
    expect(c.get(id(0))).toBeUndefined();
    expect(c.get(id(1))).toBeUndefined();
    expect(c.get(id(2))).toBeDefined();
    expect(c.get(id(20))).toMatchObject({ dirty: true });
    expect(commits).toEqual([]);
  });

  it('drops committed entries beyond cache.memory; with cache.size 0 keeps only what is not committed', () => {
    const { c } = cache({ bytes: 10, writeBatchMemory: 1000 });
    c.remember(id(1), key(1), value(600));
    c.remember(id(2), key(2), value(600));
    expect(c.get(id(1))).toBeUndefined();
    expect(c.get(id(2))).toBeDefined();
    const none = cache({ entries: 0, writeBatchSize: 2 });
    none.c.remember(id(1), key(1), value(1));
    expect(none.c.size).toBe(0);
    none.c.write(id(2), key(2), value(1));
    expect(none.c.size).toBe(1);
    none.c.write(id(3), key(3), value(1));
    none.c.write(id(4), key(4), value(1));
    expect(none.c.get(id(2))).toBeUndefined();
    expect(none.c.get(id(4))).toMatchObject({ dirty: true });
    expect(none.commits).toEqual([[{ key: 2, value: 1 }, { key: 3, value: 1 }]]);
  });

  it('keeps a copy of a value read from LMDB (its read buffer is reused)', () => {
    const { c } = cache();
    const read = value(3);
    c.remember(id(1), key(1), read);
    read.fill(9);
    expect(c.get(id(1))!.value).toEqual(value(3));
  });
});
