// Public entry point of @flott/runtime (named exports only).
export { FlottError, ConfigurationError, UnknownImplementationError, IllegalStateTransitionError, JobNotFoundError,
  JobGraphMismatchError, JobBuildError, SlotRequestTimeoutError, JobExecutionError, RemoteError,
  serializeError, deserializeError, assert } from './errors';
export type { SerializedError } from './errors';
export { Clock, Scheduler, SystemClock, SystemScheduler, ManualClock } from './time/clock';
export type { Cancellable } from './time/clock';
export { AbstractRichFunction, RichMapFunction, RichFlatMapFunction, RichFilterFunction, RichSinkFunction, ProcessFunction,
  OutputTag, isRichFunction } from './functions';
export type { Accumulator, RuntimeContext, RichFunction, Collector, MapFunction, FlatMapFunction, FilterFunction,
  ReduceFunction, KeySelector, SinkFunction, SinkContext, ProcessContext } from './functions';
export { NO_TIMESTAMP, MAX_WATERMARK, InputStatus, isSourceOperator, isTwoInputOperator } from './operators/stream-operator';
export type { Output, OperatorEnvironment, AvailabilityProvider, StreamOperator, OneInputStreamOperator, TwoInputStreamOperator,
  SourceOperator } from './operators/stream-operator';
export { StreamGraph, DEFAULT_SLOT_SHARING_GROUP } from './graph/stream-graph';
export type { PartitionerKind, StreamPartitioner, ChainingStrategy, StreamNode, StreamEdge, ExecutionConfigSnapshot } from './graph/stream-graph';
export type { JobGraph, JobVertexDescriptor, JobEdgeDescriptor, IntermediateDataSetDescriptor, ChainedOperatorDescriptor,
  DistributionPattern, ResultPartitionType } from './graph/job-graph';
export { ExecutionState, JobStatus, checkExecutionTransition, checkJobTransition, canTransitionExecution,
  isTerminalExecutionState, isGloballyTerminal } from './executiongraph/execution-state';
export { Configuration } from './config/configuration';
export { ConfigOptions, parseDurationMs, parseMemoryBytes } from './config/config-option';
export type { ConfigOption } from './config/config-option';
export { CoreOptions, TaskManagerOptions, NetworkOptions, JobManagerOptions, RestartStrategyOptions, StateOptions,
  HighAvailabilityOptions, ClientOptions, ALL_OPTION_GROUPS } from './config/options';
export { SpiLoader } from './spi/loader';
export type { SchedulingTopology, SchedulingExecutionVertex, SchedulingResultPartition, ExecutionVertexId,
  ResultPartitionId } from './spi/scheduling-topology';
export { SchedulingStrategyFactory } from './spi/scheduling-strategy';
export type { SchedulingStrategy, SchedulerOperations } from './spi/scheduling-strategy';
export { FailoverStrategyFactory } from './spi/failover-strategy';
export type { FailoverStrategy } from './spi/failover-strategy';
export { RestartBackoffStrategyFactory } from './spi/restart-backoff-strategy';
export type { RestartBackoffStrategy } from './spi/restart-backoff-strategy';
export { StateBackendFactory } from './spi/state-backend';
export type { StateBackend, KeyedStateBackend, KeyedStateBackendParameters, KeyGroupRange, StateDescriptor } from './spi/state-backend';
export { CheckpointStorageFactory } from './spi/checkpoint-storage';
export type { CheckpointStorage, CheckpointStorageAccess, CheckpointLocation } from './spi/checkpoint-storage';
export { HighAvailabilityServicesFactory } from './spi/high-availability-services';
export type { HighAvailabilityServices, LeaderElectionService, LeaderRetrievalService, LeaderContender,
  LeaderRetrievalListener, JobGraphStore, CompletedCheckpointStore, CompletedCheckpointMetadata,
  CheckpointIdCounter } from './spi/high-availability-services';
export { ResourceManagerDriverFactory } from './spi/resource-manager-driver';
export type { ResourceManagerDriver, ResourceEventHandler, WorkerNode, WorkerResourceSpec } from './spi/resource-manager-driver';
export { setExecutionContext, getExecutionContext, never } from './client/execution-context';
export type { ExecutionContext, ExecuteOptions, JobExecutionResult, CollectingJobExecutionResult } from './client/execution-context';

// --- graph translation & execution graph (graph helper appends below) ---
// --- network stack (network helper appends below) ---
// --- configuration loading (config helper appends below) ---
// --- SPI loaders (plugins helper appends below) ---
// --- stream operators (api helper appends below) ---
// --- cluster: task executor, job master, minicluster (lead appends below) ---
