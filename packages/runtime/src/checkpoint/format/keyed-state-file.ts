import { assert } from '@flott/core';
import type { KeyGroupRange } from '../../spi/state-backend';
import type { KeyedStateEntry, KeyedStateSnapshot, KeyGroupSnapshot, TimerEntry } from '../../snapshot/snapshot-data';
import { concatChunks } from '../../snapshot/state-bytes';
import { KEYED_STATE_FILE, SectionedFileReader, sectionedFileChunks, type Section } from './sectioned-file';
import { packPrimitiveArrays } from '../../snapshot/primitive-pack';
import { packStateSection, readSection } from './state-values';

// A keyed state file (docs/checkpoint-format.md; version 4 streamed, versions 1 to 3 read): header fields [maxParallelism,
// startKeyGroup, endKeyGroup]; one section per non-empty key group (section id = key group, ascending), holding
//   [ [ [stateName, [key, namespace, value, key, namespace, value, ...]]
//       | [stateName, [key, value, key, value, ...], 2] /* no entry has a namespace (version 3) */
//       | [stateName, entries, flags] /* version 4: flags 2 (PAIRS), 4 (SERIALIZED) or 6 (both) */, ... ],
//     [ [timerService, [key, namespace, timestamp, ...] /* event time */, [...] /* processing time */], ... ],
//     [ [stateName, [key, namespace, key, namespace, ...]], ... ] /* removed: change files of incremental checkpoints only (version 2) */ ]
// Flat triples instead of one array per entry: one allocation less per entry when a restore decodes;
// pairs where the group's entries of a state have no namespace (most keyed state: a third fewer bytes).

/** A flag of a state's third element: its entries are pairs (key, value: no namespace). Version 3's only value. */
export const PAIRS = 2;
/** A flag of a state's third element (version 4): its values are the serialized forms of the state's custom serializers. */
export const SERIALIZED = 4;

/** One state in a section before packing: its entries as flat triples, or flat pairs when flagged PAIRS (flags not 0). */
export type FlatState = [name: string, flat: unknown[]] | [name: string, flat: unknown[], flags: number];

/** One key group's section before packing, in the file's flat layout. */
export interface FlatKeyGroup {
  readonly keyGroup: number;
  /** Per state, sorted by name: [stateName, [key, namespace, value, ...]], or [stateName, entries, flags]. */
  readonly states: FlatState[];
  /** [timerService, [key, namespace, timestamp, ...] (event time), [...] (processing time)] per service, sorted by name. */
  readonly timers: Array<[string, unknown[], unknown[]]>;
  /** Change files only: [stateName, [key, namespace, ...]] per state, sorted by name. */
  readonly removed?: Array<[string, unknown[]]>;
}

export function encodeKeyedStateFile(s: KeyedStateSnapshot): Uint8Array {
  const sections = s.groups.map((g) => ({ id: g.keyGroup, bytes: packKeyGroup(g) }));
  return concatChunks([...keyedStateFileChunks(s.keyGroupRange, s.maxParallelism, sections)]);
}

/**
 * A keyed state file as chunks (the streamed layout of version 2) from its sections (id = key group,
 * ascending), which are handed on as they come: a snapshot's asynchronous part packs one key group
 * at a time and holds its bytes, not the file's.
 */
export function* keyedStateFileChunks(range: KeyGroupRange, maxParallelism: number, sections: Iterable<Section>): Generator<Uint8Array> {
  const { startKeyGroup, endKeyGroup } = range;
  assert(
    Number.isInteger(startKeyGroup) && Number.isInteger(endKeyGroup) && startKeyGroup >= 0 && startKeyGroup <= endKeyGroup &&
      Number.isInteger(maxParallelism) && endKeyGroup < maxParallelism,
    `keyed state snapshot has key-group range [${startKeyGroup}, ${endKeyGroup}] for max parallelism ${maxParallelism}`,
  );
  yield* sectionedFileChunks(KEYED_STATE_FILE, [maxParallelism, startKeyGroup, endKeyGroup], inOrder(range, sections));
}

function* inOrder({ startKeyGroup, endKeyGroup }: KeyGroupRange, sections: Iterable<Section>): Generator<Section> {
  let previous = startKeyGroup - 1;
  for (const section of sections) {
    assert(
      Number.isInteger(section.id) && section.id > previous && section.id <= endKeyGroup,
      `keyed state snapshot: key group ${section.id} is out of order or outside [${startKeyGroup}, ${endKeyGroup}]`,
    );
    previous = section.id;
    yield section;
  }
}

