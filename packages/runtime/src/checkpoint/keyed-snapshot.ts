import type { KeyedStateSnapshotResources, KeyGroupVisitor, StateEntry } from '../spi/state-backend';
import type { KeyGroupRange, TimerEntry } from '../snapshot/snapshot-data';
import { yieldToEventLoop } from '../time/event-loop';
import { KeyGroupSectionBuilder } from './format/key-group-section';
import { keyedStateFileChunks } from './format/keyed-state-file';
import type { Section } from './format/sectioned-file';
import type { OperatorStateHolder } from './operator-state-holder';
import { KeyedStateSerializers, type SerializedEntry } from '../state/state-serializers';

/**
 * The bytes a snapshot's asynchronous part serialises in one go (one key group at least) and hands to
 * the storage as one chunk; the task runs between chunks. Large on purpose: every turn the task gets
 * while the snapshot is written makes it keep old values of the entries it changes (the backend's
 * copy-on-write), and a storage awaits I/O per chunk, so chunks of a key group each (~70 KB for 1 M
 * keys) let the snapshot span the whole second and made nearly every write a copy. 4 MiB is about
 * 10 ms of serialising number counters (1 MiB chunks left a 1 M-key snapshot spread over ~12 turns,
 * and the copies made in them cost more than the snapshot's serialising gained, bench/README.md).
 */
const SLICE_BYTES = 4 * 1024 * 1024;

/**
 * Chunk buffers of finished snapshots, for the next ones on this thread (module state: one per slot
 * thread). A fresh 4 MiB buffer costs its page faults when first written (~1 ms each, 3 per 1 M-key
 * snapshot), and its external memory brings garbage collections forward; a storage is done with a
 * chunk once it asks for the next (spi/checkpoint-storage.ts), so one buffer serves a whole snapshot.
 * At most CHUNK_POOL_SIZE stay allocated between snapshots (two operators or tasks of a slot may
 * snapshot at once).
 */
const chunkPool: Buffer[] = [];
const CHUNK_POOL_SIZE = 2;

type TimersByKeyGroup = ReadonlyMap<number, ReadonlyArray<{ service: string; domain: 'event' | 'processing'; timer: TimerEntry }>>;
/** Restored entries waiting for their state's serializer (state-serializers.ts), by key group. */
type WaitingByKeyGroup = ReadonlyMap<number, ReadonlyArray<readonly [stateName: string, entries: readonly SerializedEntry[]]>>;
const NONE_WAITING: WaitingByKeyGroup = new Map();

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
  /**
   * The file's chunks, up to SLICE_BYTES of whole key groups each (one larger group alone); the event
   * loop gets a turn after each. A chunk is valid until the next is asked for: its array is reused.
   */
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
  const serializers = KeyedStateSerializers.peek(backend);
  // A change file leaves them out: they have not changed since the full file of the chain that holds them.
  const waiting = incremental ? NONE_WAITING : (serializers?.pendingNow() ?? NONE_WAITING);
  const file = (views: boolean): Generator<Uint8Array> =>
    keyedStateFileChunks(range, maxParallelism, keyGroupSections(resources, timers, waiting, new KeyGroupSectionBuilder(serializers), incremental, views));
  return {
    keyGroupRange: range,
    incremental,
    async *chunks() {
      // Each part (a section: a view of the builder's buffer) is copied into the chunk at once.
      let chunk = chunkPool.pop() ?? Buffer.allocUnsafeSlow(SLICE_BYTES);
      try {
        let size = 0;
        for (const part of file(true)) {
          if (size + part.byteLength > chunk.byteLength) {
            if (size > 0) {
              yield chunk.subarray(0, size);
              size = 0;
              // Also when the storage takes chunks without waiting for I/O; small snapshots finish in one go.
              await yieldToEventLoop();
            }
            // Only a key group larger than a chunk needs a larger one (not pooled).
            if (part.byteLength > chunk.byteLength) chunk = Buffer.allocUnsafeSlow(part.byteLength);
          }
          chunk.set(part, size);
          size += part.byteLength;
        }
        if (size > 0) yield chunk.subarray(0, size);
      } finally {
        if (chunk.byteLength === SLICE_BYTES && chunkPool.length < CHUNK_POOL_SIZE) chunkPool.push(chunk);
        resources.release();
      }
    },
    *chunksNow() {
      try {
        yield* file(false);
      } finally {
        resources.release();
      }
    },
    release: () => resources.release(),
  };
}

/**
 * The sections of key groups with state, changes, timers or waiting restored entries, ascending, each
 * group read from the backend when the file needs it (groups without any are left out). A change
 * file carries every timer: timers are not incremental, a restore takes them from the last file of the chain.
 */
function* keyGroupSections(
  resources: KeyedStateSnapshotResources,
  timers: TimersByKeyGroup,
  waiting: WaitingByKeyGroup,
  builder: KeyGroupSectionBuilder,
  incremental: boolean,
  views: boolean,
): Generator<Section> {
  const section = (keyGroup: number, read: boolean): Section | undefined => {
    builder.begin();
    if (read && resources.visitKeyGroup) resources.visitKeyGroup(keyGroup, builder);
    else if (read) visitEntries(resources.entriesOfKeyGroup(keyGroup), builder);
    for (const [name, entries] of waiting.get(keyGroup) ?? []) {
      builder.serializedState(name);
      for (const e of entries) builder.entry(e.key, e.namespace, e.form);
    }
    const bytes = builder.finish(keyGroup, timersOf(keyGroup, timers), incremental, views);
    return bytes && { id: keyGroup, bytes };
  };
  // Groups of timers or waiting entries only are merged in between the backend's, which are read.
  const others = [...new Set([...timers.keys(), ...waiting.keys()])].sort((a, b) => a - b);
  let t = 0;
  for (const keyGroup of resources.keyGroups()) {
    for (; t < others.length && others[t] < keyGroup; t++) {
      const s = section(others[t], false);
      if (s) yield s;
    }
    if (t < others.length && others[t] === keyGroup) t++;
    const s = section(keyGroup, true);
    if (s) yield s;
  }
  for (; t < others.length; t++) {
    const s = section(others[t], false);
    if (s) yield s;
  }
}

/** Hands entries from a backend without `visitKeyGroup` to `visitor`, state by state. */
function visitEntries(entries: Iterable<StateEntry>, visitor: KeyGroupVisitor): void {
  const byState = new Map<string, StateEntry[]>();
  for (const e of entries) {
    let list = byState.get(e.stateName);
    if (!list) byState.set(e.stateName, (list = []));
    list.push(e);
  }
  for (const [name, list] of byState) {
    visitor.state(name);
    for (const e of list) visitor.entry(e.key, e.namespace, e.value);
  }
}

/** One group's timers in the file's layout: [service, event-time triples, processing-time triples], by service. */
function timersOf(keyGroup: number, timers: TimersByKeyGroup): Array<[string, unknown[], unknown[]]> {
  const byService = new Map<string, [string, unknown[], unknown[]]>();
  for (const { service, domain, timer } of timers.get(keyGroup) ?? []) {
    let s = byService.get(service);
    if (!s) byService.set(service, (s = [service, [], []]));
    (domain === 'event' ? s[1] : s[2]).push(timer.key, timer.namespace, timer.timestamp);
  }
  return [...byService.values()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
}
