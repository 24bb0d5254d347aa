// The runtime's SPIs (`@flott/runtime/spi`): what plugin authors implement, each an interface plus a
// same-named Symbol (CONVENTIONS.md), and the loader that picks an implementation by name.
export { SpiLoader } from './loader';
export type { SchedulingTopology, SchedulingExecutionVertex, SchedulingResultPartition, ExecutionVertexId,
  ResultPartitionId } from './scheduling-topology';
export { SchedulingStrategyFactory } from './scheduling-strategy';
export type { SchedulingStrategy, SchedulerOperations } from './scheduling-strategy';
export { FailoverStrategyFactory } from './failover-strategy';
export type { FailoverStrategy, FailoverStrategyContext } from './failover-strategy';
export { RestartBackoffStrategyFactory } from './restart-backoff-strategy';
export type { RestartBackoffStrategy } from './restart-backoff-strategy';
export { StateBackendFactory } from './state-backend';
export type { StateBackend, KeyedStateBackend, KeyedStateBackendParameters, KeyGroupRange, StateEntry, KeyedStateSnapshotResources, KeyGroupVisitor } from './state-backend';
export { CheckpointStorageFactory } from './checkpoint-storage';
export type { CheckpointStorage, CheckpointStorageAccess, CheckpointLocation, CheckpointedStateScope, StateBytes, StateWriteOptions } from './checkpoint-storage';
export { CheckpointFileSystemFactory } from './checkpoint-file-system';
export type { CheckpointFileSystem, ParsedCheckpointPath } from './checkpoint-file-system';
export type { StreamStateHandle, KeyedStateHandle, OperatorSubtaskState, TaskStateSnapshot, CheckpointMetadata, OperatorStateMetadata,
  SnapshotType, KeyedStateSnapshot, KeyGroupSnapshot, KeyedStateEntry, TimerEntry, OperatorStateSnapshotData } from '../snapshot/snapshot-data';
export { HighAvailabilityServicesFactory, DEFAULT_LEADER_ID } from './high-availability-services';
export type { HighAvailabilityServices, LeaderElectionService, LeaderRetrievalService, LeaderContender,
  LeaderRetrievalListener, JobGraphStore, CompletedCheckpointStore, CompletedCheckpointMetadata,
  CheckpointIdCounter } from './high-availability-services';
export { ResourceManagerDriverFactory } from './resource-manager-driver';
export type { ResourceManagerDriver, ResourceEventHandler, WorkerNode, WorkerResourceSpec } from './resource-manager-driver';
// Keys of state and timers compare by value (a keyBy may return a tuple): a KeyedStateBackend keys its state with
// the same canonical form as the runtime's timer service.
export { canonicalKey, isPrimitiveKey } from '../util/canonical-key';
export type { PrimitiveKey } from '../util/canonical-key';
// Storages receive a state file as one array or as chunks; these read either form.
export { stateChunks, collectStateBytes, concatChunks, copyOfBytes } from '../snapshot/state-bytes';
// A backend that keeps a value for a running snapshot (copy-on-write) copies it as the checkpoint format keeps it.
export { copyStateValue } from '../snapshot/state-copy';
// Custom serializers on state descriptors: a backend that stores bytes writes a state's values in their serialized form.
export { stateCodecOf, type StateValueCodec } from '../serialization/state-codec';
// A backend that keeps values serialised packs and reads primitives (the common values) without an msgpackr call each.
export { NOT_PRIMITIVE, packPrimitiveArrays, unpackPrimitive } from '../snapshot/primitive-pack';
