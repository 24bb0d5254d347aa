import { FlottError, deserializeError, type Clock, type SerializedError } from '@flott/core';
import type { Logger } from '../logging/logger';
import type { CheckpointLocation, CheckpointStorageAccess } from '../spi/checkpoint-storage';
import type { CheckpointIdCounter, CompletedCheckpointStore } from '../spi/high-availability-services';
import type { Cancellable, Scheduler } from '../time/clock';
import type { CheckpointSettings } from './checkpointing-settings';
import { encodeCheckpointMetadata } from './format';
import { SharedStateRegistry } from './shared-state-registry';
import type { CheckpointMetadata, OperatorSubtaskState, PostCheckpointAction, SnapshotType, StreamStateHandle, TaskStateSnapshot } from '../snapshot/snapshot-data';

/**
 * The barrier's alignment (Flink's CheckpointOptions.AlignmentType): savepoints always align (Flink's
 * FORCED_ALIGNED), so do checkpoints without `unaligned.enabled` and AT_LEAST_ONCE ones (which never
 * block); otherwise `aligned-checkpoint-timeout` (0: unaligned from the start).
 */
export function alignmentOf(type: SnapshotType, settings: CheckpointSettings): number {
  if (type === 'SAVEPOINT' || !settings.unaligned || settings.mode === 'AT_LEAST_ONCE') return -1;
  return settings.alignedTimeoutMs;
}

/** A running task attempt as the coordinator addresses it. */
export interface CheckpointTask {
  readonly attemptId: string;
  readonly vertexId: string;
  readonly subtaskIndex: number;
  /**
   * Gets the trigger: sources, and tasks whose producers all finished (checkpoints after tasks finish,
   * Flink's DefaultCheckpointPlanCalculator); the others get the barrier in-band.
   */
  readonly triggered: boolean;
  /**
   * `alignedTimeoutMs` as the barrier carries it (network/buffer-format.ts): < 0 aligned, 0 unaligned,
   * > 0 switches after; `postCheckpointAction` on a stop-with-savepoint's synchronous savepoint.
   */
  trigger(checkpointId: number, timestamp: number, location: string, alignedTimeoutMs: number, postCheckpointAction?: PostCheckpointAction): Promise<void>;
  notify(checkpointId: number, completed: boolean): Promise<void>;
}

/** One operator of the job, for the checkpoint's metadata. */
export interface CheckpointOperator {
  readonly operatorId: string;
  readonly vertexId: string;
  readonly name: string;
  readonly uid?: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
}

/** Which tasks a checkpoint involves (Flink's CheckpointPlan). */
export interface CheckpointPlan {
  /** The running attempts: every one acknowledges. */
  readonly tasks: readonly CheckpointTask[];
  /**
   * Subtasks that finished (checkpoints after tasks finish): the checkpoint records them as finished,
   * so a restore from it does not run them again.
   */
  readonly finished: ReadonlyArray<{ readonly vertexId: string; readonly subtaskIndex: number }>;
}

/** What the coordinator needs from its JobMaster. */
export interface CheckpointCoordinatorContext {
  /** The tasks a checkpoint starting now involves; otherwise why one cannot start now. */
  checkpointPlan(): CheckpointPlan | string;
  readonly operators: readonly CheckpointOperator[];
  /** More checkpoints failed in a row than `tolerable-failed-checkpoints` allows: the job fails over. */
  failJob(cause: Error): void;
  /** The job's operator coordinators (source enumerators), when it has any. */
  readonly operatorCoordinators?: CheckpointedCoordinators;
}

/**
 * The operator coordinators as a checkpoint sees them (Flink's OperatorCoordinatorCheckpoints): their
 * state is taken before the barriers are injected, and the events they send meanwhile are held until
 * the triggers went out, so each event lands on the same side of the barrier as in the coordinator's state.
 */
