import { ConfigOptions as O, type ConfigOption } from '@flott/core';
import { DeploymentOptions } from './deployment-options';
import { RestOptions } from './rest-options';

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
    description: 'Maximum parallelism (number of key groups, the upper limit for rescaling keyed state) of operators that set none; -1 derives it as Flink does: 1.5 × parallelism rounded up to a power of two, from 128 to 32768.',
  }),
  BUFFER_TIMEOUT: O.durationMs('execution.buffer-timeout.interval', {
    defaultValue: 100,
    deprecatedKeys: ['execution.buffer-timeout'],
    description: 'Longest time a partly filled output buffer waits before it is flushed to the network; 0 flushes after every record (lowest latency, lowest throughput).',
  }),
  OPERATOR_CHAINING: O.bool('pipeline.operator-chaining.enabled', {
    defaultValue: true,
    deprecatedKeys: ['pipeline.operator-chaining'],
    description: 'Whether operators are chained into one task (direct calls, no serialisation) where Flink\'s chaining rules allow.',
  }),
  RUNTIME_MODE: O.enumOf('execution.runtime-mode', ['streaming', 'batch'] as const, {
    defaultValue: 'streaming',
    description: 'Runtime execution mode of DataStream programs: streaming runs pipelined exchanges and processes records continuously; batch (bounded sources only) uses blocking exchanges, so stages run one after another.',
  }),
  SORTED_INPUTS_ENABLED: O.bool('execution.sorted-inputs.enabled', {
    defaultValue: true,
    description: 'BATCH execution: a keyed operator reads its input sorted by key (Flink\'s sort-based execution), so each key\'s records arrive together and a keyed aggregation emits and drops each key\'s state as soon as its records are done.',
  }),
  SORTED_INPUTS_MEMORY: O.memoryBytes('execution.sorted-inputs.memory', {
    defaultValue: 128 * 1024 * 1024, min: 1024 * 1024,
    description: 'BATCH execution with sorted inputs: heap one task may fill with records (their estimated size) before it spills a sorted run to io.tmp.dirs (Flink sizes this from managed memory).',
  }),
  LOCAL_AGGREGATION_ENABLED: O.bool('execution.batch.local-aggregation.enabled', {
    defaultValue: true,
    description: 'BATCH execution: the records bound for a keyed sum, min, max, minBy or maxBy are combined per key in the producing task before the shuffle (local aggregation, as Flink SQL\'s two-phase aggregation), so only one record per key and producer crosses it. Flott-specific: Flink\'s DataStream has none.',
  }),
  LOCAL_AGGREGATION_MAX_KEYS: O.int('execution.batch.local-aggregation.max-keys', {
    defaultValue: 65_536, min: 1, max: 1 << 24,
    description: 'BATCH local aggregation: most keys one producer\'s output holds; when a new key would exceed it, every held record goes out and the output starts over (bounds the heap it takes).',
  }),
  TMP_DIRS: O.stringList('io.tmp.dirs', {
    defaultValue: [],
    description: 'Directories of temporary files: the BLOCKING result partitions of batch jobs are written there (a TaskManager spreads its slots over the directories). Default: the system temp directory.',
  }),
  OBJECT_REUSE: O.bool('pipeline.object-reuse', {
    defaultValue: false,
    description: 'Object reuse (Flink\'s ExecutionConfig.enableObjectReuse): a record handed over between subtasks of one slot thread is the producer\'s object itself, not a copy. Faster, but a function must then neither change an object it emitted nor an input object it received (another subtask may hold the same object). Off: every subtask gets records of its own, as over the network.',
  }),
  AUTO_WATERMARK_INTERVAL: O.durationMs('pipeline.auto-watermark-interval', {
    defaultValue: 200,
    description: 'Interval of periodic watermark emission of timestamp/watermark assigners (their generator\'s onPeriodicEmit); 0 disables periodic watermarks.',
  }),
  PLUGINS: O.stringList('plugins', {
    defaultValue: [],
    description: 'Extra plugin packages loaded by dynamic import, in order; each package\'s index exports its ContainerModule(s).',
  }),
};

