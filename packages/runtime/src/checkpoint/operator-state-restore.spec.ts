import { ValueStateDescriptor, type StateDescriptor, type TypeSerializer } from '@flott/core';
import { KeyedStateSerializers } from '../state/state-serializers';
import { InMemoryKeyedStateBackend } from '../operators/testing/in-memory-keyed-state-backend';
import type { KeyGroupSnapshot, StreamStateHandle, TimerEntry } from '../snapshot/snapshot-data';
import { encodeKeyedStateFile } from './format';
import { restoreOperatorState, type RestoreTarget } from './operator-state-restore';

const COUNT: StateDescriptor = { name: 'count', kind: 'value' };
/** Key k lives in key group k (the test's key-group assignment). */
const keyGroupOf = (key: unknown): number => key as number;

function file(groups: KeyGroupSnapshot[]): StreamStateHandle {
  return { kind: 'inline', data: encodeKeyedStateFile({ keyGroupRange: { startKeyGroup: 0, endKeyGroup: 7 }, maxParallelism: 8, groups }) };
}

const group = (keyGroup: number, count: number | undefined, timer?: number, removed = false): KeyGroupSnapshot => ({
  keyGroup,
  states: count === undefined ? [] : [{ name: 'count', entries: [{ key: keyGroup, namespace: undefined, value: count }] }],
  timers: timer === undefined ? [] : [{ service: 't', eventTime: [{ key: keyGroup, namespace: undefined, timestamp: timer }], processingTime: [] }],
  ...(removed && { removed: [{ name: 'count', entries: [{ key: keyGroup, namespace: undefined }] }] }),
});

function target(startKeyGroup: number, endKeyGroup: number): { t: RestoreTarget; backend: InMemoryKeyedStateBackend; timers: TimerEntry[] } {
  const backend = new InMemoryKeyedStateBackend({ startKeyGroup, endKeyGroup }, { keyGroupOf });
  const timers: TimerEntry[] = [];
  const t: RestoreTarget = {
    name: 'counter',
    keyedBackend: backend,
    timeServiceManager: { timersByKeyGroup: () => new Map(), restoreTimers: (_name, _domain, ts) => timers.push(...ts) },
    operatorStateStore: { snapshotState: () => [], restoreState: () => undefined },
  };
  return { t, backend, timers };
}

const read = (backend: InMemoryKeyedStateBackend, keys: number[]): Array<[number, unknown]> =>
  keys.map((k) => {
    backend.setCurrentKey(k);
    return [k, backend.get(COUNT)];
  });

describe('restoring an incremental keyed handle (a full file and its change files)', () => {
  // Full: groups 1..6 count = group; then changes: 2 → 20, 3 removed, 7 added; then 2 → 200, 7 removed, 3 back.
  const base = file([group(1, 1, 100), group(2, 2), group(3, 3), group(4, 4), group(5, 5), group(6, 6)]);
  const first = file([group(2, 20), group(3, undefined, undefined, true), group(7, 7, 700)]);
  const second = file([group(2, 200, 201), group(3, 33), group(7, undefined, undefined, true)]);
  const restore = { keyed: [{ keyGroupRange: { startKeyGroup: 0, endKeyGroup: 7 }, handle: base, changes: [first, second] }], operator: [] };
  const storage = { readState: (h: StreamStateHandle) => Promise.resolve(h.kind === 'inline' ? h.data : new Uint8Array()) };

  it('applies the change files in order: writes, removals, and the timers of the last file only', async () => {
    const { t, backend, timers } = target(0, 7);
    await restoreOperatorState(t, restore, storage, 0, 1);
    expect(read(backend, [1, 2, 3, 4, 5, 6, 7])).toEqual([[1, 1], [2, 200], [3, 33], [4, 4], [5, 5], [6, 6], [7, undefined]]);
    expect(backend.numEntries()).toBe(6);
    expect(timers).toEqual([{ key: 2, namespace: undefined, timestamp: 201 }]);
  });

  it('at another parallelism takes only its key groups from every file of the chain', async () => {
    const { t, backend, timers } = target(2, 3);
    await restoreOperatorState(t, restore, storage, 1, 4);
    expect(read(backend, [2, 3])).toEqual([[2, 200], [3, 33]]);
    expect(backend.numEntries()).toBe(2);
    expect(timers).toEqual([{ key: 2, namespace: undefined, timestamp: 201 }]);
  });
});

describe('restoring an incremental chain of a state written by a custom serializer', () => {
  // The serializer writes a number as its decimal text; the chain: groups 1..3, then 2 changed and 3 removed.
  const decimal: TypeSerializer<number> = { serialize: (n) => new TextEncoder().encode(String(n)), deserialize: (b) => Number(new TextDecoder().decode(b)) };
  const serializedGroup = (keyGroup: number, value: number | undefined, removed = false): KeyGroupSnapshot => ({
    keyGroup,
    states: value === undefined ? [] : [{ name: 'count', serialized: true, entries: [{ key: keyGroup, namespace: undefined, value: decimal.serialize(value) }] }],
    timers: [],
    ...(removed && { removed: [{ name: 'count', entries: [{ key: keyGroup, namespace: undefined }] }] }),
  });
  const restore = {
    keyed: [{
      keyGroupRange: { startKeyGroup: 0, endKeyGroup: 7 },
      handle: file([serializedGroup(1, 1), serializedGroup(2, 2), serializedGroup(3, 3)]),
      changes: [file([serializedGroup(2, 20), serializedGroup(3, undefined, true)])],
    }],
    operator: [],
  };
  const storage = { readState: (h: StreamStateHandle) => Promise.resolve(h.kind === 'inline' ? h.data : new Uint8Array()) };

  it('keeps the last form of each entry, drops removed ones, and the descriptor reads them into the backend', async () => {
    const { t, backend } = target(0, 7);
    await restoreOperatorState(t, restore, storage, 0, 1);
    // Nothing is in the backend before the descriptor comes.
    expect(backend.numEntries()).toBe(0);
    const serializers = KeyedStateSerializers.of(backend);
    expect([...serializers.pendingNow().keys()]).toEqual([1, 2]);
    serializers.register(new ValueStateDescriptor<number>('count', decimal), backend);
    expect(read(backend, [1, 2, 3])).toEqual([[1, 1], [2, 20], [3, undefined]]);
    expect(serializers.pendingNow().size).toBe(0);
  });
});
