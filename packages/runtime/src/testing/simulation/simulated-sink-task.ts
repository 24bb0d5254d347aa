import { checkpointTransactionId, tailTransactionId } from './simulated-data-plane';
import { SimulatedTask, SimulatedTaskError } from './simulated-task';

interface Transaction {
  readonly id: string;
  /** The checkpoint whose barrier closed it (commits with that checkpoint's completion or a later one). */
  readonly checkpointId: number;
  readonly records: readonly number[];
}

interface SinkState {
  readonly transactions: readonly Transaction[];
}

interface Channel {
  readonly partitionKey: string;
  readonly subpartition: number;
  /** The checkpoint whose barrier came on this channel and whose alignment waits for the others. */
  blockedFor?: number;
  /** End-of-data came: no record follows (barriers and the end may). */
  dataEnded: boolean;
  ended: boolean;
}

/**
 * An exactly-once (two-phase-commit) sink subtask, as the runtime's sink writer and committer behave:
 * records go into an open transaction; the barrier of checkpoint n (aligned over all inputs) closes it
 * as transaction n and the state keeps the closed, uncommitted ones; `notifyCheckpointComplete(n)`
 * commits those up to n; a restore commits everything restored (it belongs to a completed checkpoint;
 * commits are idempotent). At the end of its data, when the job checkpoints after tasks finish, the
 * open records become the attempt's tail transaction, which belongs to the next checkpoint the sink
 * takes (by barrier, or by trigger once its producers finished); its completion commits it, and the
 * sink finishes once its inputs ended. Otherwise it commits everything left at the end and finishes.
 */
export class SimulatedSinkTask extends SimulatedTask {
  private readonly channels: Channel[] = this.tdd.inputs.flatMap((gate) =>
    gate.channels.map((c) => ({ partitionKey: c.partitionKey, subpartition: c.subpartitionIndex, dataEnded: false, ended: false })),
  );
  private open: number[] = [];
  private transactions: Transaction[] = [];
  private aligning: number | undefined;
  /** The newest checkpoint this sink took part in (older barriers are stale). */
  private lastCheckpoint = 0;
  private waitingSince: number | undefined;
  /** While it waits for its final checkpoint: the newest checkpoint it had taken at the end of its data. */
  private finalAfter: number | undefined;
  private finalCompleted = false;

  protected restore(state: unknown): void {
    const restored = (state as SinkState | undefined)?.transactions ?? [];
    for (const t of restored) this.commit(t);
    this.lastCheckpoint = this.tdd.restore?.checkpointId ?? 0;
  }

  protected tick(): void {
    for (const channel of this.channels) {
      for (let i = 0; i < this.ctx.workload.recordsPerTick * 2 && this.running && !channel.ended && channel.blockedFor === undefined; i++) {
        if (!this.pollOnce(channel)) break;
      }
    }
    if (!this.running) return;
    if (this.finalAfter === undefined && this.channels.every((c) => c.dataEnded)) this.endOfData();
    else if (this.finalCompleted && this.channels.every((c) => c.ended)) this.finish();
  }

  /** Reads one element of `channel`; false when there was none to read. */
  private pollOnce(channel: Channel): boolean {
    const polled = this.ctx.dataPlane.poll(channel.partitionKey, channel.subpartition);
    switch (polled.kind) {
      case 'not-registered': {
        const now = this.ctx.clock.currentTimeMillis();
        this.waitingSince ??= now;
        if (now - this.waitingSince > this.ctx.workload.partitionRequestTimeoutMs) this.fail(`partition ${channel.partitionKey} was not found`);
        return false;
      }
      case 'failed':
        this.fail(`input ${channel.partitionKey} broke: ${polled.reason}`);
        return false;
      case 'empty':
        return false;
      case 'element': {
        const element = polled.element;
        if (element.kind === 'record') this.open.push(element.value);
        else if (element.kind === 'end-of-data') channel.dataEnded = true;
        else if (element.kind === 'end') this.channelEnded(channel);
        else this.barrier(channel, element.checkpointId, element.location);
        return true;
      }
    }
  }

