// Keyed state handles, TTL, operator and broadcast state (Flink's state API).
export { ValueStateDescriptor, ListStateDescriptor, MapStateDescriptor, ReducingStateDescriptor, AggregatingStateDescriptor,
  AbstractStateDescriptor } from './state-descriptors';
export type { StateKind, ReduceFunctionOrLambda } from './state-descriptors';
export { StateTtlConfig, StateTtlConfigBuilder, UpdateType, StateVisibility, TtlTimeCharacteristic, TtlPolicy } from './state-ttl';
export type { TtlValue } from './state-ttl';
export type { State, ValueState, AppendingState, ListState, ReducingState, AggregatingState, MapState, ReadOnlyBroadcastState,
  BroadcastState, InternalMergingState } from './state-handles';
export { DefaultKeyedStateStore, NON_KEYED_STATE_STORE } from './keyed-state-store';
export type { KeyedStateStore } from './keyed-state-store';
export { KeyedValueState, KeyedListState, KeyedReducingState, KeyedAggregatingState } from './keyed-state-handles';
export type { NamespaceScope } from './keyed-state-handles';
export { KeyedMapState } from './keyed-map-state';
export { DefaultOperatorStateStore } from './operator-state-store';
export type { OperatorStateStore, OperatorStateMode, OperatorStateSnapshot } from './operator-state-store';
export { KeyedStateUnavailableError, StateDescriptorConflictError, NullStateValueError, InvalidStateConfigurationError } from './state-errors';
