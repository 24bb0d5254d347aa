// Public entry point of @flott/runtime: what composing and running a distribution needs (named exports only).
// The other entry points: @flott/runtime/common (options, errors, states and time without the cluster: what a slot
// thread and a launcher load), @flott/runtime/spi (the SPIs plugin authors implement), @flott/runtime/testing (fakes,
// harnesses and SPI contract suites) and @flott/runtime/internal (what the API, connectors and libraries build jobs
// from; lint lets only those packages import it). The contracts job and plugin authors touch (errors base,
// durations, configuration types, functions, state descriptors, windows, serializers) are in @flott/core.

// --- the cluster: JobManager roles, TaskExecutor and the embedded MiniCluster, talking over RPC gateways ---
export { MiniCluster } from './minicluster/mini-cluster';
export type { MiniClusterOptions } from './minicluster/mini-cluster';
export { isProcessAlive } from './util/process-alive';
// Threads of a cluster not started yet (`flott run` starts them before it loads the rest of the runtime; also in /common).
export { prestartSlotThreads } from './taskexecutor/slot-thread';
export { prestartCoordinatorThread } from './jobmaster/coordinator-thread';
export { JobManagerProcess } from './entrypoint/jobmanager-process';
export type { JobManagerCloseOptions, JobManagerProcessOptions } from './entrypoint/jobmanager-process';
export { TaskManagerProcess, TaskManagerRegistrationTimeoutError } from './entrypoint/taskmanager-process';
export type { TaskManagerProcessOptions } from './entrypoint/taskmanager-process';
export { Dispatcher, DispatcherOptions, InvalidJobSubmissionError } from './dispatcher/dispatcher';
export { BlobStore, BlobKeyError, BlobNotFoundError, BlobTooLargeError, BlobCorruptError, checkBlobKey } from './blob/blob-store';
export type { BlobStoreOptions } from './blob/blob-store';
export { BlobServer, BLOB_AUTH_HEADER } from './blob/blob-server';
export type { BlobServerOptions } from './blob/blob-server';
export { BlobClient, BlobTransferError } from './blob/blob-client';
export type { BlobClientOptions } from './blob/blob-client';
export { ResourceManager, ResourceManagerOptions } from './resourcemanager/resource-manager';
export { ResourceSpecs, InvalidResourceSpecError } from './deployment/resource-spec';
export type { ResourceSpec } from './deployment/resource-spec';
export { JobMaster, JobMasterOptions, NotEnoughSlotsError, UnfulfillableResourceRequirementError } from './jobmaster/job-master';
export { TaskExecutor, TaskExecutorOptions, PartitionNotFoundError, PartitionReleasedError } from './taskexecutor/task-executor';
export {
  LocalRpcService, LocalRpcNetwork, RpcService, RpcTimeoutError, RpcEndpointNotFoundError, RpcNoSuchMethodError, RpcConnectionError,
  RpcAuthenticationError, RpcFrameTooLargeError, RpcOutboundQueueFullError, FencingTokenMismatchError, UnknownFencingTokenError,
  type RpcRegisterOptions, type RpcConnectOptions,
} from './rpc/rpc-service';
export { TcpRpcService, type TcpRpcServiceOptions } from './rpc/tcp-transport';
export type { TcpTlsMaterial } from './security/tls-material';
export { startTcpRpcService, tcpRpcServiceOptions, type TcpRpcEndpointSettings } from './rpc/tcp-rpc-configuration';
export { JobSubmission } from './rpc/gateways';
export type { DispatcherGateway, JobMasterGateway, ResourceManagerGateway, TaskExecutorGateway,
  JobResultInfo, JobDetailsInfo, ExecutionGraphInfo, ExceptionHistoryEntry, CheckpointStatistics, CheckpointStatisticsEntry, CollectedBatch, ResourceOverview, TaskManagerInfo, TaskManagerStats, TaskManagerStatsEntry, CheckpointAcknowledgement, CheckpointDecline } from './rpc/gateways';
// --- wiring (docs/architecture.md, "Wiring"): the cluster's container and the per-job child container ---
export { LeaderTracker, StaticLeaderRetrievalService, NoLeaderError, leaderGateway, becomeLeader } from './leader/leader-tracker';
export type { LeaderRef, LeaderEndpoint } from './leader/leader-tracker';
export { createClusterContainer, bindJobManagerRoles, bindTaskManager, JobManagerLeaderRetrieval, PluginModules } from './entrypoint/cluster-container';
export type { ClusterServices, TaskManagerParameters, JobManagerComponent } from './entrypoint/cluster-container';
export { createJobContainer, ResourceManagerLeader, JobTerminationListener } from './jobmaster/job-container';
export type { JobContainerParameters, JobManagerServices } from './jobmaster/job-container';
// What crosses the gateways: the submitted JobGraph, what is deployed to a slot, what a slot reports.
export type { JobGraph, JobVertexDescriptor, JobEdgeDescriptor, IntermediateDataSetDescriptor, ChainedOperatorDescriptor,
  DistributionPattern, ResultPartitionType, PartitionerKind } from './deployment/job-graph';
export type { TaskDeploymentDescriptor } from './deployment/task-deployment-descriptor';
export type { SlotStats, TaskRecordCounts } from './taskexecutor/slot-protocol';
export type { TaskTimeSample } from './taskexecutor/task-time-metrics';
export type { ExecutionSnapshot, SlotAssignment } from './executiongraph/execution';
export { ExecutionState, JobStatus, isTerminalExecutionState, isGloballyTerminal } from './execution/execution-state';