export const TaskManagerOptions = {
  NUM_TASK_SLOTS: O.int('taskmanager.numberOfTaskSlots', {
    defaultValue: 1, min: 1, max: 1024,
    description: 'Number of task slots of a TaskManager, each one worker thread; a slot may run one pipeline of every slot-sharing group. Unset, `flott run` gives its embedded cluster parallelism.default slots (as Flink\'s local environment sizes its MiniCluster).',
  }),
  TASK_HEAP_SIZE: O.memoryBytes('taskmanager.memory.task.heap.size', {
    defaultValue: 1024 * 1024 * 1024, min: 16 * 1024 * 1024,
    description: 'Heap for user code of all slots together; each slot thread gets an equal V8 old-generation limit.',
  }),
  CPU_CORES: O.double('taskmanager.cpu.cores', {
    defaultValue: 0, min: 0,
    description:
      'CPU cores of a TaskManager, shared by its slots: a default slot takes an equal share, a slot of a slot sharing group that declares ' +
      'resources (fine-grained resource management) what the group asks for. 0 = as many as taskmanager.numberOfTaskSlots (Flink\'s default).',
  }),
  SLOT_HEAP_INITIAL_SIZE: O.memoryBytes('taskmanager.memory.slot.heap.initial-size', {
    defaultValue: 128 * 1024 * 1024, min: 0,
    description:
      'Old-generation size each slot thread\'s V8 heap starts with (at most half its share of taskmanager.memory.task.heap.size): ' +
      'V8 runs no full collection before the heap outgrows it, as a JVM started with -Xms (Flink sets -Xms = -Xmx). Full ' +
      'collections mark on V8\'s helper threads, which take time from the slots when every core runs one: larger means ' +
      'fewer of them for more resident memory. 0 = V8\'s own sizing.',
  }),
  SLOT_PARALLEL_SCAVENGE: O.enumOf('taskmanager.slot.parallel-scavenge', ['always', 'auto', 'never'] as const, {
    defaultValue: 'always',
    description:
      'Whether the slot threads\' young-generation collections (scavenges) use V8\'s helper threads (--parallel-scavenge; always = V8\'s ' +
      'default). A helper runs beside the slots and the scavenge waits for it, so when the slots keep every core busy a scavenge may ' +
      'wait for a helper the OS has not scheduled yet: a longer pause in the latency\'s tail. Without helpers a scavenge takes longer ' +
      'on its own. On 2 cores with 4 slot threads, never lowered the keyed latency job\'s p99 at 1.2 M/s in 8 of 10 pairs (median 2.16 ' +
      '-> 2.05 ms) and cost Nexmark q3 at p=2 ~7 % of its throughput. auto = never when the TaskManager has at least as many slots as ' +
      'the machine has cores (os.availableParallelism()), else always. A V8 flag is process-wide: set before the slot threads start, it ' +
      'holds for the whole process, and once a TaskManager turned the helpers off a later one in the process does not turn them on.',
  }),
  RPC_PORT: O.int('taskmanager.rpc.port', {
    defaultValue: 0, min: 0, max: 65535,
    description: 'Port of the TaskManager\'s RPC endpoint; 0 picks a free one (it is advertised when the TaskManager registers).',
  }),
  RESOURCE_ID: O.optionalString('taskmanager.resource-id', {
    description: 'The TaskManager\'s resource id (a driver that starts TaskManagers sets it); unset: taskmanager-<random>.',
  }),
  REGISTRATION_TIMEOUT: O.durationMs('taskmanager.registration.timeout', {
    defaultValue: 300_000,
    description: 'How long a starting TaskManager tries to register at the ResourceManager before it gives up and exits.',
  }),
  SLOT_REQUEST_TIMEOUT: O.durationMs('slot.request.timeout', {
    defaultValue: 300_000,
    description: 'How long a JobMaster waits for a requested slot before the request fails (and with it the job\'s current attempt).',
  }),
  TASK_CANCELLATION_TIMEOUT: O.durationMs('task.cancellation.timeout', {
    defaultValue: 180_000,
    description: 'After this long a task that does not react to cancellation fails its slot fatally.',
  }),
  HOST: O.optionalString('taskmanager.host', {
    description: 'Address other TaskManagers use to reach this one\'s data server (advertised with its slots); unset: the bind host, or 127.0.0.1 when that is a wildcard address.',
  }),
  BIND_HOST: O.string('taskmanager.bind-host', {
    defaultValue: '127.0.0.1',
    description: 'Local address the TaskManager\'s data server listens on (Flink binds 0.0.0.0; Flott stays on loopback unless told, so a local cluster opens no port to the network). Set 0.0.0.0 and taskmanager.host for TaskManagers on several hosts.',
  }),
  MINI_CLUSTER_NUM_TASK_MANAGERS: O.int('minicluster.number-of-taskmanagers', {
    defaultValue: 1, min: 1, max: 64,
    description: 'TaskManagers the embedded MiniCluster starts, each with taskmanager.numberOfTaskSlots slots, its own resource id and data server: a job spread over them exchanges data over TCP on loopback as between hosts.',
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
    defaultValue: 32, min: 0, max: 65536,
    description: 'Buffers an input gate may lend to its channels on top of the exclusive ones (Flink: 8). A credit ' +
      'comes back to a producer in another thread or process only when both event loops get to it, between ' +
      'task slices (milliseconds, not the microseconds of Flink\'s network threads), so a channel needs more ' +
      'buffers in flight to stay busy; per gate, so the memory does not grow with the parallelism.',
  }),
  MAX_BUFFERS_PER_CHANNEL: O.int('taskmanager.network.memory.max-buffers-per-channel', {
    defaultValue: 10, min: 1, max: 65536,
    description: 'Most buffers one output subpartition may hold queued at the producer; bounds in-flight data under skew.',
  }),
  MAX_OVERDRAFT_BUFFERS: O.int('taskmanager.network.memory.max-overdraft-buffers-per-gate', {
    defaultValue: 1024, min: 0, max: 65536,
    description: 'Buffers one operator call may queue on an output subpartition beyond max-buffers-per-channel. ' +
      'A Flink task blocks mid-call when its buffers run out; a Flott task cannot, so what one call emits ' +
      '(a window firing, a watermark that releases many results, one record flat-mapped into many) is queued ' +
      'here and the task takes no further input until it drains. Beyond this bound the task fails naming this option.',
  }),
  LOCAL_HAND_OVER: O.bool('taskmanager.network.local-hand-over.enabled', {
    defaultValue: true,
    description: 'Records exchanged between two subtasks that run in the same slot thread are handed over as objects ' +
      '(in segments, with the same credits, back-pressure, events and barriers as buffers) instead of being ' +
      'serialised: as copies the consumer owns (what a serialiser\'s round trip would give), or the objects ' +
      'themselves with pipeline.object-reuse. Records of a serializer without a copier are serialised all the same. ' +
      'Flott-specific (Flink\'s tasks are separate threads).',
  }),
  LOCAL_HAND_OVER_RECORDS: O.int('taskmanager.network.local-hand-over.records-per-segment', {
    defaultValue: 1024, min: 1, max: 1 << 20,
    description: 'Most records (and events) in one segment of a local hand-over: a segment takes the place of one network buffer, so this bounds what a channel holds as taskmanager.memory.segment-size does for bytes.',
  }),
  PARTITION_REQUEST_TIMEOUT: O.durationMs('taskmanager.network.partition-request-timeout', {
    defaultValue: 10_000,
    description: 'How long a consumer waits for its producer\'s result partition to appear before the task fails (PartitionNotFound).',
  }),
  DATA_PORT: O.int('taskmanager.data.port', {
    defaultValue: 0, min: 0, max: 65535,
    description: 'Port of the TaskManager\'s data server, which serves its result partitions to consumers on other TaskManagers; 0 = a free port chosen at start, and then each slot thread also serves its own pipelined partitions on a free port of its own (docs/network.md). A fixed port keeps every partition on it (one port a firewall lets through).',
  }),
  MAX_CONNECTION_CHANNELS: O.int('taskmanager.network.max-channels-per-connection', {
    defaultValue: 65536, min: 1, max: 1 << 24,
    description: 'Most input channels one data connection between two TaskManagers carries at once (requests beyond it are refused with an error to that channel); bounds what a peer can make the data server hold.',
  }),
  CONNECT_TIMEOUT_SEC: O.int('taskmanager.network.netty.client.connectTimeoutSec', {
    defaultValue: 120, min: 1, max: 3600,
    description: 'Seconds a TaskManager waits for a data connection to another TaskManager to open before the consuming tasks fail with RemoteTransportError.',
  }),
};