export interface CheckpointedCoordinators {
  /** Holds their events and takes their state, by operator id. */
  snapshot(checkpointId: number): Promise<ReadonlyMap<string, Uint8Array>>;
  /** The triggers of `checkpointId` went out (or it was not triggered): held events go on. */
  triggered(checkpointId: number): void;
  completed(checkpointId: number): void;
}

export interface CheckpointCoordinatorOptions {
  readonly jobId: string;
  readonly settings: CheckpointSettings;
  readonly storage: CheckpointStorageAccess;
  readonly completedStore: CompletedCheckpointStore;
  readonly idCounter: CheckpointIdCounter;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly context: CheckpointCoordinatorContext;
  readonly log: Logger;
  /** Checkpoints kept in the statistics (`web.checkpoints.history`); 10 when not given. */
  readonly historySize?: number;
}

/** A checkpoint's statistics while it is recorded (see CheckpointStatistics in the gateways). */
interface StatsEntry {
  id: number;
  type: SnapshotType;
  status: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  triggerTimestamp: number;
  endToEndDurationMs?: number;
  stateSize: number;
  maxSyncDurationMs: number;
  maxAsyncDurationMs: number;
  acknowledged: number;
  tasks: number;
  externalPath?: string;
  failureMessage?: string;
}

function handleSize(h: StreamStateHandle | undefined): number {
  if (!h) return 0;
  return h.kind === 'inline' ? h.data.byteLength : h.size;
}

/** Whether two plans name the same running attempts and the same finished subtasks. */
function samePlan(a: CheckpointPlan, b: CheckpointPlan): boolean {
  if (a.tasks.length !== b.tasks.length || a.finished.length !== b.finished.length) return false;
  const attempts = new Set(a.tasks.map((t) => t.attemptId));
  if (!b.tasks.every((t) => attempts.has(t.attemptId))) return false;
  const finished = new Set(a.finished.map((f) => `${f.vertexId}#${f.subtaskIndex}`));
  return b.finished.every((f) => finished.has(`${f.vertexId}#${f.subtaskIndex}`));
}

/** Aborted checkpoint locations deleted once more at shutdown (late uploads); older ones are not. */
const ABORTED_LOCATIONS_KEPT = 100;

export class CheckpointDeclinedError extends FlottError {
  constructor(checkpointId: number, reason: string, cause?: unknown) {
    super('CHECKPOINT_DECLINED', `Checkpoint ${checkpointId} was declined: ${reason}`, { checkpointId }, cause === undefined ? undefined : { cause });
  }
}

export class CheckpointFailuresExceededError extends FlottError {
  constructor(failures: number, tolerable: number, last: Error) {
    super(
      'CHECKPOINT_FAILURES_EXCEEDED',
      `Exceeded checkpoint tolerable failure threshold: ${failures} checkpoint(s) failed in a row, ` +
        `execution.checkpointing.tolerable-failed-checkpoints is ${tolerable}. Last failure: ${last.message}`,
      { failures, tolerable },
      { cause: last },
    );
  }
}

interface PendingCheckpoint {
  readonly checkpointId: number;
  readonly timestamp: number;
  readonly type: SnapshotType;
  /** Set on a stop-with-savepoint's synchronous savepoint. */
  readonly postCheckpointAction?: PostCheckpointAction;
  readonly location: CheckpointLocation;
  readonly tasks: ReadonlyMap<string, CheckpointTask>;
  /** Finished subtasks as `vertexId#subtaskIndex`. */
  readonly finished: ReadonlySet<string>;
  readonly acks: Map<string, TaskStateSnapshot>;
  /** The operator coordinators' state, by operator id. */
  readonly coordinatorStates: ReadonlyMap<string, Uint8Array>;
  readonly timeout: Cancellable;
  readonly completion: { resolve: (c: CompletedCheckpoint) => void; reject: (e: Error) => void };
}

/** A completed checkpoint as this JobManager keeps it: its metadata and where it lives. */
export interface CompletedCheckpoint {
  readonly metadata: CheckpointMetadata;
  readonly location: CheckpointLocation;
  readonly externalPointer: string;
}

