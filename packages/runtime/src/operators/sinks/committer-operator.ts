import {
  ListStateDescriptor,
  type CommitRequest,
  type Committer,
  type CommitterInitContext,
  type ListState,
  type SupportsCommitter,
} from '@flott/core';
import { AbstractStreamOperator } from '../abstract-stream-operator';
import type { OneInputStreamOperator, StateInitializationContext } from '../stream-operator';
import { END_OF_INPUT, loadValue, storeValue, type CommittableMessage, type StoredValue } from './committable-message';
import { SinkCommitFailedError, SinkStateRestoreError } from './sink-errors';

/** Flink's name of the committer's operator state. */
export const COMMITTER_STATE_NAME = 'streaming_committer_raw_states';

interface StoredCommittable {
  readonly checkpointId: number;
  readonly committable: StoredValue;
}

/**
 * Runs a two-phase-commit Sink's committer (Flink's CommitterOperator). It keeps the committables the
 * writer prepared, by checkpoint, in operator state until they are committed: on
 * `notifyCheckpointComplete(n)` those of checkpoints up to n; after a restore all the restored state
 * holds (they belong to the restored, completed checkpoint or earlier; committers are idempotent, so
 * ones the failed attempt committed already are fine). At the end of bounded input, the writer's last
 * committables belong to the task's final checkpoint when the job checkpoints after tasks finish
 * (FLIP-147), and are committed with it; otherwise `finish` commits everything, as Flink's batch mode. Commits run one after another on the task's event loop without blocking it;
 * `finish` waits for them, so the task reports FINISHED only after its last commit. A committable that
 * asks to be retried more than `maxRetries` times fails the task. Mailbox thread only.
 */
export class CommitterOperator<CommT> extends AbstractStreamOperator<CommittableMessage<CommT>>
  implements OneInputStreamOperator<CommittableMessage<CommT>, CommittableMessage<CommT>> {
  private committer?: Committer<CommT>;
  private state?: ListState<StoredCommittable>;
  /** Prepared, not yet committed (also while their commit runs: a snapshot then keeps them). */
  private pending: CommittableMessage<CommT>[] = [];
  /** The commit in flight, if any; the next starts after it. */
  private commits: Promise<void> = Promise.resolve();

  constructor(
    readonly sink: SupportsCommitter<unknown, CommT>,
    private readonly maxRetries: number,
  ) {
    super();
  }

  async initializeState(context: StateInitializationContext): Promise<void> {
    const ctx = this.env.runtimeContext;
    const initContext: CommitterInitContext = {
      getSubtaskId: () => ctx.getIndexOfThisSubtask(),
      getNumberOfParallelSubtasks: () => ctx.getNumberOfParallelSubtasks(),
      getAttemptNumber: () => ctx.getAttemptNumber(),
      getRestoredCheckpointId: () => context.restoredCheckpointId,
    };
    this.committer = await this.sink.createCommitter(initContext);
    this.state = context.operatorStateStore.getListState(new ListStateDescriptor<StoredCommittable>(COMMITTER_STATE_NAME));
    if (!context.isRestored()) return;
    const serializer = this.sink.getCommittableSerializer?.();
    try {
      this.pending = [...this.state.get()].map((s) => ({ checkpointId: s.checkpointId, committable: loadValue<CommT>(s.committable, serializer, 'committable') }));
    } catch (e) {
      throw new SinkStateRestoreError(this.env.operatorName, 'committables', e);
    }
    await this.commitUpTo(context.restoredCheckpointId ?? END_OF_INPUT);
  }

  processElement(message: CommittableMessage<CommT>): void {
    this.pending.push(message);
  }

  processWatermark(watermark: number): void {
    this.output.emitWatermark(watermark);
  }

  snapshotState(): void {
    const serializer = this.sink.getCommittableSerializer?.();
    this.activeState().update(this.pending.map((m) => ({ checkpointId: m.checkpointId, committable: storeValue(m.committable, serializer) })));
  }

  notifyCheckpointComplete(checkpointId: number): Promise<void> {
    return this.enqueueCommit(checkpointId);
  }

  /** Without a final checkpoint (checkpoints after tasks finish) nothing else commits what is left: this does. */
  override async finish(): Promise<void> {
    if (!this.env.checkpointsAfterTasksFinish) await this.enqueueCommit(END_OF_INPUT);
  }

  override async close(): Promise<void> {
    // A failed commit already failed the task; closing only waits for it to settle.
    await this.commits.catch(() => undefined);
    const committer = this.committer;
    this.committer = undefined;
    await committer?.close();
  }

  /** What is still to commit (tests and diagnostics). */
  pendingCommittables(): readonly CommittableMessage<CommT>[] {
    return this.pending;
  }

  private enqueueCommit(checkpointId: number): Promise<void> {
    const next = this.commits.then(() => this.commitUpTo(checkpointId));
    this.commits = next.catch(() => undefined);
    return next;
  }

  private async commitUpTo(checkpointId: number): Promise<void> {
    const committer = this.committer;
    if (!committer) throw new Error(`Assertion failed: ${this.env.operatorName} committed before initializeState or after close`);
    let batch = this.pending.filter((m) => m.checkpointId <= checkpointId);
    for (let attempt = 0; batch.length > 0; attempt++) {
      const requests = batch.map((m) => new DefaultCommitRequest(m.committable, attempt));
      await committer.commit(requests);
      const retry: CommittableMessage<CommT>[] = [];
      batch.forEach((m, i) => {
        const r = requests[i];
        if (r.failure) throw new SinkCommitFailedError(this.env.operatorName, m.checkpointId, r.failure.message, r.failure);
        if (r.retry) retry.push({ checkpointId: m.checkpointId, committable: r.committable });
      });
      // Done ones leave `pending` (a retried one is replaced by its possibly updated committable).
      const done = new Set(batch);
      this.pending = [...this.pending.filter((m) => !done.has(m)), ...retry];
      if (retry.length > 0 && attempt >= this.maxRetries) {
        throw new SinkCommitFailedError(this.env.operatorName, retry[0].checkpointId, `${retry.length} committable(s) still asked to be retried after ${this.maxRetries} retries (sink.committer.retries)`);
      }
      batch = retry;
    }
  }

  private activeState(): ListState<StoredCommittable> {
    if (!this.state) throw new Error(`Assertion failed: ${this.env.operatorName} snapshotted before initializeState`);
    return this.state;
  }
}

class DefaultCommitRequest<CommT> implements CommitRequest<CommT> {
  retry = false;
  failure?: Error;

  constructor(
    public committable: CommT,
    private readonly retries: number,
  ) {}

  getCommittable(): CommT {
    return this.committable;
  }

  getNumberOfRetries(): number {
    return this.retries;
  }

  signalFailedWithKnownReason(cause: Error): void {
    this.failure = cause;
  }

  signalFailedWithUnknownReason(cause: Error): void {
    this.failure = cause;
  }

  retryLater(): void {
    this.retry = true;
  }

  updateAndRetryLater(committable: CommT): void {
    this.committable = committable;
    this.retry = true;
  }

  signalAlreadyCommitted(): void {
    this.retry = false;
  }
}
