import { ConfigOptions as O, type ConfigOption } from './config-option';

/**
 * Every option of the runtime, with Flink's key names. `docs/configuration.md` is generated from
 * this list (`npm run docs:config`) and a test keeps it current.
 */
export const CoreOptions = {
  DEFAULT_PARALLELISM: O.int('parallelism.default', {
    defaultValue: 1, min: 1, max: 32768,
    description: 'Default parallelism of operators that set none.',
  }),
  MAX_PARALLELISM: O.int('pipeline.max-parallelism', {
    defaultValue: -1, min: -1, max: 32768,
    description: 'Default maximum parallelism (number of key groups); -1 derives it from the parallelism as Flink does (at least 128).',
  }),
  BUFFER_TIMEOUT: O.durationMs('execution.buffer-timeout.interval', {
    defaultValue: 100,
    deprecatedKeys: ['execution.buffer-timeout'],
    description: 'Longest time a partly filled network buffer waits before it is flushed; 0 flushes after every record.',
  }),
  OPERATOR_CHAINING: O.bool('pipeline.operator-chaining.enabled', {
    defaultValue: true,
    deprecatedKeys: ['pipeline.operator-chaining'],
    description: 'Whether operators are chained into tasks when Flink\'s chaining rules allow.',
  }),
  RUNTIME_MODE: O.enumOf('execution.runtime-mode', ['streaming', 'batch'] as const, {
    defaultValue: 'streaming',
    description: 'STREAMING runs pipelined exchanges; BATCH (bounded jobs) blocking exchanges.',
  }),
  PLUGINS: O.stringList('plugins', {
    defaultValue: [],
    description: 'Extra plugin packages loaded by dynamic import; each exports a ContainerModule.',
  }),
};

export const TaskManagerOptions = {
  NUM_TASK_SLOTS: O.int('taskmanager.numberOfTaskSlots', {
    defaultValue: 1, min: 1, max: 1024,
    description: 'Number of task slots (worker threads) of a TaskManager.',
  }),
  TASK_HEAP_SIZE: O.memoryBytes('taskmanager.memory.task.heap.size', {
    defaultValue: 1024 * 1024 * 1024, min: 16 * 1024 * 1024,
    description: 'Heap for user code of all slots together; each slot thread gets an equal V8 old-generation limit.',
  }),
  SLOT_REQUEST_TIMEOUT: O.durationMs('slot.request.timeout', {
    defaultValue: 300_000,
    description: 'How long a JobMaster waits for the slots it requested before failing the job.',
  }),
  TASK_CANCELLATION_TIMEOUT: O.durationMs('task.cancellation.timeout', {
    defaultValue: 180_000,
    description: 'After this long a task that does not react to cancellation fails its slot fatally.',
  }),
};

export const NetworkOptions = {
  SEGMENT_SIZE: O.memoryBytes('taskmanager.memory.segment-size', {
    defaultValue: 32 * 1024, min: 256,
    description: 'Size of one network buffer.',
  }),
  BUFFERS_PER_CHANNEL: O.int('taskmanager.network.memory.buffers-per-channel', {
    defaultValue: 2, min: 1, max: 1024,
    description: 'Exclusive buffers (credits) per input channel.',
  }),
  FLOATING_BUFFERS_PER_GATE: O.int('taskmanager.network.memory.floating-buffers-per-gate', {
    defaultValue: 8, min: 0, max: 65536,
    description: 'Buffers an input gate may lend to its busiest channels on top of the exclusive ones.',
  }),
  MAX_BUFFERS_PER_CHANNEL: O.int('taskmanager.network.memory.max-buffers-per-channel', {
    defaultValue: 10, min: 1, max: 65536,
    description: 'Most buffers one output subpartition may hold queued at the producer; bounds in-flight data under skew.',
  }),
  MAX_OVERDRAFT_BUFFERS: O.int('taskmanager.network.memory.max-overdraft-buffers-per-gate', {
    defaultValue: 5, min: 0, max: 65536,
    description: 'Extra buffers a task may take while it finishes one record although the pool is exhausted.',
  }),
};

