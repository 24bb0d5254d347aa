import type { Container } from 'inversify';
import type { Clock, Configuration } from '@flott/core';
import { LogOptions, RpcOptions, TaskManagerOptions } from '../config/options';
import { Dispatcher } from '../dispatcher/dispatcher';
import { createProcessLogging, SILENT_PROCESS_LOGGING, type ProcessLogging } from '../logging/process-logging';
import { ResourceManager } from '../resourcemanager/resource-manager';
import type { DispatcherGateway } from '../rpc/gateways';
import { LocalRpcService } from '../rpc/rpc-service';
import { checkImplementationChoices } from '../spi/implementation-check';
import { loadHighAvailabilityServicesFactory } from '../spi/loaders';
import type { HighAvailabilityServices, LeaderElectionService } from '../spi/high-availability-services';
import { TaskExecutor } from '../taskexecutor/task-executor';
import { SystemClock, SystemScheduler, type Scheduler } from '../time/clock';
import { SystemIdGenerator, type IdGenerator } from '../time/ids';

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
  readonly stdout?: (text: string) => void;
  readonly stderr?: (text: string) => void;
  /**
   * The process's logging, which the cluster's roles and slot threads write to (the caller closes it).
   * Without it the cluster creates its own from the configuration if that sets log.level or log.file,
   * and is silent otherwise: embedded in a test or an application, it does not write to a stderr
   * that is not its own unless asked to.
   */
  readonly logging?: ProcessLogging;
}

/** Waits until the HA service makes `address` the leader of `component` and confirms it. */
async function becomeLeader(election: LeaderElectionService, address: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    void election.start({
      grantLeadership: (sessionId) => void election.confirmLeadership(sessionId, address).then(resolve, reject),
      revokeLeadership: () => undefined,
      handleError: reject,
    });
  });
}

/**
 * JobManager roles and one TaskManager in one process (DESIGN.md §4): the embedded default for
 * `flott run`. The roles talk only through their gateways over the in-process RPC transport.
 */
export class MiniCluster {
  private constructor(
    readonly rpc: LocalRpcService,
    readonly ha: HighAvailabilityServices,
    readonly resourceManager: ResourceManager,
    readonly dispatcherEndpoint: Dispatcher,
    readonly taskExecutor: TaskExecutor,
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
    const config = opts.configuration;
    const logger = logging.logger;
    const clock = opts.clock ?? new SystemClock();
    const scheduler = opts.scheduler ?? new SystemScheduler();
    const rpc = new LocalRpcService(config.get(RpcOptions.ASK_TIMEOUT), scheduler);
    const ha = loadHighAvailabilityServicesFactory(opts.container, config).create(config);
    const resourceManager = new ResourceManager({
      rpc,
      scheduler,
      slotRequestTimeoutMs: config.get(TaskManagerOptions.SLOT_REQUEST_TIMEOUT),
      canStartWorkers: false,
      logger,
    });
    const dispatcher = new Dispatcher({ rpc, clock, scheduler, configuration: config, resourceManagerAddress: resourceManager.address, container: opts.container, logger });
    const elections = [ha.getLeaderElectionService('resource_manager'), ha.getLeaderElectionService('dispatcher')];
    await becomeLeader(elections[0], resourceManager.address);
    await becomeLeader(elections[1], dispatcher.address);
    const taskExecutor = new TaskExecutor({
      resourceId: `taskmanager-${(opts.ids ?? new SystemIdGenerator()).nextId().slice(0, 8)}`,
      configuration: config,
      rpc,
      scheduler,
      resourceManagerAddress: resourceManager.address,
      dispatcherAddress: dispatcher.address,
      pluginModules: opts.pluginModules,
      stdout: opts.stdout,
      stderr: opts.stderr,
      logger,
      threadLogSink: logging.threadSink,
    });
    await taskExecutor.start();
    return new MiniCluster(rpc, ha, resourceManager, dispatcher, taskExecutor, elections, ownLogging);
  }

  /** The Dispatcher's gateway, as a client sees it. */
  get dispatcher(): DispatcherGateway {
    return this.rpc.connect<DispatcherGateway>(this.dispatcherEndpoint.address);
  }

  async close(): Promise<void> {
    await this.dispatcherEndpoint.cancelAll();
    await this.taskExecutor.close();
    await this.resourceManager.close();
    await this.dispatcherEndpoint.close();
    for (const e of this.elections) await e.stop();
    await this.ha.close();
    await this.rpc.close();
    await this.ownLogging?.close();
  }
}