export const JobManagerOptions = {
  SCHEDULER: O.implementationName('jobmanager.scheduler', ['pipelined-region', 'eager', 'lazy-from-sources'], {
    defaultValue: 'pipelined-region',
    description:
      'Scheduling strategy, by plugin name: pipelined-region (the default, as in Flink) deploys each pipelined region (tasks connected by pipelined exchanges) ' +
      'once the blocking results it reads are finished, so a streaming pipeline starts at once and a batch job\'s stages run one after another on reused slots; ' +
      'eager deploys all tasks at once; lazy-from-sources deploys sources first and every other task once its inputs can be consumed ' +
      '(pipelined: the producer produced data; blocking: it finished). Plugins may add others.',
  }),
  FAILOVER_STRATEGY: O.implementationName('jobmanager.execution.failover-strategy', ['region', 'full', 'individual'], {
    defaultValue: 'region',
    description:
      'Which tasks restart when one fails, by plugin name: full restarts all tasks; region (the default, as in Flink) restarts the failed task\'s pipelined region ' +
      '(tasks connected by pipelined exchanges), the regions consuming its results and the producers of blocking inputs it can no longer read; ' +
      'individual restarts only the failed task where tasks are not connected by pipelined exchanges (otherwise it falls back to full, and logs why). ' +
      'Plugins may add others.',
  }),
  RESOURCE_MANAGER_TYPE: O.implementationName('resourcemanager.type', ['standalone', 'local-processes'], {
    defaultValue: 'standalone',
    description: 'Resource manager, by plugin name: standalone uses the TaskManagers that register (the embedded local cluster\'s own TaskManager in local mode, which accepts no other type); local-processes starts TaskManager processes on the JobManager\'s host when slots are short and stops idle ones.',
  }),
  RPC_ADDRESS: O.string('jobmanager.rpc.address', {
    defaultValue: 'localhost',
    description: 'Address of the JobManager\'s RPC endpoint: what TaskManagers and a JobManager process itself advertise and connect to.',
  }),
  RPC_PORT: O.int('jobmanager.rpc.port', {
    defaultValue: 6123, min: 0, max: 65535,
    description: 'Port of the JobManager\'s RPC endpoint (0 picks a free one, which TaskManagers then cannot know in advance: for tests and flott cluster start).',
  }),
  BIND_HOST: O.string('jobmanager.bind-host', {
    defaultValue: '127.0.0.1',
    description: 'Local address the JobManager\'s RPC endpoint and blob server listen on (Flink binds 0.0.0.0; Flott stays on loopback unless told, so a local cluster opens no port to the network). Set 0.0.0.0 and jobmanager.rpc.address for TaskManagers on other hosts.',
  }),
  SHUTDOWN_RUNNING_JOBS: O.enumOf('jobmanager.shutdown.running-jobs', ['cancel', 'wait'] as const, {
    defaultValue: 'cancel',
    description: 'What a JobManager that is stopped (SIGTERM, flott cluster stop) does with jobs still running: cancel them, or wait for them to end by themselves (at most jobmanager.shutdown.timeout, then cancel).',
  }),
  SHUTDOWN_TIMEOUT: O.durationMs('jobmanager.shutdown.timeout', {
    defaultValue: 60_000,
    description: 'How long a stopping JobManager waits for its jobs to end (waited for, or canceled) before it stops anyway.',
  }),
  TASK_MANAGER_TIMEOUT: O.durationMs('resourcemanager.taskmanager-timeout', {
    defaultValue: 30_000,
    description: 'How long a TaskManager that a resource manager driver started (resourcemanager.type other than standalone) may keep only free slots before it is stopped.',
  }),
  STANDALONE_STARTUP_TIME: O.optionalDurationMs('resourcemanager.standalone.start-up-time', {
    description:
      'How long after it started a standalone ResourceManager (TaskManagers register themselves) lets a job wait for slots it lacks, rather than failing it at once, ' +
      'so that TaskManagers started beside the JobManager can register. Unset: slot.request.timeout for an application cluster (flott jobmanager --application, as Flink), ' +
      'none for a session cluster and the embedded one (a job that needs more slots than there are fails at once).',
  }),
  START_WORKER_RETRY_INTERVAL: O.durationMs('resourcemanager.start-worker.retry-interval', {
    defaultValue: 3_000,
    description: 'After a resource manager driver failed to start a worker, how long the ResourceManager waits before it asks for one again.',
  }),
  LOCAL_PROCESSES_COMMAND: O.stringList('resourcemanager.local-processes.command', {
    defaultValue: [],
    description: 'resourcemanager.type local-processes: the command that starts a TaskManager (executable and leading arguments; `--config <worker folder>` is appended). `flott jobmanager` and `flott cluster start` set it to their own `flott taskmanager` when it is unset.',
  }),
  LOCAL_PROCESSES_WORKING_DIR: O.optionalString('resourcemanager.local-processes.working-dir', {
    description: 'resourcemanager.type local-processes: the folder with one subfolder per TaskManager it started (configuration, pid, log), from which a restarted JobManager recovers the live ones. Default: flott-local-workers-<uid>/<port> in the temp directory, keyed by jobmanager.rpc.port.',
  }),
  LOCAL_PROCESSES_STOP_TIMEOUT: O.durationMs('resourcemanager.local-processes.stop-timeout', {
    defaultValue: 10_000,
    description: 'resourcemanager.type local-processes: how long a TaskManager that is stopped (SIGTERM) may take before it is killed.',
  }),
  EXECUTION_ATTEMPTS_HISTORY_SIZE: O.int('jobmanager.execution.attempts-history-size', {
    defaultValue: 16, min: 1, max: 1024,
    description: 'Number of prior execution attempts of each subtask the JobManager keeps for display and diagnosis.',
  }),
};

