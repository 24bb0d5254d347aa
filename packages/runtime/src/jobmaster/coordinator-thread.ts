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

function spawnWorker(): CoordinatorThreadPort {
  const worker = new Worker(runtimeDistEntry(path.join('jobmaster', 'coordinator-worker.js')));
  // The JobManager's process does not wait for this thread: the JobMaster ends it with the job.
  worker.unref();
  return {
    postMessage: (msg) => worker.postMessage(msg),
    onMessage: (handler) => worker.on('message', handler),
    onExit: (handler) => {
      worker.on('error', handler);
      worker.on('exit', (code) => handler(new Error(`exit code ${code}`)));
    },
    terminate: () => worker.terminate(),
  };
}

/**
 * The JobMaster's side of its job's coordinator thread: a provider of proxy coordinators whose calls
 * go to the thread in order (it re-runs the job's main and runs the enumerators there), and whose
 * events and failures come back to the JobMaster. The thread starts with the first call and ends when
 * every proxy was closed. JobMaster event loop only.
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
    this.ended = error instanceof CoordinatorThreadError ? error : new CoordinatorThreadError(error.message, error);
    for (const p of this.pending.values()) p.reject(this.ended);
    this.pending.clear();
    // Closing is the JobMaster's doing; any other end fails the job.
    if (this.open > 0) for (const c of this.contexts.values()) c.failJob(this.ended);
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
    this.ended ??= new CoordinatorThreadError('the job ended');
    if (port) await (await port.catch(() => undefined))?.terminate();
  }
}
