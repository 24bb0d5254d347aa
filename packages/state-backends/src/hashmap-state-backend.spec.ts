import type { StateDescriptor } from '@flott/core';
import { KeyGroupOutOfRangeError } from '@flott/runtime';
import { stateBackendContractTests } from '@flott/runtime/testing';
import { HashMapStateBackendFactory } from './hashmap-state-backend';
import { HeapKeyedStateBackend } from './heap-keyed-state-backend';
import { UnsupportedStateKeyError } from './canonical-key';

stateBackendContractTests(new HashMapStateBackendFactory());

const COUNT: StateDescriptor = { name: 'count', kind: 'value' };

function backend(startKeyGroup = 0, endKeyGroup = 9): HeapKeyedStateBackend {
  return new HeapKeyedStateBackend({
    jobId: 'job',
    operatorId: 'op',
    keyGroupRange: { startKeyGroup, endKeyGroup },
    maxParallelism: 10,
    keyGroupOf: (key) => (typeof key === 'number' ? key % 10 : String(key).length % 10),
  });
}

describe('HeapKeyedStateBackend', () => {
  it('files each key under its key group', () => {
    const b = backend(2, 5);
    for (const key of [2, 12, 5, 'abc']) {
      b.setCurrentKey(key);
      b.put(COUNT, `v${String(key)}`);
    }
    b.put(COUNT, 'windowed', 'w');
    expect(b.nonEmptyKeyGroups()).toEqual([2, 3, 5]);
    expect([...b.entriesOfKeyGroup(2)]).toEqual([
      { key: 2, stateName: 'count', namespace: undefined, value: 'v2' },
      { key: 12, stateName: 'count', namespace: undefined, value: 'v12' },
    ]);
    expect([...b.entriesOfKeyGroup(3)]).toEqual([
      { key: 'abc', stateName: 'count', namespace: undefined, value: 'vabc' },
      { key: 'abc', stateName: 'count', namespace: 'w', value: 'windowed' },
    ]);
    expect([...b.entriesOfKeyGroup(4)]).toEqual([]);
    expect(() => [...b.entriesOfKeyGroup(6)]).toThrow(KeyGroupOutOfRangeError);
  });

  it('drops a key group once its last entry is cleared', () => {
    const b = backend();
    b.setCurrentKey(['tuple', 1]);
    b.put(COUNT, 1);
    b.put(COUNT, 2, 'w');
    b.clear(COUNT);
    expect(b.nonEmptyKeyGroups()).toEqual(['tuple,1'.length]);
    b.clear(COUNT, 'w');
    expect(b.nonEmptyKeyGroups()).toEqual([]);
    b.put(COUNT, 3);
    expect([b.get(COUNT), b.numEntries()]).toEqual([3, 1]);
  });

  it("finds a key's namespaced values again after its last namespace was cleared and another put, across keys", () => {
    const b = backend();
    b.setCurrentKey(1);
    b.put(COUNT, 'a', 'w1');
    expect(b.get(COUNT, 'w1')).toBe('a');
    // The key's last namespace goes, and with it the key's map; the next put makes a new one.
    b.clear(COUNT, 'w1');
    b.put(COUNT, 'b', 'w2');
    b.setCurrentKey(2);
    b.put(COUNT, 'c', 'w2');
    b.setCurrentKey(1);
    expect([b.get(COUNT, 'w1'), b.get(COUNT, 'w2')]).toEqual([undefined, 'b']);
    expect(b.getKeys(COUNT, 'w2').sort()).toEqual([1, 2]);
    expect(b.numEntries()).toBe(2);
  });

  it('clears one namespace of a key and keeps its others; a namespace that is not there clears nothing', () => {
    const b = backend();
    b.setCurrentKey(7);
    b.put(COUNT, 'x', 'w1');
    b.put(COUNT, 'y', 'w2');
    b.clear(COUNT, 'w1');
    expect([b.get(COUNT, 'w1'), b.get(COUNT, 'w2'), b.numEntries()]).toEqual([undefined, 'y', 1]);
    b.clear(COUNT, 'w9');
    expect(b.numEntries()).toBe(1);
    b.clear(COUNT, 'w2');
    expect([b.get(COUNT, 'w2'), b.numEntries(), b.getKeys(COUNT, 'w2'), b.nonEmptyKeyGroups()]).toEqual([undefined, 0, [], []]);
  });

  it('treats putting undefined as clearing', () => {
    const b = backend();
    b.setCurrentKey(1);
    b.put(COUNT, 5);
    b.put(COUNT, undefined);
    expect([b.get(COUNT), b.numEntries(), b.nonEmptyKeyGroups()]).toEqual([undefined, 0, []]);
  });

  it('compares composite keys by value, whatever the field order, but not across classes', () => {
    class UserKey {
      constructor(readonly region: string, readonly id: number) {}
    }
    const b = backend();
    b.setCurrentKey({ region: 'eu', id: 1 });
    b.put(COUNT, 'plain');
    b.setCurrentKey({ id: 1, region: 'eu' });
    expect(b.get(COUNT)).toBe('plain');
    b.setCurrentKey(new UserKey('eu', 1));
    expect(b.get(COUNT)).toBeUndefined();
    b.setCurrentKey(new Date(5));
    b.put(COUNT, 'date');
    b.setCurrentKey(new Date(5));
    expect(b.get(COUNT)).toBe('date');
    b.setCurrentKey('{"id":1,"region":"eu"}');
    expect(b.get(COUNT)).toBeUndefined();
  });

  it('rejects keys it cannot compare by value', () => {
    const b = backend();
    const cyclic: { self?: unknown } = {};
    cyclic.self = cyclic;
    for (const key of [null, undefined, () => 1, new Set([1]), cyclic]) {
      expect(() => b.setCurrentKey(key)).toThrow(UnsupportedStateKeyError);
    }
  });

  it('rejects a key-group function that returns a non-integer', () => {
    const b = new HeapKeyedStateBackend({
      jobId: 'job', operatorId: 'op', keyGroupRange: { startKeyGroup: 0, endKeyGroup: 3 }, maxParallelism: 4,
      keyGroupOf: () => 1.5,
    });
    expect(() => b.setCurrentKey('k')).toThrow(KeyGroupOutOfRangeError);
  });

  it('refuses a range that does not fit the max parallelism', () => {
    expect(() => backend(5, 10)).toThrow('invalid key-group range [5, 10] for max parallelism 10');
    expect(() => backend(6, 5)).toThrow('invalid key-group range');
  });

  it('fails loudly when used after dispose', () => {
    const b = backend();
    b.setCurrentKey(1);
    b.put(COUNT, 1);
    b.dispose();
    expect(b.numEntries()).toBe(0);
    expect(() => b.setCurrentKey(1)).toThrow('used after dispose');
  });
});
