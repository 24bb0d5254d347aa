import { runInThisContext } from 'vm';
import { StateSerializationError } from '../../errors';
import { encodeKeyedStateFile, decodeKeyedStateFile } from './keyed-state-file';
import { packStateSection } from './state-values';

/** A value through a keyed state file and back, as a restore sees it. */
function roundTrip(key: unknown, namespace: unknown, value: unknown): { key: unknown; namespace: unknown; value: unknown } {
  const bytes = encodeKeyedStateFile({
    keyGroupRange: { startKeyGroup: 0, endKeyGroup: 0 },
    maxParallelism: 1,
    groups: [{ keyGroup: 0, states: [{ name: 's', entries: [{ key, namespace, value }] }], timers: [] }],
  });
  return decodeKeyedStateFile(bytes, 'values').groups[0].states[0].entries[0];
}

describe('state values in checkpoint files', () => {
  it('round-trips a Map<number, unknown[]> value under a {start, end} window namespace', () => {
    const value = new Map<number, unknown[]>([[1000, [{ id: 1, price: 9.5 }, 'b']], [2000, []]]);
    const entry = roundTrip('auction-1', { start: 0, end: 5000 }, value);
    expect(entry.value).toBeInstanceOf(Map);
    expect(entry.value).toEqual(value);
    expect([...(entry.value as Map<number, unknown[]>).keys()]).toEqual([1000, 2000]);
    expect(entry.namespace).toEqual({ start: 0, end: 5000 });
    expect(Object.getPrototypeOf(entry.namespace)).toBe(Object.prototype);
  });

  it('keeps an undefined namespace and undefined inside values', () => {
    const entry = roundTrip(1, undefined, { a: undefined, b: [undefined, null] });
    expect(entry.namespace).toBeUndefined();
    expect(Object.keys(entry.value as object)).toEqual(['a', 'b']);
    expect(entry.value).toStrictEqual({ a: undefined, b: [undefined, null] });
  });

  it.each([
    ['a string key', 'user-42'],
    ['a number key', 42],
    ['a large number key', 2 ** 52 + 1],
    ['a negative fractional key', -3.25],
    ['a tuple key', ['user', 7, ['nested']]],
    ['an object key', { region: 'eu', id: 1 }],
    ['an empty string key', ''],
  ])('round-trips %s', (_, key) => {
    expect(roundTrip(key, 'ns', 1).key).toStrictEqual(key);
  });

  it.each([
    ['Sets', new Set([1, 'two', [3]])],
    ['small and huge BigInts', [1n, -5n, 2n ** 63n, -(2n ** 100n)]],
    ['Dates', new Date(1_700_000_000_123)],
    ['byte arrays', Uint8Array.from([0, 255, 7])],
    ['special numbers', [NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE]],
    ['unicode strings', 'ü€😀\u0000'],
    ['nested Maps with object keys', new Map<unknown, unknown>([[{ k: 1 }, new Map([['x', new Set([1])]])]])],
    ['objects of many shapes', Array.from({ length: 100 }, (_, i) => ({ [`field${i}`]: i, inner: { [`f${i % 7}`]: [i] } }))],
  ])('round-trips %s exactly', (_, value) => {
    expect(roundTrip('k', undefined, value).value).toStrictEqual(value);
  });

  it('round-trips typed arrays', () => {
    // Made in Node's own realm: jest's sandbox has typed array classes of its own, which msgpackr does not recognise.
    const value = runInThisContext('[Float64Array.from([1.5, NaN]), Int32Array.from([-1]), new BigInt64Array([5n])]') as unknown[];
    const decoded = roundTrip('k', undefined, value).value as unknown[];
    expect(decoded.map((a) => Object.prototype.toString.call(a))).toEqual(['[object Float64Array]', '[object Int32Array]', '[object BigInt64Array]']);
    expect(decoded.map((a) => Array.from(a as ArrayLike<unknown>))).toEqual([[1.5, NaN], [-1], [5n]]);
  });

  it('decodes byte arrays as copies, not views of the file', () => {
    const value = roundTrip('k', undefined, Uint8Array.from([1, 2, 3])).value as Uint8Array;
    expect(value.buffer.byteLength).toBe(3);
  });

  it('documents what is not kept: -0, class prototypes and shared references', () => {
    class Window {
      constructor(readonly start: number, readonly end: number) {}
    }
    const shared = { n: 1 };
    const entry = roundTrip('k', new Window(0, 10), { zero: -0, pair: [shared, shared] });
    expect(entry.namespace).toStrictEqual({ start: 0, end: 10 });
    const value = entry.value as { zero: number; pair: unknown[] };
    expect(Object.is(value.zero, 0)).toBe(true);
    expect(value.pair[0]).toEqual(value.pair[1]);
    expect(value.pair[0]).not.toBe(value.pair[1]);
  });

  it('names the state whose value cannot be written', () => {
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    const write = (): Uint8Array => packStateSection([['ok', [1]], ['bad', [cyclic]]], [['ok', [1]], ['bad', [cyclic]]], 'the timers');
    expect(write).toThrow(StateSerializationError);
    expect(write).toThrow(/Cannot write the value of state 'bad' into a checkpoint: the value is cyclic or nested too deeply/);
    expect(() => packStateSection(cyclic, [['ok', 1]], 'the timers of key group 3')).toThrow("state 'the timers of key group 3'");
  });
});
