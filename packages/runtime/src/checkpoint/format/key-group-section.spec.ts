import { ValueStateDescriptor, type TypeSerializer } from '@flott/core';
import type { KeyGroupSnapshot } from '../../snapshot/snapshot-data';
import { InMemoryKeyedStateBackend } from '../../operators/testing/in-memory-keyed-state-backend';
import { KeyedStateSerializers } from '../../state/state-serializers';
import { randomKeyedStateSnapshot } from '../../testing/random-snapshots';
import { KeyGroupSectionBuilder } from './key-group-section';
import { decodeKeyedStateFile, keyedStateFileChunks, packKeyGroup } from './keyed-state-file';
import { concatChunks } from '../../snapshot/state-bytes';

type Timers = Array<[string, unknown[], unknown[]]>;

/** Visits `group`'s states in the given order, as a backend would, and builds its section. */
function build(builder: KeyGroupSectionBuilder, group: KeyGroupSnapshot, order = [...new Set([...group.states, ...(group.removed ?? [])].map((s) => s.name))], incremental = group.removed !== undefined): Uint8Array | undefined {
  builder.begin();
  for (const name of order) {
    builder.state(name);
    for (const e of group.states.find((s) => s.name === name)?.entries ?? []) builder.entry(e.key, e.namespace as string | undefined, e.value);
    for (const e of group.removed?.find((s) => s.name === name)?.entries ?? []) builder.entry(e.key, e.namespace as string | undefined, undefined);
  }
  const timers: Timers = group.timers.map((t) => [t.service, t.eventTime.flatMap((x) => [x.key, x.namespace, x.timestamp]), t.processingTime.flatMap((x) => [x.key, x.namespace, x.timestamp])]);
  return builder.finish(group.keyGroup, timers, incremental);
}

const same = (a: Uint8Array | undefined, b: Uint8Array): boolean => a !== undefined && Buffer.from(a).equals(Buffer.from(b));

