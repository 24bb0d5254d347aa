/// <reference types="jest" />
import type { StateDescriptor } from '@flott/core';
import type { KeyedStateBackend, KeyedStateSnapshotResources } from '../spi/state-backend';
import { copyStateValue } from '../snapshot/state-copy';
import { SeededRandom, type Random } from '../time/random';

// The snapshot part of the KeyedStateBackend contract (KeyedStateBackend.snapshot): a snapshot holds
// exactly the state at the moment it was taken, however the state changes while its key groups are
// read, for every backend. Run from stateBackendContractTests.

const COUNT: StateDescriptor = { name: 'count', kind: 'value' };
const EVENTS: StateDescriptor = { name: 'events', kind: 'list' };
const LATER: StateDescriptor = { name: 'later', kind: 'value' };
const NAMESPACES = [undefined, 'w-1', 'w-2'];

interface Entry {
  readonly stateName: string;
  readonly key: unknown;
  readonly namespace: string | undefined;
  readonly value: unknown;
}

const idOf = (e: { stateName: string; key: unknown; namespace: unknown }): string => JSON.stringify([e.stateName, e.key, e.namespace ?? null]);

function sorted(entries: Entry[]): Entry[] {
  return entries.sort((a, b) => (idOf(a) < idOf(b) ? -1 : 1));
}

/** Every live entry, copied (what a snapshot taken now must hold). */
function liveState(backend: KeyedStateBackend): Entry[] {
  return sorted(backend.nonEmptyKeyGroups().flatMap((g) => [...backend.entriesOfKeyGroup(g)].map((e) => ({ ...e, value: copyStateValue(e.value) }))));
}

/**
 * Reads a snapshot one key group per call of `step`, copying each group's values as the asynchronous
 * part serialises them; `byVisit`: through `visitKeyGroup` where the backend has it.
 */
class SnapshotReader {
  readonly read: Entry[] = [];
  private readonly groups: Iterator<number>;
  done = false;
  constructor(private readonly resources: KeyedStateSnapshotResources, private readonly byVisit = false) {
    this.groups = resources.keyGroups()[Symbol.iterator]();
  }

  step(): void {
    if (this.done) return;
    const next = this.groups.next();
    if (next.done) {
      this.done = true;
      this.resources.release();
      return;
    }
    if (this.byVisit && this.resources.visitKeyGroup) {
      let stateName: string | undefined;
      const seen = new Set<string>();
      this.resources.visitKeyGroup(next.value, {
        state: (name) => {
          expect(seen.has(name)).toBe(false);
          seen.add(name);
          stateName = name;
        },
        entry: (key, namespace, value) => this.read.push({ stateName: stateName!, key, namespace, value: copyStateValue(value) }),
      });
      return;
    }
    for (const e of this.resources.entriesOfKeyGroup(next.value)) this.read.push({ ...e, value: copyStateValue(e.value) });
  }

  finish(): Entry[] {
    while (!this.done) this.step();
    return sorted(this.read);
  }
}

function int(random: Random, below: number): number {
  return Math.floor(random.nextDouble() * below);
}

function randomKeyOf(random: Random): unknown {
  const n = int(random, 60);
  return n % 3 === 0 ? [`user-${n}`, n % 7] : n % 3 === 1 ? `key-${n}` : n;
}

/** One random change, through the SPI as the state handles make them (read-modify-write included). */
function randomChange(backend: KeyedStateBackend, random: Random, counter: { n: number }): void {
  backend.setCurrentKey(randomKeyOf(random));
  const namespace = NAMESPACES[int(random, NAMESPACES.length)];
  switch (int(random, 6)) {
    case 0:
      backend.put(COUNT, ++counter.n, namespace);
      break;
    case 1:
      backend.clear(COUNT, namespace);
      break;
    case 2: {
      // ListState.add: the list it got may be the live object, changed in place before the put.
      const list = backend.get(EVENTS, namespace) as Array<{ at: number }> | undefined;
      if (list) {
        list.push({ at: ++counter.n });
        if (list[0]) list[0].at = -counter.n;
        backend.put(EVENTS, list, namespace);
      } else backend.put(EVENTS, [{ at: ++counter.n }], namespace);
      break;
    }
    case 3:
      backend.clear(EVENTS, namespace);
      break;
    case 4:
      // A state first written after the snapshot.
      backend.put(LATER, ++counter.n, namespace);
      break;
    default:
      backend.get(COUNT, namespace);
  }
}

