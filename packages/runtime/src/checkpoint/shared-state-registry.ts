import type { StreamStateHandle, TaskStateSnapshot } from '../snapshot/snapshot-data';

/**
 * Reference counts of SHARED state files (Flink's SharedStateRegistry), in the JobMaster's checkpoint
 * coordinator: the full and change files of incremental keyed handles, by URI, with the checkpoints
 * that hold them. A checkpoint holds its files from its acknowledgement on (so a file a pending
 * checkpoint builds on is never deleted under it) until it is aborted or subsumed; a file no
 * checkpoint holds any more is handed back for `CheckpointStorageAccess.discardState`. Inline
 * handles live in the metadata and need no deleting. Files of a checkpoint a job was started from
 * (`-s`) are never registered, so a job never deletes what an earlier run wrote (Flink's NO_CLAIM);
 * its tasks begin new chains with a full file.
 */
export class SharedStateRegistry {
  private readonly holders = new Map<string, { readonly handle: StreamStateHandle; readonly checkpoints: Set<number> }>();
  private readonly held = new Map<number, Set<string>>();

  /**
   * The first file an acknowledgement builds on (every file of an incremental handle but its newest)
   * that no checkpoint holds any more, or undefined. A task bases its changes on the last checkpoint it
   * was told completed; when that was subsumed (and its files deleted) before the task heard of the
   * newer one, its checkpoint cannot be restored and must be aborted.
   */
  missingBase(state: TaskStateSnapshot): string | undefined {
    for (const s of Object.values(state)) {
      const changes = s.keyed?.changes;
      if (!changes) continue;
      const files = [s.keyed!.handle, ...changes];
      for (const h of files.slice(0, -1)) if (h.kind === 'file' && !this.holders.has(h.uri)) return h.uri;
    }
    return undefined;
  }

  /** Checkpoint `checkpointId` holds the shared files of `state` (an acknowledgement). */
  register(checkpointId: number, state: TaskStateSnapshot): void {
    for (const handle of sharedFiles(state)) {
      let entry = this.holders.get(handle.uri);
      if (!entry) this.holders.set(handle.uri, (entry = { handle, checkpoints: new Set() }));
      entry.checkpoints.add(checkpointId);
      let uris = this.held.get(checkpointId);
      if (!uris) this.held.set(checkpointId, (uris = new Set()));
      uris.add(handle.uri);
    }
  }

  /** Checkpoint `checkpointId` is gone (aborted or subsumed): the files nobody holds any more, to delete. */
  release(checkpointId: number): StreamStateHandle[] {
    const free: StreamStateHandle[] = [];
    for (const uri of this.held.get(checkpointId) ?? []) {
      const entry = this.holders.get(uri)!;
      entry.checkpoints.delete(checkpointId);
      if (entry.checkpoints.size === 0) {
        this.holders.delete(uri);
        free.push(entry.handle);
      }
    }
    this.held.delete(checkpointId);
    return free;
  }

  /**
   * The files an acknowledgement wrote (the newest of each incremental handle) that no checkpoint
   * holds: nobody else will delete them when the acknowledgement is not taken (late, or refused).
   */
  unheldNewFiles(state: TaskStateSnapshot): StreamStateHandle[] {
    const files: StreamStateHandle[] = [];
    for (const s of Object.values(state)) {
      const changes = s.keyed?.changes;
      if (!changes) continue;
      const newest = changes.length > 0 ? changes[changes.length - 1] : s.keyed!.handle;
      if (newest.kind === 'file' && !this.holders.has(newest.uri)) files.push(newest);
    }
    return files;
  }

  /** Number of files held (tests, metrics). */
  size(): number {
    return this.holders.size;
  }
}

function sharedFiles(state: TaskStateSnapshot): Array<StreamStateHandle & { kind: 'file' }> {
  const files: Array<StreamStateHandle & { kind: 'file' }> = [];
  for (const s of Object.values(state)) {
    if (!s.keyed?.changes) continue;
    for (const h of [s.keyed.handle, ...s.keyed.changes]) if (h.kind === 'file') files.push(h);
  }
  return files;
}
