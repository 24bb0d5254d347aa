import { pack, unpack } from 'msgpackr';
import type { SimpleVersionedSerializer, SourceSplit } from '@flott/core';

/**
 * A block of one file (Flink's FileInputSplit, with the reader position of FileSourceSplit): its lines
 * are those whose first byte lies in [offset, offset + length). A reader of a fresh split that does
 * not start at 0 skips the partial line at its start (the previous split's last line) and reads past
 * its end to finish its own last line, but never past `fileSize`.
 */
export interface FileSourceSplit extends SourceSplit {
  readonly path: string;
  /** The split's first byte. */
  readonly offset: number;
  /** Bytes in the split (a line starting in them is the split's, however far it runs). */
  readonly length: number;
  /** The file's size when it was found: readers read up to here, so later growth is not read. */
  readonly fileSize: number;
  /**
   * Absent on a fresh split. Set by a reader's checkpoint: the first byte of the next line to emit,
   * a line start, so a restored reader starts there and skips nothing.
   */
  readonly position?: number;
}

/** A split as the source stored it before block splits (one per file): `offset` was the next line's start, `length` the file's size. */
interface WholeFileSplitV0 {
  readonly splitId: string;
  readonly path: string;
  readonly offset: number;
  readonly length: number;
}

/**
 * A split in either stored form: one from before block splits (no `fileSize`) becomes the rest of
 * its file from the line it had reached. Restored enumerator checkpoints hold such splits too.
 */
export function upgradeSplit(stored: FileSourceSplit | WholeFileSplitV0): FileSourceSplit {
  if ((stored as Partial<FileSourceSplit>).fileSize !== undefined) return stored as FileSourceSplit;
  const { splitId, path, offset, length: fileSize } = stored;
  return { splitId, path, offset, length: Math.max(0, fileSize - offset), fileSize, position: offset };
}

/**
 * The file source's split serializer. Version 0 is the runtime's msgpack form of the whole-file split
 * that the source stored before it had a serializer; version 1 is the block split, msgpack'd.
 */
export class FileSourceSplitSerializer implements SimpleVersionedSerializer<FileSourceSplit> {
  static readonly VERSION = 1;

  getVersion(): number {
    return FileSourceSplitSerializer.VERSION;
  }

  serialize(split: FileSourceSplit): Uint8Array {
    const { splitId, path, offset, length, fileSize, position } = split;
    return pack(position === undefined ? [splitId, path, offset, length, fileSize] : [splitId, path, offset, length, fileSize, position]);
  }

  deserialize(version: number, bytes: Uint8Array): FileSourceSplit {
    if (version === 0) return upgradeSplit(unpack(bytes) as WholeFileSplitV0);
    if (version !== FileSourceSplitSerializer.VERSION) throw new Error(`FileSourceSplitSerializer: unknown version ${version} (this one reads 0 and 1)`);
    const [splitId, path, offset, length, fileSize, position] = unpack(bytes) as [string, string, number, number, number, number?];
    return position === undefined ? { splitId, path, offset, length, fileSize } : { splitId, path, offset, length, fileSize, position };
  }
}

/** The files found by one listing, with their sizes. */
export interface FoundFile {
  readonly path: string;
  readonly size: number;
}

/** How files are cut into splits (FileInputFormat.createInputSplits' inputs). */
export interface SplitSizing {
  /** The file system's block size: no split is larger (but the last of a file, by up to 10 %). */
  readonly blockSize: number;
  /** No split is smaller (but the last of a file): files up to this size stay one split. */
  readonly minSplitSize: number;
}

/** The last split of a file may be this much larger than the split size rather than leave a sliver (Flink's MAX_SPLIT_SIZE_DISCREPANCY). */
const MAX_SPLIT_SIZE_DISCREPANCY = 1.1;

/**
 * Cuts the files of one listing into splits like Flink's FileInputFormat.createInputSplits: at least
 * `minNumSplits` (the readers) in all where the sizes allow, each max(minSplitSize, min(blockSize,
 * ceil(total / minNumSplits))) bytes, the last of a file taking a remainder of up to 10 % more. An
 * empty file is one empty split; a file of one split keeps its path as the split id.
 */
export function createSplits(files: readonly FoundFile[], minNumSplits: number, sizing: SplitSizing): FileSourceSplit[] {
  const total = files.reduce((sum, f) => sum + f.size, 0);
  const maxSplitSize = Math.ceil(total / Math.max(1, minNumSplits));
  const splitSize = Math.max(1, sizing.minSplitSize, Math.min(sizing.blockSize, maxSplitSize));
  const maxLastSplit = Math.floor(splitSize * MAX_SPLIT_SIZE_DISCREPANCY);
  const splits: FileSourceSplit[] = [];
  for (const { path, size } of files) {
    if (size <= maxLastSplit) {
      splits.push({ splitId: path, path, offset: 0, length: size, fileSize: size });
      continue;
    }
    let offset = 0;
    for (; size - offset > maxLastSplit; offset += splitSize) splits.push(blockSplit(path, offset, splitSize, size));
    splits.push(blockSplit(path, offset, size - offset, size));
  }
  return splits;
}

function blockSplit(path: string, offset: number, length: number, fileSize: number): FileSourceSplit {
  return { splitId: `${path}:${offset}+${length}`, path, offset, length, fileSize };
}