export const RestartStrategyOptions = {
  TYPE: O.optionalImplementationName('restart-strategy.type', ['none', 'fixed-delay', 'failure-rate', 'exponential-delay'], {
    deprecatedKeys: ['restart-strategy'],
    description:
      'Restart strategy, by plugin name: none (aliases off, disable) fails the job on the first failure; fixed-delay ' +
      '(alias fixeddelay) restarts a limited number of times with a fixed delay; failure-rate (alias failurerate) restarts ' +
      'with a fixed delay until more than max-failures-per-interval failures fall within failure-rate-interval; ' +
      'exponential-delay (alias exponentialdelay) restarts with a growing delay. Unset, Flink\'s default applies: none when checkpointing is disabled ' +
      '(execution.checkpointing.interval unset or 0, or a batch job), so a deterministic failure is not retried; ' +
      'exponential-delay when checkpointing is enabled. The job\'s configuration takes precedence over the cluster\'s. ' +
      'Unlike Flink, which then uses the exponential-delay defaults, configured restart-strategy.exponential-delay.* values apply.',
  }),
  FIXED_DELAY_ATTEMPTS: O.int('restart-strategy.fixed-delay.attempts', {
    defaultValue: 1, min: 0,
    description: 'Number of restarts the fixed-delay strategy allows before the job fails.',
  }),
  FIXED_DELAY_DELAY: O.durationMs('restart-strategy.fixed-delay.delay', {
    defaultValue: 1000,
    description: 'Delay between two restarts of the fixed-delay strategy.',
  }),
  FAILURE_RATE_MAX_FAILURES_PER_INTERVAL: O.int('restart-strategy.failure-rate.max-failures-per-interval', {
    defaultValue: 1, min: 1,
    description: 'Failures within failure-rate-interval the failure-rate strategy restarts the job after; one more within the interval fails it.',
  }),
  FAILURE_RATE_INTERVAL: O.durationMs('restart-strategy.failure-rate.failure-rate-interval', {
    defaultValue: 60_000,
    description: 'Time window the failure-rate strategy counts failures in (at least 1 ms).',
  }),
  FAILURE_RATE_DELAY: O.durationMs('restart-strategy.failure-rate.delay', {
    defaultValue: 1000,
    description: 'Delay between two restarts of the failure-rate strategy.',
  }),
  EXPONENTIAL_DELAY_INITIAL_BACKOFF: O.durationMs('restart-strategy.exponential-delay.initial-backoff', {
    defaultValue: 1000,
    description: 'Delay before the first restart of the exponential-delay strategy (at least 1 ms).',
  }),
  EXPONENTIAL_DELAY_MAX_BACKOFF: O.durationMs('restart-strategy.exponential-delay.max-backoff', {
    defaultValue: 60_000,
    description: 'Longest delay between two restarts of the exponential-delay strategy (at least initial-backoff).',
  }),
  EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER: O.double('restart-strategy.exponential-delay.backoff-multiplier', {
    defaultValue: 1.5, greaterThan: 1,
    description: 'Factor the exponential-delay strategy multiplies its delay by after every restart, up to max-backoff.',
  }),
  EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD: O.durationMs('restart-strategy.exponential-delay.reset-backoff-threshold', {
    defaultValue: 3_600_000,
    description: 'How long a job must run without failure after a restart for the exponential-delay strategy to start over from initial-backoff with a fresh attempts-before-reset-backoff budget.',
  }),
  EXPONENTIAL_DELAY_JITTER_FACTOR: O.double('restart-strategy.exponential-delay.jitter-factor', {
    defaultValue: 0.1, min: 0, max: 1,
    description: 'Share of the exponential-delay strategy\'s delay added or subtracted at random, so that jobs failing together do not all restart at the same moment.',
  }),
  EXPONENTIAL_DELAY_ATTEMPTS: O.int('restart-strategy.exponential-delay.attempts-before-reset-backoff', {
    defaultValue: 2_147_483_647, min: 1,
    description: 'Restarts the exponential-delay strategy allows before the job fails; the count starts over when the delay is reset (see reset-backoff-threshold). The default (Flink\'s Integer.MAX_VALUE) means no limit.',
  }),
};

export const StateOptions = {
  STATE_BACKEND: O.implementationName('state.backend.type', ['hashmap', 'lmdb'], {
    defaultValue: 'hashmap',
    deprecatedKeys: ['state.backend'],
    description: 'Where working state lives, by plugin name: hashmap keeps it as objects on the heap; lmdb keeps it serialised ' +
      'in an LMDB environment per slot on local disk (state larger than the slot\'s heap). Plugins may add others.',
  }),
  LMDB_LOCAL_DIRECTORY: O.optionalString('state.backend.lmdb.localdir', {
    description: 'Local directory under which the lmdb state backend creates one directory per slot (Flink\'s ' +
      'state.backend.rocksdb.localdir; default: the system temp directory). Working state only: a slot\'s directory is ' +
      'removed when its last keyed backend is disposed; a crashed process leaves its directory here.',
  }),
  LMDB_MAP_SIZE: O.memoryBytes('state.backend.lmdb.map-size', {
    defaultValue: 4 * 1024 * 1024 * 1024, min: 1024 * 1024,
    description: 'Largest size of one slot\'s LMDB environment on disk (address space is reserved, disk space is used as ' +
      'state grows); a write that takes it beyond fails the task with LmdbStateSizeExceededError.',
  }),
  LMDB_WRITE_BATCH_SIZE: O.int('state.backend.lmdb.write-batch-size', {
    defaultValue: 16_384, min: 1, max: 1_000_000,
    description: 'Writes of one keyed backend buffered on the task thread and committed in one LMDB transaction (reads see ' +
      'them at once; writes of one key in between are committed once; a snapshot commits them in its synchronous part); 1 commits every write on its own.',
  }),
  LMDB_WRITE_BATCH_MEMORY: O.memoryBytes('state.backend.lmdb.write-batch-memory', {
    defaultValue: 8 * 1024 * 1024, min: 1,
    description: 'Bytes of values (an estimate of their heap size) a keyed backend buffers before it commits them, whatever write-batch-size says.',
  }),
  LMDB_CACHE_SIZE: O.int('state.backend.lmdb.cache.size', {
    defaultValue: 32_768, min: 0, max: 10_000_000,
    description: 'Entries a keyed backend of the lmdb state backend keeps on the task thread once read or committed (as ' +
      'values, beside the writes not yet committed), so hot keys are read without an LMDB lookup or deserialising; the oldest go first. 0 keeps none.',
  }),
  LMDB_CACHE_MEMORY: O.memoryBytes('state.backend.lmdb.cache.memory', {
    defaultValue: 8 * 1024 * 1024, min: 0,
    description: 'Heap a keyed backend of the lmdb state backend gives that cache at most (values by an estimate of their size, keys and about 160 bytes per entry), whatever cache.size says.',
  }),
  CHECKPOINT_STORAGE: O.implementationName('execution.checkpointing.storage', ['jobmanager', 'filesystem'], {
    defaultValue: 'jobmanager',
    deprecatedKeys: ['state.checkpoint-storage'],
    description: 'Where checkpoint snapshots go, by plugin name: jobmanager keeps state in the JobManager\'s memory (small state, tests; ' +
      'the metadata goes to execution.checkpointing.dir when set); filesystem writes state files and metadata under ' +
      'execution.checkpointing.dir (a local path, or a URI of a file system plugin such as s3://). Plugins may add others.',
  }),
  JOBMANAGER_STORAGE_MAX_STATE_SIZE: O.memoryBytes('execution.checkpointing.jobmanager.max-state-size', {
    defaultValue: 5 * 1024 * 1024, min: 1,
    description: 'Largest single piece of state the jobmanager checkpoint storage accepts; it travels inline to the JobManager and lives on its heap (Flink\'s 5 MiB default).',
  }),
  CHECKPOINTS_DIRECTORY: O.optionalString('execution.checkpointing.dir', {
    deprecatedKeys: ['state.checkpoints.dir'],
    description: 'Directory of checkpoint files and metadata (an absolute path, a file:// URI, or a URI of a file system plugin: s3://bucket/path), shared by the JobManager and all ' +
      'TaskManagers; checkpoints go to `<dir>/<job id>/chk-<n>/`. Required by the filesystem storage; with the jobmanager ' +
      'storage, checkpoint metadata is written there (and can be restored from) when set.',
  }),
  SAVEPOINT_DIRECTORY: O.optionalString('execution.checkpointing.savepoint-dir', {
    deprecatedKeys: ['state.savepoints.dir'],
    description: 'Default directory of savepoints (an absolute path, a file:// URI, or s3://bucket/path) when a savepoint is triggered without a ' +
      'target directory; each goes to `<dir>/savepoint-<first 6 characters of the job id>-<12 random hex digits>/`.',
  }),
  FILE_STATE_SIZE_THRESHOLD: O.memoryBytes('execution.checkpointing.file-state-size-threshold', {
    defaultValue: 20 * 1024,
    deprecatedKeys: ['state.storage.fs.memory-threshold'],
    description: 'State smaller than this is stored inline in the checkpoint metadata instead of a file of its own by the ' +
      'filesystem storage (Flink\'s 20 KiB default; at most 1 mb; 0 writes every piece of state to a file).',
  }),
};

