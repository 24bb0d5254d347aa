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
export function prepareKeyedSnapshot(m: OperatorStateHolder, checkpointId: number, maxParallelism: number): KeyedSnapshotInProgress | undefined {
  const backend = m.keyedBackend;
  if (!backend) return undefined;
  const timers: TimersByKeyGroup = m.timeServiceManager?.timersByKeyGroup() ?? new Map();
  const resources = backend.snapshot(checkpointId);
  const range = backend.keyGroupRange;
  const file = (): Generator<Uint8Array> => keyedStateFileChunks(range, maxParallelism, keyGroupSnapshots(resources, timers));
  return {
    keyGroupRange: range,
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

/** Key groups with state or timers, ascending, each read from the backend when the file needs it. */
function* keyGroupSnapshots(resources: KeyedStateSnapshotResources, timers: TimersByKeyGroup): Generator<KeyGroupSnapshot> {
  const timerGroups = [...timers.keys()].sort((a, b) => a - b);
  let t = 0;
  for (const keyGroup of resources.keyGroups()) {
    for (; t < timerGroups.length && timerGroups[t] < keyGroup; t++) yield groupSnapshot(timerGroups[t], [], timers);
    if (t < timerGroups.length && timerGroups[t] === keyGroup) t++;
    yield groupSnapshot(keyGroup, resources.entriesOfKeyGroup(keyGroup), timers);
  }
  for (; t < timerGroups.length; t++) yield groupSnapshot(timerGroups[t], [], timers);
}

function groupSnapshot(keyGroup: number, entries: Iterable<{ stateName: string } & KeyedStateEntry>, timers: TimersByKeyGroup): KeyGroupSnapshot {
  const byState = new Map<string, KeyedStateEntry[]>();
  for (const e of entries) {
    let list = byState.get(e.stateName);
    if (!list) byState.set(e.stateName, (list = []));
    list.push({ key: e.key, namespace: e.namespace, value: e.value });
  }
  const byService = new Map<string, { eventTime: TimerEntry[]; processingTime: TimerEntry[] }>();
  for (const { service, domain, timer } of timers.get(keyGroup) ?? []) {
    let s = byService.get(service);
    if (!s) byService.set(service, (s = { eventTime: [], processingTime: [] }));
    (domain === 'event' ? s.eventTime : s.processingTime).push(timer);
  }
  return {
    keyGroup,
    states: [...byState].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, list]) => ({ name, entries: list })),
    timers: [...byService].sort(([a], [b]) => (a < b ? -1 : 1)).map(([service, s]) => ({ service, ...s })),
  };
}
