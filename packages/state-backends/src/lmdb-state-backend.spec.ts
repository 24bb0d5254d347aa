import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';
import { Configuration, ConfigurationError, type StateDescriptor } from '@flott/core';
import { KeyGroupOutOfRangeError } from '@flott/runtime';
import type { KeyedStateBackendParameters } from '@flott/runtime/spi';
import { stateBackendContractTests, testKeyGroupOf } from '@flott/runtime/testing';
import { UnsupportedStateKeyError } from './canonical-key';
import type { LmdbKeyedStateBackend } from './lmdb-keyed-state-backend';
import { LmdbStateBackend, LmdbStateBackendFactory, lmdbStateBackendOptions, LmdbStateSizeExceededError } from './lmdb-state-backend';

const localDirectory = mkdtempSync(join(tmpdir(), 'flott-lmdb-spec-'));
afterAll(() => {
  // Every environment the tests opened was deleted with its last keyed backend.
  expect(readdirSync(localDirectory)).toEqual([]);
  rmSync(localDirectory, { recursive: true, force: true });
});

stateBackendContractTests(new LmdbStateBackendFactory(), Configuration.fromRecord({ 'state.backend.lmdb.localdir': localDirectory }));
// Every write committed on its own: the contract holds without the write buffer too.
stateBackendContractTests(
  new LmdbStateBackendFactory(),
  Configuration.fromRecord({ 'state.backend.lmdb.localdir': localDirectory, 'state.backend.lmdb.write-batch-size': 1 }),
);
// A cache of a few entries, dropped all the time, beside a small write batch.
stateBackendContractTests(
  new LmdbStateBackendFactory(),
  Configuration.fromRecord({ 'state.backend.lmdb.localdir': localDirectory, 'state.backend.lmdb.write-batch-size': 3, 'state.backend.lmdb.cache.size': 5, 'state.backend.lmdb.cache.memory': '64 b' }),
);

const COUNT: StateDescriptor = { name: 'count', kind: 'value' };
const EVENTS: StateDescriptor = { name: 'events', kind: 'list' };

function slot(overrides: Partial<ReturnType<typeof lmdbStateBackendOptions>> = {}): LmdbStateBackend {
  return new LmdbStateBackend({ localDirectory, mapSize: 64 * 1024 * 1024, writeBatchSize: 16, writeBatchMemory: 1 << 20, ...overrides });
}

function params(overrides: Partial<KeyedStateBackendParameters> = {}): KeyedStateBackendParameters {
  return {
    jobId: 'job',
    operatorId: 'op',
    keyGroupRange: { startKeyGroup: 0, endKeyGroup: 127 },
    maxParallelism: 128,
    keyGroupOf: testKeyGroupOf,
    ...overrides,
  };
}

