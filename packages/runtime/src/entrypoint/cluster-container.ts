import 'reflect-metadata';
import type { Container } from 'inversify';
import { childContainer } from '../plugins/plugin-loader';
import { taskManagerResourcesOf } from '../taskexecutor/task-manager-resources';
import { Clock, Configuration } from '@flott/core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BlobStore } from '../blob/blob-store';
import { defaultBlobStorageDirectory } from '../client/job-artifact';
import { BlobOptions, JobManagerOptions, RpcOptions, RpcSecurityOptions, TaskManagerOptions } from '../config/options';
import { Dispatcher, DispatcherOptions } from '../dispatcher/dispatcher';
import { ResourceManagerLeader } from '../jobmaster/job-container';
import { LeaderTracker } from '../leader/leader-tracker';
import { heartbeatSettingsOf } from '../heartbeat/heartbeat-manager';
import { Logger } from '../logging/logger';
import { ThreadLogSink, type ProcessLogging } from '../logging/process-logging';
import { ResourceManager, ResourceManagerOptions } from '../resourcemanager/resource-manager';
import { LocalRpcService, RpcService } from '../rpc/rpc-service';
import { HighAvailabilityServices, type LeaderRetrievalService } from '../spi/high-availability-services';
import { loadHighAvailabilityServicesFactory, loadResourceManagerDriverFactory } from '../spi/loaders';
import { STANDALONE_RESOURCE_MANAGER } from '../spi/implementation-check';
import { TaskExecutor, TaskExecutorOptions } from '../taskexecutor/task-executor';
import { Scheduler, SystemClock, SystemScheduler } from '../time/clock';
import { IdGenerator, SystemIdGenerator } from '../time/ids';
import { Random, SystemRandom } from '../time/random';

/** The JobManager components TaskManagers and clients look up. */
export type JobManagerComponent = 'resource_manager' | 'dispatcher';
/**
 * How this process finds the leaders of the JobManager's components (a function of the component
 * giving a fresh LeaderRetrievalService): the HA services' retrieval by default; a TaskManager
 * process with `high-availability.type: none` binds the configured JobManager address instead.
 */
export const JobManagerLeaderRetrieval = Symbol.for('flott.JobManagerLeaderRetrieval');
export type JobManagerLeaderRetrieval = (component: JobManagerComponent) => LeaderRetrievalService;
/** Plugin packages by name, for the slot threads to load (they cannot share the process's container). */
export const PluginModules = Symbol.for('flott.PluginModules');

export interface ClusterServices {
  readonly configuration: Configuration;
  /** The process's logging: its logger for the roles, its thread sink for the slot threads. */
  readonly logging: ProcessLogging;
  readonly pluginModules: readonly string[];
  /** The system's when not given; tests and the simulator pass manual or seeded ones. */
  readonly clock?: Clock;
  readonly scheduler?: Scheduler;
  readonly random?: Random;
  readonly ids?: IdGenerator;
  /** The process's RPC service (a JobManager or TaskManager process: TCP); the in-process transport when not given. */
  readonly rpc?: RpcService;
}

/**
 * The cluster's container (DESIGN.md §2), a child of the distribution's plugin container: binds the
 * process-wide services once (configuration, time, randomness, ids, logging, the RPC service and the
 * high-availability services chosen by `high-availability.type`). The roles are bound by
 * {@link bindJobManagerRoles} and {@link bindTaskManager}, so a JobManager process, a TaskManager
 * process and the MiniCluster (both) compose the same bindings. Jobs get children of this container.
 */
export function createClusterContainer(plugins: Container, services: ClusterServices): Container {
  const config = services.configuration;
  const cluster = childContainer(plugins);
  cluster.bind(Configuration).toConstantValue(config);
  cluster.bind(Clock).toConstantValue(services.clock ?? new SystemClock());
  cluster.bind(Scheduler).toConstantValue(services.scheduler ?? new SystemScheduler());
  cluster.bind(Random).toConstantValue(services.random ?? new SystemRandom());
  cluster.bind(IdGenerator).toConstantValue(services.ids ?? new SystemIdGenerator());
  cluster.bind(Logger).toConstantValue(services.logging.logger);
  cluster.bind(ThreadLogSink).toConstantValue(services.logging.threadSink);
  cluster.bind(PluginModules).toConstantValue(services.pluginModules);
  // The in-process transport unless the process brings its network one.
  if (services.rpc) {
    cluster.bind(RpcService).toConstantValue(services.rpc);
  } else {
    cluster
      .bind(RpcService)
      .toResolvedValue((scheduler: Scheduler) => new LocalRpcService(config.get(RpcOptions.ASK_TIMEOUT), scheduler), [Scheduler])
      .inSingletonScope();
  }
  cluster
    .bind(HighAvailabilityServices)
    .toDynamicValue(() => loadHighAvailabilityServicesFactory(cluster, config).create(config))
    .inSingletonScope();
  cluster
    .bind(JobManagerLeaderRetrieval)
    .toResolvedValue((ha: HighAvailabilityServices): JobManagerLeaderRetrieval => (component) => ha.getLeaderRetrievalService(component), [HighAvailabilityServices]);
  return cluster;
}

/**
 * The driver `resourcemanager.type` names, with the spec of the workers it starts; none for
 * `standalone`, whose TaskManagers register themselves.
 */