export const JobManagerOptions = {
  SCHEDULER: O.implementationName('jobmanager.scheduler', ['eager', 'lazy-from-sources', 'pipelined-region'], {
    defaultValue: 'eager',
    description: 'Scheduling strategy, by plugin name.',
  }),
  FAILOVER_STRATEGY: O.implementationName('jobmanager.execution.failover-strategy', ['full', 'individual', 'region'], {
    defaultValue: 'full',
    description: 'Which tasks restart when one fails, by plugin name (full restarts all).',
  }),
  RESOURCE_MANAGER_TYPE: O.implementationName('resourcemanager.type', ['standalone', 'local-processes', 'kubernetes', 'yarn'], {
    defaultValue: 'standalone',
    description: 'Resource manager driver, by plugin name; standalone uses the TaskManagers that register.',
  }),
};

export const RestartStrategyOptions = {
  TYPE: O.implementationName('restart-strategy.type', ['none', 'fixed-delay'], {
    defaultValue: 'fixed-delay',
    deprecatedKeys: ['restart-strategy'],
    description: 'Restart strategy, by plugin name (none, fixed-delay; aliases: off, disable, fixeddelay).',
  }),
  FIXED_DELAY_ATTEMPTS: O.int('restart-strategy.fixed-delay.attempts', {
    defaultValue: 1, min: 0,
    description: 'Restarts the fixed-delay strategy allows before the job fails.',
  }),
  FIXED_DELAY_DELAY: O.durationMs('restart-strategy.fixed-delay.delay', {
    defaultValue: 1000,
    description: 'Delay between two restarts of the fixed-delay strategy.',
  }),
};

export const StateOptions = {
  STATE_BACKEND: O.implementationName('state.backend.type', ['hashmap', 'lmdb'], {
    defaultValue: 'hashmap',
    deprecatedKeys: ['state.backend'],
    description: 'Where working state lives, by plugin name.',
  }),
  CHECKPOINT_STORAGE: O.implementationName('execution.checkpointing.storage', ['jobmanager', 'filesystem', 's3'], {
    defaultValue: 'jobmanager',
    deprecatedKeys: ['state.checkpoint-storage'],
    description: 'Where checkpoint snapshots go, by plugin name.',
  }),
};

export const HighAvailabilityOptions = {
  TYPE: O.implementationName('high-availability.type', ['none', 'zookeeper', 'kubernetes'], {
    defaultValue: 'none',
    deprecatedKeys: ['high-availability'],
    description: 'High-availability services, by plugin name; none keeps leaders and stores in memory.',
  }),
};

export const ClientOptions = {
  COLLECT_MAX_BUFFERED_RECORDS: O.int('collect-sink.max-buffered-records', {
    defaultValue: 100_000, min: 1,
    description: 'Records of executeAndCollect() the JobMaster holds for the client before the collect sink back-pressures.',
  }),
};

export const ALL_OPTION_GROUPS: Readonly<Record<string, Readonly<Record<string, ConfigOption<unknown>>>>> = {
  Core: CoreOptions as Record<string, ConfigOption<unknown>>,
  TaskManager: TaskManagerOptions as Record<string, ConfigOption<unknown>>,
  Network: NetworkOptions as Record<string, ConfigOption<unknown>>,
  JobManager: JobManagerOptions as Record<string, ConfigOption<unknown>>,
  RestartStrategy: RestartStrategyOptions as Record<string, ConfigOption<unknown>>,
  State: StateOptions as Record<string, ConfigOption<unknown>>,
  HighAvailability: HighAvailabilityOptions as Record<string, ConfigOption<unknown>>,
  Client: ClientOptions as Record<string, ConfigOption<unknown>>,
};
