import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { FlottError, deserializeError, serializeError } from '@flott/core';
import type { CoordinatorMethod, FromCoordinatorThread, HostedOperator, ToCoordinatorThread } from '../coordination/coordinator-protocol';
import type { OperatorCoordinator, OperatorCoordinatorContext } from '../coordination/operator-coordinator';
import type { Logger } from '../logging/logger';
import { runtimeDistEntry } from '../util/dist-entry';
import type { CoordinatedOperator, OperatorCoordinatorProvider } from './job-coordinators';

/** The end of a coordinator thread the JobMaster holds (a worker_thread in production). */
export interface CoordinatorThreadPort {
  postMessage(msg: ToCoordinatorThread): void;
  onMessage(handler: (msg: FromCoordinatorThread) => void): void;
  /** The thread ended (crashed or was terminated). */
  onExit(handler: (error: Error) => void): void;
  terminate(): Promise<unknown>;
  /**
   * The job's coordinators all closed and the thread is healthy: hands it back for the next job's
   * coordinators (it re-runs that job's main on `init`, as a slot thread does), or ends it. Absent: terminate.
   */
  release?(): Promise<unknown>;
}

export interface CoordinatorThreadOptions {
  /** Where the job's bundle is on this machine (fetched from the blob server on first use). */
  readonly artifactPath: () => Promise<string>;
  readonly args: readonly string[];
  readonly defaultParallelism: number;
  /** The job's configuration, so the re-run main builds the same graph as the client's. */
  readonly configuration: Record<string, unknown>;
  readonly log: Logger;
  /** Starts the thread; a worker_thread running coordinator-worker.js unless given. */
  readonly spawn?: () => CoordinatorThreadPort;
}

/** The coordinator thread ended before the job did. */
export class CoordinatorThreadError extends FlottError {
  constructor(reason: string, cause?: unknown) {
    super('COORDINATOR_THREAD_FAILED', `The job's coordinator thread failed: ${reason}`, { reason }, cause === undefined ? undefined : { cause });
  }
}

/**
 * Coordinator threads kept for the next job when a job's coordinators closed. Starting a thread and
 * loading the runtime into it costs ~0.2–0.5 s of CPU (measured on the 2-core machine), on the path
 * to every job's first split; a kept thread serves the next job at once. At most this many wait idle.
 */
const MAX_IDLE_COORDINATOR_THREADS = 1;
const idleWorkers: Worker[] = [];

function spawnWorker(): CoordinatorThreadPort {
  const worker = idleWorkers.pop() ?? startWorker();
  // What this job attached comes off again when the thread is handed back.
  const attached: Array<[string, (arg: never) => void]> = [];
  const on = <A>(event: string, fn: (arg: A) => void): void => {
    worker.on(event, fn);
    attached.push([event, fn as (arg: never) => void]);
  };
  return {
    postMessage: (msg) => worker.postMessage(msg),
    onMessage: (handler) => on('message', handler),
    onExit: (handler) => {
      on('error', handler);
      on('exit', (code: number) => handler(new Error(`exit code ${code}`)));
    },
    terminate: () => worker.terminate(),
    release: async () => {
      for (const [event, fn] of attached) worker.off(event, fn as (arg: unknown) => void);
      if (idleWorkers.length >= MAX_IDLE_COORDINATOR_THREADS) return worker.terminate();
      idleWorkers.push(worker);
    },
  };
}

/**
 * Starts a coordinator thread now, kept idle for the next job (unless one waits idle already), so it
 * loads the runtime while the caller does other work: `flott run` calls it (through the MiniCluster)
 * before it bundles the job and runs its main.
 */
export function prestartCoordinatorThread(): void {
  if (idleWorkers.length === 0) idleWorkers.push(startWorker());
}

function startWorker(): Worker {
  // coordinator-worker.js from the runtime's bundle, as the slot's entry (slotWorkerEntry).
  const worker = new Worker(runtimeDistEntry(path.join('bundle', 'coordinator-worker.js')));
  // The JobManager's process does not wait for this thread, running or idle.
  worker.unref();
  // An idle thread that ends is no longer offered.
  worker.once('exit', () => {
    const i = idleWorkers.indexOf(worker);
    if (i >= 0) idleWorkers.splice(i, 1);
  });
  return worker;
}

/**
 * The JobMaster's side of its job's coordinator thread: a provider of proxy coordinators whose calls
 * go to the thread in order (it re-runs the job's main and runs the enumerators there), and whose
 * events and failures come back to the JobMaster. The thread starts with the first call (or is one a
 * finished job handed back) and is released when every proxy was closed. JobMaster event loop only.
 */
export class CoordinatorThread {
  private port?: Promise<CoordinatorThreadPort>;
  private readonly operators: HostedOperator[] = [];
  private readonly contexts = new Map<string, OperatorCoordinatorContext>();
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private requestSeq = 0;
  private open = 0;
  private ended?: Error;

  constructor(private readonly opts: CoordinatorThreadOptions) {}

