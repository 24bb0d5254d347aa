import { toMillis, type DurationLike } from '@flott/core';

/** What a rolling policy sees of the in-progress part file (Flink's PartFileInfo). */
export interface PartFileInfo {
  getBucketId(): string;
  /** Processing time (ms) the file was opened. */
  getCreationTime(): number;
  /** Bytes written so far. */
  getSize(): number;
  /** Processing time (ms) of the last write. */
  getLastUpdateTime(): number;
}

/**
 * When the in-progress part file of a bucket is closed and a new one started (Flink's RollingPolicy).
 * A closed file becomes pending and is committed (made visible) once the next checkpoint completes.
 */
export interface RollingPolicy {
  /** Asked at each checkpoint. */
  shouldRollOnCheckpoint(partFile: PartFileInfo): boolean;
  /** Asked before a record is written to the file. */
  shouldRollOnEvent(partFile: PartFileInfo, element: unknown): boolean;
  /** Asked every bucket check interval. */
  shouldRollOnProcessingTime(partFile: PartFileInfo, currentTime: number): boolean;
}

const MIB = 1024 * 1024;

/**
 * Flink's DefaultRollingPolicy: rolls once the file is larger than the max part size (checked before
 * each record and at checkpoints), when it is older than the rollover interval or has not been
 * written for the inactivity interval (checked every bucket check interval). Defaults: 128 MiB, 60 s, 60 s.
 */
export class DefaultRollingPolicy implements RollingPolicy {
  private constructor(
    readonly maxPartSize: number,
    readonly rolloverInterval: number,
    readonly inactivityInterval: number,
  ) {}

  static builder(): DefaultRollingPolicyBuilder {
    return new DefaultRollingPolicyBuilder((size, rollover, inactivity) => new DefaultRollingPolicy(size, rollover, inactivity));
  }

  shouldRollOnCheckpoint(partFile: PartFileInfo): boolean {
    return partFile.getSize() > this.maxPartSize;
  }

  shouldRollOnEvent(partFile: PartFileInfo): boolean {
    return partFile.getSize() > this.maxPartSize;
  }

  shouldRollOnProcessingTime(partFile: PartFileInfo, currentTime: number): boolean {
    return currentTime - partFile.getCreationTime() >= this.rolloverInterval || currentTime - partFile.getLastUpdateTime() >= this.inactivityInterval;
  }
}

export class DefaultRollingPolicyBuilder {
  private maxPartSize = 128 * MIB;
  private rolloverInterval = 60_000;
  private inactivityInterval = 60_000;

  constructor(private readonly create: (maxPartSize: number, rolloverInterval: number, inactivityInterval: number) => DefaultRollingPolicy) {}

  /** Bytes; a file is rolled once it is larger. */
  withMaxPartSize(bytes: number): this {
    if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new RangeError(`DefaultRollingPolicy: the max part size must be a positive number of bytes, got ${bytes}`);
    this.maxPartSize = bytes;
    return this;
  }

  withRolloverInterval(interval: DurationLike): this {
    this.rolloverInterval = positive(interval, 'rolloverInterval');
    return this;
  }

  withInactivityInterval(interval: DurationLike): this {
    this.inactivityInterval = positive(interval, 'inactivityInterval');
    return this;
  }

  build(): DefaultRollingPolicy {
    return this.create(this.maxPartSize, this.rolloverInterval, this.inactivityInterval);
  }
}

function positive(interval: DurationLike, what: string): number {
  const ms = toMillis(interval, `DefaultRollingPolicy ${what}`);
  if (ms === 0) throw new RangeError(`DefaultRollingPolicy: ${what} must be positive`);
  return ms;
}

/**
 * Flink's OnCheckpointRollingPolicy: one part file per bucket and checkpoint, rolled at each checkpoint
 * and at nothing else (what bulk formats need; the simplest exactly-once output for rows too).
 */
export class OnCheckpointRollingPolicy implements RollingPolicy {
  static build(): OnCheckpointRollingPolicy {
    return new OnCheckpointRollingPolicy();
  }

  shouldRollOnCheckpoint(): boolean {
    return true;
  }

  shouldRollOnEvent(): boolean {
    return false;
  }

  shouldRollOnProcessingTime(): boolean {
    return false;
  }
}
