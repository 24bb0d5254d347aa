import { ResourceManager } from '../resourcemanager/resource-manager';
import { LocalRpcService } from '../rpc/rpc-service';
import { ManualClock } from '../time/clock';
import { settle } from './settle';
import { TestingTaskExecutorGateway } from './testing-task-executor-gateway';

export interface TestingControlPlaneOptions {
  /** rpc.ask-timeout (default 10 s). */
  readonly askTimeoutMs?: number;
  /** slot.request.timeout (default 60 s). */
  readonly slotRequestTimeoutMs?: number;
  /** Whether the ResourceManager could start more TaskManagers (default false, as standalone). */
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

  constructor(options: TestingControlPlaneOptions = {}) {
    this.askTimeoutMs = options.askTimeoutMs ?? 10_000;
    this.slotRequestTimeoutMs = options.slotRequestTimeoutMs ?? 60_000;
    this.clock = new ManualClock(options.startMillis ?? 1_000);
    this.rpc = new LocalRpcService(this.askTimeoutMs, this.clock);
    this.resourceManager = new ResourceManager({
      rpc: this.rpc,
      scheduler: this.clock,
      slotRequestTimeoutMs: this.slotRequestTimeoutMs,
      canStartWorkers: options.canStartWorkers ?? false,
    });
  }

  /** A TaskExecutor with `numberOfSlots` slots, registered at the ResourceManager (waiting requests get its slots). */
  async addTaskExecutor(resourceId: string, numberOfSlots = 1, dataAddress?: string): Promise<TestingTaskExecutorGateway> {
    const te = new TestingTaskExecutorGateway({ rpc: this.rpc, resourceId, numberOfSlots, ...(dataAddress ? { dataAddress } : {}) });
    await te.registerAt(this.resourceManager.address);
    await settle();
    return te;
  }

  /** Moves the clock on, firing the timers due on the way, then lets the work they started run. */
  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    await settle();
  }

  settle(): Promise<void> {
    return settle();
  }

  async close(): Promise<void> {
    await this.resourceManager.close();
    await this.rpc.close();
  }
}
