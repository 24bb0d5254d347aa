import type { Configuration } from '@flott/core';

/** Resources of one TaskManager worker to start (Flink's TaskExecutorProcessSpec, simplified). */
export interface WorkerResourceSpec {
  readonly cpuCores: number;
  readonly memoryMb: number;
  readonly numberOfSlots: number;
}

/** A worker the driver started (a pod, a YARN container, a local process). */
export interface WorkerNode {
  readonly resourceId: string;
  readonly spec: WorkerResourceSpec;
}

/**
 * Events a driver reports back to the ResourceManager. Contract: called on the ResourceManager's
 * event loop (drivers must not call it re-entrantly from `requestResource`).
 */
export interface ResourceEventHandler {
  /** Workers found running at start (recovered from a previous attempt). */
  onPreviousAttemptWorkersRecovered(workers: readonly WorkerNode[]): void;
  /** A worker stopped or failed; the RM releases its slots and may request a replacement. */
  onWorkerTerminated(resourceId: string, diagnostics: string): void;
  /** An unrecoverable driver error; the RM fails over. */
  onError(error: Error): void;
}

/**
 * Talks to the platform that runs TaskManagers (Kubernetes, YARN, local processes). The RM calls
 * down; the platform's answers come back through the ResourceEventHandler.
 * Contract: `initialize` once before anything else, reporting `onPreviousAttemptWorkersRecovered`
 * exactly once (possibly with none) before it resolves; `requestResource` resolves when the worker has
 * been started (not when it registered); `releaseResource` stops it; `terminate` on RM shutdown.
 */
export interface ResourceManagerDriver {
  initialize(handler: ResourceEventHandler): Promise<void>;
  requestResource(spec: WorkerResourceSpec): Promise<WorkerNode>;
  releaseResource(worker: WorkerNode): Promise<void>;
  terminate(): Promise<void>;
}

export interface ResourceManagerDriverFactory {
  /** Config name (`resourcemanager.type`). */
  readonly name: string;
  create(config: Configuration): ResourceManagerDriver;
}
export const ResourceManagerDriverFactory = Symbol.for('flott.ResourceManagerDriverFactory');
