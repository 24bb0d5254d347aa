import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Configuration } from '@flott/core';
import { BlobOptions, CoreOptions, HeartbeatOptions, NetworkOptions, TaskManagerOptions } from '../../config/options';
import { LeaderTracker } from '../../leader/leader-tracker';
import { ResourceManager } from '../../resourcemanager/resource-manager';
import type { TransportRpcService } from '../../rpc/transport-rpc-service';
import { TaskExecutor } from '../../taskexecutor/task-executor';
import type { ManualClock } from '../../time/clock';
import { RandomIdGenerator } from '../../time/ids';
import { SeededRandom } from '../../time/random';
import { settle } from '../settle';
import { TESTING_BUNDLE } from '../testing-job-submission';
import { HostScheduler } from './host-scheduler';
import type { SimulatedCheckpointStorage } from './simulated-checkpoint-storage';
import { SimulatedDataPlane, SimulatedSinkStore } from './simulated-data-plane';
import type { SimulatedNetwork } from './simulated-network';
import { simulatedSlotFactory } from './simulated-task-slot';
import type { SimulationLedger } from './simulation-ledger';
import type { SimulationScenario } from './simulation-scenario';
import type { SimulationTrace } from './simulation-trace';

/** The JobManager's host on the simulated network. */
export const JOB_MANAGER_HOST = 'jobmanager';
const RESOURCE_MANAGER_SESSION = 'simulated-resource-manager-session';
/** Real event-loop turns a TaskExecutor's start may take for its (real, unused) data server to listen. */
const MAX_START_TURNS = 10_000;

interface SimulatedTaskManager {
  readonly host: string;
  readonly scheduler: HostScheduler;
  readonly rpc: TransportRpcService;
  readonly taskExecutor: TaskExecutor;
}

/** What the cluster's parts share. */
export interface SimulatedClusterContext {
  readonly scenario: SimulationScenario;
  readonly clock: ManualClock;
  readonly network: SimulatedNetwork;
  readonly storage: SimulatedCheckpointStorage;
  readonly ledger: SimulationLedger;
  readonly trace: SimulationTrace;
}

/**
 * The cluster of a simulated run: the real ResourceManager on the JobManager's host (with a
 * Dispatcher stand-in that serves the job's bundle), and real TaskExecutors, each on a host of its
 * own with its own timers, whose slots are simulated. TaskManagers die (`kill`) and new ones start
 * (`requestTaskManager`, started between steps by `startRequested`).
 */
export class SimulatedCluster {
  readonly jobManagerRpc: TransportRpcService;
  readonly resourceManager: ResourceManager;
  readonly dataPlane = new SimulatedDataPlane();
  readonly sinkStore = new SimulatedSinkStore();
  private readonly taskManagers = new Map<string, SimulatedTaskManager>();
  private readonly requested: string[] = [];
  private readonly directory = mkdtempSync(join(tmpdir(), 'flott-sim-'));
  private dispatcherAddress: string;
  private started = 0;

  constructor(private readonly ctx: SimulatedClusterContext) {
    const { scenario, clock, network } = ctx;
    this.jobManagerRpc = network.rpcService(JOB_MANAGER_HOST, scenario.askTimeoutMs, clock);
    this.resourceManager = new ResourceManager({
      rpc: this.jobManagerRpc,
      scheduler: clock,
      clock,
      ids: new RandomIdGenerator(new SeededRandom(scenario.seed ^ 0x27d4eb2d)),
      heartbeat: { intervalMs: scenario.heartbeatIntervalMs, timeoutMs: scenario.heartbeatTimeoutMs, rpcFailureThreshold: 2 },
      // As an application cluster: the job waits for the TaskManagers starting beside it. Long enough for
      // a TaskManager whose registration fails within the fault window to exit and be replaced: a cluster
      // still short of slots after it fails the job at once by design (NOT_ENOUGH_SLOTS), not a finding.
      standaloneStartupPeriodMs: scenario.faultWindowMs + scenario.replacementDelayMs + 2 * scenario.askTimeoutMs,
    });
    this.resourceManager.grantLeadership(RESOURCE_MANAGER_SESSION);
    this.dispatcherAddress = this.jobManagerRpc.register('dispatcher', {
      getBlob: async () => TESTING_BUNDLE,
      getBlobServerAddress: async () => undefined,
    });
  }