/**
 * Coordinates a job's checkpoints (Flink's CheckpointCoordinator), on the JobMaster's event loop:
 * triggers them periodically (`execution.checkpointing.interval`, respecting min-pause and
 * max-concurrent-checkpoints) or on request, with ids from the CheckpointIdCounter; sends the trigger
 * to the source tasks (the barrier flows from there), collects every task's acknowledgement with its
 * state handles, writes the metadata last, records the checkpoint in the CompletedCheckpointStore
 * (subsuming older ones beyond `num-retained`, whose data is discarded) and notifies every task.
 * A decline or the timeout aborts a checkpoint: its location is discarded, the tasks are told, and
 * failed checkpoints in a row beyond `tolerable-failed-checkpoints` fail the job over.
 */
export class CheckpointCoordinator {
  private readonly pending = new Map<number, PendingCheckpoint>();
  private readonly completed: CompletedCheckpoint[] = [];
  private periodic: Cancellable | undefined;
  private lastCompletionTime = Number.NEGATIVE_INFINITY;
  private consecutiveFailures = 0;
  /** Triggers between their start and their pending entry (ids, locations, coordinator snapshots): periodic ones wait. */
  private triggering = 0;
  private stopped = false;
  private readonly counts = { triggered: 0, completed: 0, failed: 0 };
  /** Completions and discards in flight (shutdown waits for them), and the latest aborted locations (see discardAborted). */
  private readonly discarding = new Set<Promise<void>>();
  /** Triggers between their start and their pending entry, settled either way (shutdown waits for them). */
  private readonly starting = new Set<Promise<void>>();
  private readonly aborted: CheckpointLocation[] = [];
  /** Newest last; bounded by historySize (in-progress ones are never dropped). */
  private readonly history: StatsEntry[] = [];
  /** SHARED files of incremental checkpoints, held by pending and retained checkpoints. */
  private readonly sharedState = new SharedStateRegistry();
  /** A checkpoint was asked for (requestCheckpointSoon) and is triggered once none is pending. */
  private checkpointWanted = false;
  /** The highest checkpoint id given out so far (0: none). */
  private lastTriggeredIdValue = 0;

  constructor(private readonly opts: CheckpointCoordinatorOptions) {}

  /** Starts periodic checkpoints (the first one interval after now). */
  startCheckpointScheduler(): void {
    if (this.opts.settings.intervalMs <= 0 || this.periodic || this.stopped) return;
    this.periodic = this.opts.scheduler.scheduleAtFixedRate(this.opts.settings.intervalMs, () => void this.triggerPeriodic());
  }

  stopCheckpointScheduler(): void {
    this.periodic?.cancel();
    this.periodic = undefined;
  }

  /** The highest id a checkpoint or savepoint got so far (0: none): a later one takes a higher id. */
  get lastTriggeredId(): number {
    return this.lastTriggeredIdValue;
  }

  /** The newest completed checkpoint, if any: what a failover restores. */
  latestCompleted(): CompletedCheckpoint | undefined {
    return this.completed[this.completed.length - 1];
  }

  /** The next checkpoint gets an id above `checkpointId` (after a restore from it). */
  async continueCheckpointIdsAfter(checkpointId: number): Promise<void> {
    if ((await this.opts.idCounter.get()) <= checkpointId) await this.opts.idCounter.setCount(checkpointId + 1);
  }

  /** Counts and the most recent checkpoints, newest first (Flink's checkpoint statistics). */
  statistics(): {
    counts: { triggered: number; inProgress: number; completed: number; failed: number };
    history: StatsEntry[];
  } {
    return {
      counts: { ...this.counts, inProgress: this.pending.size },
      history: [...this.history].reverse().map((e) => ({ ...e })),
    };
  }

  private recordTrigger(entry: StatsEntry): void {
    this.counts.triggered++;
    this.history.push(entry);
    const max = this.opts.historySize ?? 10;
    while (this.history.length > max) {
      const i = this.history.findIndex((e) => e.status !== 'IN_PROGRESS');
      if (i < 0) break;
      this.history.splice(i, 1);
    }
  }

