import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Configuration, type StateDescriptor } from '@flott/core';
import type { KeyedStateBackend, KeyedStateSnapshotResources, StateEntry } from '@flott/runtime/spi';
import { stateBackendContractTests, testKeyGroupOf } from '@flott/runtime/testing';
import { LmdbStateBackend } from './lmdb-state-backend';

const localDirectory = mkdtempSync(join(tmpdir(), 'flott-lmdb-incremental-'));
afterAll(() => {
  expect(readdirSync(localDirectory)).toEqual([]);
  rmSync(localDirectory, { recursive: true, force: true });
});

// With change tracking on, the backend keeps the whole contract (full snapshots included).
stateBackendContractTests(
  { name: 'lmdb', create: () => new LmdbStateBackend({ localDirectory, mapSize: 64 << 20, writeBatchSize: 16, writeBatchMemory: 1 << 20, incremental: true }) },
  new Configuration(),
);

const COUNT: StateDescriptor = { name: 'count', kind: 'value' };
const WINDOWS: StateDescriptor = { name: 'windows', kind: 'value' };

function read(resources: KeyedStateSnapshotResources): StateEntry[] {
  const entries: StateEntry[] = [];
  for (const g of resources.keyGroups()) for (const e of resources.entriesOfKeyGroup(g)) entries.push(e);
  resources.release();
  return entries.sort((a, b) => (JSON.stringify([a.stateName, a.key, a.namespace ?? null]) < JSON.stringify([b.stateName, b.key, b.namespace ?? null]) ? -1 : 1));
}

describe('lmdb incremental snapshots (changes since a completed checkpoint)', () => {
  let slot: LmdbStateBackend;
  let keyed: KeyedStateBackend;
  const set = (key: unknown, d: StateDescriptor, value: unknown, namespace?: string): void => {
    keyed.setCurrentKey(key);
    keyed.put(d, value, namespace);
  };
  const clear = (key: unknown, d: StateDescriptor, namespace?: string): void => {
    keyed.setCurrentKey(key);
    keyed.clear(d, namespace);
  };

  beforeEach(() => {
    slot = new LmdbStateBackend({ localDirectory, mapSize: 64 << 20, writeBatchSize: 4, writeBatchMemory: 1 << 20, incremental: true });
    keyed = slot.createKeyedStateBackend({
      jobId: 'job', operatorId: 'op', keyGroupRange: { startKeyGroup: 0, endKeyGroup: 127 }, maxParallelism: 128, keyGroupOf: testKeyGroupOf,
    });
  });
  afterEach(() => slot.close());

  it('hold the entries written and removed since the base, as of the snapshot', () => {
    for (let k = 0; k < 20; k++) set(k, COUNT, k);
    set(['user', 1], WINDOWS, { sum: 1 }, 'w-1');
    set(['user', 2], WINDOWS, { sum: 2 }, 'w-1');
    const full = keyed.snapshot(1);
    expect(full.incremental).toBeFalsy();
    expect(read(full)).toHaveLength(22);
    keyed.notifyCheckpointComplete?.(1);

    set(3, COUNT, 33);
    set(20, COUNT, 20);
    clear(4, COUNT);
    clear(['user', 1], WINDOWS, 'w-1');
    set(5, COUNT, 55);
    clear(5, COUNT);
    set(6, COUNT, 6); // the same value: still a change
    const changes = keyed.snapshot(2, 1);
    // Written after the snapshot: not in it.
    set(7, COUNT, 77);
    clear(3, COUNT);
    expect(changes.incremental).toBe(true);
    expect(read(changes)).toEqual([
      { key: 20, stateName: 'count', namespace: undefined, value: 20 },
      { key: 3, stateName: 'count', namespace: undefined, value: 33 },
      { key: 4, stateName: 'count', namespace: undefined, value: undefined },
      { key: 5, stateName: 'count', namespace: undefined, value: undefined },
      { key: 6, stateName: 'count', namespace: undefined, value: 6 },
      { key: ['user', 1], stateName: 'windows', namespace: 'w-1', value: undefined },
    ]);
    keyed.notifyCheckpointComplete?.(2);
    expect(read(keyed.snapshot(3, 2))).toEqual([
      { key: 3, stateName: 'count', namespace: undefined, value: undefined },
      { key: 7, stateName: 'count', namespace: undefined, value: 77 },
    ]);
  });

  it('fall back to a full snapshot for a base they do not know (aborted, or superseded by a later completed one)', () => {
    set('a', COUNT, 1);
    read(keyed.snapshot(1));
    read(keyed.snapshot(2));
    keyed.notifyCheckpointAborted?.(2);
    keyed.notifyCheckpointComplete?.(1);
    const unknownBase = keyed.snapshot(3, 2);
    expect(unknownBase.incremental).toBeFalsy();
    unknownBase.release();
    read(keyed.snapshot(4));
    keyed.notifyCheckpointComplete?.(4);
    const stale = keyed.snapshot(5, 1);
    expect(stale.incremental).toBeFalsy();
    expect(read(stale)).toEqual([{ key: 'a', stateName: 'count', namespace: undefined, value: 1 }]);
  });
});