/**
 * Decodes a keyed state file; `file` names it in errors. With `range`, only the sections of key groups
 * inside it are checked and decoded (a restore at another parallelism), and the result's
 * `keyGroupRange` is `range`; without, the whole file with the range it was written for.
 */
export function decodeKeyedStateFile(bytes: Uint8Array, file: string, range?: KeyGroupRange): KeyedStateSnapshot {
  const reader = SectionedFileReader.open(bytes, file, KEYED_STATE_FILE);
  const [maxParallelism, startKeyGroup, endKeyGroup] = reader.fields;
  if (maxParallelism < 1 || startKeyGroup > endKeyGroup || endKeyGroup >= maxParallelism) {
    reader.fail(`header damaged: key-group range [${startKeyGroup}, ${endKeyGroup}] for max parallelism ${maxParallelism}`);
  }
  const index = reader.index;
  for (let i = 0; i < index.length; i++) {
    const id = index[i].id;
    if (id < startKeyGroup || id > endKeyGroup || (i > 0 && id <= index[i - 1].id)) {
      reader.fail(`section ${i} is for key group ${id}, out of order or outside [${startKeyGroup}, ${endKeyGroup}]`);
    }
  }
  if (range !== undefined) {
    assert(Number.isInteger(range.startKeyGroup) && Number.isInteger(range.endKeyGroup) && range.startKeyGroup <= range.endKeyGroup,
      `invalid key-group range [${range.startKeyGroup}, ${range.endKeyGroup}] to read`);
  }
  const from = range?.startKeyGroup ?? startKeyGroup;
  const to = range?.endKeyGroup ?? endKeyGroup;
  const groups: KeyGroupSnapshot[] = [];
  for (let i = firstSectionAtOrAfter(index, from); i < index.length && index[i].id <= to; i++) {
    groups.push(unpackGroup(reader, i));
  }
  return { keyGroupRange: range ?? { startKeyGroup, endKeyGroup }, maxParallelism, groups };
}

