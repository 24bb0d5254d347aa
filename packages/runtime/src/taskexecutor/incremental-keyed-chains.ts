import type { KeyGroupRange, KeyedStateHandle, StreamStateHandle } from '../snapshot/snapshot-data';

/** What an incremental keyed snapshot builds on: the checkpoint whose snapshot the changes are relative to, and its handle. */
export interface KeyedChainBase {
  readonly checkpointId: number;
  readonly keyed: KeyedStateHandle;
}

/**
 * The task side of incremental checkpoints (Flink's RocksIncrementalSnapshotStrategy bookkeeping),
 * per keyed operator of a chain: the keyed handle of the last checkpoint that completed (a full file
 * and the change files after it) is the base the next checkpoint's changes build on. Only completed
 * checkpoints become bases (notifyCheckpointComplete), so a change file never builds on files an
 * aborted checkpoint left. The chain is cut (a new full file) when it reaches `maxChainLength` change
 * files or the change files together outgrow the full one. Mailbox thread only.
 */
export class IncrementalKeyedChains {
  private readonly confirmed = new Map<string, KeyedChainBase>();
  /** Acknowledged checkpoints' keyed handles by operator, until they complete or are aborted. */
  private readonly acknowledged = new Map<number, Map<string, KeyedStateHandle>>();

  constructor(private readonly maxChainLength: number) {}

  /** The base for `operatorId`'s next checkpoint, or undefined: it writes a full file. */
  baseFor(operatorId: string): KeyedChainBase | undefined {
    const base = this.confirmed.get(operatorId);
    const changes = base?.keyed.changes;
    if (!base || !changes || changes.length >= this.maxChainLength) return undefined;
    const changesSize = changes.reduce((n, h) => n + sizeOf(h), 0);
    return changesSize < sizeOf(base.keyed.handle) ? base : undefined;
  }

  /** The keyed handle a checkpoint acknowledges: a new full file starts a chain, a change file extends its base's. */
  handleOf(range: KeyGroupRange, written: StreamStateHandle, base: KeyedChainBase | undefined): KeyedStateHandle {
    if (!base) return { keyGroupRange: range, handle: written, changes: [] };
    return { keyGroupRange: range, handle: base.keyed.handle, changes: [...(base.keyed.changes ?? []), written] };
  }

  recordAcknowledged(checkpointId: number, operatorId: string, keyed: KeyedStateHandle): void {
    let byOperator = this.acknowledged.get(checkpointId);
    if (!byOperator) this.acknowledged.set(checkpointId, (byOperator = new Map()));
    byOperator.set(operatorId, keyed);
  }

  notifyComplete(checkpointId: number): void {
    for (const [operatorId, keyed] of this.acknowledged.get(checkpointId) ?? []) {
      const current = this.confirmed.get(operatorId);
      if (!current || current.checkpointId < checkpointId) this.confirmed.set(operatorId, { checkpointId, keyed });
    }
    // Older ones are subsumed: their completion will not be announced any more.
    for (const id of [...this.acknowledged.keys()]) if (id <= checkpointId) this.acknowledged.delete(id);
  }

  notifyAborted(checkpointId: number): void {
    this.acknowledged.delete(checkpointId);
  }
}

function sizeOf(h: StreamStateHandle): number {
  return h.kind === 'inline' ? h.data.byteLength : h.size;
}

/**
 * Whether a location is a savepoint's: the storages lay locations out as Flink does (savepoints in
 * `savepoint-<job prefix>-<random>` directories, docs/checkpoint-format.md), and a savepoint is always
 * full and self-contained, whatever `execution.checkpointing.incremental` says.
 */
export function isSavepointPointer(pointer: string): boolean {
  const segments = pointer.replace(/\/+$/, '').split('/');
  return segments[segments.length - 1].startsWith('savepoint-');
}