  readonly provider: OperatorCoordinatorProvider = (operator, context) => this.proxy(operator, context);

  private start(): Promise<CoordinatorThreadPort> {
    return (this.port ??= this.opts.artifactPath().then((artifactPath) => {
      const port = (this.opts.spawn ?? spawnWorker)();
      port.onMessage((msg) => this.onMessage(port, msg));
      port.onExit((error) => this.onExit(error));
      port.postMessage({ type: 'init', artifactPath, args: this.opts.args, defaultParallelism: this.opts.defaultParallelism, configuration: this.opts.configuration, operators: this.operators });
      return port;
    }));
  }

  private call(operatorId: string, method: CoordinatorMethod, args: unknown[]): Promise<unknown> {
    if (this.ended) return Promise.reject(this.ended);
    const requestId = ++this.requestSeq;
    const result = new Promise<unknown>((resolve, reject) => this.pending.set(requestId, { resolve, reject }));
    this.start().then(
      (port) => port.postMessage({ type: 'call', requestId, operatorId, method, args }),
      (e: unknown) => this.onExit(new CoordinatorThreadError(`the job's bundle is not available: ${(e as Error)?.message ?? String(e)}`, e)),
    );
    return result;
  }

  private onMessage(port: CoordinatorThreadPort, msg: FromCoordinatorThread): void {
    if (msg.type === 'reply') {
      const p = this.pending.get(msg.requestId);
      this.pending.delete(msg.requestId);
      if (msg.error) p?.reject(deserializeError(msg.error));
      else p?.resolve(msg.result);
    } else if (msg.type === 'send-event') {
      const context = this.contexts.get(msg.operatorId);
      const sent = context ? context.sendEventToTask(msg.attemptId, msg.event) : Promise.reject(new Error(`no operator ${msg.operatorId}`));
      sent.then(
        () => port.postMessage({ type: 'event-delivered', requestId: msg.requestId }),
        (e: unknown) => port.postMessage({ type: 'event-delivered', requestId: msg.requestId, error: serializeError(e) }),
      );
    } else {
      this.contexts.get(msg.operatorId)?.failJob(deserializeError(msg.error));
    }
  }

  private onExit(error: Error): void {
    if (this.ended) return;
    const ended = error instanceof CoordinatorThreadError ? error : new CoordinatorThreadError(error.message, error);
    this.end(ended);
    // Closing is the JobMaster's doing; any other end fails the job.
    if (this.open > 0) for (const c of this.contexts.values()) c.failJob(ended);
  }

  /** No more calls; those still unanswered fail with `error` (a checkpoint's coordinator snapshot the job's end interrupted, for one). */
  private end(error: CoordinatorThreadError): void {
    this.ended ??= error;
    for (const p of this.pending.values()) p.reject(this.ended);
    this.pending.clear();
  }

  private proxy(operator: CoordinatedOperator, context: OperatorCoordinatorContext): OperatorCoordinator {
    this.operators.push({ operatorId: operator.operatorId, name: operator.name, streamNodeId: operator.streamNodeId, parallelism: operator.parallelism });
    this.contexts.set(operator.operatorId, context);
    this.open++;
    const id = operator.operatorId;
    // Calls without a result still fail the job when the thread reports an error.
    const fire = (method: CoordinatorMethod, args: unknown[]): void => void this.call(id, method, args).catch((e: unknown) => context.failJob(e as Error));
    let closed = false;
    return {
      start: () => fire('start', []),
      handleEventFromOperator: async (subtask, attemptId, event) => void (await this.call(id, 'handleEventFromOperator', [subtask, attemptId, event])),
      executionAttemptFailed: (subtask, attemptId) => fire('executionAttemptFailed', [subtask, attemptId]),
      checkpointCoordinator: async (checkpointId) => (await this.call(id, 'checkpointCoordinator', [checkpointId])) as Uint8Array,
      notifyCheckpointComplete: (checkpointId) => fire('notifyCheckpointComplete', [checkpointId]),
      subtaskReset: (subtask, checkpointId) => fire('subtaskReset', [subtask, checkpointId]),
      resetToCheckpoint: async (checkpointId, state) => void (await this.call(id, 'resetToCheckpoint', [checkpointId, state])),
      close: async () => {
        if (closed) return;
        closed = true;
        try {
          if (this.port && !this.ended) await this.call(id, 'close', []);
        } finally {
          if (--this.open === 0) await this.terminate();
        }
      },
    };
  }

  private async terminate(): Promise<void> {
    const port = this.port;
    const healthy = this.ended === undefined && this.pending.size === 0;
    // A call the thread will not answer now must not wait forever: the checkpoint coordinator's shutdown
    // waits for a trigger that waits for its coordinators' snapshots.
    this.end(new CoordinatorThreadError('the job ended'));
    const thread = port ? await port.catch(() => undefined) : undefined;
    if (!thread) return;
    // A thread that failed, or still owes replies, is not given to another job.
    await (healthy && thread.release ? thread.release() : thread.terminate());
  }
}
