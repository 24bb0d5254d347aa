// Public entry point of @flott/runtime (named exports only).
export { FlottError, ConfigurationError, UnknownImplementationError, IllegalStateTransitionError, JobNotFoundError,
  JobGraphMismatchError, JobBuildError, ProgramMissingJobError, SlotRequestTimeoutError, JobExecutionError, RemoteError,
  serializeError, deserializeError, assert } from './errors';
export type { SerializedError } from './errors';
export { Clock, Scheduler, SystemClock, SystemScheduler, ManualClock } from './time/clock';
export type { Cancellable } from './time/clock';
export { Random, SystemRandom, SeededRandom } from './time/random';
export { NumberCounter, IntCounter, LongCounter, DoubleCounter, AbstractRichFunction, RichMapFunction, RichFlatMapFunction, RichFilterFunction, RichSinkFunction, ProcessFunction,
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
  HighAvailabilityOptions, ClientOptions, BlobOptions, RpcOptions, ALL_OPTION_GROUPS } from './config/options';
export { CheckpointingOptions } from './config/options';
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
export { networkConfigFrom, defaultNetworkConfig, initialCreditsPerChannel, msgpackSerializer, binaryCodecSerializer,
  createLocalChannel, producerEndpointFromPort, consumerEndpointFromPort, ResultPartition, InputGate, ElementKind,
  createChannelSelector, assignToKeyGroup, computeKeyGroupForKeyHash, computeOperatorIndexForKeyGroup,
  computeKeyGroupRangeForOperatorIndex, assignKeyToParallelOperator, hashKey, murmurHashInt, murmur3x86_32,
  BufferOverdraftError, NetworkReleasedError, UnsupportedKeyError, CorruptNetworkBufferError } from './network';
export type { NetworkConfig, RecordSerializer, RecordEncoder, RecordDecoder, BinaryCodec, NetworkEvent, ProducerEndpoint,
  ConsumerEndpoint, ResultPartitionStats, SubpartitionStats, InputGateStats, InputElement, ChannelSelector,
  ChannelSelectorOptions } from './network';
// --- configuration loading (config helper appends below) ---
export { OptionRegistry, loadConfiguration, parseDynamicProperties, CONFIG_DIR_ENV, CONFIG_FILE_NAMES, parseConfigYaml,
  generateConfigurationDocs, formatDefault, formatDuration, formatMemorySize, editDistance, suggestKeys } from './config/index';
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
export { Duration, Time, InvalidDurationError, toMillis, toSignedMillis } from './duration';
export type { DurationLike } from './duration';
export { TimeWindow, GlobalWindow, getWindowStartWithOffset, WindowAssigner, MergingWindowAssigner, TumblingEventTimeWindows,
  TumblingProcessingTimeWindows, SlidingEventTimeWindows, SlidingProcessingTimeWindows, EventTimeSessionWindows,
  ProcessingTimeSessionWindows, GlobalWindows, mergeTimeWindows, Trigger, TriggerResult, EventTimeTrigger, ProcessingTimeTrigger,
  CountTrigger, PurgingTrigger, ContinuousEventTimeTrigger, ContinuousProcessingTimeTrigger, NeverTrigger, EndOfStreamTrigger, CountEvictor,
  TimeEvictor, DeltaEvictor, InvalidWindowParameterError, MissingTimestampError, MergingWindowSet, ProcessWindowFunction,
  ProcessAllWindowFunction, passThroughWindowFunction, internalProcessWindowFunction, internalProcessAllWindowFunction,
  internalWindowFunction, internalAllWindowFunction, internalWindowOrProcessFunction, internalAllWindowOrProcessFunction, reduceFn,
  reducingContents, aggregatingContents, listContents, evictingContents, reduceFold, aggregateFold, identityFold, WindowOperator,
  SlicingWindowOperator, createWindowOperator, slicingGeometry, ProcessJoinFunction, coGroupWindowFunction, joinCoGroup, flatJoinCoGroup,
  IntervalJoinOperator } from './operators/windowing/index';
export type { Window, TimestampedValue, WindowAssignerContext, MergeCallback, SessionGapExtractor, TriggerContext, OnMergeContext,
  TriggerState, Evictor, EvictorContext, DeltaFunction, ProcessWindowContext, ProcessWindowFn, ProcessAllWindowFn,
  ProcessWindowFunctionObject, ProcessAllWindowFunctionObject, ProcessWindowFunctionLike, ProcessAllWindowFunctionLike, WindowFunction,
  WindowFn, WindowFunctionObject, WindowFunctionLike, AllWindowFunction, AllWindowFn, AllWindowFunctionObject, AllWindowFunctionLike,
  WindowOrProcessWindowFunction, AllWindowOrProcessAllWindowFunction, NotAFunction, InternalWindowFunction, WindowReduceFunctionLike,
  WindowContents, WindowOperatorOptions, WindowOperatorChoice, JoinFunction, JoinFunctionLike, FlatJoinFunction, CoGroupFunction,
  CoGroupFunctionLike, TaggedUnion, ProcessJoinContext, ProcessJoinFunctionLike, IntervalJoinOptions } from './operators/windowing/index';
export { HeapInternalTimeServiceManager, HeapInternalTimerService, TimerQueue, USER_TIMERS, valueId, UnsupportedTimerKeyError } from './operators/timers/index';
export type { InternalTimer, Triggerable, InternalTimerService, InternalTimeServiceManager, TimerFiringControl,
  HeapInternalTimeServiceManagerOptions, TimerEntry } from './operators/timers/index';