function resourceManagerDriverOf(container: Container, config: Configuration): ResourceManagerOptions['driver'] {
  if (config.get(JobManagerOptions.RESOURCE_MANAGER_TYPE) === STANDALONE_RESOURCE_MANAGER) return undefined;
  const { total, defaultSlots } = taskManagerResourcesOf(config);
  return {
    driver: loadResourceManagerDriverFactory(container, config).create(config),
    workerSpec: { numberOfSlots: defaultSlots, cpuCores: total.cpuCores, memoryMb: total.taskHeapMemoryMB },
  };
}

/** A fresh folder for the JobManager's blob store under blob.storage.directory (Flink's blobStore-<random>). */
function blobStoreDirectory(config: Configuration): string {
  const root = defaultBlobStorageDirectory(config.get(BlobOptions.STORAGE_DIRECTORY));
  fs.mkdirSync(root, { recursive: true });
  return fs.mkdtempSync(path.join(root, 'blobStore-'));
}

/** The JobManager's roles: the ResourceManager and the Dispatcher, which makes each job's container a child of `cluster`. */
export function bindJobManagerRoles(cluster: Container): void {
  cluster
    .bind(ResourceManagerOptions)
    .toResolvedValue(
      (rpc: RpcService, scheduler: Scheduler, clock: Clock, ids: IdGenerator, config: Configuration, logger: Logger): ResourceManagerOptions => ({
        rpc,
        scheduler,
        clock,
        ids,
        driver: resourceManagerDriverOf(cluster, config),
        taskManagerTimeoutMs: config.get(JobManagerOptions.TASK_MANAGER_TIMEOUT),
        startWorkerRetryIntervalMs: config.get(JobManagerOptions.START_WORKER_RETRY_INTERVAL),
        heartbeat: heartbeatSettingsOf(config),
        logger,
        standaloneStartupPeriodMs: config.get(JobManagerOptions.STANDALONE_STARTUP_TIME),
      }),
      [RpcService, Scheduler, Clock, IdGenerator, Configuration, Logger],
    )
    .inSingletonScope();
  cluster.bind(ResourceManager).toSelf().inSingletonScope();
  // The JobManager's own roles follow the ResourceManager's leader too (started by the process that elects it).
  cluster
    .bind(ResourceManagerLeader)
    .toResolvedValue((retrieval: JobManagerLeaderRetrieval) => new LeaderTracker('resource manager', retrieval('resource_manager')), [JobManagerLeaderRetrieval])
    .inSingletonScope();
  cluster
    .bind(BlobStore)
    .toResolvedValue(
      (configuration: Configuration, clock: Clock, scheduler: Scheduler) =>
        new BlobStore({
          directory: blobStoreDirectory(configuration),
          maxBytes: configuration.get(BlobOptions.MAX_BLOB_SIZE),
          cleanupIntervalMs: configuration.get(BlobOptions.CLEANUP_INTERVAL),
          clock,
          scheduler,
        }),
      [Configuration, Clock, Scheduler],
    )
    .inSingletonScope();
  cluster
    .bind(DispatcherOptions)
    .toResolvedValue(
      (rpc: RpcService, clock: Clock, scheduler: Scheduler, random: Random, ids: IdGenerator, configuration: Configuration,
        resourceManager: LeaderTracker, logger: Logger, blobStore: BlobStore): DispatcherOptions => ({
        rpc, clock, scheduler, random, ids, configuration, resourceManager, logger, container: cluster,
        // Resolved at the first submission: the cluster's one instance (a singleton binding).
        highAvailability: () => cluster.get<HighAvailabilityServices>(HighAvailabilityServices),
        blobStore,
      }),
      [RpcService, Clock, Scheduler, Random, IdGenerator, Configuration, ResourceManagerLeader, Logger, BlobStore],
    )
    .inSingletonScope();
  cluster.bind(Dispatcher).toSelf().inSingletonScope();
}

export interface TaskManagerParameters {
  /** Where the slots' `print()` output goes; the process's stdout and stderr when not given. */
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  /** Whether slot threads get their own data servers (TaskExecutorOptions.slotDataServers); default true. */
  readonly slotDataServers?: boolean;
}

/** A TaskManager: its TaskExecutor, named by taskmanager.resource-id, else `taskmanager-<8 hex digits from the IdGenerator>`. */
export function bindTaskManager(cluster: Container, params: TaskManagerParameters = {}): void {
  cluster
    .bind(TaskExecutorOptions)
    .toResolvedValue(
      (configuration: Configuration, rpc: RpcService, scheduler: Scheduler, ids: IdGenerator, retrieval: JobManagerLeaderRetrieval,
        pluginModules: readonly string[], logger: Logger, threadLogSink: ThreadLogSink): TaskExecutorOptions => ({
        resourceId: configuration.get(TaskManagerOptions.RESOURCE_ID) ?? `taskmanager-${ids.nextId().slice(0, 8)}`,
        configuration, rpc, scheduler, pluginModules, logger, threadLogSink,
        resourceManager: new LeaderTracker('resource manager', retrieval('resource_manager')),
        dispatcher: new LeaderTracker('dispatcher', retrieval('dispatcher')),
        blobSecret: configuration.get(RpcSecurityOptions.INTERNAL_SECRET),
        stdout: params.stdout,
        stderr: params.stderr,
        ...(params.slotDataServers === undefined ? {} : { slotDataServers: params.slotDataServers }),
      }),
      [Configuration, RpcService, Scheduler, IdGenerator, JobManagerLeaderRetrieval, PluginModules, Logger, ThreadLogSink],
    )
    .inSingletonScope();
  cluster.bind(TaskExecutor).toSelf().inSingletonScope();
}
