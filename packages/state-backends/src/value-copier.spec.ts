import { Packr } from 'msgpackr';
import { NOT_COPIED, ValueCopier } from '@flott/core';

const codec = new Packr({ structures: [], moreTypes: true, useBigIntExtension: true, copyBuffers: true });
const roundTrip = (value: unknown): unknown => codec.unpack(Buffer.from(codec.pack(value)));

describe('ValueCopier (the lmdb cache copies values without msgpack)', () => {
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

  it('estimates more bytes for larger values', () => {
    const copier = new ValueCopier();
    copier.copy([1, 2, 3]);
    const small = copier.size;
    copier.copy(Array.from({ length: 100 }, (_, i) => i));
    expect(copier.size).toBeGreaterThan(small);
    copier.copy(['x'.repeat(1000)]);
    expect(copier.size).toBeGreaterThan(2000);
  });
});