export { TimersNotSupportedError, nonKeyedTimerService } from './operators/timers/index';
export { KeyedProcessOperator } from './operators/keyed-process-operator';
export type { KeyedProcessFunctionLike } from './operators/keyed-process-operator';
export { TimeDomain, KeyedProcessFunction } from './functions';
export type { TimerService, KeyedProcessContext, OnTimerContext } from './functions';
export { BoundedOutOfOrdernessWatermarks, AscendingTimestampsWatermarks, NoWatermarksGenerator, WatermarksWithIdleness,
  TimestampsAndWatermarksOperator } from './operators/watermarks/index';
export type { WatermarkOutput, WatermarkGenerator, TimestampAssigner, WatermarkGeneratorContext, WatermarkStrategyLike } from './operators/watermarks/index';
export { AbstractStreamOperator, AbstractUdfStreamOperator, AvailabilityNotifier, AVAILABLE, formatRecord, SourceFileNotFoundError,
  FileIoError, SinkFileExistsError, SinkPathNotDirectoryError, SocketSourceError, CollectSinkError, StreamMap, StreamFlatMap, StreamFilter, StreamSink,
  TimestampedCollector, ProcessOperator, KeyedAggregationOperator, reduceAggregation, fieldAggregation, selectorAggregation,
  byAggregation, fieldSelector, withField, splitRange, CollectionSource, GeneratorSource, UNBOUNDED_COUNT, TextFileSource,
  SocketTextSource, PrintSink, printPrefix, TextFileSink, CollectSink, collectSinkId, isCollectBatchEvent } from './operators/index';
export type { MapFunctionLike, FlatMapFunctionLike, FilterFunctionLike, SinkFunctionLike, ProcessFunctionLike, ProcessElementFn,
  RollingAggregation, ReduceFunctionLike, Comparable, AggregationKind, GeneratorSourceOptions, SocketTextSourceOptions, WriteMode,
  CollectBatchEvent, CollectSinkOptions } from './operators/index';
export { ConnectorOptions } from './config/options';
// --- keyed state, operator state, broadcast state, two-input operators (state helper appends below) ---
export { ValueStateDescriptor, ListStateDescriptor, MapStateDescriptor, ReducingStateDescriptor, AggregatingStateDescriptor,
  AbstractStateDescriptor, StateTtlConfig, StateTtlConfigBuilder, UpdateType, StateVisibility, TtlTimeCharacteristic, TtlPolicy,
  DefaultKeyedStateStore, NON_KEYED_STATE_STORE, KeyedValueState, KeyedListState, KeyedReducingState, KeyedAggregatingState,
  KeyedMapState, DefaultOperatorStateStore, KeyedStateUnavailableError, StateDescriptorConflictError, NullStateValueError,
  InvalidStateConfigurationError } from './state/index';
export type { StateKind, ReduceFunctionOrLambda, TtlValue, State, ValueState, AppendingState, ListState, ReducingState, AggregatingState,
  MapState, ReadOnlyBroadcastState, BroadcastState, InternalMergingState, KeyedStateStore, NamespaceScope, OperatorStateStore,
  OperatorStateMode, OperatorStateSnapshot } from './state/index';
export type { AggregateFunction } from './functions';
export { AbstractTwoInputUdfOperator, CoStreamMap, CoStreamFlatMap, CoProcessOperator, KeyedCoProcessOperator } from './operators/co-operators';
export { RichCoMapFunction, RichCoFlatMapFunction, CoProcessFunction, KeyedCoProcessFunction } from './operators/co-functions';
export type { CoMapFunction, CoFlatMapFunction, CoMapFunctionLike, CoFlatMapFunctionLike, CoProcessFunctionLike,
  KeyedCoProcessFunctionLike } from './operators/co-functions';
export { CoBroadcastWithNonKeyedOperator, CoBroadcastWithKeyedOperator } from './operators/broadcast-operators';
export { BroadcastProcessFunction, KeyedBroadcastProcessFunction } from './operators/broadcast-functions';
export type { BaseBroadcastContext, BroadcastReadOnlyContext, BroadcastContext, KeyedBroadcastReadOnlyContext, KeyedBroadcastContext,
  KeyedBroadcastOnTimerContext, BroadcastProcessFunctionLike, KeyedBroadcastProcessFunctionLike } from './operators/broadcast-functions';
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
export type { TaskDeploymentDescriptor } from './taskexecutor/deployment';
export type { SlotStats } from './taskexecutor/slot-protocol';
export { bundleJob, ArtifactCache, defaultBlobStorageDirectory, JobFileNotFoundError, JobBundleError, type ArtifactCacheOptions } from './client/job-artifact';
export type { JobArtifact } from './client/job-artifact';
export { extractStreamGraph, runJobMain, PlanCapturedSignal } from './client/job-loader';
export { createClientExecutionContext } from './client/cluster-client';
export type { ClientContextOptions } from './client/cluster-client';
export { loadPlugins, createPluginContainer, isContainerModule } from './plugins/plugin-loader';
export { canonicalKey, isPrimitiveKey } from './util/canonical-key';
export type { PrimitiveKey } from './util/canonical-key';
// --- used by @flott/nexmark (generator helper): per-instance hot loops for sources outside the runtime ---
export { specializeHotMethods } from './operators/specialize';
export { SourceRateLimiter } from './operators/sources/rate-limiter';
export { PacedSourceOperator } from './operators/sources/paced-source';
