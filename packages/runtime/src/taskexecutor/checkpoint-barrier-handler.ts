import { FlottError } from '@flott/core';
import type { Cancellable } from '../time/clock';
import type { PostCheckpointAction } from '../snapshot/snapshot-data';

/** A checkpoint barrier as it travels in-band (buffer-format's barrier event). */
export interface CheckpointBarrier {
  readonly checkpointId: number;
  readonly timestamp: number;
  /** The storage location the snapshots of this checkpoint go to (CheckpointLocation.pointer). */
  readonly location: string;
  /** < 0 aligned, 0 unaligned, > 0 aligned until that long after `timestamp` (network/buffer-format.ts). */
  readonly alignedTimeoutMs: number;
  /** Set on a stop-with-savepoint's synchronous savepoint: what the task does once it completed. */
  readonly postCheckpointAction?: PostCheckpointAction;
}

/** Blocking of one input channel of the task, for alignment. */
export interface AlignableInput {
  blockChannel(channel: number): void;
  resumeChannels(): void;
}

export class CheckpointAbortedError extends FlottError {
  constructor(checkpointId: number, reason: string) {
    super('CHECKPOINT_ABORTED', `Checkpoint ${checkpointId} was aborted: ${reason}`, { checkpointId });
  }
}

/**
 * How the barrier of a channel arrived: ahead of the channel's data (an unaligned barrier, the data
 * queued before it still to be consumed) or in order (everything before it consumed).
 */
export type BarrierArrival = 'priority' | 'in-band';

export interface BarrierHandlerActions {
  /**
   * Snapshot now, then the barrier goes downstream. `unaligned` (Flink's unaligned checkpoint): the
   * in-flight data goes into the checkpoint, so the task records its channels (`received`: the
   * channels whose barrier arrived, and how) until `channelStateComplete`.
   */
  triggerCheckpoint(barrier: CheckpointBarrier, unaligned?: { readonly received: ReadonlyMap<number, BarrierArrival> }): void;
  /** Unaligned: every channel delivered the barrier or ended: the recorded in-flight data is complete. */
  channelStateComplete(checkpointId: number): void;
  /** The task gives up on this checkpoint (a newer barrier overtook it, or it was aborted): decline it. */
  abortCheckpoint(checkpointId: number, cause: Error): void;
  /** Runs `fn` on the task after `delayMs` (aligned-checkpoint-timeout). */
  schedule(delayMs: number, fn: () => void): Cancellable;
  now(): number;
}

/**
 * Barriers of a task with inputs (Flink's SingleCheckpointBarrierHandler and CheckpointBarrierTracker).
 * Channels are numbered across all the task's input gates.
 * - Aligned (EXACTLY_ONCE, barrier alignedTimeoutMs < 0): a channel that delivered the barrier is
 *   blocked until every channel delivered it, so the snapshot holds exactly the effects of the records
 *   before the barrier.
 * - Unaligned (alignedTimeoutMs 0, or a barrier that arrived ahead of its channel's data): the first
 *   barrier triggers the snapshot at once; the data still in flight before each channel's barrier is
 *   recorded into the checkpoint instead of waited for.
 * - Aligned with a timeout (alignedTimeoutMs > 0): aligned, switching to unaligned when alignment has
 *   not finished that long after the checkpoint started (or when an upstream task already switched).
 * - AT_LEAST_ONCE: nothing is blocked, so records after the barrier on a fast channel may be in the
 *   snapshot and are replayed after a restore.
 * A channel that ended counts as aligned. A barrier of a newer checkpoint aborts the one in progress;
 * barriers of older checkpoints are ignored. Mailbox thread only.
 */
export class CheckpointBarrierHandler {
  private current:
    | { barrier: CheckpointBarrier; received: Map<number, BarrierArrival>; unaligned: boolean; timer?: Cancellable; announced?: Set<number> }
    | undefined;
  /** Highest checkpoint this task triggered or aborted: older barriers that still arrive are ignored. */
  private latest = 0;
  private readonly ended = new Set<number>();

  constructor(
    private readonly channels: ReadonlyArray<{ readonly input: AlignableInput; readonly channel: number }>,
    private readonly aligned: boolean,
    private readonly actions: BarrierHandlerActions,
  ) {}

  /** The checkpoint being aligned or recorded, if any (for tests and metrics). */
  get pendingCheckpointId(): number | undefined {
    return this.current?.barrier.checkpointId;
  }

  /** Whether the checkpoint in progress records in-flight data (unaligned). */
  get isUnaligned(): boolean {
    return this.current?.unaligned ?? false;
  }

