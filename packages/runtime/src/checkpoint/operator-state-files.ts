import { encodeOperatorStateFile } from './format';
import type { KeyGroupRange, OperatorStateSnapshotData } from '../snapshot/snapshot-data';
import { concatChunks } from '../snapshot/state-bytes';
import { prepareKeyedSnapshot } from './keyed-snapshot';
import type { OperatorStateHolder } from './operator-state-holder';

/** The stores of one operator that a snapshot reads (a ChainMember, or an operator test harness). */
export type SnapshotSource = OperatorStateHolder;

/** One operator's state files, encoded: keyed state with timers (keyed operators), operator state (when it has some). */
export interface EncodedOperatorState {
  readonly keyed?: { readonly keyGroupRange: KeyGroupRange; readonly data: Uint8Array };
  readonly operator?: Uint8Array;
}

/**
 * Serialises one operator's keyed state, timers and operator state into its checkpoint files in one
 * go (after its `snapshotState` ran): the operator test harness's `snapshot()`, through the same
 * snapshot path and codecs as a task's checkpoint, only without the asynchronous part's pauses.
 */
export function encodeOperatorStateFiles(m: SnapshotSource, maxParallelism: number, checkpointId = 0): EncodedOperatorState {
  const operatorState = operatorStateOf(m);
  const keyed = prepareKeyedSnapshot(m, checkpointId, maxParallelism);
  return {
    keyed: keyed && { keyGroupRange: keyed.keyGroupRange, data: concatChunks([...keyed.chunksNow()]) },
    operator: operatorState && encodeOperatorStateFile(operatorState),
  };
}

/** The operator's list, union and broadcast states; undefined when it has none. */
export function operatorStateOf(m: SnapshotSource): OperatorStateSnapshotData | undefined {
  const states = m.operatorStateStore.snapshotState();
  return states.length > 0 ? { states } : undefined;
}