/**
 * The s3:// file system of checkpoint storage (plugin @flott/fs-s3), with the keys of Flink's S3 file
 * system plugins. Secrets are read, never logged or put into error messages.
 */
export const S3Options = {
  ENDPOINT: O.optionalString('s3.endpoint', {
    description: 'Endpoint URL of the S3 service (e.g. `http://127.0.0.1:9000` for MinIO or s3rver); unset: AWS S3 of s3.region.',
  }),
  PATH_STYLE_ACCESS: O.bool('s3.path.style.access', {
    defaultValue: false,
    description: 'Address buckets as `<endpoint>/<bucket>/<key>` instead of `<bucket>.<endpoint>/<key>` (S3-compatible stores usually need it).',
  }),
  ACCESS_KEY: O.optionalString('s3.access-key', {
    description: 'Access key id; with s3.secret-key. Unset: the AWS SDK\'s default credential chain (environment, profile, instance role).',
  }),
  SECRET_KEY: O.optionalString('s3.secret-key', {
    description: 'Secret access key belonging to s3.access-key (never logged).',
  }),
  REGION: O.string('s3.region', {
    defaultValue: 'us-east-1',
    description: 'Region of the buckets (signs the requests; S3-compatible stores mostly accept any).',
  }),
  UPLOAD_MIN_PART_SIZE: O.memoryBytes('s3.upload.min.part.size', {
    defaultValue: 5 * 1024 * 1024, min: 5 * 1024 * 1024,
    description: 'Files up to this size are uploaded with one PUT; larger ones in a multipart upload of parts of this size ' +
      '(S3\'s minimum part size, 5 mb, is the least). A file upload buffers at most (s3.upload.max.concurrent.uploads + 1) parts.',
  }),
  UPLOAD_MAX_CONCURRENT_UPLOADS: O.int('s3.upload.max.concurrent.uploads', {
    defaultValue: 4, min: 1, max: 64,
    description: 'Parts of one multipart upload in flight at once.',
  }),
  MAX_ATTEMPTS: O.int('s3.retry.max-attempts', {
    defaultValue: 3, min: 1, max: 20,
    description: 'Attempts of one S3 request (the first and its retries, with the SDK\'s backoff) before the file operation fails.',
  }),
  REQUEST_TIMEOUT: O.durationMs('s3.request-timeout', {
    defaultValue: 60_000,
    description: 'Longest time one S3 request may take (connecting, or waiting for the response or for data) before it is failed and retried.',
  }),
  DELETE_BATCH_SIZE: O.int('s3.delete.batch-size', {
    defaultValue: 1000, min: 1, max: 1000,
    description: 'Objects listed and deleted per request when a checkpoint directory is discarded (S3\'s DeleteObjects takes at most 1000).',
  }),
};

export const CheckpointingOptions = {
  INTERVAL: O.optionalDurationMs('execution.checkpointing.interval', {
    description:
      'Interval of periodic checkpoints; unset or 0 means checkpointing is disabled (and decides the default restart ' +
      'strategy, see restart-strategy.type). Batch jobs never checkpoint.',
  }),
  CHECKPOINTING_MODE: O.enumOf('execution.checkpointing.mode', ['EXACTLY_ONCE', 'AT_LEAST_ONCE'] as const, {
    defaultValue: 'EXACTLY_ONCE',
    description:
      'EXACTLY_ONCE aligns barriers (an input that delivered the barrier waits until all inputs have); AT_LEAST_ONCE does not ' +
      'block inputs, so records after the barrier on one input may be in the snapshot and replayed after a restore.',
  }),
  CHECKPOINTING_TIMEOUT: O.durationMs('execution.checkpointing.timeout', {
    defaultValue: 10 * 60_000,
    description: 'A checkpoint not completed within this time is aborted (counted as a failed checkpoint).',
  }),
  MIN_PAUSE_BETWEEN_CHECKPOINTS: O.durationMs('execution.checkpointing.min-pause', {
    defaultValue: 0,
    description: 'Least time between the end of one checkpoint and the start of the next, so a slow checkpoint does not leave no time for processing.',
  }),
  MAX_CONCURRENT_CHECKPOINTS: O.int('execution.checkpointing.max-concurrent-checkpoints', {
    defaultValue: 1, min: 1,
    description: 'Checkpoints that may be in progress at the same time; a periodic trigger waits while this many are pending.',
  }),
  TOLERABLE_FAILURE_NUMBER: O.int('execution.checkpointing.tolerable-failed-checkpoints', {
    defaultValue: 0, min: 0,
    description: 'Consecutive failed (declined, expired) checkpoints tolerated before the job fails over; 0 fails it at the first.',
  }),
  MAX_RETAINED_CHECKPOINTS: O.int('execution.checkpointing.num-retained', {
    defaultValue: 1, min: 1,
    deprecatedKeys: ['state.checkpoints.num-retained'],
    description: 'Completed checkpoints kept; older ones are subsumed and discarded.',
  }),
  EXTERNALIZED_CHECKPOINT_RETENTION: O.enumOf(
    'execution.checkpointing.externalized-checkpoint-retention',
    ['NO_EXTERNALIZED_CHECKPOINTS', 'DELETE_ON_CANCELLATION', 'RETAIN_ON_CANCELLATION'] as const,
    {
      defaultValue: 'NO_EXTERNALIZED_CHECKPOINTS',
      description:
        'What happens to the retained checkpoints when the job ends: NO_EXTERNALIZED_CHECKPOINTS and DELETE_ON_CANCELLATION ' +
        'delete them when the job is canceled or finishes (kept when it fails); RETAIN_ON_CANCELLATION keeps them, for a restore with -s.',
    },
  ),
  INCREMENTAL_CHECKPOINTS: O.bool('execution.checkpointing.incremental', {
    defaultValue: false,
    deprecatedKeys: ['state.backend.incremental'],
    description: 'Checkpoints upload only what changed since the previous one, where the state backend supports it (lmdb).',
  }),
  INCREMENTAL_MAX_CHAIN_LENGTH: O.int('execution.checkpointing.incremental.max-chain-length', {
    defaultValue: 8, min: 0, max: 1000,
    description:
      'Incremental checkpoints: how many change files may follow a full keyed state file before a checkpoint writes a new ' +
      'full one (also written when the change files together outgrow it). Bounds restore time and the files a checkpoint holds on to.',
  }),
  ENABLE_UNALIGNED: O.bool('execution.checkpointing.unaligned.enabled', {
    defaultValue: false,
    deprecatedKeys: ['execution.checkpointing.unaligned'],
    description: 'Barriers overtake in-flight buffers, which are stored with the snapshot and replayed on restore (exactly-once mode only).',
  }),
  ENABLE_CHECKPOINTS_AFTER_TASKS_FINISH: O.bool('execution.checkpointing.checkpoints-after-tasks-finish', {
    defaultValue: true,
    deprecatedKeys: ['execution.checkpointing.checkpoints-after-tasks-finish.enabled'],
    description:
      'Checkpoints go on after some tasks finished, recording them as finished (a restore does not run them again), and a ' +
      'task at the end of its input waits for a final checkpoint before it ends, so sinks commit their last data with a ' +
      'checkpoint (FLIP-147). Off: a sink commits what is left at the end of its input, and no checkpoint is taken once a task finished.',
  }),
  ALIGNED_CHECKPOINT_TIMEOUT: O.durationMs('execution.checkpointing.aligned-checkpoint-timeout', {
    defaultValue: 0,
    deprecatedKeys: ['execution.checkpointing.alignment-timeout'],
    description: 'With unaligned checkpoints enabled: a checkpoint starts aligned and switches to unaligned when alignment takes longer than this; 0 starts unaligned.',
  }),
};

