import type { Configuration } from '@flott/core';
import type { JobStatus } from '../execution/execution-state';
import type { StreamGraph } from '../graph/stream-graph';
import type { JobGraph } from '../deployment/job-graph';

/** What `execute()` returns (Flink's JobExecutionResult). */
export interface JobExecutionResult {
  readonly jobId: string;
  readonly jobName: string;
  /** Milliseconds between the job switching to RUNNING and reaching FINISHED. */
  readonly netRuntimeMs: number;
  readonly accumulators: Readonly<Record<string, unknown>>;
}

export interface ExecuteOptions {
  /** Collect sinks in the graph (by their id) whose records the client wants back. */
  readonly collectSinkIds?: readonly string[];
  /** Stop (cancel) the job once this many records were collected in total. */
  readonly collectLimit?: number;
}

export interface CollectingJobExecutionResult extends JobExecutionResult {
  /** Collected records per collect sink id, in the order each sink's subtasks delivered them. */
  readonly collected: ReadonlyMap<string, unknown[]>;
}

/**
 * A submitted job, as the program that submitted it sees it (Flink's JobClient): what
 * `env.executeAsync()` returns. Each call asks the cluster; none waits for the job except
 * `getJobExecutionResult`.
 */
export interface JobClient {
  getJobID(): string;
  /** The job's status now (RUNNING, FINISHED, CANCELED...). */
  getJobStatus(): Promise<JobStatus>;
  /** Asks the cluster to cancel the job; resolves once the request was accepted, not when the job is CANCELED. */
  cancel(): Promise<void>;
  /**
   * Resolves with the result once the job FINISHED; rejects with a JobExecutionError when it failed
   * or was canceled. The same promise for every call.
   */
  getJobExecutionResult(): Promise<JobExecutionResult>;
  /**
   * Takes a savepoint into `savepointDirectory` (execution.checkpointing.savepoint-dir when not given)
   * and resolves with its path, from which `flott run -s <path>` starts the job again.
   */
  triggerSavepoint(savepointDirectory?: string): Promise<string>;
  /**
   * Stops the job with a synchronous savepoint (Flink's stop-with-savepoint): nothing is emitted after
   * it, sinks commit up to it, the job ends FINISHED; resolves with the savepoint's path.
   * `advanceToEndOfEventTime` (Flink's --drain) first fires every event-time timer (MAX_WATERMARK) and
   * finishes every operator. A savepoint that fails leaves the job running and rejects.
   */
  stopWithSavepoint(advanceToEndOfEventTime: boolean, savepointDirectory?: string): Promise<string>;
}

/** The JobClient an ExecutionContext hands the API: its result carries what collect sinks delivered. */
export interface CollectingJobClient extends JobClient {
  getJobExecutionResult(): Promise<CollectingJobExecutionResult>;
}

/**
 * How the job's main runs (DESIGN.md §5):
 * - `client`: `executeAsync()` submits the graph to a cluster (the embedded MiniCluster by default) and
 *   resolves with a JobClient once it is submitted (`execute()` then waits for its result);
 * - `plan`: `executeAsync()` hands the graph to the planner (`flott info`, plan extraction) and never returns;
 * - `task`: a slot re-runs main to rebuild the graph; `executeAsync()` hands it to the task loader and never returns.
 */
export interface ExecutionContext {
  readonly mode: 'client' | 'plan' | 'task';
  /** Program arguments of the job (what follows the job file on the `flott run` command line). */
  readonly args: readonly string[];
  /** Default parallelism for operators that set none (`-p` / `parallelism.default`). */
  readonly defaultParallelism?: number;
  /**
   * The job's configuration (file + `-D`), as the client resolved it. Task mode gets the same values,
   * so the rebuilt graph equals the submitted one.
   */
  readonly configuration?: Configuration;
  /** Submits the graph; resolves once the cluster accepted it. */
  executeAsync(graph: StreamGraph, options: ExecuteOptions): Promise<CollectingJobClient>;
  /**
   * Called by the job loader once main has returned (client mode): fails when main executed no job,
   * and waits for the job when main did not wait for its result.
   */
  mainReturned?(): Promise<void>;
}

const CONTEXT_KEY = Symbol.for('flott.ExecutionContext');
type GlobalWithContext = typeof globalThis & { [CONTEXT_KEY]?: ExecutionContext };

/** Installed by the CLI, the task loader or a test before the job's main runs. */
export function setExecutionContext(ctx: ExecutionContext | undefined): void {
  (globalThis as GlobalWithContext)[CONTEXT_KEY] = ctx;
}

export function getExecutionContext(): ExecutionContext | undefined {
  return (globalThis as GlobalWithContext)[CONTEXT_KEY];
}

/** A promise that never settles: what `execute()` returns in plan and task mode (main must not go on). */
export function never<T>(): Promise<T> {
  return new Promise<T>(() => {});
}

export type { JobGraph };
