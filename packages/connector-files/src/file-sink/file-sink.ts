import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import {
  toMillis,
  type CommitRequest,
  type Committer,
  type DurationLike,
  type SupportsCommitter,
  type SupportsWriterState,
  type WriterInitContext,
} from '@flott/core';
import { DateTimeBucketAssigner, type BucketAssigner } from './bucket-assigners';
import { FileSinkCommitError } from './file-sink-errors';
import { FileWriter, type FileWriterBucketState, type FileWriterSettings } from './file-writer';
import type { FileSinkCommittable } from './in-progress-part-file';
import { OutputFileConfig, type Encoder } from './output-file-config';
import { DefaultRollingPolicy, type RollingPolicy } from './rolling-policies';

const DEFAULT_BUCKET_CHECK_INTERVAL = 60_000;
/** Bytes a part file buffers before it writes (bounds a writer's memory per bucket). */
const WRITE_BUFFER_SIZE = 64 * 1024;

/**
 * Flink's FileSink for row formats, exactly once with checkpointing: each writer subtask writes
 * records to hidden in-progress part files (`.part-<uuid>-<n>.inprogress.<uuid>`) in the bucket
 * directories under `basePath`; a rolled file is pending until the checkpoint it was handed over at
 * completes, then the committer renames it to `part-<uuid>-<n>` (finished, visible). Without
 * checkpointing (bounded jobs) everything is committed at the end of input. Readers must skip files
 * whose names start with "." (in-progress or pending).
 *
 * ```ts
 * stream.sinkTo(FileSink.forRowFormat('/out', new SimpleStringEncoder<string>())
 *   .withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize(1024 * 1024).build())
 *   .build());
 * ```
 */
export class FileSink<IN> implements SupportsCommitter<IN, FileSinkCommittable>, SupportsWriterState<IN, FileWriterBucketState> {
  /** @internal use `FileSink.forRowFormat(...).build()` */
  constructor(private readonly settings: FileWriterSettings<IN>) {}

  static forRowFormat<IN>(basePath: string, encoder: Encoder<IN>): RowFormatBuilder<IN> {
    return new RowFormatBuilder<IN>(basePath, encoder);
  }

  createWriter(context: WriterInitContext): FileWriter<IN> {
    return this.restoreWriter(context, []);
  }

  restoreWriter(context: WriterInitContext, recoveredState: readonly FileWriterBucketState[]): FileWriter<IN> {
    return new FileWriter(this.settings, context.getProcessingTimeService()).initialize(recoveredState);
  }

  createCommitter(): Committer<FileSinkCommittable> {
    return new FileCommitter();
  }
}

/** Flink's FileSink.RowFormatBuilder. */
export class RowFormatBuilder<IN> {
  private bucketAssigner: BucketAssigner<IN> = new DateTimeBucketAssigner<IN>();
  private rollingPolicy: RollingPolicy = DefaultRollingPolicy.builder().build();
  private outputFileConfig = new OutputFileConfig();
  private bucketCheckInterval = DEFAULT_BUCKET_CHECK_INTERVAL;

  constructor(
    private readonly basePath: string,
    private readonly encoder: Encoder<IN>,
  ) {}

  /** Default: DateTimeBucketAssigner (one directory per hour of processing time), as Flink. */
  withBucketAssigner(assigner: BucketAssigner<IN>): this {
    this.bucketAssigner = assigner;
    return this;
  }

  /** Default: DefaultRollingPolicy with its defaults (128 MiB, 60 s rollover, 60 s inactivity). */
  withRollingPolicy(policy: RollingPolicy): this {
    this.rollingPolicy = policy;
    return this;
  }

  withOutputFileConfig(config: OutputFileConfig): this {
    this.outputFileConfig = config;
    return this;
  }

  /** How often the writer asks the rolling policy about time (default 60 s). */
  withBucketCheckInterval(interval: DurationLike): this {
    const ms = toMillis(interval, 'FileSink bucketCheckInterval');
    if (ms === 0) throw new RangeError('FileSink: the bucket check interval must be positive');
    this.bucketCheckInterval = ms;
    return this;
  }

  build(): FileSink<IN> {
    return new FileSink<IN>({
      basePath: this.basePath,
      encoder: this.encoder,
      bucketAssigner: this.bucketAssigner,
      rollingPolicy: this.rollingPolicy,
      outputFileConfig: this.outputFileConfig,
      bucketCheckInterval: this.bucketCheckInterval,
      writeBufferSize: WRITE_BUFFER_SIZE,
      uuid: randomUUID,
    });
  }
}

/**
 * Flink's FileCommitter: renames each pending file to its finished name. Idempotent: a committable
 * whose pending file is gone but whose target exists was committed before (by the attempt before a
 * restore). A rename that fails otherwise is retried (bounded by sink.committer.retries).
 */
class FileCommitter implements Committer<FileSinkCommittable> {
  async commit(requests: readonly CommitRequest<FileSinkCommittable>[]): Promise<void> {
    await Promise.all(requests.map((r) => this.commitOne(r)));
  }

  close(): void {}

  private async commitOne(request: CommitRequest<FileSinkCommittable>): Promise<void> {
    const { tempPath, targetPath } = request.getCommittable();
    try {
      await fsp.rename(tempPath, targetPath);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return request.retryLater();
      if (await exists(targetPath)) return request.signalAlreadyCommitted();
      request.signalFailedWithKnownReason(new FileSinkCommitError(tempPath, targetPath));
    }
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.access(p);
    return true;
  } catch {
    return false;
  }
}
