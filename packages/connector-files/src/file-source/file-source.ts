import { Boundedness, JobBuildError, toMillis, type DurationLike, type Source, type SourceReader, type SourceReaderContext, type SplitEnumerator,
  type SplitEnumeratorContext } from '@flott/core';
import { FileSplitEnumerator, type FileEnumeratorCheckpoint, type FileSourceSplit } from './file-split-enumerator';
import { TextLineSplitReader } from './text-line-split-reader';

/** Lines of text, UTF-8 (Flink's TextLineInputFormat): the record format of `FileSource.forRecordStreamFormat`. */
export class TextLineInputFormat {
  readonly charset = 'utf-8';
}

/**
 * Files as a unified source (Flink's FileSource): `FileSource.forRecordStreamFormat(new TextLineInputFormat(), path)`
 * reads the lines of a file, or of every file in a directory, once (bounded);
 * `.monitorContinuously(interval)` keeps listing the paths and reads files that appear (unbounded).
 * One split per file; a checkpoint keeps each split at its next line, and the files already found.
 */
export class FileSource implements Source<string, FileSourceSplit, FileEnumeratorCheckpoint> {
  private constructor(
    private readonly paths: readonly string[],
    private readonly monitorIntervalMs: number | undefined,
  ) {}

  static forRecordStreamFormat(format: TextLineInputFormat, ...paths: string[]): FileSourceBuilder {
    if (!(format instanceof TextLineInputFormat)) throw new JobBuildError('FileSource.forRecordStreamFormat: only TextLineInputFormat is supported');
    if (paths.length === 0) throw new JobBuildError('FileSource.forRecordStreamFormat: give at least one path');
    return new FileSourceBuilder(paths, (p, interval) => new FileSource(p, interval));
  }

  getBoundedness(): Boundedness {
    return this.monitorIntervalMs === undefined ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
  }

  createReader(context: SourceReaderContext): SourceReader<string, FileSourceSplit> {
    return new TextLineSplitReader(context);
  }

  createEnumerator(context: SplitEnumeratorContext<FileSourceSplit>): SplitEnumerator<FileSourceSplit, FileEnumeratorCheckpoint> {
    return new FileSplitEnumerator(context, this.paths, this.monitorIntervalMs);
  }

  restoreEnumerator(context: SplitEnumeratorContext<FileSourceSplit>, checkpoint: FileEnumeratorCheckpoint): SplitEnumerator<FileSourceSplit, FileEnumeratorCheckpoint> {
    return new FileSplitEnumerator(context, this.paths, this.monitorIntervalMs, checkpoint);
  }
}

export class FileSourceBuilder {
  private monitorIntervalMs?: number;

  constructor(
    private readonly paths: readonly string[],
    private readonly create: (paths: readonly string[], monitorIntervalMs: number | undefined) => FileSource,
  ) {}

  /** Lists the paths again every `interval` and reads new files: the source never ends. */
  monitorContinuously(interval: DurationLike): this {
    const ms = toMillis(interval, 'FileSource.monitorContinuously: interval');
    if (!(ms > 0)) throw new JobBuildError(`FileSource.monitorContinuously: the interval must be > 0, got ${ms} ms`);
    this.monitorIntervalMs = ms;
    return this;
  }

  build(): FileSource {
    return this.create(this.paths, this.monitorIntervalMs);
  }
}
