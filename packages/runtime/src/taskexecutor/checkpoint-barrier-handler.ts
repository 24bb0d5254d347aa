import { FlottError } from '@flott/core';

/** A checkpoint barrier as it travels in-band (buffer-format's barrier event). */
export interface CheckpointBarrier {
  readonly checkpointId: number;
  readonly timestamp: number;
  /** The storage location the snapshots of this checkpoint go to (CheckpointLocation.pointer). */
  readonly location: string;
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

export interface BarrierHandlerActions {
  /** Every input delivered the barrier (or ended): snapshot now, then the barrier goes downstream. */
  triggerCheckpoint(barrier: CheckpointBarrier): void;
  /** The task gives up on this checkpoint (a newer barrier overtook it): decline it. */
  abortCheckpoint(checkpointId: number, cause: Error): void;
}

/**
 * Barriers of a task with inputs (Flink's SingleCheckpointBarrierHandler and CheckpointBarrierTracker).
 * Channels are numbered across all the task's input gates. In EXACTLY_ONCE mode a channel that
 * delivered the barrier of the checkpoint in progress is blocked until every channel delivered it
 * (aligned), so the snapshot holds exactly the effects of the records before the barrier; in
 * AT_LEAST_ONCE mode nothing is blocked, so records after the barrier on a fast channel may be in the
 * snapshot and are replayed after a restore. A channel that ended counts as aligned. A barrier of a
 * newer checkpoint aborts the one in progress; barriers of older checkpoints are ignored. Mailbox
 * thread only.
 */
export class CheckpointBarrierHandler {
  private current: { barrier: CheckpointBarrier; received: Set<number> } | undefined;
  /** Highest checkpoint this task triggered or aborted: older barriers that still arrive are ignored. */
  private latest = 0;
  private readonly ended = new Set<number>();

  constructor(
    private readonly channels: ReadonlyArray<{ readonly input: AlignableInput; readonly channel: number }>,
    private readonly aligned: boolean,
    private readonly actions: BarrierHandlerActions,
  ) {}

  /** The checkpoint being aligned, if any (for tests and metrics). */
  get pendingCheckpointId(): number | undefined {
    return this.current?.barrier.checkpointId;
  }

  processBarrier(channel: number, barrier: CheckpointBarrier): void {
    const id = barrier.checkpointId;
    if (id <= this.latest && this.current?.barrier.checkpointId !== id) return;
    if (this.current && id > this.current.barrier.checkpointId) {
      const old = this.current.barrier.checkpointId;
      this.abort(new CheckpointAbortedError(old, `the barrier of checkpoint ${id} arrived before alignment finished`));
    }
    if (!this.current) {
      this.current = { barrier, received: new Set() };
      this.latest = id;
    }
    this.current.received.add(channel);
    if (this.aligned) {
      const c = this.channels[channel];
      c.input.blockChannel(c.channel);
    }
    this.completeIfAligned();
  }

  /** A channel delivered end-of-partition: it sends no more barriers and never holds alignment up. */
  processEndOfPartition(channel: number): void {
    this.ended.add(channel);
    this.completeIfAligned();
  }

  /** Drops the checkpoint in progress (the task aborts it, e.g. when the coordinator says so). */
  abortPending(checkpointId: number): void {
    if (this.current?.barrier.checkpointId === checkpointId) {
      this.resume();
      this.current = undefined;
    }
    if (checkpointId > this.latest) this.latest = checkpointId;
  }

  private completeIfAligned(): void {
    const current = this.current;
    if (!current) return;
    for (let i = 0; i < this.channels.length; i++) if (!current.received.has(i) && !this.ended.has(i)) return;
    this.current = undefined;
    this.resume();
    this.actions.triggerCheckpoint(current.barrier);
  }

  private abort(cause: Error): void {
    const id = this.current!.barrier.checkpointId;
    this.current = undefined;
    this.resume();
    this.actions.abortCheckpoint(id, cause);
  }

  private resume(): void {
    if (!this.aligned) return;
    const inputs = new Set(this.channels.map((c) => c.input));
    for (const input of inputs) input.resumeChannels();
  }
}
