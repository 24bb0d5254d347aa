/// <reference types="jest" />
import { Configuration, FlottError, type StateDescriptor } from '@flott/core';
import { KeyGroupOutOfRangeError } from '../errors';
import type { KeyedStateBackend, KeyedStateBackendParameters, StateBackend, StateBackendFactory } from '../spi/state-backend';
import { stateSnapshotContractTests } from './state-snapshot-contract';

const MAX_PARALLELISM = 128;

/** A deterministic stand-in for the runtime's murmur3 key-group assignment (any function will do). */
export function testKeyGroupOf(key: unknown): number {
  const text = typeof key === 'string' ? `s${key}` : JSON.stringify(key) ?? String(key);
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return Math.abs(h) % MAX_PARALLELISM;
}

function parameters(overrides: Partial<KeyedStateBackendParameters> = {}): KeyedStateBackendParameters {
  return {
    jobId: 'job-1',
    operatorId: 'op-1',
    keyGroupRange: { startKeyGroup: 0, endKeyGroup: MAX_PARALLELISM - 1 },
    maxParallelism: MAX_PARALLELISM,
    keyGroupOf: testKeyGroupOf,
    ...overrides,
  };
}

const COUNT: StateDescriptor = { name: 'count', kind: 'value' };
const SUM: StateDescriptor = { name: 'sum', kind: 'value' };
const EVENTS: StateDescriptor = { name: 'events', kind: 'list' };

/**
 * Contract of StateBackend / KeyedStateBackend (spi/state-backend.ts): values are isolated per key,
 * per state name and per namespace; keys equal by value are one key; the key-group range is
 * enforced at `setCurrentKey` through `params.keyGroupOf`; clear and numEntries are exact.
 */