export const WebOptions = {
  CHECKPOINTS_HISTORY_SIZE: O.int('web.checkpoints.history', {
    defaultValue: 10, min: 1, max: 10_000,
    description: 'Checkpoints a job keeps in its checkpoint statistics (the job details), the newest ones.',
  }),
  EXCEPTION_HISTORY_SIZE: O.int('web.exception-history-size', {
    defaultValue: 16, min: 1, max: 10_000,
    description: 'Failures a job keeps for /jobs/:jobid/exceptions, the newest ones.',
  }),
};

export const StateRecoveryOptions = {
  SAVEPOINT_PATH: O.optionalString('execution.state-recovery.path', {
    deprecatedKeys: ['execution.savepoint.path'],
    description: 'A savepoint or retained checkpoint (its directory or _metadata file) the job starts from (flott run -s).',
  }),
  SAVEPOINT_IGNORE_UNCLAIMED_STATE: O.bool('execution.state-recovery.ignore-unclaimed-state', {
    defaultValue: false,
    deprecatedKeys: ['execution.savepoint.ignore-unclaimed-state'],
    description: 'Start even when the savepoint has state of an operator the job no longer has (flott run -n / --allowNonRestoredState); by default such a restore fails.',
  }),
};

export const HighAvailabilityOptions = {
  TYPE: O.implementationName('high-availability.type', ['none'], {
    defaultValue: 'none',
    deprecatedKeys: ['high-availability'],
    description: 'High-availability services, by plugin name: none keeps leaders and stores in memory. Plugins may add others.',
  }),
};

export const BlobOptions = {
  STORAGE_DIRECTORY: O.optionalString('blob.storage.directory', {
    description: 'Where TaskManagers and the client keep job bundles (default: the system temp directory).',
  }),
  MAX_BLOB_SIZE: O.memoryBytes('blob.server.max-size', {
    defaultValue: 256 * 1024 * 1024, min: 1024,
    description: 'Largest job bundle the blob server accepts.',
  }),
  SERVER_PORT: O.int('blob.server.port', {
    defaultValue: 0, min: 0, max: 65535,
    description: 'Port of the JobManager\'s blob server (HTTP), from which TaskManagers fetch job bundles; 0 picks a free one. The embedded local cluster hands bundles over in-process and starts none.',
  }),
  CLEANUP_INTERVAL: O.durationMs('blob.service.cleanup.interval', {
    defaultValue: 3_600_000,
    description: 'How long the blob server keeps an uploaded job bundle that no job uses (one a client uploaded and never submitted). A job\'s bundle is deleted when the job ends.',
  }),
  FETCH_NUM_CONCURRENT: O.int('blob.fetch.num-concurrent', {
    defaultValue: 50, min: 1, max: 10_000,
    description: 'Connections the blob server serves at once; more wait in the listen backlog.',
  }),
  CLIENT_SOCKET_TIMEOUT: O.durationMs('blob.client.socket.timeout', {
    defaultValue: 300_000,
    description: 'Longest a job bundle upload or download may take before it fails.',
  }),
};

export const HeartbeatOptions = {
  INTERVAL: O.durationMs('heartbeat.interval', {
    defaultValue: 10_000,
    description: 'How often the JobManager roles ask TaskManagers (and the ResourceManager asks JobMasters) for a heartbeat.',
  }),
  TIMEOUT: O.durationMs('heartbeat.timeout', {
    defaultValue: 50_000,
    description: 'A peer that sent no heartbeat for this long is considered dead: a TaskManager\'s slots are failed (so its tasks fail over), a JobMaster\'s slots are freed. A peer whose connection is gone is noticed sooner (heartbeat.rpc-failure-threshold).',
  }),
  RPC_FAILURE_THRESHOLD: O.int('heartbeat.rpc-failure-threshold', {
    defaultValue: 2, min: 0, max: 1000,
    description: 'Heartbeat requests to a peer that fail in a row (its connection is gone) before it is considered dead without waiting for heartbeat.timeout; 0 waits for the timeout.',
  }),
};

