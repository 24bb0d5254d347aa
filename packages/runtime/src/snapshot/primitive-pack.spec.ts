import { Unpackr } from 'msgpackr';
import { STATE_VALUE_OPTIONS } from './state-copy';
import { NOT_PRIMITIVE, packPrimitiveArrays, unpackPrimitive } from './primitive-pack';
import { packSection } from '../checkpoint/format/state-values';

const unpack = (bytes: Uint8Array): unknown => new Unpackr({ ...STATE_VALUE_OPTIONS }).unpack(bytes);

const INTEGERS = [0, 1, 31, 32, 63, 64, 100, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1,
  -1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 53) + 1];
const FLOATS = [0.5, -3.25, 1e300, Number.MIN_VALUE, NaN, Infinity, -Infinity];
const chars = (unit: string, n: number): string => unit.repeat(n);
const STRINGS = [
  '', 'a', 'user-42',
  ...[31, 32, 63, 64, 255, 256, 1000, 65535, 65536].flatMap((n) => [chars('x', n), chars('é', n), chars('€', Math.ceil(n / 2)), chars('😀', Math.ceil(n / 4))]),
  // Lone surrogates in short strings: msgpackr's own 3-byte form.
  '\ud800', 'a\udc00b', 'x\ud83d',
];

describe('packPrimitiveArrays (the fast path of checkpoint sections)', () => {
  it.each([
    ['integers at every encoding boundary', INTEGERS],
    ['floats, NaN and infinities', FLOATS],
    ['strings at every header boundary, in 1- to 4-byte UTF-8', STRINGS],
    ['null, booleans and undefined', [null, true, false, undefined]],
    ['arrays at every header boundary', [[], new Array(15).fill(1), new Array(16).fill('a'), new Array(65535).fill(7), new Array(65536).fill(null)]],
    ['nested arrays and holes', [[[1, [2, [3, ['x']]]], [undefined, null]], [1, , 3]]],
    ['a keyed state section', [[['count', [1, undefined, 5, 'k', 'ns', -2.5]], ['sums', [[1, 2], undefined, 64]]], [['timers', [1, 'w', 1000], []]]]],
    // Custom state serializers' bytes: Buffers are bin at every header boundary.
    ['Buffers (bin)', [0, 1, 255, 256, 65535, 65536].map((n) => Buffer.alloc(n, 7))],
  ])('writes the bytes msgpackr writes for %s', (_, values) => {
    for (const value of values as unknown[]) {
      const fast = packPrimitiveArrays([value]);
      expect(fast).toBeDefined();
      expect(Buffer.from(fast!).equals(Buffer.from(packSection([value])))).toBe(true);
    }
    const all = packPrimitiveArrays(values);
    expect(Buffer.from(all!).equals(Buffer.from(packSection(values)))).toBe(true);
    expect(unpack(Buffer.from(all!))).toEqual(unpack(packSection(values)));
  });

  it('gives up on typed arrays other than Buffers (msgpackr extensions)', () => {
    expect(packPrimitiveArrays([new Uint8Array(3)])).toBeUndefined();
    expect(packPrimitiveArrays([new Float64Array(1)])).toBeUndefined();
  });

  it('writes -0 as 0, as msgpackr does', () => {
    expect(unpack(packPrimitiveArrays([-0])!)).toEqual([0]);
    expect(Buffer.from(packPrimitiveArrays(-0)!).equals(Buffer.from(packSection(-0)))).toBe(true);
  });

  it.each([
    ['an object', [1, { a: 1 }]],
    ['a Map', [new Map([[1, 2]])]],
    ['a BigInt', [1n]],
    ['a typed array', [new Uint8Array(2)]],
    ['a Date', [new Date(0)]],
    ['an Array subclass', [new (class Tuple extends Array {})()]],
    ['a long string with a lone surrogate', [`${chars('x', 70)}\ud800`]],
    ['a function', [() => 1]],
    ['arrays nested too deeply', [JSON.parse('['.repeat(20) + ']'.repeat(20))]],
  ])('gives up on %s (msgpackr packs it)', (_, value) => {
    expect(packPrimitiveArrays(value)).toBeUndefined();
  });

  it('packs again after giving up, from a clean start', () => {
    expect(packPrimitiveArrays([1, 2, { a: 1 }])).toBeUndefined();
    expect(Buffer.from(packPrimitiveArrays([3, 'x'])!).equals(Buffer.from(packSection([3, 'x'])))).toBe(true);
  });
});

describe('unpackPrimitive (reading single primitives without msgpackr)', () => {
  it('reads every number, null, boolean and ASCII string msgpackr writes', () => {
    const asciiStrings = STRINGS.filter((x) => /^[\x00-\x7f]*$/.test(x) && x.length < 256);
    for (const value of [...INTEGERS, ...FLOATS, -0, null, true, false, ...asciiStrings]) {
      const read = unpackPrimitive(packSection(value));
      expect(read).not.toBe(NOT_PRIMITIVE);
      expect(Object.is(read, unpack(packSection(value)))).toBe(true);
    }
  });

  it.each([
    ['a non-ASCII string', 'é'],
    ['a string longer than str8', chars('x', 256)],
    ['an array', [1]],
    ['an object', { a: 1 }],
    ['undefined', undefined],
    ['a BigInt', 5n],
  ])('leaves %s to msgpackr', (_, value) => {
    expect(unpackPrimitive(packSection(value))).toBe(NOT_PRIMITIVE);
  });

  it('leaves bytes that hold more or less than one value to msgpackr', () => {
    expect(unpackPrimitive(new Uint8Array([]))).toBe(NOT_PRIMITIVE);
    expect(unpackPrimitive(new Uint8Array([1, 2]))).toBe(NOT_PRIMITIVE);
    expect(unpackPrimitive(new Uint8Array([0xcd, 1]))).toBe(NOT_PRIMITIVE);
    expect(unpackPrimitive(new Uint8Array([0xa2, 0x61]))).toBe(NOT_PRIMITIVE);
    // Record references (0x40–0x7f) are msgpackr's.
    expect(unpackPrimitive(new Uint8Array([0x40]))).toBe(NOT_PRIMITIVE);
  });
});