  private statsOf(checkpointId: number): StatsEntry | undefined {
    return this.history.find((e) => e.id === checkpointId);
  }

  numberOfPendingCheckpoints(): number {
    return this.pending.size;
  }

  /**
   * Triggers a checkpoint as soon as none is pending and min-pause allows, besides the periodic ones:
   * the JobMaster asks for one when every running task waits for its final checkpoint (checkpoints after
   * tasks finish), so a bounded job ends without waiting for the next interval.
   */
  requestCheckpointSoon(): void {
    this.checkpointWanted = true;
    this.triggerWanted();
  }

  private triggerWanted(): void {
    if (!this.checkpointWanted || this.stopped || this.triggering > 0 || this.pending.size > 0) return;
    this.checkpointWanted = false;
    const wait = this.lastCompletionTime + this.opts.settings.minPauseMs - this.opts.clock.currentTimeMillis();
    if (wait > 0) this.opts.scheduler.schedule(wait, () => void this.triggerPeriodic());
    else void this.triggerPeriodic();
  }

  private async triggerPeriodic(): Promise<void> {
    const { settings } = this.opts;
    if (this.triggering > 0 || this.pending.size >= settings.maxConcurrent) return;
    if (this.opts.clock.currentTimeMillis() - this.lastCompletionTime < settings.minPauseMs) return;
    try {
      await this.triggerCheckpoint('CHECKPOINT');
    } catch (e) {
      // Not all tasks running (starting, restarting, finishing) is normal; the next period tries again.
      this.opts.log.debug({ err: e }, `Periodic checkpoint not triggered: ${(e as Error).message}`);
      // A request that came while this one was being triggered is served now.
      this.triggerWanted();
    }
  }

  /**
   * Starts a checkpoint now; resolves when it completed, rejects when it could not start or was
   * aborted. Savepoints (`type` SAVEPOINT) go to `targetDirectory` and are never subsumed or discarded;
   * with `postCheckpointAction` it is a stop-with-savepoint's synchronous savepoint, which the barrier
   * carries to every task.
   */
  async triggerCheckpoint(type: SnapshotType, targetDirectory?: string, postCheckpointAction?: PostCheckpointAction): Promise<CompletedCheckpoint> {
    if (postCheckpointAction && type !== 'SAVEPOINT') throw new Error('Assertion failed: only savepoints stop the job');
    if (this.stopped) throw new FlottError('CHECKPOINT_COORDINATOR_SHUT_DOWN', 'The checkpoint coordinator is shut down');
    // Shutdown waits until the trigger is pending or has deleted the location it made (a trigger that
    // finds the coordinator shut down deletes it): a job that ends meanwhile leaves no directory behind.
    const starting = this.startCheckpoint(type, targetDirectory, postCheckpointAction);
    const started = starting.then(() => undefined, () => undefined);
    this.starting.add(started);
    void started.finally(() => this.starting.delete(started));
    return (await starting).completion;
  }

