import type { Container } from 'inversify';
import { childContainer } from '../plugins/plugin-loader';
import type { Clock, Configuration } from '@flott/core';
import { LogOptions, TaskManagerOptions } from '../config/options';
import { Dispatcher } from '../dispatcher/dispatcher';
import { bindJobManagerRoles, bindTaskManager, createClusterContainer } from '../entrypoint/cluster-container';
import { createProcessLogging, SILENT_PROCESS_LOGGING, type ProcessLogging } from '../logging/process-logging';
import { ResourceManager } from '../resourcemanager/resource-manager';
import type { DispatcherGateway } from '../rpc/gateways';
import { RpcService, type LocalRpcService } from '../rpc/rpc-service';
import { checkImplementationChoices } from '../spi/implementation-check';
import { becomeLeader, type LeaderTracker } from '../leader/leader-tracker';
import { prestartCoordinatorThread } from '../jobmaster/coordinator-thread';
import { ResourceManagerLeader } from '../jobmaster/job-container';
import { HighAvailabilityServices, type LeaderElectionService } from '../spi/high-availability-services';
import { TaskExecutor } from '../taskexecutor/task-executor';
import type { Scheduler } from '../time/clock';
import type { IdGenerator } from '../time/ids';
import type { Random } from '../time/random';

export interface MiniClusterOptions {
  readonly configuration: Configuration;
  /** Root container with the plugin modules loaded (the distribution composes it). */
  readonly container: Container;
  /** The same plugins by package name, for the slot threads. */
  readonly pluginModules: readonly string[];
  readonly clock?: Clock;
  readonly scheduler?: Scheduler;
  /** The TaskManager's resource id; the process's own randomness when not given. */
  readonly ids?: IdGenerator;
  /** Randomness of per-job strategies (restart jitter); the process's own when not given. */
  readonly random?: Random;
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  /**
   * The process's logging, which the cluster's roles and slot threads write to (the caller closes it).
   * Without it the cluster creates its own from the configuration if that sets log.level or log.file,
   * and is silent otherwise: embedded in a test or an application, it does not write to a stderr
   * that is not its own unless asked to.
   */
  readonly logging?: ProcessLogging;
  /**
   * Start the slot threads and a coordinator thread with the cluster, not with the first job (both
   * load the runtime, ~0.2–0.5 s of CPU each): for a caller that submits a job right away (`flott run`).
   */
  readonly prestartThreads?: boolean;
}

/**
 * JobManager roles and one TaskManager in one process (DESIGN.md §4): the embedded default for
 * `flott run`. The roles talk only through their gateways over the in-process RPC transport. With
 * minicluster.number-of-taskmanagers above 1 it runs that many TaskManagers, each with its own resource
 * id, slots and data server, so the data a job exchanges between them goes over TCP on loopback.
 */
export class MiniCluster {
  private constructor(
    /** The cluster's container (entrypoint/cluster-container.ts); each job's container is its child. */
    readonly container: Container,
    readonly rpc: LocalRpcService,
    readonly ha: HighAvailabilityServices,
    readonly resourceManager: ResourceManager,
    readonly dispatcherEndpoint: Dispatcher,
    /** Every TaskManager's TaskExecutor, in start order. */
    readonly taskExecutors: readonly TaskExecutor[],
    readonly elections: LeaderElectionService[],
    private readonly ownLogging: ProcessLogging | undefined,
  ) {}

  static async start(opts: MiniClusterOptions): Promise<MiniCluster> {
    const config = opts.configuration;
    checkImplementationChoices(opts.container, config, 'local');
    const ownLogging = opts.logging === undefined && (config.contains(LogOptions.LEVEL) || config.contains(LogOptions.FILE))
      ? createProcessLogging(config, { processName: 'minicluster' })
      : undefined;
    try {
      return await MiniCluster.startWith(opts, opts.logging ?? ownLogging ?? SILENT_PROCESS_LOGGING, ownLogging);
    } catch (e) {
      await ownLogging?.close();
      throw e;
    }
  }

  private static async startWith(opts: MiniClusterOptions, logging: ProcessLogging, ownLogging: ProcessLogging | undefined): Promise<MiniCluster> {
    const container = createClusterContainer(opts.container, {
      configuration: opts.configuration,
      logging,
      pluginModules: opts.pluginModules,
      clock: opts.clock,
      scheduler: opts.scheduler,
      random: opts.random,
      ids: opts.ids,
    });
    bindJobManagerRoles(container);
    const ha = container.get<HighAvailabilityServices>(HighAvailabilityServices);
    const resourceManager = container.get(ResourceManager);
    const dispatcher = container.get(Dispatcher);
    await resourceManager.start();
    const elections = [ha.getLeaderElectionService('resource_manager'), ha.getLeaderElectionService('dispatcher')];
    await becomeLeader(elections[0], resourceManager);
    await becomeLeader(elections[1], dispatcher);
    await container.get<LeaderTracker>(ResourceManagerLeader).start();
    const taskExecutors: TaskExecutor[] = [];
    try {
      const numberOfTaskManagers = opts.configuration.get(TaskManagerOptions.MINI_CLUSTER_NUM_TASK_MANAGERS);
      for (let i = 0; i < numberOfTaskManagers; i++) {
        // One child container per TaskManager: its own TaskExecutor singleton on the cluster's shared services.
        const taskManager = childContainer(container);
        // An only TaskManager has no peers to serve: its slot threads start no servers.
        bindTaskManager(taskManager, { stdout: opts.stdout, stderr: opts.stderr, slotDataServers: numberOfTaskManagers > 1 });
        taskExecutors.push(taskManager.get(TaskExecutor));
        await taskExecutors[i].start();
      }
    } catch (e) {
      for (const te of taskExecutors) await te.close();
      throw e;
    }
    if (opts.prestartThreads) {
      for (const te of taskExecutors) te.prestartSlotThreads();
      prestartCoordinatorThread();
    }
    return new MiniCluster(container, container.get<LocalRpcService>(RpcService), ha, resourceManager, dispatcher, taskExecutors, elections, ownLogging);
  }

  /** The first TaskManager's TaskExecutor (the only one unless minicluster.number-of-taskmanagers says more). */
  get taskExecutor(): TaskExecutor {
    return this.taskExecutors[0];
  }

  /** The Dispatcher's gateway, as a client sees it. */
  get dispatcher(): DispatcherGateway {
    return this.rpc.connect<DispatcherGateway>(this.dispatcherEndpoint.address, { fencingToken: this.dispatcherEndpoint.fencingToken });
  }

  async close(): Promise<void> {
    await this.dispatcherEndpoint.cancelAll();
    for (const te of this.taskExecutors) await te.close();
    await this.resourceManager.close();
    await this.dispatcherEndpoint.close();
    await this.container.get<LeaderTracker>(ResourceManagerLeader).stop();
    for (const e of this.elections) await e.stop();
    await this.ha.close();
    await this.rpc.close();
    await this.ownLogging?.close();
  }
}