// --- errors a cluster or a job can fail with (each a FlottError with a stable code) ---
export { IllegalStateTransitionError, JobNotFoundError, JobGraphMismatchError, ProgramMissingJobError, SlotRequestTimeoutError,
  JobExecutionError, KeyGroupOutOfRangeError, CheckpointDataNotFoundError, CorruptCheckpointError, StateSerializationError,
  StateDeserializationError } from './errors';
export { StateRestoreError } from './checkpoint/state-assignment';
export { CheckpointDeclinedError, CheckpointFailuresExceededError } from './checkpoint/checkpoint-coordinator';
export { StopWithSavepointFailedError } from './jobmaster/stop-with-savepoint';
export { StopWithSavepointAbortedError } from './taskexecutor/stream-task';
export { BufferOverdraftError, NetworkReleasedError, UnsupportedKeyError, CorruptNetworkBufferError } from './network/network-errors';
export { CollectSinkError, AsyncSnapshotStateError } from './operators/operator-errors';
export { TimersNotSupportedError } from './operators/timers/timer-errors';
export { UnsupportedTimerKeyError } from './operators/timers/timer-ids';

// --- time and randomness as injected services (DESIGN.md §9) ---
export { Scheduler, SystemClock, SystemScheduler, ManualClock } from './time/clock';
export type { Cancellable } from './time/clock';
export { Random, SystemRandom, SeededRandom } from './time/random';
export { IdGenerator, SystemIdGenerator, RandomIdGenerator } from './time/ids';

// --- configuration: the options, loading flott-conf.yaml and -D, the generated table ---
export { CoreOptions, TaskManagerOptions, NetworkOptions, JobManagerOptions, RestartStrategyOptions, StateOptions,
  HighAvailabilityOptions, ClientOptions, BlobOptions, RpcOptions, RpcSecurityOptions, HeartbeatOptions, ClusterScriptOptions, CheckpointingOptions, StateRecoveryOptions, WebOptions, LogOptions,
  ConnectorOptions, S3Options, ALL_OPTION_GROUPS } from './config/options';
export { RestOptions } from './config/rest-options';
export { DeploymentOptions } from './config/deployment-options';
export { OptionRegistry, loadConfiguration, parseDynamicProperties, CONFIG_DIR_ENV, CONFIG_FILE_NAMES, parseConfigYaml,
  generateConfigurationDocs, formatDefault, editDistance, suggestKeys } from './config/index';
export type { OptionGroup, LoadConfigurationOptions, ConfigurationProblem, RawConfigEntry } from './config/index';

// --- logging ---
export { LOG_LEVELS, SILENT_LOGGER, createProcessLogging, configuredLogLevel, createThreadLogger, SILENT_PROCESS_LOGGING,
  SILENT_THREAD_LOG_SINK } from './logging/index';
export type { LogLevel, LogFields, LogMethod, Logger, ProcessLogging, ProcessLoggingOptions, ThreadLogSink } from './logging/index';

// --- plugins and the SPI implementations a configuration picks ---
export { loadPlugins, createPluginContainer, isContainerModule, childContainer } from './plugins/plugin-loader';
export { loadSchedulingStrategyFactory, loadFailoverStrategyFactory, loadRestartBackoffStrategyFactory, loadStateBackendFactory,
  loadCheckpointStorageFactory, loadHighAvailabilityServicesFactory, loadResourceManagerDriverFactory,
  chooseRestartBackoffStrategyFactory } from './spi/loaders';
export type { RestartStrategyChoice } from './spi/loaders';
export { checkImplementationChoices, IMPLEMENTATION_CHOICES, LOCAL_RESOURCE_MANAGER_TYPES } from './spi/implementation-check';

// --- running a job's main: the execution context it runs under and the artifacts TaskManagers store ---
export type { ExecutionContext, ExecuteOptions, JobExecutionResult, CollectingJobExecutionResult, JobClient,
  CollectingJobClient } from './client/execution-context';
// Bundling and submitting jobs is @flott/client's (it brings esbuild, which a TaskManager never loads).
export { ArtifactCache, defaultBlobStorageDirectory, type ArtifactCacheOptions } from './client/job-artifact';
export type { JobArtifact } from './client/job-artifact';
export { extractStreamGraph, runJobMain, PlanCapturedSignal } from './client/job-loader';

// This package's errors arrive as their own classes when they cross a process or thread (deserializeError).
// Some are not exported: the modules that define them are registered too.
import { registerErrorClasses } from '@flott/core';
import * as thisPackage from './index';
import * as internalEntry from './internal';
import * as coordinatorErrors from './coordination/source-coordinator-errors';
import * as runtimeErrors from './errors';
import * as coordinatorThread from './jobmaster/coordinator-thread';
import * as jobCoordinators from './jobmaster/job-coordinators';
import * as slotPool from './jobmaster/slot-pool';
import * as networkErrors from './network/network-errors';
import * as blockingPartition from './network/blocking-partition';
import * as keySorter from './taskexecutor/key-sorter';
import * as operatorErrors from './operators/operator-errors';
import * as resourceManager from './resourcemanager/resource-manager';
import * as frameCodec from './rpc/frame-codec';
import * as barrierHandler from './taskexecutor/checkpoint-barrier-handler';
for (const m of [thisPackage, internalEntry, coordinatorErrors, runtimeErrors, coordinatorThread, jobCoordinators, slotPool, networkErrors, blockingPartition, keySorter, operatorErrors, resourceManager, frameCodec, barrierHandler]) registerErrorClasses(m);