describe('KeyGroupSectionBuilder (sections written as the backend visits entries)', () => {
  it('writes the bytes packKeyGroup writes for counters, strings and window namespaces, states visited in any order', () => {
    const group: KeyGroupSnapshot = {
      keyGroup: 7,
      states: [
        { name: 'a-sum', entries: [{ key: 'user-1', namespace: 'w-1000', value: 2.5 }, { key: 'user-2', namespace: 'w-2000', value: -7 }] },
        { name: 'count', entries: Array.from({ length: 70_000 }, (_, i) => ({ key: i * 128 + 7, namespace: undefined, value: i % 100 })) },
      ],
      timers: [{ service: 'user-timers', eventTime: [{ key: 'user-1', namespace: 'w-1000', timestamp: 1999 }], processingTime: [] }],
    };
    const builder = new KeyGroupSectionBuilder();
    expect(same(build(builder, group, ['count', 'a-sum']), packKeyGroup(group))).toBe(true);
    // The builder is reused group after group.
    expect(same(build(builder, group), packKeyGroup(group))).toBe(true);
  });

  it('writes number counters under number keys in every msgpack width as packKeyGroup does, also as a view of its buffer', () => {
    const numbers = [0, 1, 0x3f, 0x40, 0x7f, 0xff, 0x100, 0xffff, 0x10000, 2 ** 32 - 1, 2 ** 32, -1, -0x20, -0x21, -0x80, -0x81, -0x8000, -0x8001, -(2 ** 31), -(2 ** 31) - 1, 0.5, -0, NaN, Infinity, 2 ** 53];
    const group: KeyGroupSnapshot = {
      keyGroup: 2,
      states: [{ name: 'count', entries: numbers.flatMap((key, i) => [{ key, namespace: undefined, value: numbers[numbers.length - 1 - i] }, { key: i, namespace: undefined, value: key }]) }],
      timers: [],
    };
    const builder = new KeyGroupSectionBuilder();
    const expected = packKeyGroup(group);
    expect(same(build(builder, group), expected)).toBe(true);
    builder.begin();
    builder.state('count');
    for (const e of group.states[0].entries) builder.entry(e.key, undefined, e.value);
    const view = builder.finish(2, [], false, true);
    expect(same(view, expected)).toBe(true);
    // A view lasts until the builder's next group: a copy does not.
    const copy = Buffer.from(view!);
    build(builder, { keyGroup: 3, states: [{ name: 'other', entries: [{ key: 'x', namespace: 'w', value: 'y' }] }], timers: [] });
    expect(same(copy, expected)).toBe(true);
  });

  it('falls back to msgpackr for the whole group when a state holds objects, also after primitive entries', () => {
    const group: KeyGroupSnapshot = {
      keyGroup: 1,
      states: [
        { name: 'count', entries: [{ key: 1, namespace: undefined, value: 3 }] },
        { name: 'events', entries: [{ key: 1, namespace: undefined, value: [1, 2] }, { key: 2, namespace: undefined, value: [{ at: 1 }] }, { key: 3, namespace: undefined, value: 9 }] },
      ],
      timers: [],
    };
    expect(same(build(new KeyGroupSectionBuilder(), group), packKeyGroup(group))).toBe(true);
  });

  it('writes a state as (key, value) pairs until an entry with a namespace comes, then as triples, as packKeyGroup does', () => {
    const counters = Array.from({ length: 5 }, (_, i) => ({ key: i, namespace: undefined, value: i * 3 }));
    const cases: Array<KeyGroupSnapshot['states'][number]['entries']> = [
      [...counters, { key: 9, namespace: 'w-1', value: 1 }, { key: 10, namespace: undefined, value: 2 }],
      [...counters, { key: 'x', namespace: undefined, value: { at: 1 } }, { key: 9, namespace: 'w-1', value: 1 }],
      [{ key: 9, namespace: 'w-1', value: 1 }, ...counters],
      [...counters, { key: 'x', namespace: undefined, value: { at: 1 } }],
    ];
    const builder = new KeyGroupSectionBuilder();
    for (const entries of cases) {
      const group: KeyGroupSnapshot = { keyGroup: 0, states: [{ name: 'count', entries }, { name: 'other', entries: counters }], timers: [] };
      expect(same(build(builder, group), packKeyGroup(group))).toBe(true);
    }
  });

  it('writes the values of a state with a custom serializer as its bytes, flagged, as packKeyGroup does for a serialized state', () => {
    class Box {
      constructor(readonly n: number) {}
    }
    const serializer: TypeSerializer<Box> = { serialize: (b) => Uint8Array.of(b.n), deserialize: (bytes) => new Box(bytes[0]) };
    const backend = new InMemoryKeyedStateBackend({ startKeyGroup: 0, endKeyGroup: 0 });
    const descriptor = new ValueStateDescriptor<Box>('boxes', serializer);
    KeyedStateSerializers.of(backend).register(descriptor, backend);
    // Counters of another state keep their fast path; the boxes (number keys, some under a namespace) do not take it.
    const visited: KeyGroupSnapshot = {
      keyGroup: 0,
      states: [
        { name: 'boxes', entries: [{ key: 1, namespace: undefined, value: new Box(5) }, { key: 2, namespace: 'w', value: new Box(6) }] },
        { name: 'count', entries: [{ key: 1, namespace: undefined, value: 3 }] },
      ],
      timers: [],
    };
    const written: KeyGroupSnapshot = {
      ...visited,
      states: [
        { name: 'boxes', serialized: true, entries: [{ key: 1, namespace: undefined, value: Buffer.of(5) }, { key: 2, namespace: 'w', value: Buffer.of(6) }] },
        visited.states[1],
      ],
    };
    const section = build(new KeyGroupSectionBuilder(KeyedStateSerializers.peek(backend)), visited);
    expect(same(section, packKeyGroup(written))).toBe(true);
    const file = decodeKeyedStateFile(concatChunks([...keyedStateFileChunks({ startKeyGroup: 0, endKeyGroup: 0 }, 1, [{ id: 0, bytes: section! }])]), 'f');
    // Bytes compared as numbers: a file read from a plain Uint8Array gives its bins as Uint8Arrays.
    const plain = (states: KeyGroupSnapshot['states']) => states.map((s) => ({ ...s, entries: s.entries.map((e) => ({ ...e, value: e.value instanceof Uint8Array ? [...e.value] : e.value })) }));
    expect(plain(file.groups[0].states)).toEqual(plain(written.states));
    // Pairs (no namespace) keep both flags.
    const pairs = build(new KeyGroupSectionBuilder(KeyedStateSerializers.peek(backend)), { keyGroup: 0, states: [visited.states[0]].map((s) => ({ ...s, entries: [s.entries[0]] })), timers: [] });
    expect(same(pairs, packKeyGroup({ keyGroup: 0, states: [{ name: 'boxes', serialized: true, entries: [{ key: 1, namespace: undefined, value: Buffer.of(5) }] }], timers: [] }))).toBe(true);
  });

  it('writes removed entries only into change files, and nothing for a group without anything', () => {
    const changes: KeyGroupSnapshot = {
      keyGroup: 3,
      states: [{ name: 'count', entries: [{ key: 'k', namespace: undefined, value: 1 }] }],
      timers: [],
      removed: [{ name: 'count', entries: [{ key: 'gone', namespace: undefined }] }, { name: 'other', entries: [{ key: 5, namespace: 'n' }] }],
    };
    const builder = new KeyGroupSectionBuilder();
    expect(same(build(builder, changes), packKeyGroup(changes))).toBe(true);
    const { removed: _, ...full } = changes;
    expect(same(build(builder, changes, undefined, false), packKeyGroup(full))).toBe(true);
    expect(build(builder, { keyGroup: 4, states: [], timers: [] })).toBeUndefined();
    expect(build(builder, { keyGroup: 4, states: [], timers: [] }, ['count'])).toBeUndefined();
  });

  it('writes the bytes packKeyGroup writes for random snapshots (composite keys, Maps, BigInt, timers)', () => {
    const builder = new KeyGroupSectionBuilder();
    for (let seed = 1; seed <= 20; seed++) {
      for (const group of randomKeyedStateSnapshot(seed, { maxEntries: 12 }).groups) {
        // A snapshot leaves out a group without entries or timers.
        if (group.states.length === 0 && group.timers.length === 0) continue;
        // A state appears once per group in a visit: merge the generator's repeats.
        const states = [...new Set(group.states.map((s) => s.name))].sort().map((name) => ({ name, entries: group.states.filter((s) => s.name === name).flatMap((s) => s.entries) }));
        const merged = { ...group, states };
        expect(same(build(builder, merged, [...states.map((s) => s.name)].reverse()), packKeyGroup(merged))).toBe(true);
      }
    }
  });
});
