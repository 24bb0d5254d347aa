import type { ResourceSpec } from '../deployment/resource-spec';
import type { Logger } from '../logging/logger';
import type { ResourceEventHandler, ResourceManagerDriver, WorkerNode, WorkerResourceSpec } from '../spi/resource-manager-driver';
import type { Scheduler } from '../time/clock';
import type { ResourceAllocator } from './slot-manager';

export interface WorkerTrackerCallbacks {
  readonly logger: Logger;
  readonly scheduler: Scheduler;
  /** resourcemanager.start-worker.retry-interval: how long after a failed start the worker's slots are asked for again. */
  readonly startRetryIntervalMs: number;
  /** A worker that had registered as a TaskManager stopped (its slots are lost). */
  readonly onWorkerTerminated: (resourceId: string, diagnostics: string) => void;
  /** A worker is being stopped because it was idle: it is no TaskManager any more. */
  readonly onWorkerReleased: (resourceId: string, cause: string) => void;
  /** A requested worker will not register: its `slots` are no longer expected (the SlotManager may ask again). */
  readonly onPendingWorkerLost: (slots: number) => void;
}

interface TrackedWorker {
  readonly node: WorkerNode;
  /** Asked for by the SlotManager (its slots are counted as pending until it registers); false for recovered ones. */
  readonly requested: boolean;
  registered: boolean;
}

/**
 * The ResourceManager's side of a ResourceManagerDriver (Flink's ActiveResourceManager): starts the
 * workers the SlotManager asks for, remembers which ones the driver started (recovered ones too) so
 * only those are released when idle, and turns the driver's events into TaskManager losses. A failed
 * start is asked for again only after the retry interval, so a platform that refuses every worker is
 * not asked in a tight loop.
 */
export class WorkerTracker implements ResourceAllocator {
  readonly canStartWorkers = true;
  private readonly workers = new Map<string, TrackedWorker>();
  private initialized = false;

  constructor(
    private readonly driver: ResourceManagerDriver,
    private readonly spec: WorkerResourceSpec,
    private readonly callbacks: WorkerTrackerCallbacks,
  ) {}

  get slotsPerWorker(): number {
    return this.spec.numberOfSlots;
  }

  get workerResources(): ResourceSpec {
    return { cpuCores: this.spec.cpuCores, taskHeapMemoryMB: this.spec.memoryMb };
  }

  async initialize(): Promise<void> {
    const handler: ResourceEventHandler = {
      onPreviousAttemptWorkersRecovered: (workers) => {
        for (const node of workers) this.workers.set(node.resourceId, { node, requested: false, registered: false });
        if (workers.length > 0) this.callbacks.logger.info({ workers: workers.map((w) => w.resourceId) }, `Recovered ${workers.length} worker(s) of a previous attempt.`);
      },
      onWorkerTerminated: (resourceId, diagnostics) => this.terminated(resourceId, diagnostics),
      onError: (error) => this.callbacks.logger.error({ err: error }, `The resource manager driver failed: ${error.message}`),
    };
    await this.driver.initialize(handler);
    this.initialized = true;
  }

  /** Workers the driver started and that have not stopped. */
  startedWorkers(): string[] {
    return [...this.workers.keys()];
  }

  /** A TaskManager registered; true when it is a worker this tracker started that had not registered before. */
  registered(resourceId: string): boolean {
    const w = this.workers.get(resourceId);
    if (!w || w.registered) return false;
    w.registered = true;
    return w.requested;
  }

  requestWorkers(count: number): void {
    for (let i = 0; i < count; i++) {
      if (!this.initialized) {
        this.retryLater(new Error('the driver is not initialised yet'));
        continue;
      }
      this.driver.requestResource(this.spec).then(
        (node) => {
          this.workers.set(node.resourceId, { node, requested: true, registered: false });
          this.callbacks.logger.info({ resourceId: node.resourceId }, `Started worker ${node.resourceId}; waiting for it to register.`);
        },
        (err: unknown) => this.retryLater(err),
      );
    }
  }

  releaseWorker(resourceId: string, cause: string): void {
    const w = this.workers.get(resourceId);
    if (!w) return;
    this.workers.delete(resourceId);
    this.callbacks.onWorkerReleased(resourceId, cause);
    this.driver.releaseResource(w.node).catch((err: unknown) => {
      this.callbacks.logger.warn({ err, resourceId }, `Could not release worker ${resourceId}.`);
    });
  }

  async terminate(): Promise<void> {
    if (!this.initialized) return;
    this.initialized = false;
    await this.driver.terminate();
  }

  private terminated(resourceId: string, diagnostics: string): void {
    const w = this.workers.get(resourceId);
    this.workers.delete(resourceId);
    if (w && !w.registered) {
      if (w.requested) this.callbacks.onPendingWorkerLost(w.node.spec.numberOfSlots);
    } else {
      this.callbacks.onWorkerTerminated(resourceId, diagnostics);
    }
  }

  private retryLater(err: unknown): void {
    const interval = this.callbacks.startRetryIntervalMs;
    this.callbacks.logger.warn({ err, retryInMs: interval }, `Could not start a worker; asking again in ${interval} ms (resourcemanager.start-worker.retry-interval).`);
    this.callbacks.scheduler.schedule(interval, () => this.callbacks.onPendingWorkerLost(this.spec.numberOfSlots));
  }
}
