// Public entry point of @flott/runtime (named exports only).
// The contracts job and plugin authors touch (errors base, durations, configuration types, functions,
// state descriptors, windows, serializers) are in @flott/core; import them from there.
export { IllegalStateTransitionError, JobNotFoundError, JobGraphMismatchError, ProgramMissingJobError, SlotRequestTimeoutError,
  JobExecutionError } from './errors';
export { Scheduler, SystemClock, SystemScheduler, ManualClock } from './time/clock';
export type { Cancellable } from './time/clock';
export { Random, SystemRandom, SeededRandom } from './time/random';
export { IdGenerator, SystemIdGenerator, RandomIdGenerator } from './time/ids';
export { InputStatus, isSourceOperator, isTwoInputOperator } from './operators/stream-operator';
export type { Output, OperatorEnvironment, AvailabilityProvider, StreamOperator, OneInputStreamOperator, TwoInputStreamOperator,
  SourceOperator } from './operators/stream-operator';
export { StreamGraph, DEFAULT_SLOT_SHARING_GROUP } from './graph/stream-graph';
export type {
  PartitionerKind,
  StreamPartitioner,
  ChainingStrategy,
  StreamNode,
  StreamEdge,
  ExecutionConfigSnapshot,
} from './graph/stream-graph';
export type { JobGraph, JobVertexDescriptor, JobEdgeDescriptor, IntermediateDataSetDescriptor, ChainedOperatorDescriptor,
  DistributionPattern, ResultPartitionType } from './graph/job-graph';
export { ExecutionState, JobStatus, checkExecutionTransition, checkJobTransition, canTransitionExecution,
  isTerminalExecutionState, isGloballyTerminal } from './execution/execution-state';
export { CoreOptions, TaskManagerOptions, NetworkOptions, JobManagerOptions, RestartStrategyOptions, StateOptions,
  HighAvailabilityOptions, ClientOptions, BlobOptions, RpcOptions, ALL_OPTION_GROUPS } from './config/options';
export { CheckpointingOptions, StateRecoveryOptions, LogOptions } from './config/options';
export { LOG_LEVELS, SILENT_LOGGER, createProcessLogging, configuredLogLevel, createThreadLogger, SILENT_PROCESS_LOGGING,
  SILENT_THREAD_LOG_SINK } from './logging/index';
export type { LogLevel, LogFields, LogMethod, Logger, ProcessLogging, ProcessLoggingOptions, ThreadLogSink } from './logging/index';
export { setExecutionContext, getExecutionContext, never } from './client/execution-context';
export type { ExecutionContext, ExecuteOptions, JobExecutionResult, CollectingJobExecutionResult, JobClient,
  CollectingJobClient } from './client/execution-context';

// --- graph translation & execution graph (graph helper appends below) ---
export { createJobGraph, distributionPatternOf, isChainable, checkForwardEdges, slotSharingGroupOf, assignOperatorIds,
  operatorIdForUid, OPERATOR_ID_HEX_LENGTH, defaultMaxParallelism, MIN_DEFAULT_MAX_PARALLELISM, UPPER_BOUND_MAX_PARALLELISM,
  describeJobGraph, jobGraphToJson } from './graph/index';
export type { CreateJobGraphOptions, OperatorIdAssignment } from './graph/index';
export { Execution, ExecutionVertex, ExecutionJobVertex, IntermediateResult, IntermediateResultPartition, ExecutionGraph,
  DEFAULT_ATTEMPTS_HISTORY_SIZE, wireEdge, ExecutionGraphSchedulingTopology } from './executiongraph/index';
export type { SlotAssignment, ExecutionStateListener, ExecutionSnapshot, ExecutionVertexContext, ExecutionGraphOptions,
  JobStatusListener, ListenerRegistration, InputChannelDescriptor, InputGateDescriptor, EdgeWiring,
  SubtaskChannel } from './executiongraph/index';
// --- network stack (network helper appends below) ---
export { msgpackSerializer } from './serialization/msgpack-serializer';
export { networkConfigFrom, defaultNetworkConfig, initialCreditsPerChannel,
  createLocalChannel, producerEndpointFromPort, consumerEndpointFromPort, ResultPartition, InputGate, ElementKind,
  createChannelSelector, assignToKeyGroup, computeKeyGroupForKeyHash, computeOperatorIndexForKeyGroup,
  computeKeyGroupRangeForOperatorIndex, assignKeyToParallelOperator, hashKey, murmurHashInt, murmur3x86_32,
  BufferOverdraftError, NetworkReleasedError, UnsupportedKeyError, CorruptNetworkBufferError } from './network';
export type { NetworkConfig, NetworkEvent, ProducerEndpoint, ConsumerEndpoint, ResultPartitionStats, SubpartitionStats,
  InputGateStats, InputElement, ChannelSelector, ChannelSelectorOptions } from './network';
// --- configuration loading (config helper appends below) ---
export { OptionRegistry, loadConfiguration, parseDynamicProperties, CONFIG_DIR_ENV, CONFIG_FILE_NAMES, parseConfigYaml,
  generateConfigurationDocs, formatDefault, editDistance, suggestKeys } from './config/index';
export type { OptionGroup, LoadConfigurationOptions, ConfigurationProblem, RawConfigEntry } from './config/index';
// --- SPI loaders (plugins helper appends below) ---
export { loadSchedulingStrategyFactory, loadFailoverStrategyFactory, loadRestartBackoffStrategyFactory, loadStateBackendFactory,
  loadCheckpointStorageFactory, loadHighAvailabilityServicesFactory, loadResourceManagerDriverFactory } from './spi/loaders';
