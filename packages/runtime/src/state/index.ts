// Keyed state handles, TTL, operator and broadcast state (Flink's state API).
export { TtlPolicy } from './ttl-policy';
export type { TtlValue } from './ttl-policy';
export { DefaultKeyedStateStore, NON_KEYED_STATE_STORE } from './keyed-state-store';
export { KeyedValueState, KeyedListState, KeyedReducingState, KeyedAggregatingState } from './keyed-state-handles';
export type { NamespaceScope, InternalMergingState } from './keyed-state-handles';
export { KeyedMapState } from './keyed-map-state';
export { DefaultOperatorStateStore } from './operator-state-store';
export type { OperatorStateMode, OperatorStateSnapshot } from './operator-state-store';
export { KeyedStateSerializers } from './state-serializers';
export type { SerializedEntry } from './state-serializers';
export { stateCodecOf } from '../serialization/state-codec';
export type { StateValueCodec } from '../serialization/state-codec';