export function stateSnapshotContractTests(create: () => KeyedStateBackend): void {
  describe('snapshots (KeyedStateBackend.snapshot)', () => {
    let backend: KeyedStateBackend;
    beforeEach(() => {
      backend = create();
    });
    afterEach(() => backend.dispose());

    it.each([['entriesOfKeyGroup', false], ['visitKeyGroup (where the backend has it)', true]])('hold exactly the state at the snapshot while it changes between key groups read, for seeded runs, read by %s', (_, byVisit) => {
      for (let seed = 1; seed <= 12; seed++) {
        const random = new SeededRandom(seed);
        const counter = { n: 0 };
        for (let i = 0; i < 300; i++) randomChange(backend, random, counter);
        const atFirst = liveState(backend);
        const first = new SnapshotReader(backend.snapshot(seed * 10), byVisit);
        for (let i = 0; i < 200; i++) {
          randomChange(backend, random, counter);
          if (i % 3 === 0) first.step();
        }
        // A second snapshot while the first is still being read (max-concurrent-checkpoints > 1).
        const atSecond = liveState(backend);
        const second = new SnapshotReader(backend.snapshot(seed * 10 + 1), byVisit);
        for (let i = 0; i < 400; i++) {
          randomChange(backend, random, counter);
          if (i % 2 === 0) first.step();
          if (i % 5 === 0) second.step();
        }
        const live = liveState(backend);
        expect(first.finish()).toEqual(atFirst);
        expect(second.finish()).toEqual(atSecond);
        // The snapshots changed nothing of the live state, and a new one sees all of it.
        expect(liveState(backend)).toEqual(live);
        expect(new SnapshotReader(backend.snapshot(seed * 10 + 2), byVisit).finish()).toEqual(live);
        for (const g of backend.nonEmptyKeyGroups()) {
          for (const e of [...backend.entriesOfKeyGroup(g)]) {
            backend.setCurrentKey(e.key);
            backend.clear({ name: e.stateName, kind: 'value' }, e.namespace);
          }
        }
        expect(backend.numEntries()).toBe(0);
      }
    });

    it('keep a value that user code changes in place after get, without writing it back', () => {
      backend.setCurrentKey('alice');
      backend.put(EVENTS, [{ at: 1 }]);
      const reader = new SnapshotReader(backend.snapshot(1));
      (backend.get(EVENTS) as Array<{ at: number }>).push({ at: 2 });
      expect(reader.finish()).toEqual([{ stateName: 'events', key: 'alice', namespace: undefined, value: [{ at: 1 }] }]);
    });

    it('see nothing of entries and states added after them, and keep removed ones', () => {
      backend.setCurrentKey('bob');
      backend.put(COUNT, 1);
      const reader = new SnapshotReader(backend.snapshot(1));
      backend.clear(COUNT);
      backend.put(LATER, 2);
      backend.setCurrentKey('carol');
      backend.put(COUNT, 3);
      expect(reader.finish()).toEqual([{ stateName: 'count', key: 'bob', namespace: undefined, value: 1 }]);
    });

    it('fail when read after their release or after dispose; release is idempotent', () => {
      backend.setCurrentKey('dave');
      backend.put(COUNT, 1);
      const released = backend.snapshot(1);
      const group = [...released.keyGroups()][0];
      released.release();
      released.release();
      expect(() => [...released.entriesOfKeyGroup(group)]).toThrow(/release/);
      const open = backend.snapshot(2);
      backend.dispose();
      expect(() => [...open.keyGroups()].flatMap((g) => [...open.entriesOfKeyGroup(g)])).toThrow(/dispose/);
      open.release();
      backend = create();
    });
  });
}
