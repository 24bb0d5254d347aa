import type { ListStateDescriptor, MapStateDescriptor } from './state-descriptors';
import type { BroadcastState, ListState } from './state-handles';

/**
 * Non-keyed state of one operator subtask (Flink's OperatorStateStore), for sources, sinks and
 * broadcast state. In memory for now: the checkpoint issue snapshots `snapshotState()` and
 * redistributes it by mode. Mailbox thread only.
 */
export interface OperatorStateStore {
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getUnionListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V>;
  getRegisteredStateNames(): string[];
  getRegisteredBroadcastStateNames(): string[];
}
