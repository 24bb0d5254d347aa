import { CorruptCheckpointError } from '../../errors';
import { checkpointFileDamageTests, withFlippedByte } from '../../testing/checkpoint-file-damage';
import { randomKeyedStateSnapshot } from '../../testing/random-snapshots';
import type { KeyedStateSnapshot } from '../../snapshot/snapshot-data';
import { decodeKeyedStateFile, encodeKeyedStateFile, keyedStateFileChunks, packKeyGroup } from './keyed-state-file';
import { encodeOperatorStateFile } from './operator-state-file';
import { KEYED_STATE_FILE, SectionedFileReader, writeSectionedFile, type Section } from './sectioned-file';
import { packSection, unpackValue } from './state-values';

const FILE = '/checkpoints/job/chk-3/op-1-keyed-0';

const WINDOWED: KeyedStateSnapshot = {
  keyGroupRange: { startKeyGroup: 4, endKeyGroup: 9 },
  maxParallelism: 16,
  groups: [
    {
      keyGroup: 5,
      states: [
        { name: 'auctions', entries: [{ key: 'a-1', namespace: { start: 0, end: 10_000 }, value: new Map([[10, [{ bid: 3 }]]]) }] },
        { name: 'count', entries: [{ key: ['bidder', 7], namespace: undefined, value: 12 }] },
      ],
      timers: [{ service: 'window-timers', eventTime: [{ key: 'a-1', namespace: { start: 0, end: 10_000 }, timestamp: 9_999 }], processingTime: [] }],
    },
    { keyGroup: 9, states: [{ name: 'count', entries: [{ key: 42, namespace: 'n', value: 1 }] }], timers: [] },
  ],
};

/** The groups of `s` inside [from, to]. */
function groupsIn(s: KeyedStateSnapshot, from: number, to: number): KeyedStateSnapshot['groups'] {
  return s.groups.filter((g) => g.keyGroup >= from && g.keyGroup <= to);
}

