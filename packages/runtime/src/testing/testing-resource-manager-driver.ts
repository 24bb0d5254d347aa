import { assert } from '@flott/core';
import type { ResourceEventHandler, ResourceManagerDriver, WorkerNode, WorkerResourceSpec } from '../spi/resource-manager-driver';

/**
 * A pretend platform (the stand-in for a Kubernetes cluster or a YARN queue): workers started on it
 * keep running across driver instances, as pods survive a JobManager failover.
 */
export class TestingResourcePlatform {
  readonly running = new Map<string, WorkerNode>();
  private nextId = 1;
  private listener: ((resourceId: string, diagnostics: string) => void) | undefined;

  start(spec: WorkerResourceSpec): WorkerNode {
    const worker = { resourceId: `testing-worker-${this.nextId++}`, spec };
    this.running.set(worker.resourceId, worker);
    return worker;
  }

  stop(resourceId: string): void {
    this.running.delete(resourceId);
  }

  /** The platform loses a worker; the attached driver hears of it. */
  kill(resourceId: string, diagnostics = 'killed by the test'): void {
    if (!this.running.delete(resourceId)) return;
    this.listener?.(resourceId, diagnostics);
  }

  watch(listener: ((resourceId: string, diagnostics: string) => void) | undefined): void {
    this.listener = listener;
  }
}

/**
 * In-memory ResourceManagerDriver for ResourceManager tests. `withRequestResource` replaces how a
 * request is served (e.g. to fail it or to keep it pending).
 */
export class TestingResourceManagerDriver implements ResourceManagerDriver {
  readonly requests: WorkerResourceSpec[] = [];
  readonly released: string[] = [];
  private handler: ResourceEventHandler | undefined;
  private terminated = false;
  private requestHook: ((spec: WorkerResourceSpec) => Promise<WorkerNode>) | undefined;

  constructor(readonly platform: TestingResourcePlatform = new TestingResourcePlatform()) {}

  withRequestResource(hook: (spec: WorkerResourceSpec) => Promise<WorkerNode>): this {
    this.requestHook = hook;
    return this;
  }

  async initialize(handler: ResourceEventHandler): Promise<void> {
    assert(this.handler === undefined, 'initialize called twice');
    this.handler = handler;
    handler.onPreviousAttemptWorkersRecovered([...this.platform.running.values()]);
    this.platform.watch((resourceId, diagnostics) => handler.onWorkerTerminated(resourceId, diagnostics));
  }

  async requestResource(spec: WorkerResourceSpec): Promise<WorkerNode> {
    this.checkRunning();
    this.requests.push(spec);
    return this.requestHook ? this.requestHook(spec) : this.platform.start(spec);
  }

  async releaseResource(worker: WorkerNode): Promise<void> {
    this.checkRunning();
    this.released.push(worker.resourceId);
    this.platform.stop(worker.resourceId);
  }

  async terminate(): Promise<void> {
    this.terminated = true;
    this.platform.watch(undefined);
  }

  private checkRunning(): void {
    assert(this.handler !== undefined, 'driver used before initialize');
    assert(!this.terminated, 'driver used after terminate');
  }
}
