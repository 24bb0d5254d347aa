import { FlottError, serializeError, type Clock, type SerializedError } from '@flott/core';
import type { Cancellable, IdGenerator, Scheduler } from '@flott/runtime';
import { RestHandlerError } from './rest-errors';

export type AsyncOperationResult =
  | { readonly status: 'IN_PROGRESS' }
  | { readonly status: 'COMPLETED'; readonly value: unknown }
  | { readonly status: 'FAILED'; readonly error: SerializedError };

interface Operation {
  readonly kind: string;
  readonly jobId: string;
  result: AsyncOperationResult;
  expiry?: Cancellable;
}

/**
 * Savepoint, stop and checkpoint triggers the REST API answered with a trigger id (Flink's
 * CompletedOperationCache): at most `maxOperations` at once, each result kept `storeDurationMs`
 * after it completed, then forgotten. A client's own trigger id makes a retried trigger idempotent.
 */
export class AsyncOperations {
  private readonly operations = new Map<string, Operation>();
  private closed = false;

  constructor(
    private readonly opts: { readonly ids: IdGenerator; readonly scheduler: Scheduler; readonly clock: Clock; readonly storeDurationMs: number; readonly maxOperations: number },
  ) {}

  /** Starts `run` unless an operation with `triggerId` exists already; returns the trigger id. */
  start(kind: string, jobId: string, run: () => Promise<unknown>, triggerId?: string): string {
    if (triggerId !== undefined) {
      const existing = this.operations.get(triggerId);
      if (existing) {
        if (existing.kind !== kind || existing.jobId !== jobId) throw new RestHandlerError(409, `Trigger id ${triggerId} is taken by another operation`);
        return triggerId;
      }
    }
    if (this.operations.size >= this.opts.maxOperations) {
      throw new RestHandlerError(429, `Too many asynchronous operations (rest.async.max-operations: ${this.opts.maxOperations}); try again once some completed`);
    }
    const id = triggerId ?? this.opts.ids.nextId();
    const op: Operation = { kind, jobId, result: { status: 'IN_PROGRESS' } };
    this.operations.set(id, op);
    const forgetLater = () => {
      if (this.closed) return;
      op.expiry = this.opts.scheduler.schedule(this.opts.storeDurationMs, () => this.operations.delete(id));
    };
    run().then(
      (value) => {
        op.result = { status: 'COMPLETED', value };
        forgetLater();
      },
      (e: unknown) => {
        op.result = { status: 'FAILED', error: serializeError(e instanceof Error ? e : new FlottError('OPERATION_FAILED', String(e))) };
        forgetLater();
      },
    );
    return id;
  }

  /** The operation's result; 404 when no operation of `kind` for `jobId` has this id (any more). */
  get(kinds: readonly string[], jobId: string, triggerId: string): AsyncOperationResult {
    const op = this.operations.get(triggerId);
    if (!op || !kinds.includes(op.kind) || op.jobId !== jobId) {
      throw new RestHandlerError(404, `No operation ${triggerId} for job ${jobId} (unknown, or its result expired after rest.async.store-duration)`);
    }
    return op.result;
  }

  /** Cancels the expiry timers (the server is closing). */
  close(): void {
    this.closed = true;
    for (const op of this.operations.values()) op.expiry?.cancel();
    this.operations.clear();
  }
}