export function stateBackendContractTests(factory: StateBackendFactory, config: Configuration = new Configuration()): void {
  describe(`StateBackend contract: ${factory.name}`, () => {
    let stateBackend: StateBackend;
    let backend: KeyedStateBackend;
    beforeEach(() => {
      stateBackend = factory.create(config);
      backend = stateBackend.createKeyedStateBackend(parameters());
    });
    afterEach(() => backend.dispose());

    it('has a lowercase config name matching its backend', () => {
      expect(factory.name).toMatch(/^[a-z][a-z0-9-]*$/);
      expect(stateBackend.name).toBe(factory.name);
      expect(backend.keyGroupRange).toEqual({ startKeyGroup: 0, endKeyGroup: MAX_PARALLELISM - 1 });
    });

    it('returns undefined for state never written, and the current key', () => {
      backend.setCurrentKey('alice');
      expect(backend.getCurrentKey()).toBe('alice');
      expect(backend.get(COUNT)).toBeUndefined();
      expect(backend.numEntries()).toBe(0);
    });

    it('keeps values apart per key', () => {
      backend.setCurrentKey('alice');
      backend.put(COUNT, 1);
      backend.setCurrentKey('bob');
      expect(backend.get(COUNT)).toBeUndefined();
      backend.put(COUNT, 2);
      backend.setCurrentKey('alice');
      expect(backend.get(COUNT)).toBe(1);
      backend.setCurrentKey('bob');
      expect(backend.get(COUNT)).toBe(2);
    });

    it('lists exactly the keys that hold a value of a state in a namespace', () => {
      for (const k of ['alice', 'bob', 'carol']) {
        backend.setCurrentKey(k);
        backend.put(COUNT, k.length);
      }
      backend.setCurrentKey('dave');
      backend.put(COUNT, 4, 'window-1');
      backend.setCurrentKey('bob');
      backend.clear(COUNT);
      expect([...backend.getKeys(COUNT)].sort()).toEqual(['alice', 'carol']);
      expect(backend.getKeys(COUNT, 'window-1')).toEqual(['dave']);
    });

    it('keeps values apart per state name and per namespace', () => {
      backend.setCurrentKey(42);
      backend.put(COUNT, 'no namespace');
      backend.put(COUNT, 'window 1', 'w1');
      backend.put(COUNT, 'window 2', 'w2');
      backend.put(SUM, 'sum');
      expect([backend.get(COUNT), backend.get(COUNT, 'w1'), backend.get(COUNT, 'w2'), backend.get(SUM), backend.get(SUM, 'w1')])
        .toEqual(['no namespace', 'window 1', 'window 2', 'sum', undefined]);
      expect(backend.numEntries()).toBe(4);
    });

    it('treats keys equal by value as one key and keys of different types as different keys', () => {
      backend.setCurrentKey(['user', 7]);
      backend.put(COUNT, 10);
      backend.setCurrentKey(['user', 7]);
      expect(backend.get(COUNT)).toBe(10);
      backend.setCurrentKey({ region: 'eu', id: 3 });
      backend.put(COUNT, 20);
      backend.setCurrentKey({ region: 'eu', id: 3 });
      expect(backend.get(COUNT)).toBe(20);
      backend.setCurrentKey(1);
      backend.put(COUNT, 'number');
      backend.setCurrentKey('1');
      expect(backend.get(COUNT)).toBeUndefined();
      expect(backend.numEntries()).toBe(3);
    });

    it('round-trips structured values', () => {
      backend.setCurrentKey('k');
      const events = [{ id: 1, tags: ['a', 'b'] }, { id: 2, tags: [] }];
      backend.put(EVENTS, events);
      expect(backend.get(EVENTS)).toEqual([{ id: 1, tags: ['a', 'b'] }, { id: 2, tags: [] }]);
    });

    it('overwrites in place and clears only the addressed entry', () => {
      backend.setCurrentKey('alice');
      backend.put(COUNT, 1);
      backend.put(COUNT, 2);
      backend.put(COUNT, 3, 'w1');
      backend.put(SUM, 4);
      expect(backend.numEntries()).toBe(3);
      backend.clear(COUNT);
      expect([backend.get(COUNT), backend.get(COUNT, 'w1'), backend.get(SUM)]).toEqual([undefined, 3, 4]);
      expect(backend.numEntries()).toBe(2);
      backend.setCurrentKey('bob');
      backend.clear(SUM);
      backend.setCurrentKey('alice');
      expect(backend.get(SUM)).toBe(4);
      backend.clear(COUNT, 'w1');
      backend.clear(SUM);
      backend.clear(SUM);
      expect(backend.numEntries()).toBe(0);
    });

    it('rejects keys outside its key-group range, computed with params.keyGroupOf', () => {
      const asked: unknown[] = [];
      const ranged = stateBackend.createKeyedStateBackend(
        parameters({
          keyGroupRange: { startKeyGroup: 32, endKeyGroup: 63 },
          keyGroupOf: (key) => {
            asked.push(key);
            return Number(key) % MAX_PARALLELISM;
          },
        }),
      );
      try {
        ranged.setCurrentKey(32);
        ranged.put(COUNT, 'first group');
        ranged.setCurrentKey(63 + MAX_PARALLELISM);
        ranged.put(COUNT, 'last group');
        expect(ranged.get(COUNT)).toBe('last group');
        expect(asked).toEqual([32, 63 + MAX_PARALLELISM]);
        for (const outside of [31, 64, 200]) {
          expect(() => ranged.setCurrentKey(outside)).toThrow(KeyGroupOutOfRangeError);
        }
        let error: unknown;
        try {
          ranged.setCurrentKey(64);
        } catch (e) {
          error = e;
        }
        expect((error as FlottError).data).toEqual({ keyGroup: 64, startKeyGroup: 32, endKeyGroup: 63, operatorId: 'op-1' });
        expect(ranged.numEntries()).toBe(2);
      } finally {
        ranged.dispose();
      }
    });

    it('rejects null and undefined as keys (Flink\'s keys are never null), keeping the key it had', () => {
      backend.setCurrentKey('k');
      backend.put(COUNT, 1);
      for (const missing of [null, undefined]) expect(() => backend.setCurrentKey(missing)).toThrow(/keys must not be null or undefined/);
      expect(backend.getCurrentKey()).toBe('k');
      expect(backend.get(COUNT)).toBe(1);
    });

    it('fails state access before any key was set', () => {
      expect(() => backend.get(COUNT)).toThrow();
      expect(() => backend.put(COUNT, 1)).toThrow();
    });

    it('keeps the backends of two operators apart, and disposing one leaves the other', () => {
      const other = stateBackend.createKeyedStateBackend(parameters({ operatorId: 'op-2' }));
      backend.setCurrentKey('k');
      backend.put(COUNT, 'op-1');
      other.setCurrentKey('k');
      expect(other.get(COUNT)).toBeUndefined();
      other.put(COUNT, 'op-2');
      other.dispose();
      expect(backend.get(COUNT)).toBe('op-1');
      expect(backend.numEntries()).toBe(1);
    });

    it('lists every entry by key group for snapshots, and a backend restored from them holds the same state', () => {
      const keys = ['alice', 'bob', ['tuple', 7], 42];
      keys.forEach((k, i) => {
        backend.setCurrentKey(k);
        backend.put(COUNT, i);
        backend.put(EVENTS, [{ at: i }], 'window-1');
      });
      const groups = backend.nonEmptyKeyGroups();
      expect(groups).toEqual([...new Set(keys.map(testKeyGroupOf))].sort((a, b) => a - b));
      const entries = groups.flatMap((g) => [...backend.entriesOfKeyGroup(g)].map((e) => ({ group: g, ...e })));
      expect(entries).toHaveLength(8);
      for (const e of entries) expect(testKeyGroupOf(e.key)).toBe(e.group);

      // Restore into two backends that split the range, as a restore at parallelism 2 does.
      const halves = [
        stateBackend.createKeyedStateBackend(parameters({ operatorId: 'lower', keyGroupRange: { startKeyGroup: 0, endKeyGroup: 63 } })),
        stateBackend.createKeyedStateBackend(parameters({ operatorId: 'upper', keyGroupRange: { startKeyGroup: 64, endKeyGroup: 127 } })),
      ];
      for (const e of entries) {
        const target = halves[e.group < 64 ? 0 : 1];
        target.setCurrentKey(e.key);
        target.put({ name: e.stateName, kind: 'value' }, e.value, e.namespace);
      }
      keys.forEach((k, i) => {
        const target = halves[testKeyGroupOf(k) < 64 ? 0 : 1];
        target.setCurrentKey(k);
        expect(target.get(COUNT)).toBe(i);
        expect(target.get(EVENTS, 'window-1')).toEqual([{ at: i }]);
        expect(target.get(EVENTS)).toBeUndefined();
      });
      expect(halves[0].numEntries() + halves[1].numEntries()).toBe(8);
      for (const h of halves) h.dispose();
    });

    it('gives back the values of a state with a custom serializer as that serializer reads them, in gets, scans and snapshots', () => {
      // A class instance keeps its prototype only through the serializer (a backend that stores bytes must use it).
      class Point {
        constructor(public x: number, readonly y: number) {}
      }
      const serializer = {
        serialize: (p: Point) => Uint8Array.of(p.x, p.y),
        deserialize: (b: Uint8Array) => new Point(b[0], b[1]),
      };
      const POINTS: StateDescriptor = { name: 'points', kind: 'value', valueSerializer: serializer as StateDescriptor['valueSerializer'] };
      backend.setCurrentKey('alice');
      backend.put(POINTS, new Point(1, 2));
      backend.setCurrentKey('bob');
      backend.put(POINTS, new Point(3, 4), 'w');
      backend.put(POINTS, new Point(5, 6), 'w');
      for (const [key, namespace, point] of [['alice', undefined, new Point(1, 2)], ['bob', 'w', new Point(5, 6)]] as const) {
        backend.setCurrentKey(key);
        const got = backend.get(POINTS, namespace);
        expect(got).toBeInstanceOf(Point);
        expect(got).toEqual(point);
      }
      const expected = [['alice', undefined, 1, 2], ['bob', 'w', 5, 6]];
      const rows = (entries: Iterable<{ key: unknown; namespace: unknown; value: unknown }>) =>
        [...entries].map((e) => {
          expect(e.value).toBeInstanceOf(Point);
          return [e.key, e.namespace, (e.value as Point).x, (e.value as Point).y];
        }).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      expect(rows(backend.nonEmptyKeyGroups().flatMap((g) => [...backend.entriesOfKeyGroup(g)]))).toEqual(expected);
      const resources = backend.snapshot(1);
      // Changed in place after the snapshot was taken (as user code may change what get returned): the snapshot keeps the old value, still a Point.
      backend.setCurrentKey('alice');
      (backend.get(POINTS) as Point).x = 9;
      const read: Array<{ key: unknown; namespace: unknown; value: unknown }> = [];
      for (const g of resources.keyGroups()) {
        if (resources.visitKeyGroup) resources.visitKeyGroup(g, { state: () => undefined, entry: (key, namespace, value) => read.push({ key, namespace, value }) });
        else read.push(...resources.entriesOfKeyGroup(g));
      }
      resources.release();
      expect(rows(read)).toEqual(expected);
    });

    stateSnapshotContractTests(() => factory.create(config).createKeyedStateBackend(parameters()));
  });
}