describe('keyed state file', () => {
  it('round-trips window state, tuple keys, undefined namespaces and timers', () => {
    expect(decodeKeyedStateFile(encodeKeyedStateFile(WINDOWED), FILE)).toStrictEqual(WINDOWED);
  });

  it('round-trips seeded random snapshots exactly', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const snapshot = randomKeyedStateSnapshot(seed, { startKeyGroup: seed % 5, endKeyGroup: 40 + seed, maxParallelism: 128 });
      expect(decodeKeyedStateFile(encodeKeyedStateFile(snapshot), FILE)).toStrictEqual(snapshot);
    }
  });

  it('round-trips an empty snapshot and one with every key group of max parallelism 1', () => {
    const empty: KeyedStateSnapshot = { keyGroupRange: { startKeyGroup: 0, endKeyGroup: 127 }, maxParallelism: 128, groups: [] };
    expect(decodeKeyedStateFile(encodeKeyedStateFile(empty), FILE)).toStrictEqual(empty);
    const single = randomKeyedStateSnapshot(7, { startKeyGroup: 0, endKeyGroup: 0, maxParallelism: 1, density: 1 });
    expect(single.groups).toHaveLength(1);
    expect(decodeKeyedStateFile(encodeKeyedStateFile(single), FILE)).toStrictEqual(single);
  });

  it('indexes one section per non-empty key group, ascending', () => {
    const reader = SectionedFileReader.open(encodeKeyedStateFile(WINDOWED), FILE, KEYED_STATE_FILE);
    expect(reader.fields).toEqual([16, 4, 9]);
    expect(reader.index.map((e) => e.id)).toEqual([5, 9]);
  });

  describe('ranged reads (restore at another parallelism)', () => {
    it('returns the key groups inside the range, for seeded snapshots and ranges', () => {
      for (let seed = 1; seed <= 30; seed++) {
        const snapshot = randomKeyedStateSnapshot(seed, { startKeyGroup: 16, endKeyGroup: 79, maxParallelism: 128, density: 0.6 });
        const bytes = encodeKeyedStateFile(snapshot);
        for (const [from, to] of [[0, 127], [16, 16], [20, 47], [48, 79], [0, 15], [80, 127], [70, 100], [seed, seed + 10]]) {
          const read = decodeKeyedStateFile(bytes, FILE, { startKeyGroup: from, endKeyGroup: to });
          expect(read.keyGroupRange).toEqual({ startKeyGroup: from, endKeyGroup: to });
          expect(read.maxParallelism).toBe(128);
          expect(read.groups).toStrictEqual(groupsIn(snapshot, from, to));
        }
      }
    });

    it('reads only the sections it returns: damage elsewhere in the file goes unread', () => {
      const bytes = encodeKeyedStateFile(WINDOWED);
      const reader = SectionedFileReader.open(bytes, FILE, KEYED_STATE_FILE);
      const group9 = reader.index[1];
      const damaged = withFlippedByte(bytes, group9.offset + Math.floor(group9.length / 2));
      expect(decodeKeyedStateFile(damaged, FILE, { startKeyGroup: 0, endKeyGroup: 7 }).groups).toStrictEqual(groupsIn(WINDOWED, 0, 7));
      expect(() => decodeKeyedStateFile(damaged, FILE, { startKeyGroup: 8, endKeyGroup: 15 })).toThrow(
        new CorruptCheckpointError(FILE, `checksum mismatch in section 1 (id 9, bytes ${group9.offset}..${group9.offset + group9.length}): the file was altered`),
      );
      expect(() => decodeKeyedStateFile(damaged, FILE)).toThrow(CorruptCheckpointError);
    });

    it('decodes a later section alone although earlier ones held objects of the same shape', () => {
      const shape = (n: number): KeyedStateSnapshot['groups'][number] =>
        ({ keyGroup: n, states: [{ name: 's', entries: [{ key: n, namespace: { start: n, end: n + 1 }, value: { sum: n, count: 1 } }] }], timers: [] });
      const snapshot: KeyedStateSnapshot = { keyGroupRange: { startKeyGroup: 0, endKeyGroup: 3 }, maxParallelism: 4, groups: [0, 1, 2, 3].map(shape) };
      const bytes = encodeKeyedStateFile(snapshot);
      expect(decodeKeyedStateFile(bytes, FILE, { startKeyGroup: 3, endKeyGroup: 3 }).groups).toStrictEqual([shape(3)]);
    });
  });

  it('reads version 1 files (header first) and version 2 files, whose states are all (key, namespace, value) triples', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const snapshot = randomKeyedStateSnapshot(seed, { startKeyGroup: 3, endKeyGroup: 60, maxParallelism: 64 });
      const { startKeyGroup, endKeyGroup } = snapshot.keyGroupRange;
      // As the writers before version 3 packed a section.
      const sections = snapshot.groups.map((g) => ({
        id: g.keyGroup,
        bytes: packSection([
          g.states.map((s) => [s.name, s.entries.flatMap((e) => [e.key, e.namespace, e.value])]),
          g.timers.map((t) => [t.service, ...[t.eventTime, t.processingTime].map((ts) => ts.flatMap((x) => [x.key, x.namespace, x.timestamp]))]),
        ]),
      }));
      for (const version of [1, 2]) {
        const old = writeSectionedFile(KEYED_STATE_FILE, [64, startKeyGroup, endKeyGroup], sections, version);
        expect(new DataView(old.buffer).getUint16(4)).toBe(version);
        expect(decodeKeyedStateFile(old, FILE)).toStrictEqual(snapshot);
        expect(decodeKeyedStateFile(old, FILE, { startKeyGroup: 10, endKeyGroup: 20 }).groups).toStrictEqual(groupsIn(snapshot, 10, 20));
      }
    }
  });

  it('writes a state whose entries in a group have no namespace as (key, value) pairs, others as triples', () => {
    const group = (entries: KeyedStateSnapshot['groups'][number]['states'][number]['entries']): KeyedStateSnapshot => ({
      keyGroupRange: { startKeyGroup: 0, endKeyGroup: 0 }, maxParallelism: 1, groups: [{ keyGroup: 0, states: [{ name: 's', entries }], timers: [] }],
    });
    const layout = (s: KeyedStateSnapshot): unknown => {
      const reader = SectionedFileReader.open(encodeKeyedStateFile(s), FILE, KEYED_STATE_FILE);
      return (unpackValue(reader.section(0), reader.fail.bind(reader), 'section') as unknown[][])[0][0];
    };
    const plain = group([{ key: 1, namespace: undefined, value: 10 }, { key: 'k', namespace: undefined, value: [2] }]);
    expect(layout(plain)).toEqual(['s', [1, 10, 'k', [2]], 2]);
    const mixed = group([{ key: 1, namespace: undefined, value: 10 }, { key: 2, namespace: 'w', value: 20 }]);
    expect(layout(mixed)).toEqual(['s', [1, undefined, 10, 2, 'w', 20]]);
    for (const s of [plain, mixed]) expect(decodeKeyedStateFile(encodeKeyedStateFile(s), FILE)).toStrictEqual(s);
  });

  it('round-trips the removed entries of a change file (incremental checkpoints)', () => {
    const changes: KeyedStateSnapshot = {
      ...WINDOWED,
      groups: [{ ...WINDOWED.groups[0], removed: [{ name: 'count', entries: [{ key: ['bidder', 8], namespace: undefined }, { key: 'x', namespace: 'n' }] }] }, WINDOWED.groups[1]],
    };
    expect(decodeKeyedStateFile(encodeKeyedStateFile(changes), FILE)).toStrictEqual(changes);
  });

  it('streams one chunk per non-empty key group between preamble and footer', () => {
    const chunks = [...keyedStateFileChunks(WINDOWED.keyGroupRange, 16, WINDOWED.groups.map((g) => ({ id: g.keyGroup, bytes: packKeyGroup(g) })))];
    expect(chunks).toHaveLength(2 + WINDOWED.groups.length);
    expect(Buffer.concat(chunks)).toEqual(Buffer.from(encodeKeyedStateFile(WINDOWED)));
  });

  it('refuses to write groups out of order or outside the range (a snapshot bug)', () => {
    const group = (keyGroup: number): KeyedStateSnapshot['groups'][number] => ({ keyGroup, states: [], timers: [] });
    const range = { startKeyGroup: 2, endKeyGroup: 5 };
    expect(() => encodeKeyedStateFile({ keyGroupRange: range, maxParallelism: 8, groups: [group(3), group(3)] })).toThrow('out of order');
    expect(() => encodeKeyedStateFile({ keyGroupRange: range, maxParallelism: 8, groups: [group(6)] })).toThrow('outside [2, 5]');
    expect(() => encodeKeyedStateFile({ keyGroupRange: range, maxParallelism: 5, groups: [] })).toThrow('for max parallelism 5');
  });
});

