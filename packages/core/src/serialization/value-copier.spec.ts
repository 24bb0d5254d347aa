import { Packr } from 'msgpackr';
import { NOT_COPIED, ValueCopier } from './value-copier';

const codec = new Packr({ structures: [], moreTypes: true, useBigIntExtension: true, copyBuffers: true });
const roundTrip = (value: unknown): unknown => codec.unpack(Buffer.from(codec.pack(value)));

describe('ValueCopier (the lmdb cache and the hand-over in one thread copy values without msgpack)', () => {
  it('for a codec without a bigint extension, leaves bigints beyond 64 bits to msgpack (which reports them)', () => {
    const copier = new ValueCopier({ anyBigInt: false });
    expect(copier.copy([2n ** 63n, -(2n ** 63n)])).toEqual([2n ** 63n, -(2n ** 63n)]);
    expect(copier.copy([2n ** 64n])).toBe(NOT_COPIED);
    expect(copier.copy({ big: -(2n ** 63n) - 1n })).toBe(NOT_COPIED);
    expect(new ValueCopier().copy([2n ** 64n])).toEqual([2n ** 64n]);
  });

  it('copies primitives, plain arrays and objects as a msgpack round trip does, sharing nothing', () => {
    const holey = [1, , 3];
    const values: unknown[] = [
      [1, 2.5, -3, 'x', true, null],
      [0, [1, [2, [3]]], { a: 1, b: [2, 'c'], c: undefined, d: { e: null } }],
      { windowStart: 0, windowEnd: 10, auction: 7, count: 3 },
      [{ at: 1 }, { at: 2 }],
      ['long string'.repeat(10), 'ü€😀'],
      [10n ** 30n, undefined, NaN, Infinity],
      holey,
      [],
      {},
      [-0, 1],
      { z: -0, list: [-0] },
    ];
    for (const value of values) {
      const copier = new ValueCopier();
      const copy = copier.copy(value);
      expect(copy).not.toBe(NOT_COPIED);
      expect(copy).toEqual(roundTrip(value));
      expect(copy).not.toBe(value);
      expect(copier.size).toBeGreaterThan(0);
    }
    // A hole becomes undefined, as msgpack has no holes.
    const copy = new ValueCopier().copy(holey) as unknown[];
    expect(1 in copy).toBe(true);
    const nested = { list: [1, 2], inner: { list: [3] } };
    const nestedCopy = new ValueCopier().copy(nested) as typeof nested;
    nested.list.push(9);
    nested.inner.list.push(9);
    expect(nestedCopy).toEqual({ list: [1, 2], inner: { list: [3] } });
  });

  it('leaves to msgpack what it does not copy: Maps, Sets, Dates, typed arrays, class instances, functions, deep nesting, __proto__ keys', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    let deep: unknown = 1;
    for (let i = 0; i < 20; i++) deep = [deep];
    const withProto = JSON.parse('{"__proto__": {"x": 1}}') as unknown;
    for (const value of [new Map([[1, 2]]), new Set([1]), new Date(5), new Uint8Array([1]), new Point(1), [1, new Point(2)], { f: () => 1 }, deep, withProto, Symbol('s')]) {
      expect(new ValueCopier().copy(value)).toBe(NOT_COPIED);
    }
  });

  it('copies flat records by their shape: many shapes, key orders, symbol keys and -0 as a round trip does', () => {
    const copier = new ValueCopier();
    const symbol = Symbol('s');
    const values: Array<Record<string | symbol, unknown>> = [
      { id: 1, value: 2, tag: 'a' },
      { tag: 'a', id: 1, value: 2 },
      { id: 1, value: 2 },
      { id: 1, value: 2, tag: 'a', extra: null, gone: undefined, yes: true },
      { 2: 'two', 1: 'one', name: 'n' },
      { 'a "quoted" key': 1, 'line\u2028break': 2, '': 3 },
      { id: 1, [symbol]: 'dropped by msgpack' },
      { id: -0, value: 1 },
      { id: 1, nested: { value: 2 } },
      {},
    ];
    // Many shapes, twice over: each shape's function is made once and found again.
    for (let i = 0; i < 20; i++) values.push({ [`k${i}`]: i, shared: 's' });
    for (let round = 0; round < 2; round++) {
      for (const value of values) {
        const copy = copier.copy(value) as Record<string | symbol, unknown>;
        expect(copy).toEqual(roundTrip(value));
        expect(Object.keys(copy)).toEqual(Object.keys(roundTrip(value) as object));
        expect(Object.getOwnPropertySymbols(copy)).toEqual([]);
        expect(copy).not.toBe(value);
        expect(copier.size).toBeGreaterThan(0);
      }
    }
    const nested = { id: 1, inner: { list: [1] } };
    const copy = copier.copy(nested) as typeof nested;
    nested.inner.list.push(2);
    expect(copy.inner.list).toEqual([1]);
    expect(Object.is((copier.copy({ z: -0 }) as { z: number }).z, 0)).toBe(true);
    expect(copier.copy(JSON.parse('{"a": 1, "__proto__": {"x": 1}}') as unknown)).toBe(NOT_COPIED);
    expect(copier.copy({ a: 1, f: () => 1 })).toBe(NOT_COPIED);
  });

  it('copies records of alternating shapes (a join\'s or a union\'s), the same key count in other orders included', () => {
    const copier = new ValueCopier();
    const kinds: Array<(i: number) => Record<string, unknown>> = [
      (i) => ({ auction: i, price: i * 2 }),
      (i) => ({ price: i * 2, auction: i }),
      (i) => ({ id: i, category: 'c', seller: i + 1 }),
      (i) => ({ id: i, seller: i + 1, category: 'c' }),
      (i) => ({ person: i, name: `p${i}` }),
      (i) => ({ a: i }),
    ];
    for (let i = 0; i < 200; i++) {
      // Two, three, then all six kinds in turn: more than the copier keeps besides its last.
      const value = kinds[i < 60 ? i % 2 : i < 120 ? i % 3 : i % kinds.length](i);
      const copy = copier.copy(value) as Record<string, unknown>;
      expect(copy).toEqual(value);
      expect(Object.keys(copy)).toEqual(Object.keys(value));
      expect(copy).not.toBe(value);
    }
  });

  it('estimates more bytes for larger values', () => {
    const copier = new ValueCopier();
    copier.copy([1, 2, 3]);
    const small = copier.size;
    copier.copy(Array.from({ length: 100 }, (_, i) => i));
    expect(copier.size).toBeGreaterThan(small);
    copier.copy(['x'.repeat(1000)]);
    expect(copier.size).toBeGreaterThan(2000);
    // Flat objects are estimated as the general path estimates objects (the lmdb cache's byte bound
    // depends on it: 64 an object, per key 16 + 16 + 2 a character, per value 16 + 2 a character of a string).
    copier.copy({ id: 123456, user: 'user-123456', payload: 'x'.repeat(180) });
    expect(copier.size).toBe(64 + (32 + 4 + 16) + (32 + 8 + 16 + 22) + (32 + 14 + 16 + 360));
    copier.copy({ id: 1 });
    const flat = copier.size;
    copier.copy({ id: 1, text: 'x'.repeat(1000) });
    expect(copier.size).toBeGreaterThan(flat + 2000);
  });
});