  /** triggerCheckpoint up to its pending entry: resolves with the checkpoint's completion once it is pending. */
  private async startCheckpoint(
    type: SnapshotType,
    targetDirectory: string | undefined,
    postCheckpointAction: PostCheckpointAction | undefined,
  ): Promise<{ completion: Promise<CompletedCheckpoint> }> {
    const plan = this.opts.context.checkpointPlan();
    if (typeof plan === 'string') throw new FlottError('CHECKPOINT_NOT_TRIGGERED', `Checkpoint not triggered: ${plan}`);
    const { tasks } = plan;
    // Until the checkpoint is pending, periodic triggers wait (max-concurrent-checkpoints counts it only from then).
    this.triggering++;
    let checkpointId: number;
    let location: CheckpointLocation;
    const coordinators = this.opts.context.operatorCoordinators;
    let coordinatorStates: ReadonlyMap<string, Uint8Array> = new Map();
    try {
      checkpointId = await this.opts.idCounter.getAndIncrement();
      this.lastTriggeredIdValue = Math.max(this.lastTriggeredIdValue, checkpointId);
      location = type === 'SAVEPOINT'
        ? await this.opts.storage.initializeSavepointLocation(checkpointId, targetDirectory)
        : await this.opts.storage.initializeLocation(checkpointId);
      try {
        if (coordinators) coordinatorStates = await coordinators.snapshot(checkpointId);
      } catch (e) {
        coordinators?.triggered(checkpointId);
        await this.discard(location);
        throw new CheckpointDeclinedError(checkpointId, `an operator coordinator could not take its snapshot: ${(e as Error).message}`, e);
      }
    } finally {
      this.triggering--;
    }
    // The job may have failed over, or a task finished, while the id, the location and the coordinators'
    // state were made: a checkpoint of tasks that are gone would never complete (it would hold
    // max-concurrent-checkpoints until it expired, and no final checkpoint could come meanwhile).
    const now = this.stopped ? 'the checkpoint coordinator is shut down' : this.opts.context.checkpointPlan();
    if (typeof now === 'string' || !samePlan(plan, now)) {
      coordinators?.triggered(checkpointId);
      await this.discard(location);
      throw new CheckpointDeclinedError(checkpointId, typeof now === 'string' ? now : 'the job\'s tasks changed while it was triggered');
    }
    const timestamp = this.opts.clock.currentTimeMillis();
    const result = new Promise<CompletedCheckpoint>((resolve, reject) => {
      const timeout = this.opts.scheduler.schedule(this.opts.settings.timeoutMs, () => {
        this.abort(checkpointId, new CheckpointDeclinedError(checkpointId, `it expired before completing (execution.checkpointing.timeout ${this.opts.settings.timeoutMs} ms)`), true);
      });
      this.pending.set(checkpointId, {
        checkpointId,
        timestamp,
        type,
        postCheckpointAction,
        location,
        tasks: new Map(tasks.map((t) => [t.attemptId, t])),
        finished: new Set(plan.finished.map((f) => `${f.vertexId}#${f.subtaskIndex}`)),
        acks: new Map(),
        coordinatorStates,
        timeout,
        completion: { resolve, reject },
      });
    });
    this.recordTrigger({
      id: checkpointId, type, status: 'IN_PROGRESS', triggerTimestamp: timestamp, stateSize: 0, maxSyncDurationMs: 0, maxAsyncDurationMs: 0,
      acknowledged: 0, tasks: tasks.length,
    });
    this.opts.log.info({ checkpointId }, `Triggering ${type === 'SAVEPOINT' ? 'savepoint' : 'checkpoint'} ${checkpointId} (type=${type}) @ ${timestamp} for job ${this.opts.jobId}.`);
    const alignedTimeoutMs = alignmentOf(type, this.opts.settings);
    for (const t of tasks) {
      if (!t.triggered) continue;
      t.trigger(checkpointId, timestamp, location.pointer, alignedTimeoutMs, postCheckpointAction).catch((e: unknown) => {
        this.abort(checkpointId, new CheckpointDeclinedError(checkpointId, `the trigger did not reach task attempt ${t.attemptId}`, e), false);
      });
    }
    coordinators?.triggered(checkpointId);
    return { completion: result };
  }

