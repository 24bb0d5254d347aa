import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { SplitEnumerator, SplitEnumeratorContext } from '@flott/core';
import { FileIoError, SourceFileNotFoundError } from '../connector-errors';
import { createSplits, upgradeSplit, type FileSourceSplit, type FoundFile, type SplitSizing } from './file-source-split';

export type { FileSourceSplit } from './file-source-split';

/** The enumerator's checkpoint: splits not assigned yet, and (monitoring) every file already found. */
export interface FileEnumeratorCheckpoint {
  readonly pending: readonly FileSourceSplit[];
  readonly processed: readonly string[];
}

/** The files under `paths` (a file, or a directory's non-hidden files, by name), with their sizes. */
export async function listFiles(paths: readonly string[]): Promise<FoundFile[]> {
  const found: FoundFile[] = [];
  for (const p of paths) {
    let stat;
    try {
      stat = await fsp.stat(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new SourceFileNotFoundError(p);
      throw new FileIoError('Listing', p, e);
    }
    if (!stat.isDirectory()) {
      found.push({ path: p, size: stat.size });
      continue;
    }
    for (const name of (await fsp.readdir(p)).sort()) {
      if (name.startsWith('.') || name.startsWith('_')) continue;
      const file = path.join(p, name);
      const s = await fsp.stat(file);
      if (s.isFile()) found.push({ path: file, size: s.size });
    }
  }
  return found;
}

/**
 * Finds the files, cuts them into block splits (createSplits: at least one per reader where the sizes
 * allow, none larger than the block size) and hands them to the readers that ask, in file and offset
 * order (Flink's StaticFileSplitEnumerator with FileInputFormat's splits, and with `monitorIntervalMs`
 * its ContinuousFileSplitEnumerator: the paths are listed again every interval and files not seen
 * before become splits; it never runs out). Listing runs through `callAsync`, off the coordinator's
 * event loop turn.
 */
export class FileSplitEnumerator implements SplitEnumerator<FileSourceSplit, FileEnumeratorCheckpoint> {
  private readonly pending: FileSourceSplit[];
  private readonly processed: Set<string>;
  private readonly waiting = new Set<number>();
  private listed = false;

  constructor(
    private readonly context: SplitEnumeratorContext<FileSourceSplit>,
    private readonly paths: readonly string[],
    private readonly monitorIntervalMs: number | undefined,
    private readonly sizing: SplitSizing,
    restored?: FileEnumeratorCheckpoint,
  ) {
    this.pending = (restored?.pending ?? []).map(upgradeSplit);
    this.processed = new Set(restored?.processed ?? []);
    // A restored bounded enumerator listed before its checkpoint: what it found is in `pending` or with the readers.
    this.listed = restored !== undefined && monitorIntervalMs === undefined;
  }

  start(): void {
    if (this.listed) return;
    const handle = (files: FoundFile[] | undefined, error: Error | undefined): void => {
      if (error) throw error;
      const fresh = (files ?? []).filter((f) => !this.processed.has(f.path));
      for (const f of fresh) this.processed.add(f.path);
      this.pending.push(...createSplits(fresh, this.context.currentParallelism(), this.sizing));
      this.listed = true;
      this.assignWaiting();
    };
    this.context.callAsync(() => listFiles(this.paths), handle, 0, this.monitorIntervalMs);
  }

  handleSplitRequest(subtaskId: number): void {
    this.waiting.add(subtaskId);
    this.assignWaiting();
  }

  private assignWaiting(): void {
    if (!this.listed) return;
    for (const subtask of [...this.waiting]) {
      if (!this.context.registeredReaders().has(subtask)) {
        this.waiting.delete(subtask);
        continue;
      }
      const split = this.pending.shift();
      if (split) {
        this.waiting.delete(subtask);
        this.context.assignSplit(split, subtask);
      } else if (this.monitorIntervalMs === undefined) {
        this.waiting.delete(subtask);
        this.context.signalNoMoreSplits(subtask);
      }
    }
  }

  addSplitsBack(splits: readonly FileSourceSplit[]): void {
    this.pending.unshift(...splits);
    this.assignWaiting();
  }

  addReader(): void {}

  snapshotState(): FileEnumeratorCheckpoint {
    return { pending: [...this.pending], processed: this.monitorIntervalMs === undefined ? [] : [...this.processed] };
  }

  close(): void {}
}