export const RpcOptions = {
  ASK_TIMEOUT: O.durationMs('rpc.ask-timeout', {
    defaultValue: 30_000,
    description: 'Timeout of one RPC call between JobManager roles and TaskManagers.',
  }),
  FRAMESIZE: O.memoryBytes('rpc.framesize', {
    defaultValue: 10 * 1024 * 1024, min: 1024,
    deprecatedKeys: ['pekko.framesize', 'akka.framesize'],
    description: 'Largest message (request or reply, encoded) between JobManager and TaskManagers over TCP, as Flink\'s pekko.framesize. A call whose message is larger fails with RPC_FRAME_TOO_LARGE and nothing is sent; the connection stays up.',
  }),
  CONNECT_TIMEOUT: O.durationMs('rpc.connect-timeout', {
    defaultValue: 20_000,
    deprecatedKeys: ['pekko.tcp.timeout', 'akka.tcp.timeout'],
    description: 'How long opening an RPC connection (TCP, TLS and the authentication handshake) may take before the calls waiting for it fail with RPC_CONNECTION_ERROR; a server drops a peer that has not authenticated by then.',
  }),
  OUTBOUND_QUEUE_MAX_BYTES: O.memoryBytes('rpc.outbound-queue.max-bytes', {
    defaultValue: 64 * 1024 * 1024, min: 1024,
    description: 'Bytes of RPC messages that may wait to be written to one peer (while connecting, or while the peer reads slowly); a call beyond it fails with RPC_OUTBOUND_QUEUE_FULL. At least rpc.framesize.',
  }),
};

/** Authentication of internal (RPC) traffic; docs/rpc.md, "Authentication". */
export const RpcSecurityOptions = {
  INTERNAL_SECRET: O.optionalString('security.internal.secret', {
    description: 'Shared secret every JobManager and TaskManager of a cluster must hold: each side of an RPC connection proves it by an HMAC-SHA256 challenge-response before any message is accepted; the secret never crosses the wire. Unset: no shared-secret check (use it, or mutual TLS, whenever the RPC ports are reachable by others).',
  }),
  SSL_INTERNAL_ENABLED: O.bool('security.ssl.internal.enabled', {
    defaultValue: false,
    description: 'Mutual TLS for internal connections (RPC, data transport, blob server): each side presents its certificate (security.ssl.internal.keystore, or the PEM files of security.ssl.internal.key and security.ssl.internal.cert) and must trust the other\'s (security.ssl.internal.truststore, or security.ssl.internal.trust-certificate); a peer without a trusted certificate is refused. A store or file that cannot be read, or a wrong password, fails the process at start.',
  }),
  SSL_INTERNAL_KEYSTORE: O.optionalString('security.ssl.internal.keystore', {
    description: 'Java keystore file (PKCS12 or JKS) with this process\'s private key and certificate (chain) for internal TLS; it must hold exactly one private key entry. Excludes security.ssl.internal.key and security.ssl.internal.cert.',
  }),
  SSL_INTERNAL_KEYSTORE_PASSWORD: O.optionalString('security.ssl.internal.keystore-password', {
    description: 'Password of security.ssl.internal.keystore: checks its integrity and decrypts its certificates.',
  }),
  SSL_INTERNAL_KEY_PASSWORD: O.optionalString('security.ssl.internal.key-password', {
    description: 'Password of the private key in security.ssl.internal.keystore (keytool gives a PKCS12 key the store\'s password). Unset: security.ssl.internal.keystore-password.',
  }),
  SSL_INTERNAL_KEYSTORE_TYPE: O.enumOf('security.ssl.internal.keystore-type', ['pkcs12', 'jks'], {
    defaultValue: 'pkcs12',
    description: 'Type of security.ssl.internal.keystore; the default is Java\'s default keystore type. As Java (9 and later) does for these two types, a file of the other format is read too: its format is told by its content.',
  }),
  SSL_INTERNAL_TRUSTSTORE: O.optionalString('security.ssl.internal.truststore', {
    description: 'Java keystore file (PKCS12 or JKS) whose trusted certificate entries (and key entries\' own certificates, as Java takes them) internal TLS trusts, for servers and clients alike; usually the cluster\'s CA, or the keystore itself when its certificate is self-signed. Excludes security.ssl.internal.trust-certificate.',
  }),
  SSL_INTERNAL_TRUSTSTORE_PASSWORD: O.optionalString('security.ssl.internal.truststore-password', {
    description: 'Password of security.ssl.internal.truststore.',
  }),
  SSL_INTERNAL_TRUSTSTORE_TYPE: O.enumOf('security.ssl.internal.truststore-type', ['pkcs12', 'jks'], {
    defaultValue: 'pkcs12',
    description: 'Type of security.ssl.internal.truststore; the default is Java\'s default keystore type. A file of the other format is read too (see security.ssl.internal.keystore-type).',
  }),
  SSL_INTERNAL_CERT_FINGERPRINT: O.optionalString('security.ssl.internal.cert.fingerprint', {
    description: 'Comma-separated SHA-1 (as Flink) or SHA-256 fingerprints, hex with or without colons: a peer of an internal TLS connection must present a certificate with one of them, besides being trusted by the truststore. Pins the cluster\'s own certificate where the trusted CA signs others too.',
  }),
  SSL_INTERNAL_KEY: O.optionalString('security.ssl.internal.key', {
    description: 'PEM file of this process\'s private key for internal TLS, with security.ssl.internal.cert: Flott\'s alternative to security.ssl.internal.keystore.',
  }),
  SSL_INTERNAL_CERT: O.optionalString('security.ssl.internal.cert', {
    description: 'PEM file of this process\'s certificate (chain) for internal TLS, presented as server and as client certificate; with security.ssl.internal.key.',
  }),
  SSL_INTERNAL_TRUST_CERTIFICATE: O.optionalString('security.ssl.internal.trust-certificate', {
    description: 'PEM file of the certificate(s) internal TLS trusts, for servers and clients alike: Flott\'s alternative to security.ssl.internal.truststore; usually the cluster\'s own CA or self-signed certificate.',
  }),
  SSL_VERIFY_HOSTNAME: O.bool('security.ssl.verify-hostname', {
    defaultValue: true,
    description: 'Whether a TLS client checks that the server\'s certificate names the host it connected to (its DNS name or IP address).',
  }),
};

export const ClientOptions = {
  COLLECT_MAX_BUFFERED_RECORDS: O.int('collect-sink.max-buffered-records', {
    defaultValue: 100_000, min: 1,
    description: 'Records of executeAndCollect() the JobMaster holds for the client before the collect sink back-pressures.',
  }),
  COLLECT_BATCH_MAX_RECORDS: O.int('collect-sink.batch-size.max-records', {
    defaultValue: 1000, min: 1, max: 1_000_000,
    description: 'Most records one collect sink subtask sends to the JobMaster in one batch (a batch also goes out when the sink finishes).',
  }),
  COLLECT_MAX_PENDING_BATCHES: O.int('collect-sink.max-pending-batches', {
    defaultValue: 2, min: 1, max: 1024,
    description: 'Batches a collect sink subtask may have sent but not yet acknowledged; at this many it back-pressures its input.',
  }),
};