checkpointFileDamageTests({
  description: 'keyed state file',
  sample: () => encodeKeyedStateFile(WINDOWED),
  decode: (bytes, file) => decodeKeyedStateFile(bytes, file),
  versions: [1, 4],
  malformed: () => {
    const section = (id: number, value: unknown): Section => ({ id, bytes: packSection(value) });
    return [
      [writeSectionedFile(KEYED_STATE_FILE, [16, 9, 4], []), 'header damaged: key-group range [9, 4] for max parallelism 16'],
      [writeSectionedFile(KEYED_STATE_FILE, [16, 0, 9], [section(12, [[], []])]), 'section 0 is for key group 12, out of order or outside [0, 9]'],
      [writeSectionedFile(KEYED_STATE_FILE, [16, 0, 9], [section(3, [[], []]), section(3, [[], []])]), 'section 1 is for key group 3, out of order'],
      [writeSectionedFile(KEYED_STATE_FILE, [16, 0, 9], [{ id: 1, bytes: Uint8Array.from([0x92, 0x90]) }]), 'the section of key group 1 cannot be decoded'],
      [writeSectionedFile(KEYED_STATE_FILE, [16, 0, 9], [section(1, { states: [] })]), 'the section of key group 1 is malformed: expected [states, timers]'],
      [writeSectionedFile(KEYED_STATE_FILE, [16, 0, 9], [section(1, [[['s']], []])]), 'expected [name, entries] for a state'],
      [writeSectionedFile(KEYED_STATE_FILE, [16, 0, 9], [section(1, [[['s', [1, 2]]], []])]), 'state s: expected [name, (key, namespace, value) triples] or [name, (key, value) pairs, flags]'],
      [writeSectionedFile(KEYED_STATE_FILE, [16, 0, 9], [section(1, [[['s', [1, 2], 8]], []])]), 'state s: unknown layout flags 8'],
      [writeSectionedFile(KEYED_STATE_FILE, [16, 0, 9], [section(1, [[['s', [1, 2], 0]], []])]), 'state s: unknown layout flags 0'],
      [writeSectionedFile(KEYED_STATE_FILE, [16, 0, 9], [section(1, [[['s', [1, 2], '2']], []])]), 'state s: unknown layout flags "2"'],
      // Serialized values came with version 4.
      [writeSectionedFile(KEYED_STATE_FILE, [16, 0, 9], [section(1, [[['s', [1, 2], 6]], []])], 3), 'state s: unknown layout flags 6'],
      [writeSectionedFile(KEYED_STATE_FILE, [16, 0, 9], [section(1, [[['s', [1, 2, 3], 2]], []])]), 'state s: an odd number of elements in its (key, value) pairs'],
      // Pairs came with version 3: a version 2 file cannot hold them.
      [writeSectionedFile(KEYED_STATE_FILE, [16, 0, 9], [section(1, [[['s', [1, 2], 2]], []])], 2), 'state s: unknown layout flags 2'],
      [writeSectionedFile(KEYED_STATE_FILE, [16, 0, 9], [section(1, [[], [['t', [], [1, 2, 'x']]]])]), 'timer timestamp x is not a number'],
      [writeSectionedFile(KEYED_STATE_FILE, [16, 0, 9], [section(1, [[], [['t', []]]])]), 'expected [service, event-time timers, processing-time timers]'],
    ];
  },
  otherKind: { description: 'operator state file', bytes: () => encodeOperatorStateFile({ states: [] }) },
});