  receiveAcknowledge(ack: {
    readonly attemptId: string;
    readonly checkpointId: number;
    readonly state: TaskStateSnapshot;
    readonly metrics?: { readonly syncDurationMs: number; readonly asyncDurationMs: number };
  }): void {
    const p = this.pending.get(ack.checkpointId);
    if (!p || !p.tasks.has(ack.attemptId) || p.acks.has(ack.attemptId)) {
      // Late (its checkpoint was aborted): new shared files it wrote are nobody's.
      this.discardShared(this.sharedState.unheldNewFiles(ack.state));
      return;
    }
    const missing = this.sharedState.missingBase(ack.state);
    if (missing !== undefined) {
      this.discardShared(this.sharedState.unheldNewFiles(ack.state));
      this.abort(ack.checkpointId, new CheckpointDeclinedError(ack.checkpointId, `it builds on shared state ${missing}, which no retained checkpoint holds any more`), false);
      return;
    }
    this.sharedState.register(ack.checkpointId, ack.state);
    p.acks.set(ack.attemptId, ack.state);
    const stats = this.statsOf(ack.checkpointId);
    if (stats) {
      stats.acknowledged++;
      // Incremental: what this checkpoint uploaded (its newest file), as Flink's checkpointed size.
      for (const s of Object.values(ack.state)) stats.stateSize += handleSize(s.keyed?.changes?.[s.keyed.changes.length - 1] ?? s.keyed?.handle) + handleSize(s.operator);
      stats.maxSyncDurationMs = Math.max(stats.maxSyncDurationMs, ack.metrics?.syncDurationMs ?? 0);
      stats.maxAsyncDurationMs = Math.max(stats.maxAsyncDurationMs, ack.metrics?.asyncDurationMs ?? 0);
    }
    if (p.acks.size === p.tasks.size) {
      const completing = this.complete(p).catch((e: unknown) => {
        // The completed-checkpoint store failed: the checkpoint is not recorded (the coordinator goes on with the next).
        this.opts.log.warn({ err: e, checkpointId: p.checkpointId }, `Completing checkpoint ${p.checkpointId} failed.`);
      });
      this.discarding.add(completing);
      void completing.finally(() => this.discarding.delete(completing));
    }
  }

  receiveDecline(decline: { readonly attemptId: string; readonly checkpointId: number; readonly error: SerializedError; readonly countsAsFailure: boolean }): void {
    const p = this.pending.get(decline.checkpointId);
    if (!p || !p.tasks.has(decline.attemptId)) return;
    const cause = deserializeError(decline.error);
    this.abort(decline.checkpointId, new CheckpointDeclinedError(decline.checkpointId, cause.message, cause), decline.countsAsFailure);
  }

  /**
   * Attempt `attemptId` finished: a pending checkpoint it has not acknowledged can no longer complete
   * (its trigger or barrier came too late, or the decline was lost with the ended task), so it is
   * aborted now instead of expiring; not counted as a checkpoint failure. A stop-with-savepoint's
   * tasks that wait for the outcome go on.
   */
  taskFinished(attemptId: string, taskName: string): void {
    for (const p of [...this.pending.values()]) {
      if (p.tasks.has(attemptId) && !p.acks.has(attemptId)) {
        this.abort(p.checkpointId, new CheckpointDeclinedError(p.checkpointId, `task ${taskName} finished before it took part`), false);
      }
    }
  }

  /** Aborts every pending checkpoint (the job fails over or ends); not counted as checkpoint failures. */
  abortPendingCheckpoints(reason: string): void {
    for (const id of [...this.pending.keys()]) this.abort(id, new CheckpointDeclinedError(id, reason), false);
  }

  /**
   * Stops for good (the job reached `jobStatus`): pending checkpoints are aborted; retained ones are
   * discarded when the job finished or was canceled, unless `externalized-checkpoint-retention` is
   * RETAIN_ON_CANCELLATION; a failed job keeps them (as Flink) for a restore with -s.
   */
  async shutdown(jobStatus: string): Promise<void> {
    this.stopCheckpointScheduler();
    this.stopped = true;
    // A trigger in flight (its id, location or coordinator snapshots still coming) sees the coordinator
    // stopped when it resumes and deletes its location; one that became pending is aborted below.
    await Promise.all([...this.starting]);
    this.abortPendingCheckpoints(`the job is ${jobStatus}`);
    await Promise.all([...this.discarding]);
    // Aborted checkpoints never count as retained: late uploads into them are deleted now.
    for (const location of this.aborted) await this.discard(location);
    const keep = jobStatus === 'FAILED' || this.opts.settings.retention === 'RETAIN_ON_CANCELLATION';
    if (!keep) {
      for (const c of this.completed) {
        await this.discard(c.location);
        await Promise.all(this.sharedState.release(c.metadata.checkpointId).map((h) => this.discardStateFile(h)));
      }
      await this.opts.completedStore.shutdown(jobStatus);
    }
    await this.opts.idCounter.shutdown(jobStatus);
  }

