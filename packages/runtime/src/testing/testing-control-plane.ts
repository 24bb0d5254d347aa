import { Configuration } from '@flott/core';
import { TaskManagerOptions } from '../config/options';
import { ResourceManager } from '../resourcemanager/resource-manager';
import { LeaderTracker } from '../leader/leader-tracker';

/** The leader session id the control plane's ResourceManager is granted (its fencing token). */
export const TESTING_RESOURCE_MANAGER_ID = 'testing-resource-manager-session';
import { LocalRpcService } from '../rpc/rpc-service';
import { ManualClock } from '../time/clock';
import { RandomIdGenerator } from '../time/ids';
import { SeededRandom } from '../time/random';
import { TestingResourceManagerDriver } from './testing-resource-manager-driver';
import { advanceSettling, settle } from './settle';
import { TestingTaskExecutorGateway } from './testing-task-executor-gateway';

export interface TestingControlPlaneOptions {
  /** rpc.ask-timeout (default 10 s). */
  readonly askTimeoutMs?: number;
  /** slot.request.timeout (default 60 s). */
  readonly slotRequestTimeoutMs?: number;
  /**
   * Whether the ResourceManager could start more TaskManagers (default false, as standalone): true gives
   * it a TestingResourceManagerDriver, whose workers never register unless the test plays them.
   */
  readonly canStartWorkers?: boolean;
  /** The clock's start (default 1000). */
  readonly startMillis?: number;
}

/**
 * The JobManager side of a cluster in one process, for control-plane tests: a ManualClock that is
 * also every component's scheduler, the in-process RpcService timed by it, the real
 * ResourceManager, and TestingTaskExecutorGateways registered at it. Time moves only through
 * `advance`; `settle` lets the RPC calls in flight complete.
 */
export class TestingControlPlane {
  readonly clock: ManualClock;
  readonly rpc: LocalRpcService;
  readonly resourceManager: ResourceManager;
  readonly askTimeoutMs: number;
  readonly slotRequestTimeoutMs: number;
  readonly driver: TestingResourceManagerDriver | undefined;
  private readonly started: Promise<void>;

  constructor(options: TestingControlPlaneOptions = {}) {
    this.askTimeoutMs = options.askTimeoutMs ?? 10_000;
    this.slotRequestTimeoutMs = options.slotRequestTimeoutMs ?? 60_000;
    this.clock = new ManualClock(options.startMillis ?? 1_000);
    this.rpc = new LocalRpcService(this.askTimeoutMs, this.clock);
    this.driver = options.canStartWorkers ? new TestingResourceManagerDriver() : undefined;
    this.resourceManager = new ResourceManager({
      rpc: this.rpc,
      scheduler: this.clock,
      ids: new RandomIdGenerator(new SeededRandom(1)),
      driver: this.driver && { driver: this.driver, workerSpec: { cpuCores: 1, memoryMb: 512, numberOfSlots: 1 } },
    });
    this.resourceManager.grantLeadership(TESTING_RESOURCE_MANAGER_ID);
    this.started = this.resourceManager.start();
  }

  /** The ResourceManager's leader, as JobMasters of this control plane follow it. */
  resourceManagerLeader(): LeaderTracker {
    return LeaderTracker.fixed('resource manager', this.resourceManager.address, TESTING_RESOURCE_MANAGER_ID);
  }

  /** A TaskExecutor with `numberOfSlots` slots, registered at the ResourceManager (waiting requests get its slots). */
  async addTaskExecutor(resourceId: string, numberOfSlots = 1, dataAddress?: string): Promise<TestingTaskExecutorGateway> {
    await this.started;
    const te = new TestingTaskExecutorGateway({ rpc: this.rpc, resourceId, numberOfSlots, ...(dataAddress ? { dataAddress } : {}) });
    await te.registerAt(this.resourceManager.address, TESTING_RESOURCE_MANAGER_ID);
    await settle();
    return te;
  }

  /**
   * Moves the clock on, firing the timers due on the way, in steps of at most a second after each of
   * which the work the timers started runs (so heartbeats are answered as they would be), then settles.
   */
  advance(ms: number): Promise<void> {
    return advanceSettling(this.clock, ms);
  }

  settle(): Promise<void> {
    return settle();
  }

  /** The job configuration a JobMaster of this control plane runs with: its slot.request.timeout. */
  jobConfiguration(): Configuration {
    return new Configuration().set(TaskManagerOptions.SLOT_REQUEST_TIMEOUT, this.slotRequestTimeoutMs);
  }

  async close(): Promise<void> {
    await this.started;
    await this.resourceManager.close();
    await this.rpc.close();
  }
}