  resourceManagerLeader(): LeaderTracker {
    return LeaderTracker.fixed('resource manager', this.resourceManager.address, RESOURCE_MANAGER_SESSION);
  }

  async start(): Promise<void> {
    await this.resourceManager.start();
    for (let i = 0; i < this.ctx.scenario.taskManagers; i++) this.requestTaskManager();
    await this.startRequested();
  }

  /** The TaskExecutors alive now. */
  liveTaskExecutors(): TaskExecutor[] {
    return [...this.taskManagers.values()].map((tm) => tm.taskExecutor);
  }

  liveHosts(): string[] {
    return [...this.taskManagers.keys()];
  }

  /** A new TaskManager starts before the next step. */
  requestTaskManager(): void {
    this.requested.push(`tm-${++this.started}`);
  }

  /**
   * Starts the TaskManagers asked for. Its data server's socket is real (and unused): its start runs
   * to completion on real event-loop turns while simulated time stands still, so it cannot race with
   * simulated events; the registration then goes over the simulated network.
   */
  async startRequested(): Promise<void> {
    for (let host = this.requested.shift(); host !== undefined; host = this.requested.shift()) {
      const tm = this.createTaskManager(host);
      this.taskManagers.set(host, tm);
      this.ctx.trace.record(`tm start ${host}`);
      // A TaskManager process whose registration fails exits (taskmanager-process.ts); its supervisor starts another.
      tm.taskExecutor.start().catch((e: unknown) => {
        if (!tm.scheduler.alive) return;
        this.ctx.trace.record(`tm ${host} did not start, exits: ${(e as Error).message}`);
        this.kill(host);
        this.ctx.clock.schedule(this.ctx.scenario.replacementDelayMs, () => this.requestTaskManager());
      });
      for (let turns = 0; tm.taskExecutor.dataAddress === undefined; turns++) {
        if (turns > MAX_START_TURNS) throw new Error(`Assertion failed: TaskManager ${host}'s data server did not start`);
        await settle();
      }
    }
  }

  /** The TaskManager process dies: its timers stop, the network drops it, its partitions and tasks are gone. */
  kill(host: string): void {
    const tm = this.taskManagers.get(host);
    if (!tm) return;
    this.taskManagers.delete(host);
    tm.scheduler.kill();
    this.ctx.network.kill(host);
    this.dataPlane.failHost(host);
    this.ctx.ledger.hostDied(host);
    // Frees its real resources (the data server's socket, its directories); nothing of it reaches the simulated network any more.
    void tm.taskExecutor.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    for (const host of [...this.taskManagers.keys()]) this.kill(host);
    await this.resourceManager.close().catch(() => undefined);
    await this.jobManagerRpc.close();
    rmSync(this.directory, { recursive: true, force: true });
  }

  private createTaskManager(host: string): SimulatedTaskManager {
    const { scenario, clock, network, storage, ledger, trace } = this.ctx;
    const scheduler = new HostScheduler(clock);
    const rpc = network.rpcService(host, scenario.askTimeoutMs, scheduler);
    const configuration = new Configuration()
      .set(TaskManagerOptions.NUM_TASK_SLOTS, scenario.slotsPerTaskManager)
      .set(TaskManagerOptions.BIND_HOST, '127.0.0.1')
      .set(BlobOptions.STORAGE_DIRECTORY, join(this.directory, host))
      .set(CoreOptions.TMP_DIRS, [this.directory])
      .set(HeartbeatOptions.INTERVAL, scenario.heartbeatIntervalMs)
      .set(HeartbeatOptions.TIMEOUT, scenario.heartbeatTimeoutMs)
      .set(NetworkOptions.PARTITION_REQUEST_TIMEOUT, scenario.workload.partitionRequestTimeoutMs);
    const taskExecutor = new TaskExecutor({
      resourceId: host,
      configuration,
      rpc,
      scheduler,
      resourceManager: this.resourceManagerLeader(),
      dispatcher: LeaderTracker.fixed('dispatcher', this.dispatcherAddress),
      pluginModules: [],
      slotFactory: simulatedSlotFactory({ host, scheduler, clock, storage, dataPlane: this.dataPlane, sinkStore: this.sinkStore, ledger, trace, workload: scenario.workload }),
    });
    return { host, scheduler, rpc, taskExecutor };
  }
}
