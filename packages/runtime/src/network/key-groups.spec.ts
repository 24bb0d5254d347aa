import {
  assignKeyToParallelOperator, assignToKeyGroup, computeKeyGroupRangeForOperatorIndex, computeOperatorIndexForKeyGroup,
  defaultMaxParallelism, hashKey, murmur3x86_32, murmurHashInt,
} from './key-groups';
import { UnsupportedKeyError } from './network-errors';

// Reference values computed with an independent MurmurHash3_x86_32 written in Python (plain integers);
// the seeded ones match the published test vectors of the algorithm.
describe('murmur3', () => {
  it.each([
    ['', 0, 0x00000000],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['\0\0\0\0', 0, 0x2362f9de],
    ['a', 0, 0x3c2569b2],
    ['ab', 0, 0x9bbfd75f],
    ['abc', 0, 0xb3dd93fa],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
  ])('murmur3x86_32(%j, %d)', (input, seed, expected) => {
    expect(murmur3x86_32(Buffer.from(input, 'latin1'), seed)).toBe(expected);
  });

  it.each([
    [0, 593689054],
    [1, 68075478],
    [-1, 1982413648],
    [42, 1134849565],
    [123456789, 1088346449],
    [2147483647, 1653689534],
    [-2147483648, 1718298732],
  ])("Flink's murmurHash(%d) = %d", (code, expected) => {
    expect(murmurHashInt(code)).toBe(expected);
  });

  it('murmurHashInt is the absolute murmur3 of the int\'s little-endian bytes', () => {
    for (const code of [0, 7, -7, 99999, -123456, 2 ** 30, -(2 ** 31)]) {
      const bytes = Buffer.alloc(4);
      bytes.writeInt32LE(code);
      const h = murmur3x86_32(bytes) | 0;
      expect(murmurHashInt(code)).toBe(h === -2147483648 ? 0 : Math.abs(h));
    }
  });
});

describe('hashKey', () => {
  it.each([
    ['hello', 99162322],
    ['', 0],
    ['Grüße', 69215351],
    [42, 42],
    [-1, -1],
    [-0, 0],
    [2 ** 40, 256],
    [1.5, 1073217536],
    [Number.NaN, 2146959360],
    [true, 1231],
    [false, 1237],
    [null, 0],
    [undefined, 0],
    [5n, 5],
    [[1, 2], 994],
    [{ a: 1, b: 2 }, 192],
  ])('hashKey(%p) = %d (Java hashCode semantics)', (key, expected) => {
    expect(hashKey(key)).toBe(expected);
  });

  it('does not depend on object key order or object identity', () => {
    expect(hashKey({ b: 2, a: 1 })).toBe(hashKey({ a: 1, b: 2 }));
    expect(hashKey({ user: 'x', tags: ['p', 'q'] })).toBe(hashKey({ tags: ['p', 'q'], user: 'x' }));
    expect(hashKey(new Map<string, number>([['a', 1], ['b', 2]]))).toBe(192);
    expect(hashKey(new Date(42))).toBe(42);
    expect(hashKey(new Uint8Array([1, 255]))).toBe(31 * (31 + 1) - 1);
  });

  it('rejects keys it cannot hash stably', () => {
    expect(() => hashKey(() => 1)).toThrow(UnsupportedKeyError);
    expect(() => hashKey(Symbol('s'))).toThrow(UnsupportedKeyError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => hashKey(cyclic)).toThrow(UnsupportedKeyError);
  });
});

describe('key groups', () => {
  it.each([
    ['hello', 35],
    ['flott', 117],
    ['', 94],
    [0, 94],
    [42, 29],
  ])('assignToKeyGroup(%p, 128) = %d', (key, expected) => {
    expect(assignToKeyGroup(key, 128)).toBe(expected);
  });

  it('maps every key group to exactly one subtask whose contiguous range contains it', () => {
    for (const maxParallelism of [1, 7, 128, 1000, 32768]) {
      for (const parallelism of [1, 2, 3, 5, 7, 64, 128].filter((p) => p <= maxParallelism)) {
        let nextStart = 0;
        for (let index = 0; index < parallelism; index++) {
          const range = computeKeyGroupRangeForOperatorIndex(maxParallelism, parallelism, index);
          expect(range.startKeyGroup).toBe(nextStart);
          expect(range.endKeyGroup).toBeGreaterThanOrEqual(range.startKeyGroup);
          for (const kg of [range.startKeyGroup, range.endKeyGroup, (range.startKeyGroup + range.endKeyGroup) >> 1]) {
            expect(computeOperatorIndexForKeyGroup(maxParallelism, parallelism, kg)).toBe(index);
          }
          nextStart = range.endKeyGroup + 1;
        }
        expect(nextStart).toBe(maxParallelism);
      }
    }
  });

  it('gives a few known ranges', () => {
    expect(computeKeyGroupRangeForOperatorIndex(128, 3, 0)).toEqual({ startKeyGroup: 0, endKeyGroup: 42 });
    expect(computeKeyGroupRangeForOperatorIndex(128, 3, 1)).toEqual({ startKeyGroup: 43, endKeyGroup: 85 });
    expect(computeKeyGroupRangeForOperatorIndex(128, 3, 2)).toEqual({ startKeyGroup: 86, endKeyGroup: 127 });
    expect(computeOperatorIndexForKeyGroup(128, 3, 42)).toBe(0);
    expect(computeOperatorIndexForKeyGroup(128, 3, 43)).toBe(1);
  });

  it('sends the same key to the same subtask, and the subtask owns the key group', () => {
    for (let i = 0; i < 1000; i++) {
      const key = `user-${i}`;
      const op = assignKeyToParallelOperator(key, 256, 6);
      expect(assignKeyToParallelOperator(key, 256, 6)).toBe(op);
      const range = computeKeyGroupRangeForOperatorIndex(256, 6, op);
      const kg = assignToKeyGroup(key, 256);
      expect(kg >= range.startKeyGroup && kg <= range.endKeyGroup).toBe(true);
    }
  });

  it('rejects invalid parallelism', () => {
    expect(() => computeOperatorIndexForKeyGroup(128, 0, 1)).toThrow(/parallelism/);
    expect(() => computeKeyGroupRangeForOperatorIndex(4, 8, 0)).toThrow(/parallelism/);
    expect(() => assignToKeyGroup('k', 40000)).toThrow(/maxParallelism/);
  });

  it.each([
    [1, 128],
    [85, 128],
    [86, 256],
    [200, 512],
    [1000, 2048],
    [30000, 32768],
  ])('defaultMaxParallelism(%d) = %d', (p, expected) => {
    expect(defaultMaxParallelism(p)).toBe(expected);
  });
});