export const ConnectorOptions = {
  SOCKET_SOURCE_MAX_QUEUED_RECORDS: O.int('source.socket.max-queued-records', {
    defaultValue: 1024, min: 1, max: 1_000_000,
    description: 'Records socketTextStream() queues before it pauses the socket (TCP then back-pressures the sender).',
  }),
  FILE_SOURCE_READ_BUFFER_SIZE: O.memoryBytes('source.file.read-buffer-size', {
    defaultValue: 64 * 1024, min: 1,
    description: 'Bytes readTextFile() reads per I/O call; bounds the lines a file source subtask holds at once.',
  }),
  FILE_SOURCE_BLOCK_SIZE: O.memoryBytes('source.file.block-size', {
    defaultValue: 32 * 1024 * 1024, min: 1,
    description: 'The largest split readTextFile() cuts a file into (Flink takes the file system\'s block size; its local file system reports 32 MiB). ' +
      'A file is cut into at least one split per source subtask, max(64 KiB, min(this, total size / parallelism)) bytes each (the last of a file up to 10 % more), ' +
      'so several subtasks read one file; files up to 64 KiB stay one split.',
  }),
  FILE_SINK_WRITE_BUFFER_SIZE: O.memoryBytes('sink.file.write-buffer-size', {
    defaultValue: 64 * 1024, min: 1,
    description: 'Bytes writeAsText() buffers per subtask before it back-pressures its input until the file system catches up.',
  }),
  SINK_COMMITTER_RETRIES: O.int('sink.committer.retries', {
    defaultValue: 10, min: 0, max: 1000,
    description: 'Times a sink\'s committer (sinkTo with a two-phase-commit Sink, e.g. FileSink) commits a committable again after ' +
      'it asked to retry later; then the task fails (Flink\'s sink.committer.retries).',
  }),
};

export const ClusterScriptOptions = {
  PID_DIR: O.optionalString('env.pid.dir', {
    description: 'Where `flott cluster start` keeps the pid and ready files of the processes it starts (Flink\'s env.pid.dir); default: the temp directory.',
  }),
  LOG_DIR: O.optionalString('env.log.dir', {
    description: 'Where `flott cluster start` writes the processes\' logs (flott-<user>-jobmanager.log, flott-<user>-taskmanager-<n>.log and their .out files); default: flott-<user>-log in env.pid.dir.',
  }),
  NUM_TASK_MANAGERS: O.int('cluster.taskmanagers', {
    defaultValue: 1, min: 0, max: 256,
    description: 'TaskManagers `flott cluster start` starts beside the JobManager (Flink lists them in conf/workers); --taskmanagers overrides it.',
  }),
  NODE_OPTS_ALL: O.stringList('env.node.opts.all', {
    defaultValue: [],
    description: 'Node.js options for every process `flott cluster start` and `flott run-application` start (Flink\'s env.java.opts.all), e.g. `--max-old-space-size=512`.',
  }),
  NODE_OPTS_JOBMANAGER: O.stringList('env.node.opts.jobmanager', {
    defaultValue: ['--max-semi-space-size=2'],
    description:
      'Node.js options for the JobManager processes they start, after env.node.opts.all (Flink\'s env.java.opts.jobmanager). The default keeps the ' +
      'young generation small (2 MiB semi-spaces): the JobManager handles control messages, not records, and idles at ~18 MB less memory.',
  }),
  NODE_OPTS_TASKMANAGER: O.stringList('env.node.opts.taskmanager', {
    defaultValue: [],
    description: 'Node.js options for the TaskManager processes they start, after env.node.opts.all (Flink\'s env.java.opts.taskmanager). V8 flags apply to the slot threads too.',
  }),
  STARTUP_TIMEOUT: O.durationMs('cluster.startup-timeout', {
    defaultValue: 60_000,
    description: 'How long `flott cluster start` waits for the JobManager and each TaskManager to be ready before it stops what it started and fails.',
  }),
};

export const LogOptions = {
  LEVEL: O.enumOf('log.level', ['trace', 'debug', 'info', 'warn', 'error', 'off'] as const, {
    defaultValue: 'info',
    description:
      'Level of the operator log of every Flott process and its slot threads (Flink\'s rootLogger.level; case does not matter). ' +
      '`flott run` logs to the terminal at warn unless this is set, so the embedded cluster does not flood it (with log.file set it uses this default); its job ' +
      'submitted / finished lines on stderr are user output and do not depend on it.',
  }),
  FILE: O.optionalString('log.file', {
    description:
      'File the log goes to, as JSON lines (one object per line with time, level, msg and the context: jobId, task, ' +
      'subtask, attempt, attemptId), appended to; the process\'s slot threads write through the same file. Unset: ' +
      'human-readable lines on stderr. Flink writes flink-*-taskexecutor-*.log; one file per process is the equivalent.',
  }),
};

export const ALL_OPTION_GROUPS: Readonly<Record<string, Readonly<Record<string, ConfigOption<unknown>>>>> = {
  Core: CoreOptions as Record<string, ConfigOption<unknown>>,
  TaskManager: TaskManagerOptions as Record<string, ConfigOption<unknown>>,
  Network: NetworkOptions as Record<string, ConfigOption<unknown>>,
  JobManager: JobManagerOptions as Record<string, ConfigOption<unknown>>,
  RestartStrategy: RestartStrategyOptions as Record<string, ConfigOption<unknown>>,
  State: StateOptions as Record<string, ConfigOption<unknown>>,
  Checkpointing: CheckpointingOptions as Record<string, ConfigOption<unknown>>,
  S3: S3Options as Record<string, ConfigOption<unknown>>,
  StateRecovery: StateRecoveryOptions as Record<string, ConfigOption<unknown>>,
  Web: WebOptions as Record<string, ConfigOption<unknown>>,
  HighAvailability: HighAvailabilityOptions as Record<string, ConfigOption<unknown>>,
  Blob: BlobOptions as Record<string, ConfigOption<unknown>>,
  Heartbeat: HeartbeatOptions as Record<string, ConfigOption<unknown>>,
  Rpc: RpcOptions as Record<string, ConfigOption<unknown>>,
  RpcSecurity: RpcSecurityOptions as Record<string, ConfigOption<unknown>>,
  Client: ClientOptions as Record<string, ConfigOption<unknown>>,
  Connector: ConnectorOptions as Record<string, ConfigOption<unknown>>,
  ClusterScripts: ClusterScriptOptions as Record<string, ConfigOption<unknown>>,
  Log: LogOptions as Record<string, ConfigOption<unknown>>,
  Rest: RestOptions as Record<string, ConfigOption<unknown>>,
  Deployment: DeploymentOptions as Record<string, ConfigOption<unknown>>,
};