  processBarrier(channel: number, barrier: CheckpointBarrier, arrival: BarrierArrival = 'in-band'): void {
    const id = barrier.checkpointId;
    if (id <= this.latest && this.current?.barrier.checkpointId !== id) return;
    if (this.current && id > this.current.barrier.checkpointId) {
      const old = this.current.barrier.checkpointId;
      this.abort(new CheckpointAbortedError(old, `the barrier of checkpoint ${id} arrived before alignment finished`));
    }
    if (!this.current) {
      this.current = { barrier, received: new Map(), unaligned: false };
      this.latest = id;
    }
    const current = this.current;
    // A recorded channel reports its barrier when the data is decoded; the element itself comes later.
    if (current.received.has(channel)) return;
    current.received.set(channel, arrival);
    if (this.aligned && !current.unaligned) {
      if (arrival === 'priority' || this.alignmentTimedOut(current.barrier)) {
        this.switchToUnaligned();
      } else {
        const c = this.channels[channel];
        c.input.blockChannel(c.channel);
        this.startAlignmentTimer(current);
      }
    }
    this.completeIfDone();
  }

  /**
   * An aligned barrier with a timeout arrived on `channel` behind data (Flink's EventAnnouncement): the
   * timeout runs from now on, not only from the first barrier the task reaches, and should it expire
   * before the task reaches this one, the checkpoint goes unaligned with the barrier taken as
   * overtaking (the channel decoded what lies ahead of it, which is recorded). Older, newer and
   * already unaligned checkpoints' announcements are left to their barriers.
   */
  processAnnouncement(channel: number, barrier: CheckpointBarrier): void {
    if (!this.aligned || barrier.alignedTimeoutMs <= 0) return;
    const id = barrier.checkpointId;
    if (this.current !== undefined ? this.current.barrier.checkpointId !== id : id <= this.latest) return;
    if (!this.current) {
      this.current = { barrier, received: new Map(), unaligned: false };
      this.latest = id;
    }
    const current = this.current;
    if (current.unaligned || current.received.has(channel)) return;
    (current.announced ??= new Set()).add(channel);
    if (this.alignmentTimedOut(current.barrier)) this.switchToUnaligned();
    else this.startAlignmentTimer(current);
  }

  private startAlignmentTimer(current: NonNullable<CheckpointBarrierHandler['current']>): void {
    if (current.timer !== undefined || current.barrier.alignedTimeoutMs <= 0) return;
    const delay = current.barrier.timestamp + current.barrier.alignedTimeoutMs - this.actions.now();
    current.timer = this.actions.schedule(Math.max(0, delay), () => {
      if (this.current === current && !current.unaligned) this.switchToUnaligned();
    });
  }

  /** A channel delivered end-of-partition: it sends no more barriers and never holds alignment up. */
  processEndOfPartition(channel: number): void {
    this.ended.add(channel);
    this.completeIfDone();
  }

  /** Drops the checkpoint in progress (the task aborts it, e.g. when the coordinator says so). */
  abortPending(checkpointId: number): void {
    if (this.current?.barrier.checkpointId === checkpointId) {
      this.current.timer?.cancel();
      this.resume();
      this.current = undefined;
    }
    if (checkpointId > this.latest) this.latest = checkpointId;
  }

  private alignmentTimedOut(barrier: CheckpointBarrier): boolean {
    const timeout = barrier.alignedTimeoutMs;
    return timeout === 0 || (timeout > 0 && this.actions.now() - barrier.timestamp >= timeout);
  }

  /** Snapshot now and record what is still in flight; blocked channels (barrier delivered) go on. */
  private switchToUnaligned(): void {
    const current = this.current!;
    current.unaligned = true;
    // Announced barriers not reached yet overtake the data ahead of them (it is decoded, and recorded now).
    for (const channel of current.announced ?? []) if (!current.received.has(channel)) current.received.set(channel, 'priority');
    current.timer?.cancel();
    current.timer = undefined;
    this.actions.triggerCheckpoint(current.barrier, { received: current.received });
    this.resume();
    // Every channel may count as received now (announced ones), with nothing more to come.
    this.completeIfDone();
  }

  private completeIfDone(): void {
    const current = this.current;
    if (!current) return;
    for (let i = 0; i < this.channels.length; i++) if (!current.received.has(i) && !this.ended.has(i)) return;
    this.current = undefined;
    current.timer?.cancel();
    if (current.unaligned) {
      this.actions.channelStateComplete(current.barrier.checkpointId);
      return;
    }
    this.resume();
    this.actions.triggerCheckpoint(current.barrier);
  }

  private abort(cause: Error): void {
    const current = this.current!;
    this.current = undefined;
    current.timer?.cancel();
    this.resume();
    this.actions.abortCheckpoint(current.barrier.checkpointId, cause);
  }

  private resume(): void {
    if (!this.aligned) return;
    const inputs = new Set(this.channels.map((c) => c.input));
    for (const input of inputs) input.resumeChannels();
  }
}
