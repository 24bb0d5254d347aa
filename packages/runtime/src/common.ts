// `@flott/runtime/common`: what the API, connectors, libraries, plugins and launchers use from the runtime without
// loading the cluster: the configuration (options and loading), the runtime's errors, job and execution states, the
// time services, and what starts a cluster's threads early (named exports only). The public index re-exports all of
// it beside the MiniCluster and the JobManager's roles, which a slot thread, a job's main or `flott cluster start`
// never needs. A package that a slot thread loads (the API through the job's bundle, the plugins through the slot's
// plugin container) imports these names from here, so a slot thread runs the runtime's task side only;
// docs/architecture.md, "Start-up".

// --- configuration options (Flink's names and keys) ---
export { CoreOptions, TaskManagerOptions, NetworkOptions, JobManagerOptions, RestartStrategyOptions, StateOptions,
  HighAvailabilityOptions, ClientOptions, BlobOptions, RpcOptions, RpcSecurityOptions, HeartbeatOptions, ClusterScriptOptions, CheckpointingOptions,
  StateRecoveryOptions, WebOptions, LogOptions, ConnectorOptions, S3Options, ALL_OPTION_GROUPS } from './config/options';
export { RestOptions } from './config/rest-options';
export { DeploymentOptions } from './config/deployment-options';
export { loadConfiguration } from './config/loader';

// --- the runtime's errors that its plugins and the API throw or catch ---
export { IllegalStateTransitionError, JobNotFoundError, JobGraphMismatchError, ProgramMissingJobError, SlotRequestTimeoutError,
  JobExecutionError, KeyGroupOutOfRangeError, CheckpointDataNotFoundError, CorruptCheckpointError, StateSerializationError,
  StateDeserializationError } from './errors';

// --- job and execution states ---
export { ExecutionState, JobStatus, isTerminalExecutionState, isGloballyTerminal } from './execution/execution-state';

// --- time and randomness as injected services (DESIGN.md §9) ---
export { Scheduler, SystemClock, SystemScheduler, ManualClock } from './time/clock';
export type { Cancellable } from './time/clock';
export { Random, SystemRandom, SeededRandom } from './time/random';
export { IdGenerator, SystemIdGenerator, RandomIdGenerator } from './time/ids';
export { isProcessAlive } from './util/process-alive';

// --- a cluster's threads started before the cluster (`flott run` starts them before it loads the rest of the runtime) ---
export { prestartSlotThreads } from './taskexecutor/slot-thread';
export { prestartCoordinatorThread } from './jobmaster/coordinator-thread';
