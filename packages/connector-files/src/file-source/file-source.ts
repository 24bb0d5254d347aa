import { Boundedness, JobBuildError, toMillis, type DurationLike, type SimpleVersionedSerializer, type Source, type SourceReader, type SourceReaderContext, type SplitEnumerator,
  type SplitEnumeratorContext } from '@flott/core';
import { FileSourceSplitSerializer, type FileSourceSplit, type SplitSizing } from './file-source-split';
import { FileSplitEnumerator, type FileEnumeratorCheckpoint } from './file-split-enumerator';
import { TextLineSplitReader } from './text-line-split-reader';

/** Lines of text, UTF-8 (Flink's TextLineInputFormat): the record format of `FileSource.forRecordStreamFormat`. */
export class TextLineInputFormat {
  readonly charset = 'utf-8';
}

/**
 * Files as a unified source (Flink's FileSource): `FileSource.forRecordStreamFormat(new TextLineInputFormat(), path)`
 * reads the lines of a file, or of every file in a directory, once (bounded);
 * `.monitorContinuously(interval)` keeps listing the paths and reads files that appear (unbounded).
 * Files larger than the split size are cut into blocks, so several readers share one file (Flink's
 * FileInputFormat splits; see createSplits); a checkpoint keeps each split at its next line, and the files already found.
 */
export class FileSource implements Source<string, FileSourceSplit, FileEnumeratorCheckpoint> {
  private constructor(
    private readonly paths: readonly string[],
    private readonly monitorIntervalMs: number | undefined,
    private readonly readBufferSize: number,
    private readonly sizing: SplitSizing,
  ) {}

  static forRecordStreamFormat(format: TextLineInputFormat, ...paths: string[]): FileSourceBuilder {
    if (!(format instanceof TextLineInputFormat)) throw new JobBuildError('FileSource.forRecordStreamFormat: only TextLineInputFormat is supported');
    if (paths.length === 0) throw new JobBuildError('FileSource.forRecordStreamFormat: give at least one path');
    return new FileSourceBuilder(paths, (p, interval, bufferSize, sizing) => new FileSource(p, interval, bufferSize, sizing));
  }

  getBoundedness(): Boundedness {
    return this.monitorIntervalMs === undefined ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
  }

  createReader(context: SourceReaderContext): SourceReader<string, FileSourceSplit> {
    return new TextLineSplitReader(context, this.readBufferSize);
  }

  createEnumerator(context: SplitEnumeratorContext<FileSourceSplit>): SplitEnumerator<FileSourceSplit, FileEnumeratorCheckpoint> {
    return new FileSplitEnumerator(context, this.paths, this.monitorIntervalMs, this.sizing);
  }

  restoreEnumerator(context: SplitEnumeratorContext<FileSourceSplit>, checkpoint: FileEnumeratorCheckpoint): SplitEnumerator<FileSourceSplit, FileEnumeratorCheckpoint> {
    return new FileSplitEnumerator(context, this.paths, this.monitorIntervalMs, this.sizing, checkpoint);
  }

  getSplitSerializer(): SimpleVersionedSerializer<FileSourceSplit> {
    return new FileSourceSplitSerializer();
  }
}

/** Bytes a reader reads per I/O call unless the builder says otherwise (the default of source.file.read-buffer-size). */
const DEFAULT_READ_BUFFER_SIZE = 64 * 1024;
/** The block size unless the builder says otherwise (the default of source.file.block-size; Flink's local file system reports 32 MiB). */
const DEFAULT_BLOCK_SIZE = 32 * 1024 * 1024;
/** Splits are not cut smaller than this unless the builder says otherwise: smaller files stay one split. */
const DEFAULT_MIN_SPLIT_SIZE = 64 * 1024;

export class FileSourceBuilder {
  private monitorIntervalMs?: number;
  private readBufferSize = DEFAULT_READ_BUFFER_SIZE;
  private blockSize = DEFAULT_BLOCK_SIZE;
  private minSplitSize = DEFAULT_MIN_SPLIT_SIZE;

  constructor(
    private readonly paths: readonly string[],
    private readonly create: (paths: readonly string[], monitorIntervalMs: number | undefined, readBufferSize: number, sizing: SplitSizing) => FileSource,
  ) {}

  /**
   * Bytes a reader reads per I/O call (Flott; `env.readTextFile` passes `source.file.read-buffer-size`,
   * Flink's readers `source.file.stream.io-fetch-size`): bounds the lines a reader holds at once.
   */
  setReadBufferSize(bytes: number): this {
    this.readBufferSize = positiveInteger(bytes, 'read buffer size');
    return this;
  }

  /**
   * The largest split (`env.readTextFile` passes `source.file.block-size`; Flink takes the file
   * system's block size): a file is cut into at least one split per reader, each at most this big.
   */
  setBlockSize(bytes: number): this {
    this.blockSize = positiveInteger(bytes, 'block size');
    return this;
  }

  /** The smallest split (Flink's FileInputFormat.setMinSplitSize; default 64 KiB): files up to this size stay one split. */
  setMinSplitSize(bytes: number): this {
    this.minSplitSize = positiveInteger(bytes, 'minimum split size');
    return this;
  }

  /** Lists the paths again every `interval` and reads new files: the source never ends. */
  monitorContinuously(interval: DurationLike): this {
    const ms = toMillis(interval, 'FileSource.monitorContinuously: interval');
    if (!(ms > 0)) throw new JobBuildError(`FileSource.monitorContinuously: the interval must be > 0, got ${ms} ms`);
    this.monitorIntervalMs = ms;
    return this;
  }

  build(): FileSource {
    return this.create(this.paths, this.monitorIntervalMs, this.readBufferSize, { blockSize: this.blockSize, minSplitSize: this.minSplitSize });
  }
}

function positiveInteger(bytes: number, what: string): number {
  if (!Number.isSafeInteger(bytes) || bytes < 1) throw new JobBuildError(`FileSource: the ${what} must be an integer >= 1, got ${bytes}`);
  return bytes;
}
