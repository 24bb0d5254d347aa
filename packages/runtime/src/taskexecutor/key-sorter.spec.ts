import { existsSync, readdirSync, truncateSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { msgpackSerializer } from '../serialization/msgpack-serializer';
import { useTemporaryDirectory } from '../testing/temporary-directory';
import { KeySorter, SortSpillError, msgpackSortCodec, serializerSortCodec } from './key-sorter';

describe('KeySorter', () => {
  const dir = useTemporaryDirectory('flott-sorter-');

  const sorter = (memoryBytes: number, codec = msgpackSortCodec()) => new KeySorter({ codec, memoryBytes, spillDirectory: dir, name: 'attempt/1' });

  function drain(s: KeySorter): Array<[string, unknown, number]> {
    s.endInput();
    const out: Array<[string, unknown, number]> = [];
    for (let r = s.next(); r !== undefined; r = s.next()) out.push([r.key, r.value, r.timestamp]);
    return out;
  }

  /** 3000 records over 37 keys in a scrambled order, each with its position as timestamp. */
  const records = Array.from({ length: 3000 }, (_, i) => {
    const k = (i * 7919) % 37;
    return { key: `k${String(k).padStart(2, '0')}`, value: { k, i, text: 'x'.repeat(i % 50) }, timestamp: i };
  });
  /** What a correct sorter yields: keys in order, each key's records in arrival order. */
  const expected = [...records].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.timestamp - b.timestamp)).map((r) => [r.key, r.value, r.timestamp]);

  it('groups records by key in memory, keeping each key\'s arrival order and timestamps', () => {
    const s = sorter(64 * 1024 * 1024);
    for (const r of records) s.add(r.key, r.value, r.timestamp);
    expect(drain(s)).toEqual(expected);
    expect(s.spilledRuns).toBe(0);
  });

  it('spills sorted runs to disk when memory is full and merges them with what is left in memory', () => {
    const s = sorter(32 * 1024);
    for (const r of records) s.add(r.key, r.value, r.timestamp);
    expect(s.spilledRuns).toBeGreaterThan(5);
    expect(readdirSync(dir()).every((f) => f.startsWith('attempt_1.sort-'))).toBe(true);
    expect(drain(s)).toEqual(expected);
    s.close();
    expect(readdirSync(dir())).toEqual([]);
  });

  it('with a combiner keeps one record per key while buffering: one per key and run, in arrival order, folding to the same result', () => {
    // The combiner sums `i` and keeps the first record's other fields (as a keyed sum by field does); `n` counts what it folded.
    const combine = (a: unknown, b: unknown) => {
      const [x, y] = [a as { k: number; i: number; text: string; n?: number }, b as { i: number; n?: number }];
      return { ...x, i: x.i + y.i, n: (x.n ?? 1) + (y.n ?? 1) };
    };
    const sums = new Map<string, number>();
    for (const r of records) sums.set(r.key, (sums.get(r.key) ?? 0) + r.value.i);
    for (const memoryBytes of [64 * 1024 * 1024, 4 * 1024]) {
      const s = new KeySorter({ codec: msgpackSortCodec(), memoryBytes, spillDirectory: dir, name: 'combining', combine });
      for (const r of records) s.add(r.key, r.value, r.timestamp);
      expect(s.size).toBe(records.length);
      const out = drain(s);
      // Folding what came out per key again gives each key's total over every record.
      const folded = new Map<string, { i: number; n?: number }>();
      for (const [key, value] of out) folded.set(key, folded.has(key) ? (combine(folded.get(key), value) as { i: number }) : (value as { i: number }));
      expect([...folded].map(([k, v]) => [k, v.i, v.n ?? 1])).toEqual([...sums].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, sum]) => [k, sum, records.filter((r) => r.key === k).length]));
      // In memory one record per key; with runs at most one per key and run (plus memory), and far fewer than the records.
      if (memoryBytes > 1024 * 1024) expect(out.length).toBe(37);
      else expect(out.length).toBeLessThanOrEqual(37 * (s.spilledRuns + 1));
      // The first record of each key that comes out carries the fields of the key's first arrival (its text differs per record).
      for (const [key, value] of out.filter(([k], i) => i === 0 || out[i - 1][0] !== k)) {
        expect((value as { text: string }).text).toBe(records.find((r) => r.key === key)!.value.text);
      }
      s.close();
    }
  });

  it('decodes every record on its own, whatever order sorting gives (msgpack record structures would refer to earlier records)', () => {
    // Records of two shapes alternating, keyed so that sorting puts later shapes first.
    for (const codec of [msgpackSortCodec(), serializerSortCodec(msgpackSerializer())]) {
      const s = sorter(4 * 1024, codec);
      const input = Array.from({ length: 400 }, (_, i) => ({ key: `k${String(399 - i).padStart(3, '0')}`, value: i % 2 ? { a: i, b: 'x' } : { c: i, d: [i], e: { f: i } } }));
      for (const r of input) s.add(r.key, r.value, 0);
      expect(drain(s).map(([k, v]) => [k, v])).toEqual([...input].reverse().map((r) => [r.key, r.value]));
    }
  });

  it('spills and reads back records larger than its read-ahead buffer', () => {
    const s = sorter(1024 * 1024);
    const big = 'y'.repeat(200 * 1024);
    for (let i = 0; i < 12; i++) s.add(`k${i % 3}`, { i, big }, i);
    expect(s.spilledRuns).toBeGreaterThan(0);
    expect(drain(s).map(([k, v]) => [k, (v as { i: number }).i, (v as { big: string }).big.length])).toEqual(
      [0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11].map((i) => [`k${i % 3}`, i, big.length]),
    );
  });

  it('fails with a typed error naming the file when a spilled run was cut short', () => {
    const s = sorter(32 * 1024);
    for (const r of records) s.add(r.key, r.value, r.timestamp);
    const run = join(dir(), readdirSync(dir())[0]);
    truncateSync(run, statSync(run).size - 3);
    expect(() => drain(s)).toThrow(SortSpillError);
    expect(() => drain(s)).toThrow(run);
    s.close();
    expect(existsSync(run)).toBe(false);
  });
});
