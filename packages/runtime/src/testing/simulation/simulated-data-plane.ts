/**
 * One element in a simulated channel: a record, a checkpoint barrier, the end of the producer's data
 * (no record follows; barriers of its final checkpoint still do) or the end of its partition.
 */
export type ChannelElement =
  | { readonly kind: 'record'; readonly value: number }
  | { readonly kind: 'barrier'; readonly checkpointId: number; readonly location: string }
  | { readonly kind: 'end-of-data' }
  | { readonly kind: 'end' };

/** What a consumer finds when it polls a channel. */
export type PollResult =
  | { readonly kind: 'element'; readonly element: ChannelElement }
  | { readonly kind: 'empty' }
  | { readonly kind: 'not-registered' }
  | { readonly kind: 'failed'; readonly reason: string };

interface SimulatedPartition {
  readonly host: string;
  readonly subpartitions: ChannelElement[][];
  failed?: string;
}

/**
 * The records between simulated tasks (the network stack's part, simulated): a producing attempt
 * registers its result partition under its partition key (unique per attempt), appends to its
 * subpartitions, and each consumer polls its subpartition in order. A partition fails with its
 * producer (failed or canceled) or its TaskManager (dead); its consumer then fails as it would on a
 * broken connection. Finished partitions stay readable.
 */
export class SimulatedDataPlane {
  private readonly partitions = new Map<string, SimulatedPartition>();

  register(partitionKey: string, numSubpartitions: number, host: string): void {
    const subpartitions: ChannelElement[][] = [];
    for (let i = 0; i < numSubpartitions; i++) subpartitions.push([]);
    this.partitions.set(partitionKey, { host, subpartitions });
  }

  emit(partitionKey: string, subpartition: number, element: ChannelElement): void {
    const partition = this.partitions.get(partitionKey);
    if (!partition || partition.failed) return;
    partition.subpartitions[subpartition].push(element);
  }

  poll(partitionKey: string, subpartition: number): PollResult {
    const partition = this.partitions.get(partitionKey);
    if (!partition) return { kind: 'not-registered' };
    if (partition.failed) return { kind: 'failed', reason: partition.failed };
    const element = partition.subpartitions[subpartition].shift();
    return element ? { kind: 'element', element } : { kind: 'empty' };
  }

  fail(partitionKey: string, reason: string): void {
    const partition = this.partitions.get(partitionKey);
    if (partition && !partition.failed) partition.failed = reason;
  }

  /** A TaskManager died: the partitions it held are gone. */
  failHost(host: string): void {
    for (const partition of this.partitions.values()) if (partition.host === host && !partition.failed) partition.failed = `TaskManager ${host} died`;
  }
}

/**
 * The external system behind the simulated exactly-once sink: it commits transactions by id and
 * idempotently (committing the same transaction again is a no-op, as a two-phase-commit sink's
 * committer must be), so what it holds is what the job's output is.
 */
/** The transaction id of what a sink subtask's attempt held at the end of its input, its tail (see SimulatedSinkTask). */
export function tailTransactionId(subtask: string, attemptNumber: number): string {
  return `${subtask}/end-a${attemptNumber}`;
}

/** The transaction id of what a sink subtask's checkpoint `checkpointId` closed. */
export function checkpointTransactionId(subtask: string, checkpointId: number): string {
  return `${subtask}/c${checkpointId}`;
}

export class SimulatedSinkStore {
  private readonly committed = new Map<string, readonly number[]>();
  /** Which transaction committed each record. */
  private readonly committedBy = new Map<number, string>();
  /** What broke exactly-once so far (a record committed by two transactions, a transaction committed twice with other records). */
  readonly violations: string[] = [];
  /** Commits `transactionId` unless it was committed before; returns whether it was new. */
  commit(transactionId: string, records: readonly number[]): boolean {
    const before = this.committed.get(transactionId);
    if (before) {
      if (before.length !== records.length || before.some((r, i) => r !== records[i])) {
        this.violations.push(`transaction ${transactionId} committed again with other records (${before.length} before, ${records.length} now)`);
      }
      return false;
    }
    this.committed.set(transactionId, [...records]);
    for (const record of records) {
      const other = this.committedBy.get(record);
      if (other === undefined) this.committedBy.set(record, transactionId);
      else this.violations.push(`record ${record} committed twice: by ${other} and by ${transactionId}`);
    }
    return true;
  }

  get committedCount(): number {
    return this.committedBy.size;
  }

  /** Every record committed (once or more), sorted. */
  committedRecords(): number[] {
    return [...this.committedBy.keys()].sort((a, b) => a - b);
  }
}
