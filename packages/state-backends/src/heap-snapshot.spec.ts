import type { StateDescriptor } from '@flott/core';
// eslint-disable-next-line no-restricted-imports
import { decodeKeyedStateFile, prepareKeyedSnapshot } from '@flott/runtime/internal';
import type { KeyGroupVisitor } from '@flott/runtime/spi';
import { HeapKeyedStateBackend } from './heap-keyed-state-backend';

const COUNT: StateDescriptor = { name: 'count', kind: 'value' };
const MAX_PARALLELISM = 8;

function backend(): HeapKeyedStateBackend {
  return new HeapKeyedStateBackend({
    jobId: 'job', operatorId: 'op', keyGroupRange: { startKeyGroup: 0, endKeyGroup: MAX_PARALLELISM - 1 }, maxParallelism: MAX_PARALLELISM,
    keyGroupOf: (key) => (key as number) % MAX_PARALLELISM,
  });
}

function put(b: HeapKeyedStateBackend, key: number, value: number | undefined): void {
  b.setCurrentKey(key);
  b.put(COUNT, value);
}

/** The state's [key, value] pairs by ascending key, read from the live backend. */
function live(b: HeapKeyedStateBackend): Array<[unknown, unknown]> {
  return b.nonEmptyKeyGroups().flatMap((g) => [...b.entriesOfKeyGroup(g)].map((e): [unknown, unknown] => [e.key, e.value])).sort((x, y) => (x[0] as number) - (y[0] as number));
}

/** The [key, value] pairs of a keyed state file, by ascending key. */
function decoded(file: Uint8Array): Array<[unknown, unknown]> {
  return decodeKeyedStateFile(file, 'test').groups.flatMap((g) => g.states.flatMap((s) => s.entries.map((e): [unknown, unknown] => [e.key, e.value]))).sort((x, y) => (x[0] as number) - (y[0] as number));
}

describe('heap snapshots of number counters (values preserved while the snapshot is read)', () => {
  it('write the state at the snapshot when entries change, appear and go between key groups read, and leave the live state as it is', () => {
    const b = backend();
    for (let k = 0; k < 400; k++) put(b, k, k * 1000);
    const atSnapshot = live(b);
    const resources = b.snapshot(1);
    const groups = [...resources.keyGroups()];
    const entries: Array<[unknown, unknown]> = [];
    const visitor: KeyGroupVisitor = { state: () => undefined, entry: (key, _ns, value) => entries.push([key, value]) };
    for (const [i, g] of groups.entries()) {
      resources.visitKeyGroup!(g, visitor);
      // After each group read: change, add and remove entries of every group (read or not).
      for (let k = i; k < 400; k += 7) put(b, k, -k);
      put(b, 1000 + i, 1);
      put(b, 3 + 8 * i, undefined);
    }
    resources.release();
    expect(entries.sort((x, y) => (x[0] as number) - (y[0] as number))).toEqual(atSnapshot);
    const expected = new Map(atSnapshot);
    for (const [i] of groups.entries()) {
      for (let k = i; k < 400; k += 7) expected.set(k, -k);
      expected.set(1000 + i, 1);
      expected.delete(3 + 8 * i);
    }
    expect(live(b)).toEqual([...expected].sort((x, y) => (x[0] as number) - (y[0] as number)));
    expect(b.numEntries()).toBe(expected.size);
  });

  it('put the live values back when the visitor fails in the middle of a group', () => {
    const b = backend();
    for (let k = 0; k < 64; k++) put(b, k, k);
    const resources = b.snapshot(1);
    put(b, 0, 100);
    put(b, 8, undefined);
    put(b, 800, 7);
    const before = live(b);
    let seen = 0;
    expect(() => resources.visitKeyGroup!(0, {
      state: () => undefined,
      entry: () => {
        if (++seen === 3) throw new Error('disk full');
      },
    })).toThrow('disk full');
    resources.release();
    expect(live(b)).toEqual(before);
    b.setCurrentKey(0);
    expect(b.get(COUNT)).toBe(100);
  });

  const holder = (keyedBackend: HeapKeyedStateBackend) => ({ keyedBackend, operatorStateStore: { snapshotState: () => [], restoreState: () => undefined } });

  it('stream the bytes chunksNow writes, in chunks of whole key groups, with records changing state between chunks', async () => {
    const b = backend();
    // About 5 MB of sections (float values, 14 bytes an entry): two chunks of 4 MiB at most.
    const keys = 360_000;
    for (let k = 0; k < keys; k++) put(b, k * 16 + (k % 8), k + 0.5);
    const atSnapshot = live(b);
    const expectedFile = Buffer.concat([...prepareKeyedSnapshot(holder(b), 1, MAX_PARALLELISM)!.chunksNow()]);
    const snapshot = prepareKeyedSnapshot(holder(b), 2, MAX_PARALLELISM)!;
    const chunks: Uint8Array[] = [];
    let next = 0;
    for await (const chunk of snapshot.chunks()) {
      // A copy: the snapshot reuses the chunk's array for the next one.
      chunks.push(Buffer.from(chunk));
      for (let i = 0; i < 20_000; i++, next++) put(b, next * 16 + (next % 8), -1);
    }
    expect(chunks.length).toBe(2);
    expect(chunks[0].byteLength).toBeLessThanOrEqual(4 * 2 ** 20);
    const file = Buffer.concat(chunks);
    expect(file.equals(expectedFile)).toBe(true);
    expect(decoded(file)).toEqual(atSnapshot);
  });
});