describe('LmdbStateBackend', () => {
  let backend: LmdbStateBackend;
  let keyed: LmdbKeyedStateBackend;
  beforeEach(() => {
    backend = slot();
    keyed = backend.createKeyedStateBackend(params()) as LmdbKeyedStateBackend;
  });
  afterEach(() => backend.close());

  it('round-trips values as the heap does: Maps with any keys, Sets, Dates, BigInts, undefined, typed arrays, nesting', () => {
    const value = {
      table: new Map<unknown, unknown>([['a', 1], [2, new Set(['x', 3])], [JSON.stringify(['k', 1]), { nested: [new Map([[1, [2, [3]]]])] }]]),
      at: new Date(1_700_000_000_000),
      big: 2n ** 80n,
      missing: undefined,
      holes: [1, undefined, 'three', null],
      bytes: new Uint8Array([1, 2, 3]),
      // Made in Node's own realm: jest's sandbox has typed array classes of its own, which msgpackr does not recognise.
      floats: runInThisContext('Float64Array.from([1.5, -2.25])') as Float64Array,
      special: [NaN, Infinity, -Infinity],
    };
    keyed.setCurrentKey('k');
    keyed.put(COUNT, value);
    keyed.flush();
    const read = keyed.get(COUNT) as typeof value;
    const { floats, ...rest } = read;
    expect(rest).toEqual({ ...value, floats: undefined });
    expect(Array.from(floats)).toEqual([1.5, -2.25]);
    expect(read.table).toBeInstanceOf(Map);
    expect(read.table.get(2)).toBeInstanceOf(Set);
    expect(read.bytes).toBeInstanceOf(Uint8Array);
    expect(Object.prototype.toString.call(floats)).toBe('[object Float64Array]');
    // A copy, not a view of LMDB's pages: later reads do not change it.
    keyed.setCurrentKey('other');
    keyed.put(COUNT, { bytes: new Uint8Array([9, 9, 9]) });
    keyed.flush();
    keyed.get(COUNT);
    expect([...read.bytes]).toEqual([1, 2, 3]);
  });

  it('returns copies: a value changed after put or get is not changed in the backend', () => {
    keyed.setCurrentKey('k');
    const list = [1];
    keyed.put(EVENTS, list);
    list.push(2);
    (keyed.get(EVENTS) as number[]).push(3);
    expect(keyed.get(EVENTS)).toEqual([1]);
  });

  it('writes back: an entry written many times between commits is serialised and put once, with its last value', () => {
    backend.close();
    backend = slot({ writeBatchSize: 1000 });
    keyed = backend.createKeyedStateBackend(params()) as LmdbKeyedStateBackend;
    const puts = jest.spyOn((keyed as unknown as { db: { putSync(...args: unknown[]): unknown } }).db, 'putSync');
    const tuple = ['composite', 1];
    for (let i = 0; i < 100; i++) {
      keyed.setCurrentKey(tuple);
      const slices = (keyed.get(EVENTS) as number[] | undefined) ?? [];
      slices.push(i);
      keyed.put(EVENTS, slices);
      // A change after put is not the backend's.
      slices.push(-1);
      keyed.setCurrentKey(i);
      keyed.put(COUNT, { at: i, list: [i, { deep: true }] }, 'w');
    }
    keyed.setCurrentKey(7);
    keyed.put(COUNT, new Map([[1, 'packed']]));
    (keyed.get(COUNT) as Map<number, string>).set(2, 'changed');
    expect(puts).not.toHaveBeenCalled();
    keyed.flush();
    expect(puts).toHaveBeenCalledTimes(1 + 100 + 1);
    const entries = keyed.nonEmptyKeyGroups().flatMap((g) => [...keyed.entriesOfKeyGroup(g)]);
    expect(entries).toHaveLength(102);
    expect(entries).toContainEqual({ key: tuple, stateName: 'events', namespace: undefined, value: Array.from({ length: 100 }, (_, i) => i) });
    expect(entries).toContainEqual({ key: 42, stateName: 'count', namespace: 'w', value: { at: 42, list: [42, { deep: true }] } });
    expect(entries).toContainEqual({ key: 7, stateName: 'count', namespace: undefined, value: new Map([[1, 'packed']]) });
    keyed.setCurrentKey(tuple);
    expect(keyed.get(EVENTS)).toHaveLength(100);
  });

  it('reads its buffered writes and commits them for scans', () => {
    for (let i = 0; i < 40; i++) {
      keyed.setCurrentKey(i);
      keyed.put(COUNT, i);
      if (i % 3 === 0) keyed.clear(COUNT);
      keyed.put(COUNT, i * 10, 'w');
    }
    expect(keyed.numEntries()).toBe(40 + 40 - 14);
    keyed.setCurrentKey(3);
    expect([keyed.get(COUNT), keyed.get(COUNT, 'w')]).toEqual([undefined, 30]);
    keyed.setCurrentKey(4);
    expect([keyed.get(COUNT), keyed.get(COUNT, 'w')]).toEqual([4, 40]);
    expect(keyed.getKeys(COUNT).sort((a, b) => Number(a) - Number(b))).toHaveLength(26);
    const entries = keyed.nonEmptyKeyGroups().flatMap((g) => [...keyed.entriesOfKeyGroup(g)]);
    expect(entries).toHaveLength(66);
  });

  it('lists entries of a key group ordered by state and namespace, with keys of every kind given back', () => {
    backend.close();
    backend = slot();
    // testKeyGroupOf cannot take BigInts.
    keyed = backend.createKeyedStateBackend(params({ keyGroupOf: (key) => String(key).length % 128 })) as LmdbKeyedStateBackend;
    const keys: unknown[] = ['s', 7, -1.5, 10n ** 30n, true, ['tuple', 1], { region: 'eu', id: 3 }, new Date(5), '"quoted"', 'ü€😀'];
    keys.forEach((key, i) => {
      keyed.setCurrentKey(key);
      keyed.put(COUNT, i);
      keyed.put(EVENTS, [i], 'w');
    });
    const entries = keyed.nonEmptyKeyGroups().flatMap((g) => [...keyed.entriesOfKeyGroup(g)]);
    expect(entries).toHaveLength(2 * keys.length);
    for (const [i, key] of keys.entries()) {
      expect(entries).toContainEqual({ key, stateName: 'count', namespace: undefined, value: i });
      expect(entries).toContainEqual({ key, stateName: 'events', namespace: 'w', value: [i] });
    }
    expect(keyed.getKeys(EVENTS, 'w')).toHaveLength(keys.length);
    expect(keyed.getKeys(EVENTS)).toEqual([]);
    expect(() => [...keyed.entriesOfKeyGroup(128)]).toThrow(KeyGroupOutOfRangeError);
  });

  it('treats numbers equal by value as one key (0 and -0)', () => {
    keyed.setCurrentKey(0);
    keyed.put(COUNT, 'zero');
    keyed.setCurrentKey(-0);
    expect(keyed.get(COUNT)).toBe('zero');
  });

  it('rejects keys whose encoded form LMDB cannot hold, naming the limit', () => {
    expect(() => keyed.setCurrentKey('x'.repeat(2000))).toThrow(UnsupportedStateKeyError);
    expect(() => keyed.setCurrentKey('x'.repeat(2000))).toThrow(/more than the lmdb state backend's keys hold/);
    keyed.setCurrentKey('x'.repeat(1900));
    keyed.put(COUNT, 1);
    expect(() => keyed.put(COUNT, 1, 'n'.repeat(100))).toThrow(UnsupportedStateKeyError);
  });

  it('keeps one environment per slot, a database per keyed backend, and deletes the directory with the last one', () => {
    const directory = backend.directory!;
    expect(directory.startsWith(join(localDirectory, 'flott-lmdb-'))).toBe(true);
    expect(readdirSync(directory).sort()).toEqual(['data.mdb', 'lock.mdb']);
    const second = backend.createKeyedStateBackend(params({ operatorId: 'op-2' }));
    expect(backend.directory).toBe(directory);
    keyed.dispose();
    expect(readdirSync(localDirectory)).toContain(directory.slice(localDirectory.length + 1));
    second.dispose();
    expect(backend.directory).toBeUndefined();
    expect(readdirSync(localDirectory)).toEqual([]);
    // A new keyed backend opens a fresh environment.
    const third = backend.createKeyedStateBackend(params());
    expect(backend.directory).not.toBe(directory);
    third.dispose();
    expect(readdirSync(localDirectory)).toEqual([]);
  });

  it('fails the write that takes the environment beyond state.backend.lmdb.map-size', () => {
    backend.close();
    backend = slot({ mapSize: 1024 * 1024 });
    keyed = backend.createKeyedStateBackend(params()) as LmdbKeyedStateBackend;
    let error: unknown;
    try {
      for (let i = 0; i < 10_000; i++) {
        keyed.setCurrentKey(i);
        keyed.put(COUNT, 'v'.repeat(200));
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LmdbStateSizeExceededError);
    expect((error as LmdbStateSizeExceededError).data).toMatchObject({ mapSize: 1024 * 1024, key: 'state.backend.lmdb.map-size' });
  });

  it('refuses a max parallelism its keys cannot hold', () => {
    expect(() => backend.createKeyedStateBackend(params({ maxParallelism: 65536, keyGroupRange: { startKeyGroup: 0, endKeyGroup: 10 } }))).toThrow(
      'at most 32768',
    );
  });

  it('fails loudly when used after dispose, and disposing twice is harmless', () => {
    keyed.setCurrentKey(1);
    keyed.put(COUNT, 1);
    keyed.dispose();
    keyed.dispose();
    expect(keyed.numEntries()).toBe(0);
    expect(() => keyed.setCurrentKey(1)).toThrow('used after dispose');
  });
});

describe('lmdbStateBackendOptions', () => {
  it('defaults to the system temp directory and reads the bounds', () => {
    expect(lmdbStateBackendOptions(new Configuration())).toEqual({
      localDirectory: tmpdir(),
      mapSize: 4 * 1024 * 1024 * 1024,
      writeBatchSize: 16_384,
      writeBatchMemory: 8 * 1024 * 1024,
      cacheEntries: 32_768,
      cacheMemory: 8 * 1024 * 1024,
      incremental: false,
    });
    const config = Configuration.fromRecord({ 'state.backend.lmdb.localdir': '/var/flott/lmdb', 'state.backend.lmdb.map-size': '1 gb', 'state.backend.incremental': true,
      'state.backend.lmdb.cache.size': 0, 'state.backend.lmdb.cache.memory': '1 mb' });
    expect(lmdbStateBackendOptions(config)).toMatchObject({ localDirectory: '/var/flott/lmdb', mapSize: 1024 * 1024 * 1024, incremental: true, cacheEntries: 0, cacheMemory: 1024 * 1024 });
  });

  it('rejects a relative directory, naming the key', () => {
    expect(() => lmdbStateBackendOptions(Configuration.fromRecord({ 'state.backend.lmdb.localdir': 'lmdb' }))).toThrow(ConfigurationError);
    expect(() => lmdbStateBackendOptions(Configuration.fromRecord({ 'state.backend.lmdb.localdir': 'lmdb' }))).toThrow(
      'state.backend.lmdb.localdir',
    );
  });
});