function firstSectionAtOrAfter(index: ReadonlyArray<{ readonly id: number }>, keyGroup: number): number {
  let lo = 0;
  let hi = index.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (index[mid].id < keyGroup) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One key group's section: arrays of primitives (the common case) take the fast path, anything else msgpackr. */
export function packFlatKeyGroup({ keyGroup, states, timers, removed }: FlatKeyGroup): Uint8Array {
  const packed = removed === undefined ? [states, timers] : [states, timers, removed];
  return packPrimitiveArrays(packed) ?? packStateSection(packed, states, `the timers of key group ${keyGroup}`);
}

/** One key group's section. */
export function packKeyGroup(group: KeyGroupSnapshot): Uint8Array {
  return packFlatKeyGroup(flatGroup(group));
}

function flatGroup(group: KeyGroupSnapshot): FlatKeyGroup {
  return {
    keyGroup: group.keyGroup,
    states: group.states.map(({ name, entries, serialized }): FlatState => {
      const pairs = entries.length > 0 && entries.every((e) => e.namespace === undefined);
      const flags = (pairs ? PAIRS : 0) | (serialized === true ? SERIALIZED : 0);
      const flat = pairs ? flattenPairs(entries) : flatten(entries, entryValue);
      return flags === 0 ? [name, flat] : [name, flat, flags];
    }),
    timers: group.timers.map(({ service, eventTime, processingTime }) => [service, flatten(eventTime, timerTimestamp), flatten(processingTime, timerTimestamp)]),
    ...(group.removed !== undefined && { removed: group.removed.map(({ name, entries }) => [name, entries.flatMap((e) => [e.key, e.namespace])]) }),
  };
}

const entryValue = (e: KeyedStateEntry): unknown => e.value;
const timerTimestamp = (t: TimerEntry): unknown => t.timestamp;

/** [key, value, key, value, ...] */
function flattenPairs(entries: readonly KeyedStateEntry[]): unknown[] {
  const flat = new Array<unknown>(entries.length * 2);
  let j = 0;
  for (const e of entries) {
    flat[j++] = e.key;
    flat[j++] = e.value;
  }
  return flat;
}

/** [key, namespace, third, key, namespace, third, ...] */
function flatten<T extends { readonly key: unknown; readonly namespace: unknown }>(items: readonly T[], third: (item: T) => unknown): unknown[] {
  const flat = new Array<unknown>(items.length * 3);
  let j = 0;
  for (const item of items) {
    flat[j++] = item.key;
    flat[j++] = item.namespace;
    flat[j++] = third(item);
  }
  return flat;
}

function unpackGroup(reader: SectionedFileReader, i: number): KeyGroupSnapshot {
  const keyGroup = reader.index[i].id;
  const malformed = (what: string): never => reader.fail(`the section of key group ${keyGroup} is malformed: ${what}`);
  const decoded = readSection(reader, i, `the section of key group ${keyGroup}`);
  if (!Array.isArray(decoded) || decoded.length < 2 || decoded.length > 3 || !Array.isArray(decoded[0]) || !Array.isArray(decoded[1]) ||
    (decoded.length === 3 && (reader.version < 2 || !Array.isArray(decoded[2])))) {
    malformed(reader.version < 2 ? 'expected [states, timers]' : 'expected [states, timers] or [states, timers, removed]');
  }
  const [packedStates, packedTimers, packedRemoved] = decoded as [unknown[], unknown[], unknown[] | undefined];
  const states = packedStates.map((s) => {
    if (!Array.isArray(s) || typeof s[0] !== 'string' || !Array.isArray(s[1])) malformed('expected [name, entries] for a state');
    const state = s as unknown[];
    const [name, flat] = state as [string, unknown[]];
    const flags = state.length === 3 ? state[2] : 0;
    // Version 3 knows PAIRS alone; version 4 any non-zero combination of PAIRS and SERIALIZED.
    const known = reader.version >= 4 ? flags !== 0 && ((flags as number) & ~(PAIRS | SERIALIZED)) === 0 : flags === PAIRS && reader.version >= 3;
    if (state.length > 3 || (state.length === 3 && (typeof flags !== 'number' || !known))) {
      malformed(`state ${name}: unknown layout flags ${JSON.stringify(flags)}`);
    }
    const serialized = ((flags as number) & SERIALIZED) !== 0;
    if (((flags as number) & PAIRS) !== 0) {
      if (flat.length % 2 !== 0) malformed(`state ${name}: an odd number of elements in its (key, value) pairs`);
      const entries: KeyedStateEntry[] = new Array(flat.length / 2);
      for (let j = 0, k = 0; j < flat.length; j += 2) entries[k++] = { key: flat[j], namespace: undefined, value: flat[j + 1] };
      return serialized ? { name, entries, serialized } : { name, entries };
    }
    if (flat.length % 3 !== 0) malformed(`state ${name}: expected [name, (key, namespace, value) triples]${reader.version >= 3 ? ' or [name, (key, value) pairs, flags]' : ''}`);
    const entries: KeyedStateEntry[] = new Array(flat.length / 3);
    for (let j = 0, k = 0; j < flat.length; j += 3) entries[k++] = { key: flat[j], namespace: flat[j + 1], value: flat[j + 2] };
    return serialized ? { name, entries, serialized } : { name, entries };
  });
  const timers = packedTimers.map((t) => {
    if (!Array.isArray(t) || typeof t[0] !== 'string' || !isTriples(t[1]) || !isTriples(t[2])) {
      malformed('expected [service, event-time timers, processing-time timers] for a timer service');
    }
    const [service, eventTime, processingTime] = t as [string, unknown[], unknown[]];
    return { service, eventTime: unflattenTimers(eventTime, malformed), processingTime: unflattenTimers(processingTime, malformed) };
  });
  if (packedRemoved === undefined) return { keyGroup, states, timers };
  const removed = packedRemoved.map((r) => {
    if (!Array.isArray(r) || typeof r[0] !== 'string' || !Array.isArray(r[1]) || r[1].length % 2 !== 0) malformed('expected [name, removed keys] for a state');
    const [name, flat] = r as [string, unknown[]];
    const entries: Array<{ key: unknown; namespace: unknown }> = [];
    for (let j = 0; j < flat.length; j += 2) entries.push({ key: flat[j], namespace: flat[j + 1] });
    return { name, entries };
  });
  return { keyGroup, states, timers, removed };
}

function isTriples(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.length % 3 === 0;
}

function unflattenTimers(flat: unknown[], malformed: (what: string) => never): TimerEntry[] {
  const timers: TimerEntry[] = new Array(flat.length / 3);
  for (let j = 0, k = 0; j < flat.length; j += 3) {
    const timestamp = flat[j + 2];
    if (typeof timestamp !== 'number') malformed(`timer timestamp ${String(timestamp)} is not a number`);
    timers[k++] = { key: flat[j], namespace: flat[j + 1], timestamp: timestamp as number };
  }
  return timers;
}