export { checkImplementationChoices, IMPLEMENTATION_CHOICES, LOCAL_RESOURCE_MANAGER_TYPES } from './spi/implementation-check';
export { chooseRestartBackoffStrategyFactory } from './spi/loaders';
export type { RestartStrategyChoice } from './spi/loaders';
export { isCheckpointingEnabled } from './jobmaster/checkpointing-settings';
export { KeyGroupOutOfRangeError, CheckpointDataNotFoundError } from './errors';
// --- stream operators (api helper appends below) ---
export { MergingWindowSet, passThroughWindowFunction, internalProcessWindowFunction, internalProcessAllWindowFunction,
  internalWindowFunction, internalAllWindowFunction, internalWindowOrProcessFunction, internalAllWindowOrProcessFunction, reduceFn,
  reducingContents, aggregatingContents, listContents, evictingContents, reduceFold, aggregateFold, identityFold, WindowOperator,
  SlicingWindowOperator, createWindowOperator, slicingGeometry, coGroupWindowFunction, joinCoGroup, flatJoinCoGroup,
  IntervalJoinOperator } from './operators/windowing/index';
export type { InternalWindowFunction, WindowContents, WindowOperatorOptions, WindowOperatorChoice,
  IntervalJoinOptions } from './operators/windowing/index';
export {
  HeapInternalTimeServiceManager,
  HeapInternalTimerService,
  TimerQueue,
  USER_TIMERS,
  valueId,
  UnsupportedTimerKeyError,
} from './operators/timers/index';
export type { InternalTimer, Triggerable, InternalTimerService, InternalTimeServiceManager, TimerFiringControl,
  HeapInternalTimeServiceManagerOptions, TimerEntry } from './operators/timers/index';
export { TimersNotSupportedError, nonKeyedTimerService } from './operators/timers/index';
export { KeyedProcessOperator } from './operators/keyed-process-operator';
export { TimestampsAndWatermarksOperator } from './operators/watermarks/index';
// The file and socket sources and sinks live in @flott/connector-files; these are the generic operators.
export { AbstractStreamOperator, AbstractUdfStreamOperator, AvailabilityNotifier, AVAILABLE, formatRecord,
  CollectSinkError, AsyncSnapshotStateError, StreamMap, StreamFlatMap, StreamFilter, StreamSink,
  TimestampedCollector, ProcessOperator, KeyedAggregationOperator, reduceAggregation, fieldAggregation, selectorAggregation,
  byAggregation, fieldSelector, withField, splitRange, CollectionSource, GeneratorSource, UNBOUNDED_COUNT,
  PrintSink, printPrefix, CollectSink, collectSinkId, isCollectBatchEvent } from './operators/index';
export type { RollingAggregation, Comparable, AggregationKind, GeneratorSourceOptions,
  CollectBatchEvent, CollectSinkOptions } from './operators/index';
export { ConnectorOptions } from './config/options';
// --- keyed state, operator state, broadcast state, two-input operators (state helper appends below) ---
export { TtlPolicy, DefaultKeyedStateStore, NON_KEYED_STATE_STORE, KeyedValueState, KeyedListState, KeyedReducingState,
  KeyedAggregatingState, KeyedMapState, DefaultOperatorStateStore } from './state/index';
export type { TtlValue, InternalMergingState, NamespaceScope, OperatorStateMode, OperatorStateSnapshot } from './state/index';
export {
  AbstractTwoInputUdfOperator,
  CoStreamMap,
  CoStreamFlatMap,
  CoProcessOperator,
  KeyedCoProcessOperator,
} from './operators/co-operators';
export { CoBroadcastWithNonKeyedOperator, CoBroadcastWithKeyedOperator } from './operators/broadcast-operators';
// --- cluster: task executor, job master, minicluster (lead appends below) ---
export { MiniCluster } from './minicluster/mini-cluster';
export type { MiniClusterOptions } from './minicluster/mini-cluster';
export { Dispatcher, InvalidJobSubmissionError } from './dispatcher/dispatcher';
export { ResourceManager } from './resourcemanager/resource-manager';
export { JobMaster, NotEnoughSlotsError } from './jobmaster/job-master';
export { TaskExecutor, PartitionNotFoundError } from './taskexecutor/task-executor';
export { LocalRpcService, RpcTimeoutError, RpcEndpointNotFoundError } from './rpc/rpc-service';
export type { RpcService } from './rpc/rpc-service';
export type { DispatcherGateway, JobMasterGateway, ResourceManagerGateway, TaskExecutorGateway, JobSubmission,
  JobResultInfo, JobDetailsInfo, CollectedBatch, ResourceOverview } from './rpc/gateways';
export type { TaskDeploymentDescriptor } from './deployment/task-deployment-descriptor';
export type { SlotStats } from './taskexecutor/slot-protocol';
// Job artifacts as TaskManagers see them: stored by hash, loaded and run in task mode. Bundling and submitting
// jobs is @flott/client's (it brings esbuild, which a TaskManager never loads).
export { ArtifactCache, defaultBlobStorageDirectory, type ArtifactCacheOptions } from './client/job-artifact';
export type { JobArtifact } from './client/job-artifact';
export { extractStreamGraph, runJobMain, PlanCapturedSignal } from './client/job-loader';
export { loadPlugins, createPluginContainer, isContainerModule } from './plugins/plugin-loader';
export { canonicalKey, isPrimitiveKey } from './util/canonical-key';
export type { PrimitiveKey } from './util/canonical-key';
// --- used by @flott/nexmark (generator helper): per-instance hot loops for sources outside the runtime ---
export { specializeHotMethods } from './operators/specialize';
export { SourceRateLimiter } from './operators/sources/rate-limiter';
export { PacedSourceOperator } from './operators/sources/paced-source';
