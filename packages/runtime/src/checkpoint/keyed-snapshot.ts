import type { KeyedStateSnapshotResources } from '../spi/state-backend';
import type { KeyGroupRange, KeyGroupSnapshot, KeyedStateEntry, TimerEntry } from '../snapshot/snapshot-data';
import { yieldToEventLoop } from '../time/event-loop';
import { keyedStateFileChunks } from './format/keyed-state-file';
import type { OperatorStateHolder } from './operator-state-holder';

/** Serialised bytes after which a snapshot's asynchronous part lets the task run (one key group at least). */
const YIELD_BYTES = 256 * 1024;

type TimersByKeyGroup = ReadonlyMap<number, ReadonlyArray<{ service: string; domain: 'event' | 'processing'; timer: TimerEntry }>>;

/**
 * One keyed operator's snapshot between its synchronous and asynchronous part: the backend's resources
 * (a version of its state) and the timers copied at the barrier. `chunks` writes the keyed state file
 * from them; `release` ends the backend's snapshot (done by `chunks` when it ends, however it ends,
 * and idempotent, so a checkpoint aborted before its upload started calls it too).
 */
export interface KeyedSnapshotInProgress {
  readonly keyGroupRange: KeyGroupRange;
  /** A change file (what changed since the snapshot `changesSince` named, with all timers) rather than a full keyed state file. */
  readonly incremental: boolean;
  /** The file's chunks, one key group at a time; the event loop gets a turn after every YIELD_BYTES of them. */
  chunks(): AsyncIterable<Uint8Array>;
  /** The same file, in this turn (operator test harnesses: a synchronous snapshot). */
  chunksNow(): Iterable<Uint8Array>;
  release(): void;
}

/**
 * The synchronous part of a keyed operator's snapshot (after its `snapshotState` ran): the backend
 * marks a version, the timers are copied (timer queues are small next to state, and they change with
 * every record). Undefined for an operator without keyed state.
 */
export function prepareKeyedSnapshot(m: OperatorStateHolder, checkpointId: number, maxParallelism: number, changesSince?: number): KeyedSnapshotInProgress | undefined {
  const backend = m.keyedBackend;
  if (!backend) return undefined;
  const timers: TimersByKeyGroup = m.timeServiceManager?.timersByKeyGroup() ?? new Map();
  const resources = backend.snapshot(checkpointId, changesSince);
  const range = backend.keyGroupRange;
  const incremental = resources.incremental === true;
  const file = (): Generator<Uint8Array> => keyedStateFileChunks(range, maxParallelism, keyGroupSnapshots(resources, timers, incremental));
  return {
    keyGroupRange: range,
    incremental,
    async *chunks() {
      try {
        let sinceYield = 0;
        for (const chunk of file()) {
          yield chunk;
          sinceYield += chunk.byteLength;
          // Records are processed between key groups (the version keeps what the barrier saw), also when
          // the storage takes chunks without waiting for I/O; small snapshots finish in one go.
          if (sinceYield >= YIELD_BYTES) {
            sinceYield = 0;
            await yieldToEventLoop();
          }
        }
      } finally {
        resources.release();
      }
    },
    *chunksNow() {
      try {
        yield* file();
      } finally {
        resources.release();
      }
    },
    release: () => resources.release(),
  };
}

/**
 * Key groups with state, changes or timers, ascending, each read from the backend when the file needs
 * it (groups without any are left out). A change file carries every timer: timers are not
 * incremental, a restore takes them from the last file of the chain.
 */
function* keyGroupSnapshots(resources: KeyedStateSnapshotResources, timers: TimersByKeyGroup, incremental: boolean): Generator<KeyGroupSnapshot> {
  const timerGroups = [...timers.keys()].sort((a, b) => a - b);
  let t = 0;
  for (const keyGroup of resources.keyGroups()) {
    for (; t < timerGroups.length && timerGroups[t] < keyGroup; t++) yield groupSnapshot(timerGroups[t], [], timers, incremental)!;
    if (t < timerGroups.length && timerGroups[t] === keyGroup) t++;
    const group = groupSnapshot(keyGroup, resources.entriesOfKeyGroup(keyGroup), timers, incremental);
    if (group) yield group;
  }
  for (; t < timerGroups.length; t++) yield groupSnapshot(timerGroups[t], [], timers, incremental)!;
}

/** One group's section; undefined when it holds nothing (an unchanged group of a change file). */
function groupSnapshot(keyGroup: number, entries: Iterable<{ stateName: string } & KeyedStateEntry>, timers: TimersByKeyGroup, incremental: boolean): KeyGroupSnapshot | undefined {
  const byState = new Map<string, KeyedStateEntry[]>();
  const removedByState = new Map<string, Array<{ key: unknown; namespace: unknown }>>();
  for (const e of entries) {
    if (e.value === undefined) {
      let removed = removedByState.get(e.stateName);
      if (!removed) removedByState.set(e.stateName, (removed = []));
      removed.push({ key: e.key, namespace: e.namespace });
      continue;
    }
    let list = byState.get(e.stateName);
    if (!list) byState.set(e.stateName, (list = []));
    list.push({ key: e.key, namespace: e.namespace, value: e.value });
  }
  const groupTimers = timers.get(keyGroup);
  if (byState.size === 0 && removedByState.size === 0 && !groupTimers?.length) return undefined;
  const byService = new Map<string, { eventTime: TimerEntry[]; processingTime: TimerEntry[] }>();
  for (const { service, domain, timer } of groupTimers ?? []) {
    let s = byService.get(service);
    if (!s) byService.set(service, (s = { eventTime: [], processingTime: [] }));
    (domain === 'event' ? s.eventTime : s.processingTime).push(timer);
  }
  return {
    keyGroup,
    states: [...byState].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, list]) => ({ name, entries: list })),
    timers: [...byService].sort(([a], [b]) => (a < b ? -1 : 1)).map(([service, s]) => ({ service, ...s })),
    ...(incremental && { removed: [...removedByState].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, list]) => ({ name, entries: list })) }),
  };
}
