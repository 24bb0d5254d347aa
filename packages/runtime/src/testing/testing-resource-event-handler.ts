import type { ResourceEventHandler, WorkerNode } from '../spi/resource-manager-driver';

export interface WorkerTermination {
  readonly resourceId: string;
  readonly diagnostics: string;
}

/**
 * Records what a ResourceManagerDriver reports, and lets a test await an event instead of polling.
 * Builder-style overrides (`withOnWorkerTerminated`, ...) run after the event was recorded.
 */
export class TestingResourceEventHandler implements ResourceEventHandler {
  readonly recoveredWorkerBatches: WorkerNode[][] = [];
  readonly terminations: WorkerTermination[] = [];
  readonly errors: Error[] = [];
  private onRecovered: (workers: readonly WorkerNode[]) => void = () => undefined;
  private onTerminated: (resourceId: string, diagnostics: string) => void = () => undefined;
  private onErrorHook: (error: Error) => void = () => undefined;
  private readonly waiters: Array<{ resourceId: string; resolve: (t: WorkerTermination) => void }> = [];

  withOnPreviousAttemptWorkersRecovered(hook: (workers: readonly WorkerNode[]) => void): this {
    this.onRecovered = hook;
    return this;
  }

  withOnWorkerTerminated(hook: (resourceId: string, diagnostics: string) => void): this {
    this.onTerminated = hook;
    return this;
  }

  withOnError(hook: (error: Error) => void): this {
    this.onErrorHook = hook;
    return this;
  }

  onPreviousAttemptWorkersRecovered(workers: readonly WorkerNode[]): void {
    this.recoveredWorkerBatches.push([...workers]);
    this.onRecovered(workers);
  }

  onWorkerTerminated(resourceId: string, diagnostics: string): void {
    const termination = { resourceId, diagnostics };
    this.terminations.push(termination);
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i].resourceId === resourceId) this.waiters.splice(i, 1)[0].resolve(termination);
    }
    this.onTerminated(resourceId, diagnostics);
  }

  onError(error: Error): void {
    this.errors.push(error);
    this.onErrorHook(error);
  }

  /** Resolves with the worker's termination event, at once if it was already reported. */
  waitForTermination(resourceId: string): Promise<WorkerTermination> {
    const seen = this.terminations.find((t) => t.resourceId === resourceId);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ resourceId, resolve }));
  }
}
