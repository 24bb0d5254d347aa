import { encodeKeyedStateFile, encodeOperatorStateFile } from './format';
import type {
  KeyGroupRange,
  KeyGroupSnapshot,
  KeyedStateEntry,
  KeyedStateSnapshot,
  OperatorStateSnapshotData,
  TimerEntry,
} from '../snapshot/snapshot-data';
import type { OperatorStateHolder } from './operator-state-holder';

/** The stores of one operator that a snapshot reads (a ChainMember, or an operator test harness). */
export type SnapshotSource = OperatorStateHolder;

/** One operator's state files, encoded: keyed state with timers (keyed operators), operator state (when it has some). */
export interface EncodedOperatorState {
  readonly keyed?: { readonly keyGroupRange: KeyGroupRange; readonly data: Uint8Array };
  readonly operator?: Uint8Array;
}

/**
 * Serialises one operator's keyed state, timers and operator state into its checkpoint files (after
 * its `snapshotState` ran). The task's checkpoints and the operator test harness's `snapshot()` both
 * take this path, so a harness snapshot goes through the same codecs as a checkpoint.
 */
export function encodeOperatorStateFiles(m: SnapshotSource, maxParallelism: number): EncodedOperatorState {
  const keyed = keyedSnapshotOf(m, maxParallelism);
  const operatorState = operatorSnapshotOf(m);
  return {
    keyed: keyed && { keyGroupRange: keyed.keyGroupRange, data: encodeKeyedStateFile(keyed) },
    operator: operatorState && encodeOperatorStateFile(operatorState),
  };
}

/** A keyed operator's state and timers by key group; undefined for a non-keyed operator. */
function keyedSnapshotOf(m: SnapshotSource, maxParallelism: number): KeyedStateSnapshot | undefined {
  const backend = m.keyedBackend;
  if (!backend) return undefined;
  const timers = m.timeServiceManager?.timersByKeyGroup() ?? new Map();
  const groups = [...new Set([...backend.nonEmptyKeyGroups(), ...timers.keys()])].sort((a, b) => a - b);
  const snapshots: KeyGroupSnapshot[] = groups.map((keyGroup) => {
    const byState = new Map<string, KeyedStateEntry[]>();
    for (const e of backend.entriesOfKeyGroup(keyGroup)) {
      let list = byState.get(e.stateName);
      if (!list) byState.set(e.stateName, (list = []));
      list.push({ key: e.key, namespace: e.namespace, value: e.value });
    }
    const byService = new Map<string, { eventTime: TimerEntry[]; processingTime: TimerEntry[] }>();
    for (const { service, domain, timer } of timers.get(keyGroup) ?? []) {
      let t = byService.get(service);
      if (!t) byService.set(service, (t = { eventTime: [], processingTime: [] }));
      (domain === 'event' ? t.eventTime : t.processingTime).push(timer);
    }
    return {
      keyGroup,
      states: [...byState].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, entries]) => ({ name, entries })),
      timers: [...byService].sort(([a], [b]) => (a < b ? -1 : 1)).map(([service, t]) => ({ service, ...t })),
    };
  });
  return { keyGroupRange: backend.keyGroupRange, maxParallelism, groups: snapshots };
}

/** The operator's list, union and broadcast states; undefined when it has none. */
function operatorSnapshotOf(m: SnapshotSource): OperatorStateSnapshotData | undefined {
  const states = m.operatorStateStore.snapshotState();
  return states.length > 0 ? { states } : undefined;
}