  private async complete(p: PendingCheckpoint): Promise<void> {
    const metadata = this.metadataOf(p);
    let externalPointer: string;
    try {
      // A savepoint names its own files relative to its directory, so it can be moved (relocatable savepoints).
      const storage = this.opts.storage;
      const directoryUri = p.type === 'SAVEPOINT' ? await storage.directoryUri?.(p.location.pointer) : undefined;
      externalPointer = await storage.writeMetadata(p.location, encodeCheckpointMetadata(metadata, directoryUri));
    } catch (e) {
      this.abort(p.checkpointId, new CheckpointDeclinedError(p.checkpointId, `writing its metadata failed: ${(e as Error).message}`, e), true);
      return;
    }
    if (!this.pending.has(p.checkpointId)) return; // aborted while the metadata was written
    this.pending.delete(p.checkpointId);
    p.timeout.cancel();
    const completed: CompletedCheckpoint = { metadata, location: p.location, externalPointer };
    this.counts.completed++;
    const stats = this.statsOf(p.checkpointId);
    if (stats) {
      stats.status = 'COMPLETED';
      stats.endToEndDurationMs = this.opts.clock.currentTimeMillis() - p.timestamp;
      stats.externalPath = externalPointer;
    }
    this.consecutiveFailures = 0;
    this.lastCompletionTime = this.opts.clock.currentTimeMillis();
    if (p.type === 'CHECKPOINT') {
      this.completed.push(completed);
      const subsumed = await this.opts.completedStore.addCheckpoint({ checkpointId: p.checkpointId, jobId: this.opts.jobId, timestamp: p.timestamp, externalPointer });
      for (const s of subsumed) {
        const i = this.completed.findIndex((c) => c.metadata.checkpointId === s.checkpointId);
        if (i >= 0) {
          const [old] = this.completed.splice(i, 1);
          await this.discard(old.location);
          await Promise.all(this.sharedState.release(old.metadata.checkpointId).map((h) => this.discardStateFile(h)));
        }
      }
      // Older pending checkpoints are subsumed by this one (Flink aborts them).
      for (const id of [...this.pending.keys()]) if (id < p.checkpointId) this.abort(id, new CheckpointDeclinedError(id, `subsumed by checkpoint ${p.checkpointId}`), false);
    }
    this.opts.context.operatorCoordinators?.completed(p.checkpointId);
    this.opts.log.info({ checkpointId: p.checkpointId }, `Completed ${p.type === 'SAVEPOINT' ? 'savepoint' : 'checkpoint'} ${p.checkpointId} for job ${this.opts.jobId} at ${externalPointer}.`);
    for (const t of p.tasks.values()) {
      t.notify(p.checkpointId, true).catch((e: unknown) => this.opts.log.warn({ err: e, attemptId: t.attemptId }, `Could not notify attempt ${t.attemptId} of checkpoint ${p.checkpointId}.`));
    }
    p.completion.resolve(completed);
    this.triggerWanted();
  }

  private metadataOf(p: PendingCheckpoint): CheckpointMetadata {
    const byVertexSubtask = new Map<string, TaskStateSnapshot>();
    for (const [attemptId, state] of p.acks) {
      const t = p.tasks.get(attemptId)!;
      byVertexSubtask.set(`${t.vertexId}#${t.subtaskIndex}`, state);
    }
    return {
      checkpointId: p.checkpointId,
      jobId: this.opts.jobId,
      type: p.type,
      timestamp: p.timestamp,
      operators: this.opts.context.operators.map((op) => {
        const subtasks: OperatorSubtaskState[] = [];
        for (let i = 0; i < op.parallelism; i++) {
          const key = `${op.vertexId}#${i}`;
          subtasks.push(p.finished.has(key) ? { finished: true } : byVertexSubtask.get(key)?.[op.operatorId] ?? {});
        }
        const coordinatorState = p.coordinatorStates.get(op.operatorId);
        return { operatorId: op.operatorId, uid: op.uid, name: op.name, parallelism: op.parallelism, maxParallelism: op.maxParallelism, subtasks,
          ...(coordinatorState ? { coordinatorState } : {}) };
      }),
    };
  }

