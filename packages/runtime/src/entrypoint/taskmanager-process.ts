import type { Container } from 'inversify';
import { Clock, FlottError, type Configuration } from '@flott/core';
import { HighAvailabilityOptions, JobManagerOptions, TaskManagerOptions } from '../config/options';
import type { ProcessLogging } from '../logging/process-logging';
import type { ResourceManagerGateway } from '../rpc/gateways';
import { startTcpRpcService } from '../rpc/tcp-rpc-configuration';
import { formatTcpPeer, type TcpRpcService } from '../rpc/tcp-transport';
import { TaskExecutor } from '../taskexecutor/task-executor';
import { Scheduler } from '../time/clock';
import { LeaderTracker, leaderGateway, StaticLeaderRetrievalService } from '../leader/leader-tracker';
import { bindTaskManager, createClusterContainer, JobManagerLeaderRetrieval, type JobManagerComponent } from './cluster-container';

export interface TaskManagerProcessOptions {
  readonly configuration: Configuration;
  /** The distribution's plugin container. */
  readonly container: Container;
  readonly pluginModules: readonly string[];
  readonly logging: ProcessLogging;
}

export class TaskManagerRegistrationTimeoutError extends FlottError {
  constructor(address: string, timeoutMs: number, cause: unknown) {
    super(
      'TASK_MANAGER_REGISTRATION_TIMEOUT',
      `The TaskManager could not reach the ResourceManager at ${address} within ${timeoutMs} ms (taskmanager.registration.timeout): ${cause instanceof Error ? cause.message : String(cause)}`,
      { address, timeoutMs },
      { cause },
    );
  }
}

/**
 * First wait between attempts to reach the ResourceManager; doubles up to the maximum. Short: a
 * TaskManager started beside its JobManager is usually up first, and each wait it is still in when
 * the JobManager comes up delays the cluster's start (an attempt is one connect, cheap to repeat).
 */
const REGISTRATION_BACKOFF_INITIAL_MS = 25;
const REGISTRATION_BACKOFF_MAX_MS = 100;

/**
 * A TaskManager process (Flink's TaskManagerRunner): its TaskExecutor behind a TCP RPC endpoint on
 * taskmanager.bind-host : taskmanager.rpc.port (advertised as taskmanager.host), with its slot
 * threads and data server, registered at the ResourceManager of the JobManager at
 * jobmanager.rpc.address : jobmanager.rpc.port. A JobManager that is not up yet is waited for, with
 * growing pauses, for at most taskmanager.registration.timeout.
 */
export class TaskManagerProcess {
  /**
   * Resolves with the reason when the JobManager shuts the cluster down (an application cluster whose
   * job ended): the process should close (without deregistering: the ResourceManager is gone) and exit.
   */
  readonly clusterShutdown: Promise<string>;

  private constructor(
    readonly rpc: TcpRpcService,
    readonly taskExecutor: TaskExecutor,
    private readonly logging: ProcessLogging,
  ) {
    this.clusterShutdown = new Promise((resolve) => taskExecutor.onClusterShutdown(resolve));
  }

  static async start(opts: TaskManagerProcessOptions): Promise<TaskManagerProcess> {
    const config = opts.configuration;
    const log = opts.logging.logger;
    const rpc = await startTcpRpcService(config, {
      bindHost: config.get(TaskManagerOptions.BIND_HOST),
      port: config.get(TaskManagerOptions.RPC_PORT),
      advertisedHost: config.get(TaskManagerOptions.HOST),
      logger: log,
    });
    try {
      const container = createClusterContainer(opts.container, { configuration: config, logging: opts.logging, pluginModules: opts.pluginModules, rpc });
      const jobManager = formatTcpPeer(config.get(JobManagerOptions.RPC_ADDRESS), config.get(JobManagerOptions.RPC_PORT));
      if (config.get(HighAvailabilityOptions.TYPE) === 'none') {
        // Flink's StandaloneHaServices: the JobManager at the configured address, with the standalone session id.
        const names: Record<JobManagerComponent, string> = { resource_manager: 'resourcemanager', dispatcher: 'dispatcher' };
        container.rebindSync(JobManagerLeaderRetrieval).toConstantValue((component: JobManagerComponent) => new StaticLeaderRetrievalService(`${jobManager}/${names[component]}`));
      }
      bindTaskManager(container);
      // Built while the JobManager may still be starting: only the registration has to wait for it.
      const taskExecutor = container.get(TaskExecutor);
      const leader = new LeaderTracker('resource manager', container.get<JobManagerLeaderRetrieval>(JobManagerLeaderRetrieval)('resource_manager'));
      await leader.start();
      try {
        await waitForResourceManager(leaderGateway<ResourceManagerGateway>(rpc, leader), jobManager, config, container.get<Clock>(Clock), container.get<Scheduler>(Scheduler));
      } finally {
        await leader.stop();
      }
      await taskExecutor.start();
      log.info({ rpc: taskExecutor.address, data: taskExecutor.dataAddress }, `TaskManager ${taskExecutor.resourceId} registered at ${jobManager}.`);
      return new TaskManagerProcess(rpc, taskExecutor, opts.logging);
    } catch (e) {
      await rpc.close();
      throw e;
    }
  }

  /**
   * Deregisters from the ResourceManager (its slots go at once, not after a heartbeat timeout) and
   * stops; `deregister: false` after the cluster shut down (there is no ResourceManager to tell).
   */
  async close(reason = 'TaskManager shut down', { deregister = true }: { deregister?: boolean } = {}): Promise<void> {
    if (deregister) await this.taskExecutor.disconnectFromResourceManager(reason);
    await this.taskExecutor.close();
    await this.rpc.close();
    this.logging.logger.info({}, 'TaskManager stopped.');
  }
}

/** Asks the ResourceManager for its overview until it answers, with doubling pauses, bounded by taskmanager.registration.timeout. */
async function waitForResourceManager(rm: ResourceManagerGateway, address: string, config: Configuration, clock: Clock, scheduler: Scheduler): Promise<void> {
  const timeoutMs = config.get(TaskManagerOptions.REGISTRATION_TIMEOUT);
  const deadline = clock.currentTimeMillis() + timeoutMs;
  let pause = REGISTRATION_BACKOFF_INITIAL_MS;
  for (;;) {
    try {
      await rm.getOverview();
      return;
    } catch (e) {
      if (clock.currentTimeMillis() + pause > deadline) throw new TaskManagerRegistrationTimeoutError(address, timeoutMs, e);
      await new Promise<void>((resolve) => scheduler.schedule(pause, resolve));
      pause = Math.min(pause * 2, REGISTRATION_BACKOFF_MAX_MS);
    }
  }
}
