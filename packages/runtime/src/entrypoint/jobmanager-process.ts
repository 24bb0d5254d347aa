import type { Container } from 'inversify';
import type { Configuration } from '@flott/core';
import { BlobServer } from '../blob/blob-server';
import { BlobStore } from '../blob/blob-store';
import { BlobOptions, JobManagerOptions } from '../config/options';
import { Dispatcher } from '../dispatcher/dispatcher';
import type { ProcessLogging } from '../logging/process-logging';
import { ResourceManager } from '../resourcemanager/resource-manager';
import { startTcpRpcService } from '../rpc/tcp-rpc-configuration';
import { internalSecurityOf } from '../security/internal-security';
import type { TcpRpcService } from '../rpc/tcp-transport';
import { checkImplementationChoices } from '../spi/implementation-check';
import { HighAvailabilityServices, type LeaderElectionService } from '../spi/high-availability-services';
import type { TaskExecutorGateway, TaskManagerInfo } from '../rpc/gateways';
import { bindJobManagerRoles, createClusterContainer } from './cluster-container';
import { becomeLeader, type LeaderTracker } from '../leader/leader-tracker';
import { ResourceManagerLeader } from '../jobmaster/job-container';


export interface JobManagerCloseOptions {
  /**
   * The cluster ends for good (an application cluster whose job ended): the registered TaskManagers
   * are told so with this reason and exit, besides the workers the driver started, which it stops.
   */
  readonly shutDownTaskManagers?: string;
}

export interface JobManagerProcessOptions {
  readonly configuration: Configuration;
  /** The distribution's plugin container. */
  readonly container: Container;
  readonly pluginModules: readonly string[];
  readonly logging: ProcessLogging;
}

/**
 * A JobManager process (Flink's StandaloneSessionClusterEntrypoint): the Dispatcher, the
 * ResourceManager and the JobMasters of its jobs behind a TCP RPC endpoint on jobmanager.bind-host :
 * jobmanager.rpc.port (advertised as jobmanager.rpc.address), and the blob server TaskManagers fetch
 * job bundles from. TaskManagers register with it from any host.
 */
export class JobManagerProcess {
  private constructor(
    readonly container: Container,
    readonly rpc: TcpRpcService,
    readonly resourceManager: ResourceManager,
    readonly dispatcher: Dispatcher,
    readonly blobServer: BlobServer,
    private readonly ha: HighAvailabilityServices,
    private readonly elections: LeaderElectionService[],
    private readonly logging: ProcessLogging,
  ) {}

  static async start(opts: JobManagerProcessOptions): Promise<JobManagerProcess> {
    const config = opts.configuration;
    checkImplementationChoices(opts.container, config, 'cluster');
    const log = opts.logging.logger;
    const bindHost = config.get(JobManagerOptions.BIND_HOST);
    const rpc = await startTcpRpcService(config, {
      bindHost,
      port: config.get(JobManagerOptions.RPC_PORT),
      advertisedHost: config.get(JobManagerOptions.RPC_ADDRESS),
      logger: log,
    });
    // Port 0 picked one: the configuration says which, for what is made from it (TaskManagers a driver starts).
    config.set(JobManagerOptions.RPC_PORT, rpc.port);
    try {
      const container = createClusterContainer(opts.container, { configuration: config, logging: opts.logging, pluginModules: opts.pluginModules, rpc });
      bindJobManagerRoles(container);
      const ha = container.get<HighAvailabilityServices>(HighAvailabilityServices);
      const resourceManager = container.get(ResourceManager);
      const dispatcher = container.get(Dispatcher);
      const blobServer = new BlobServer({
        store: container.get(BlobStore),
        host: bindHost,
        advertisedHost: config.get(JobManagerOptions.RPC_ADDRESS),
        port: config.get(BlobOptions.SERVER_PORT),
        ...(await internalSecurityOf(config)),
        maxConnections: config.get(BlobOptions.FETCH_NUM_CONCURRENT),
        requestTimeoutMs: config.get(BlobOptions.CLIENT_SOCKET_TIMEOUT),
        logger: log,
      });
      dispatcher.setBlobServerAddress(await blobServer.start());
      await resourceManager.start();
      const elections = [ha.getLeaderElectionService('resource_manager'), ha.getLeaderElectionService('dispatcher')];
      await becomeLeader(elections[0], resourceManager);
      await becomeLeader(elections[1], dispatcher);
      await container.get<LeaderTracker>(ResourceManagerLeader).start();
      log.info({ rpc: rpc.baseAddress, blobServer: blobServer.address }, `JobManager started: RPC at ${rpc.baseAddress}, blob server at ${blobServer.address}.`);
      return new JobManagerProcess(container, rpc, resourceManager, dispatcher, blobServer, ha, elections, opts.logging);
    } catch (e) {
      await rpc.close();
      throw e;
    }
  }

  /** `flott.tcp://host:port`: what TaskManagers and clients connect to. */
  get rpcAddress(): string {
    return this.rpc.baseAddress;
  }

  /**
   * Stops the JobManager. `mode` says what happens to jobs still running: `cancel` them (and wait until
   * they are canceled), or `wait` for them to end by themselves, at most `timeoutMs` (then cancel).
   */
  async close(mode: 'cancel' | 'wait' = 'cancel', timeoutMs = 30_000, opts: JobManagerCloseOptions = {}): Promise<void> {
    const log = this.logging.logger;
    if (mode === 'wait') await this.dispatcher.awaitJobsEnded(timeoutMs);
    await this.dispatcher.cancelAll(timeoutMs);
    await this.dispatcher.close();
    const taskManagers = opts.shutDownTaskManagers !== undefined ? await this.resourceManager.requestTaskManagerInfo() : [];
    // Stops the workers its driver started (local-processes: SIGTERM, they exit).
    await this.resourceManager.close();
    if (opts.shutDownTaskManagers !== undefined) await this.shutDownTaskManagers(taskManagers, opts.shutDownTaskManagers);
    await this.container.get<LeaderTracker>(ResourceManagerLeader).stop();
    for (const e of this.elections) await e.stop();
    await this.ha.close();
    await this.blobServer.close();
    await this.rpc.close();
    log.info({}, 'JobManager stopped.');
  }

  /**
   * Tells the TaskManagers that were registered that the cluster is gone, so that standalone ones
   * (started by hand or by a script, which would otherwise try to register again until
   * taskmanager.registration.timeout) exit. Best effort, each bounded by rpc.ask-timeout: a worker the
   * driver already stopped does not answer.
   */
  private async shutDownTaskManagers(taskManagers: readonly TaskManagerInfo[], reason: string): Promise<void> {
    const log = this.logging.logger;
    await Promise.all(
      taskManagers.map((tm) =>
        this.rpc
          .connect<TaskExecutorGateway>(tm.address)
          .notifyClusterShutdown(reason)
          .then(
            () => log.info({ resourceId: tm.resourceId }, `Told TaskManager ${tm.resourceId} that the cluster shuts down.`),
            (err: unknown) => log.debug({ err, resourceId: tm.resourceId }, `TaskManager ${tm.resourceId} did not hear that the cluster shuts down (already gone?).`),
          ),
      ),
    );
  }
}