  private barrier(channel: Channel, checkpointId: number, location: string): void {
    if (checkpointId <= this.lastCheckpoint) return;
    if (this.aligning !== undefined && checkpointId < this.aligning) return;
    if (this.aligning !== undefined && checkpointId > this.aligning) {
      // A newer barrier overtook the alignment (its checkpoint's barrier was lost upstream): that one is given up.
      this.decline(this.aligning, new SimulatedTaskError(this.name, `checkpoint ${this.aligning} was overtaken by ${checkpointId}`), false);
      this.unblock();
    }
    this.aligning = checkpointId;
    channel.blockedFor = checkpointId;
    this.completeAlignment(location);
  }

  private channelEnded(channel: Channel): void {
    channel.ended = true;
    channel.dataEnded = true;
    channel.blockedFor = undefined;
    if (this.aligning !== undefined) this.completeAlignment();
  }

  /** Every channel delivered the barrier (or ended): the open transaction closes and the state is written. */
  private completeAlignment(location?: string): void {
    const checkpointId = this.aligning;
    if (checkpointId === undefined || !this.channels.every((c) => c.ended || c.blockedFor === checkpointId)) return;
    if (this.channels.every((c) => c.ended)) {
      // Nothing carried the barrier to the end: the checkpoint cannot include this task any more.
      this.aligning = undefined;
      return;
    }
    this.aligning = undefined;
    this.unblock();
    this.take(checkpointId, location ?? `sim-storage://chk-${checkpointId}`);
  }

  /** Closes the open transaction as checkpoint `checkpointId`'s and writes the state. */
  private take(checkpointId: number, location: string): void {
    if (this.open.length > 0) this.transactions.push({ id: checkpointTransactionId(this.subtask, checkpointId), checkpointId, records: this.open });
    this.open = [];
    this.lastCheckpoint = checkpointId;
    this.snapshot(checkpointId, location, { transactions: this.transactions } satisfies SinkState);
  }

  private unblock(): void {
    for (const c of this.channels) c.blockedFor = undefined;
  }

  /** Every channel ended its data. */
  private endOfData(): void {
    const tail = { id: tailTransactionId(this.subtask, this.tdd.attemptNumber), records: this.open };
    this.open = [];
    if (!this.tdd.checkpointsAfterTasksFinish) {
      for (const t of this.transactions) this.commit(t);
      this.transactions = [];
      this.commit({ ...tail, checkpointId: Number.MAX_SAFE_INTEGER });
      this.finish();
      return;
    }
    if (tail.records.length > 0) this.transactions.push({ ...tail, checkpointId: this.lastCheckpoint + 1 });
    this.finalAfter = this.lastCheckpoint;
    this.notifyEndOfData();
  }

  /** Triggered once all its producers finished: taken only after the end of its data (no record is then in flight to it). */
  triggerCheckpoint(checkpointId: number, location: string): void {
    if (!this.running || this.finalAfter === undefined) {
      this.decline(checkpointId, new SimulatedTaskError(this.name, 'it still reads the data of its finished inputs'), false);
      return;
    }
    if (checkpointId <= this.lastCheckpoint) return;
    this.take(checkpointId, location);
  }

  notifyCheckpoint(checkpointId: number, completed: boolean): void {
    if (!this.running) return;
    if (!completed) {
      // Its late barriers are stale from now on.
      this.lastCheckpoint = Math.max(this.lastCheckpoint, checkpointId);
      if (this.aligning === checkpointId) {
        this.aligning = undefined;
        this.unblock();
      }
      return;
    }
    const done = this.transactions.filter((t) => t.checkpointId <= checkpointId);
    this.transactions = this.transactions.filter((t) => t.checkpointId > checkpointId);
    for (const t of done) this.commit(t);
    if (this.finalAfter !== undefined && checkpointId > this.finalAfter && checkpointId <= this.lastCheckpoint) this.finalCompleted = true;
  }

  private get subtask(): string {
    return `${this.tdd.vertex.name}-${this.tdd.subtaskIndex}`;
  }

  private commit(t: Transaction): void {
    if (this.ctx.sinkStore.commit(t.id, t.records)) this.ctx.trace.record(`sink ${this.name} commits ${t.id} (${t.records.length} records)`);
  }
}
