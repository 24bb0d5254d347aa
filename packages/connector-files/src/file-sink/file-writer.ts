import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CommittingSinkWriter, ProcessingTimeService, ScheduledTimer, SinkWriterContext, StatefulSinkWriter } from '@flott/core';
import { FileIoError } from '../connector-errors';
import type { BucketAssigner, BucketAssignerContext } from './bucket-assigners';
import { InProgressPartFile, type FileSinkCommittable, type InProgressFileState } from './in-progress-part-file';
import type { Encoder, OutputFileConfig } from './output-file-config';
import type { RollingPolicy } from './rolling-policies';

/** A writer's checkpoint state for one bucket that has a file in progress (Flink's FileWriterBucketState). */
export interface FileWriterBucketState {
  readonly bucketId: string;
  readonly inProgress: InProgressFileState;
}

/** What the FileSink hands its writers. */
export interface FileWriterSettings<IN> {
  readonly basePath: string;
  readonly encoder: Encoder<IN>;
  readonly bucketAssigner: BucketAssigner<IN>;
  readonly rollingPolicy: RollingPolicy;
  readonly outputFileConfig: OutputFileConfig;
  readonly bucketCheckInterval: number;
  readonly writeBufferSize: number;
  /** A fresh UUID (part file names and hidden in-progress names). */
  readonly uuid: () => string;
}

/** One bucket's part files: `<prefix>-<uuid>-<counter><suffix>`, the uuid fresh for each writer's bucket (as Flink). */
class Bucket {
  private partCounter = 0;
  inProgress?: InProgressPartFile;

  constructor(
    readonly id: string,
    readonly dir: string,
    private readonly uniqueId: string,
  ) {}

  nextPartName(config: OutputFileConfig): string {
    return `${config.getPartPrefix()}-${this.uniqueId}-${this.partCounter++}${config.getPartSuffix()}`;
  }
}

/**
 * Flink's FileWriter for row formats. Records go to the in-progress file of their bucket; a file is
 * rolled (closed, pending) when the rolling policy says so: before a record, at a checkpoint
 * (`prepareCommit`), or at a bucket check; pending files are handed to the committer with the next
 * `prepareCommit`. At a checkpoint, `snapshotState` makes the in-progress files durable and records
 * their length; a restored writer cuts them back to that length and continues them. Mailbox thread only.
 */
export class FileWriter<IN> implements CommittingSinkWriter<IN, FileSinkCommittable>, StatefulSinkWriter<IN, FileWriterBucketState> {
  private readonly buckets = new Map<string, Bucket>();
  private pending: FileSinkCommittable[] = [];
  private endOfInput = false;
  private timer?: ScheduledTimer;
  private readonly assignerContext: BucketAssignerContext & { record?: SinkWriterContext } = {
    currentProcessingTime: () => this.now(),
    currentWatermark: () => this.assignerContext.record?.currentWatermark() ?? Number.MIN_SAFE_INTEGER,
    timestamp: () => this.assignerContext.record?.timestamp(),
  };

  constructor(
    private readonly settings: FileWriterSettings<IN>,
    private readonly processingTime: ProcessingTimeService,
  ) {}

  /** Continues the in-progress files of the restored states and starts the bucket checks. */
  initialize(recovered: readonly FileWriterBucketState[]): this {
    for (const state of recovered) {
      const bucket = this.bucket(state.bucketId);
      const file = InProgressPartFile.resume(state.bucketId, state.inProgress, this.now(), this.settings.writeBufferSize);
      // Rescaling can bring two states of one bucket here: one file continues, the other is closed (Flink's bucket merge).
      if (bucket.inProgress) this.pending.push(file.closeForCommit());
      else bucket.inProgress = file;
    }
    this.scheduleBucketCheck();
    return this;
  }

  write(element: IN, context: SinkWriterContext): void {
    this.assignerContext.record = context;
    const bucket = this.bucket(this.settings.bucketAssigner.getBucketId(element, this.assignerContext));
    const now = this.now();
    if (!bucket.inProgress || this.settings.rollingPolicy.shouldRollOnEvent(bucket.inProgress, element)) this.roll(bucket, now);
    const encoded = this.settings.encoder.encode(element);
    bucket.inProgress!.write(typeof encoded === 'string' ? Buffer.from(encoded, 'utf8') : Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength), now);
  }

  flush(endOfInput: boolean): void {
    if (endOfInput) this.endOfInput = true;
  }

  prepareCommit(): FileSinkCommittable[] {
    for (const [id, bucket] of this.buckets) {
      const file = bucket.inProgress;
      // A bucket not written to since the last checkpoint is forgotten (made again, with a new uuid, when written
      // to); checking before rolling keeps a bucket rolled at each checkpoint (Flink's order).
      if (!file) {
        this.buckets.delete(id);
        continue;
      }
      if ((this.endOfInput || this.settings.rollingPolicy.shouldRollOnCheckpoint(file))) this.closePartFile(bucket);
    }
    const committables = this.pending;
    this.pending = [];
    return committables;
  }

  snapshotState(): FileWriterBucketState[] {
    const states: FileWriterBucketState[] = [];
    for (const [id, bucket] of this.buckets) {
      if (bucket.inProgress) states.push({ bucketId: id, inProgress: bucket.inProgress.persist() });
    }
    return states;
  }

  close(): void {
    this.timer?.cancel();
    this.timer = undefined;
    // In-progress files stay: the last checkpoint's state refers to them; a restore continues them.
    for (const bucket of this.buckets.values()) bucket.inProgress?.dispose();
    this.buckets.clear();
  }

  private bucket(id: string): Bucket {
    let bucket = this.buckets.get(id);
    if (!bucket) {
      const dir = id === '' ? this.settings.basePath : path.join(this.settings.basePath, id);
      try {
        fs.mkdirSync(dir, { recursive: true });
      } catch (e) {
        throw new FileIoError('Creating the bucket directory', dir, e);
      }
      bucket = new Bucket(id, dir, this.settings.uuid());
      this.buckets.set(id, bucket);
    }
    return bucket;
  }

  private roll(bucket: Bucket, now: number): void {
    if (bucket.inProgress) this.closePartFile(bucket);
    const name = bucket.nextPartName(this.settings.outputFileConfig);
    const target = path.join(bucket.dir, name);
    const temp = path.join(bucket.dir, `.${name}.inprogress.${this.settings.uuid()}`);
    bucket.inProgress = InProgressPartFile.create(bucket.id, target, temp, now, this.settings.writeBufferSize);
  }

  private closePartFile(bucket: Bucket): void {
    this.pending.push(bucket.inProgress!.closeForCommit());
    bucket.inProgress = undefined;
  }

  private scheduleBucketCheck(): void {
    this.timer = this.processingTime.registerTimer(this.now() + this.settings.bucketCheckInterval, (time) => this.onBucketCheck(time));
  }

  private onBucketCheck(time: number): void {
    for (const bucket of this.buckets.values()) {
      if (bucket.inProgress && this.settings.rollingPolicy.shouldRollOnProcessingTime(bucket.inProgress, time)) this.closePartFile(bucket);
    }
    this.scheduleBucketCheck();
  }

  private now(): number {
    return this.processingTime.getCurrentProcessingTime();
  }
}