  private abort(checkpointId: number, cause: Error, countsAsFailure: boolean): void {
    const p = this.pending.get(checkpointId);
    if (!p) return;
    this.pending.delete(checkpointId);
    p.timeout.cancel();
    this.counts.failed++;
    const stats = this.statsOf(checkpointId);
    if (stats) {
      stats.status = 'FAILED';
      stats.endToEndDurationMs = this.opts.clock.currentTimeMillis() - p.timestamp;
      stats.failureMessage = cause.message;
    }
    this.opts.log.info({ checkpointId, err: cause }, `Checkpoint ${checkpointId} of job ${this.opts.jobId} aborted: ${cause.message}`);
    for (const t of p.tasks.values()) {
      t.notify(checkpointId, false).catch((e: unknown) => this.opts.log.debug({ err: e, attemptId: t.attemptId }, `Could not tell attempt ${t.attemptId} that checkpoint ${checkpointId} was aborted.`));
    }
    this.discardAborted(p.location);
    this.discardShared(this.sharedState.release(checkpointId));
    p.completion.reject(cause);
    this.triggerWanted();
    // A failed stop-with-savepoint is the stopping client's failure, not the job's: a suspended task goes
    // on by itself, a drained one fails (Flink fails the job over in both cases; here SUSPEND needs not).
    if (!countsAsFailure || p.postCheckpointAction) return;
    this.consecutiveFailures++;
    const tolerable = this.opts.settings.tolerableFailures;
    if (this.consecutiveFailures > tolerable) {
      const failures = this.consecutiveFailures;
      this.consecutiveFailures = 0;
      this.opts.context.failJob(new CheckpointFailuresExceededError(failures, tolerable, cause));
    }
  }

  /**
   * Deletes an aborted checkpoint's location. A task may still be writing into it (its upload started
   * before the abort), so the location is remembered (the last ABORTED_LOCATIONS_KEPT of them) and
   * deleted again at shutdown, after the job's tasks ended.
   */
  private discardAborted(location: CheckpointLocation): void {
    this.aborted.push(location);
    if (this.aborted.length > ABORTED_LOCATIONS_KEPT) this.aborted.shift();
    const discarding = this.discard(location);
    this.discarding.add(discarding);
    void discarding.finally(() => this.discarding.delete(discarding));
  }

  /** Deletes SHARED files no checkpoint holds, in the background (shutdown waits for it). */
  private discardShared(handles: readonly StreamStateHandle[]): void {
    if (handles.length === 0) return;
    const discarding = Promise.all(handles.map((h) => this.discardStateFile(h))).then(() => undefined);
    this.discarding.add(discarding);
    void discarding.finally(() => this.discarding.delete(discarding));
  }

  private async discardStateFile(handle: StreamStateHandle): Promise<void> {
    try {
      await this.opts.storage.discardState(handle);
    } catch (e) {
      this.opts.log.warn({ err: e }, `Could not delete shared state ${handle.kind === 'file' ? handle.uri : 'inline'}.`);
    }
  }

  private async discard(location: CheckpointLocation): Promise<void> {
    try {
      await this.opts.storage.discard(location);
    } catch (e) {
      // Left-over files cost space, not correctness: the metadata of a discarded checkpoint is never read again.
      this.opts.log.warn({ err: e, checkpointId: location.checkpointId }, `Could not discard checkpoint ${location.checkpointId} at ${location.pointer}.`);
    }
  }
}
