import type { StateDescriptor } from '@flott/core';
import type { OperatorRestore } from '../deployment/task-deployment-descriptor';
import type { OperatorStateSnapshotData, StreamStateHandle } from '../snapshot/snapshot-data';
import type { CheckpointStorageAccess } from '../spi/checkpoint-storage';
import type { OperatorStateSnapshot } from '../state/operator-state-store';
import { decodeKeyedStateFile, decodeOperatorStateFile } from './format';
import type { OperatorStateHolder } from './operator-state-holder';
import { KeyedStateSerializers } from '../state/state-serializers';

/** How a state file is named in errors: its path, or the inline state it was. */
export function describeHandle(handle: StreamStateHandle, what: string): string {
  return handle.kind === 'file' ? handle.uri : `inline ${what}`;
}

/** The stores of one operator that a restore fills (a ChainMember, or an operator test harness), and its name for messages. */
export type RestoreTarget = OperatorStateHolder & { readonly name: string };

/**
 * Restores one operator before it initialises: the keyed state and timers of its backend's key-group
 * range from the keyed files in `r`, and its share of the old subtasks' operator state (subtask
 * `subtaskIndex` of `parallelism`). The task's restore and the operator test harness's
 * `initializeState({ from })` both take this path.
 */
export async function restoreOperatorState(
  target: RestoreTarget,
  r: OperatorRestore,
  storage: Pick<CheckpointStorageAccess, 'readState'>,
  subtaskIndex: number,
  parallelism: number,
): Promise<void> {
  await restoreKeyed(target, r, storage);
  const states = await operatorShare(target.name, r, storage, subtaskIndex, parallelism);
  if (states.length > 0) target.operatorStateStore.restoreState(states);
}

async function restoreKeyed(m: RestoreTarget, r: OperatorRestore, storage: Pick<CheckpointStorageAccess, 'readState'>): Promise<void> {
  if (r.keyed.length === 0) return;
  const backend = m.keyedBackend;
  if (!backend) throw new Error(`Assertion failed: keyed state restored into operator ${m.name}, which is not keyed`);
  const range = backend.keyGroupRange;
  // States written by a custom serializer wait there for their descriptor (state-serializers.ts).
  const serializers = KeyedStateSerializers.of(backend);
  for (const h of r.keyed) {
    // An incremental handle: the full file, then each change file in order; timers come from the last.
    const files = [h.handle, ...(h.changes ?? [])];
    for (let i = 0; i < files.length; i++) {
      const file = describeHandle(files[i], `keyed state of operator ${m.name}`);
      const snapshot = decodeKeyedStateFile(await storage.readState(files[i]), file, range);
      for (const group of snapshot.groups) {
        for (const state of group.states) {
          if (state.serialized === true) {
            for (const e of state.entries) serializers.addRestored(group.keyGroup, state.name, { key: e.key, namespace: e.namespace as string | undefined, form: e.value });
            continue;
          }
          if (state.entries.length > 0) serializers.restoredWithoutSerializer(state.name);
          const descriptor: StateDescriptor = { name: state.name, kind: 'value' };
          for (const e of state.entries) {
            backend.setCurrentKey(e.key);
            backend.put(descriptor, e.value, e.namespace as string | undefined);
          }
        }
        for (const state of group.removed ?? []) {
          if (serializers.isPending(state.name)) {
            for (const e of state.entries) serializers.removeRestored(group.keyGroup, state.name, e.key, e.namespace as string | undefined);
            continue;
          }
          const descriptor: StateDescriptor = { name: state.name, kind: 'value' };
          for (const e of state.entries) {
            backend.setCurrentKey(e.key);
            backend.clear(descriptor, e.namespace as string | undefined);
          }
        }
        if (i < files.length - 1) continue;
        for (const t of group.timers) {
          m.timeServiceManager?.restoreTimers(t.service, 'event', t.eventTime);
          m.timeServiceManager?.restoreTimers(t.service, 'processing', t.processingTime);
        }
      }
    }
  }
}

/**
 * This subtask's operator state (Flink's RoundRobinOperatorStateRepartitioner): at the same parallelism
 * each subtask gets its own lists back; at another, the old lists of a SPLIT_DISTRIBUTE state are
 * concatenated in subtask order and cut into `parallelism` contiguous, nearly equal parts. UNION lists
 * are concatenated for everyone; BROADCAST state is the same in every old subtask, so the first is taken.
 */
async function operatorShare(
  operatorName: string,
  r: OperatorRestore,
  storage: Pick<CheckpointStorageAccess, 'readState'>,
  subtaskIndex: number,
  parallelism: number,
): Promise<OperatorStateSnapshot[]> {
  const old: Array<OperatorStateSnapshotData | undefined> = [];
  for (const handle of r.operator) {
    old.push(handle ? decodeOperatorStateFile(await storage.readState(handle), describeHandle(handle, `operator state of ${operatorName}`)) : undefined);
  }
  if (old.every((o) => o === undefined)) return [];
  const sameParallelism = old.length === parallelism;
  const names = new Map<string, { mode: OperatorStateSnapshot['mode']; serialized: boolean }>();
  for (const o of old) for (const s of o?.states ?? []) names.set(s.name, { mode: s.mode, serialized: s.serialized === true });
  const share: OperatorStateSnapshot[] = [];
  for (const [name, { mode, serialized }] of names) {
    const valuesOf = (o: OperatorStateSnapshotData | undefined): unknown[] => [...(o?.states.find((s) => s.name === name)?.values ?? [])];
    // Every old subtask wrote the state in one form (one job's descriptor); the flag goes with the values.
    const shared = (values: unknown[]): OperatorStateSnapshot => (serialized ? { name, mode, values, serialized } : { name, mode, values });
    if (mode === 'BROADCAST') {
      share.push(shared(valuesOf(old.find((o) => o?.states.some((s) => s.name === name)))));
    } else if (mode === 'UNION') {
      share.push(shared(old.flatMap(valuesOf)));
    } else if (sameParallelism) {
      share.push(shared(valuesOf(old[subtaskIndex])));
    } else {
      const all = old.flatMap(valuesOf);
      const start = Math.floor((all.length * subtaskIndex) / parallelism);
      const end = Math.floor((all.length * (subtaskIndex + 1)) / parallelism);
      share.push(shared(all.slice(start, end)));
    }
  }
  return share;
}
