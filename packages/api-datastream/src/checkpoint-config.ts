import { ConfigOptions, ConfigurationError, JobBuildError, toMillis, type ConfigOption, type DurationLike } from '@flott/core';
import { CheckpointingOptions, StateOptions } from '@flott/runtime/common';

/** How checkpoints treat records around a barrier (Flink 2.x's org.apache.flink.core.execution.CheckpointingMode). */
export enum CheckpointingMode {
  /** Barriers are aligned: after a restore every record affects the state exactly once. */
  EXACTLY_ONCE = 'EXACTLY_ONCE',
  /** No alignment (lower latency): after a restore some records may affect the state twice. */
  AT_LEAST_ONCE = 'AT_LEAST_ONCE',
}

/** What happens to a job's retained checkpoints when it ends (Flink's ExternalizedCheckpointRetention). */
export enum ExternalizedCheckpointRetention {
  /** Deleted when the job is canceled (kept when it fails). */
  DELETE_ON_CANCELLATION = 'DELETE_ON_CANCELLATION',
  /** Kept when the job is canceled, to restore from with `flott run -s`. */
  RETAIN_ON_CANCELLATION = 'RETAIN_ON_CANCELLATION',
  /** Not externalized: deleted when the job ends (kept when it fails). */
  NO_EXTERNALIZED_CHECKPOINTS = 'NO_EXTERNALIZED_CHECKPOINTS',
}

/** @deprecated Flink 1.x's name of ExternalizedCheckpointRetention. */
export const ExternalizedCheckpointCleanup = ExternalizedCheckpointRetention;
/** @deprecated Flink 1.x's name of ExternalizedCheckpointRetention. */
export type ExternalizedCheckpointCleanup = ExternalizedCheckpointRetention;

/** Flink's CheckpointConfig.MINIMAL_CHECKPOINT_TIME: the shortest checkpoint interval and timeout. */
const MINIMAL_CHECKPOINT_TIME = 10;


/** @internal Where a CheckpointConfig reads and writes: the environment's job configuration. */
export interface JobConfigurationAccess {
  get<T>(option: ConfigOption<T>): T;
  set<T>(option: ConfigOption<T>, value: T): void;
}

/**
 * A job's checkpointing settings (Flink's CheckpointConfig, from `env.getCheckpointConfig()`).
 * Each setter writes the `execution.checkpointing.*` key it stands for into the job's
 * configuration, so the job runs exactly as with that key given as `-D`; each getter reads the key,
 * with the option's default when unset. Invalid values throw a JobBuildError naming the setter.
 */
export class CheckpointConfig {
  /** @internal Created by the environment over its job configuration. */
  constructor(private readonly config: JobConfigurationAccess) {}

  /** Checkpointing is enabled when the interval is set and positive. */
  isCheckpointingEnabled(): boolean {
    return this.getCheckpointInterval() > 0;
  }

  /** Milliseconds between periodic checkpoints; -1 when unset (checkpointing disabled), as in Flink. */
  getCheckpointInterval(): number {
    return this.config.get(CheckpointingOptions.INTERVAL) ?? -1;
  }

  /** Interval of periodic checkpoints, at least 10 ms; 0 disables checkpointing. */
  setCheckpointInterval(interval: DurationLike): this {
    return this.applyCheckpointInterval('CheckpointConfig.setCheckpointInterval', interval);
  }

  /** Disables periodic checkpoints (interval 0, which also overrides an interval from the configuration file). */
  disableCheckpointing(): this {
    return this.set('disableCheckpointing', CheckpointingOptions.INTERVAL, 0);
  }

  getCheckpointingConsistencyMode(): CheckpointingMode {
    return this.config.get(CheckpointingOptions.CHECKPOINTING_MODE) as CheckpointingMode;
  }

  setCheckpointingConsistencyMode(mode: CheckpointingMode): this {
    return this.set('setCheckpointingConsistencyMode', CheckpointingOptions.CHECKPOINTING_MODE, mode);
  }

  /** @deprecated Flink 1.x: use getCheckpointingConsistencyMode(). */
  getCheckpointingMode(): CheckpointingMode {
    return this.getCheckpointingConsistencyMode();
  }

  /** @deprecated Flink 1.x: use setCheckpointingConsistencyMode(). */
  setCheckpointingMode(mode: CheckpointingMode): this {
    return this.setCheckpointingConsistencyMode(mode);
  }

  /** Milliseconds after which a checkpoint in progress is aborted. */
  getCheckpointTimeout(): number {
    return this.config.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT);
  }

  /** At least 10 ms. */
  setCheckpointTimeout(timeout: DurationLike): this {
    return this.setDuration('setCheckpointTimeout', 'timeout', CheckpointingOptions.CHECKPOINTING_TIMEOUT, timeout, MINIMAL_CHECKPOINT_TIME);
  }

  getMinPauseBetweenCheckpoints(): number {
    return this.config.get(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS);
  }

  /** Least time between the end of one checkpoint and the start of the next (0 or more). */
  setMinPauseBetweenCheckpoints(minPause: DurationLike): this {
    return this.setDuration('setMinPauseBetweenCheckpoints', 'minPause', CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, minPause);
  }

  getMaxConcurrentCheckpoints(): number {
    return this.config.get(CheckpointingOptions.MAX_CONCURRENT_CHECKPOINTS);
  }

  /** Checkpoints in progress at the same time (at least 1). */
  setMaxConcurrentCheckpoints(maxConcurrentCheckpoints: number): this {
    return this.set('setMaxConcurrentCheckpoints', CheckpointingOptions.MAX_CONCURRENT_CHECKPOINTS, maxConcurrentCheckpoints);
  }

  getTolerableCheckpointFailureNumber(): number {
    return this.config.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER);
  }

  /** Consecutive failed checkpoints tolerated before the job fails over (0 or more). */
  setTolerableCheckpointFailureNumber(tolerableCheckpointFailureNumber: number): this {
    return this.set('setTolerableCheckpointFailureNumber', CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, tolerableCheckpointFailureNumber);
  }

  getExternalizedCheckpointRetention(): ExternalizedCheckpointRetention {
    return this.config.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION) as ExternalizedCheckpointRetention;
  }

  setExternalizedCheckpointRetention(retention: ExternalizedCheckpointRetention): this {
    return this.set('setExternalizedCheckpointRetention', CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, retention);
  }

  /** Whether retained checkpoints are externalized (any retention but NO_EXTERNALIZED_CHECKPOINTS). */
  isExternalizedCheckpointsEnabled(): boolean {
    return this.getExternalizedCheckpointRetention() !== ExternalizedCheckpointRetention.NO_EXTERNALIZED_CHECKPOINTS;
  }

  /** @deprecated Flink 1.x: use getExternalizedCheckpointRetention(). */
  getExternalizedCheckpointCleanup(): ExternalizedCheckpointRetention {
    return this.getExternalizedCheckpointRetention();
  }

  /** @deprecated Flink 1.x: use setExternalizedCheckpointRetention(). */
  setExternalizedCheckpointCleanup(cleanup: ExternalizedCheckpointRetention): this {
    return this.setExternalizedCheckpointRetention(cleanup);
  }

  isUnalignedCheckpointsEnabled(): boolean {
    return this.config.get(CheckpointingOptions.ENABLE_UNALIGNED);
  }

  /** Unaligned checkpoints (exactly-once mode only): barriers overtake in-flight data, which is stored with the checkpoint. */
  enableUnalignedCheckpoints(enabled = true): this {
    return this.set('enableUnalignedCheckpoints', CheckpointingOptions.ENABLE_UNALIGNED, enabled);
  }

  /** Milliseconds a checkpoint stays aligned before it switches to unaligned (with unaligned checkpoints enabled). */
  getAlignedCheckpointTimeout(): number {
    return this.config.get(CheckpointingOptions.ALIGNED_CHECKPOINT_TIMEOUT);
  }

  /** 0 (the default) starts every checkpoint unaligned. */
  setAlignedCheckpointTimeout(alignedCheckpointTimeout: DurationLike): this {
    return this.setDuration('setAlignedCheckpointTimeout', 'alignedCheckpointTimeout', CheckpointingOptions.ALIGNED_CHECKPOINT_TIMEOUT, alignedCheckpointTimeout);
  }

  /** @deprecated Flink 1.x: use getAlignedCheckpointTimeout(). */
  getAlignmentTimeout(): number {
    return this.getAlignedCheckpointTimeout();
  }

  /** @deprecated Flink 1.x: use setAlignedCheckpointTimeout(). */
  setAlignmentTimeout(alignmentTimeout: DurationLike): this {
    return this.setAlignedCheckpointTimeout(alignmentTimeout);
  }

  /**
   * Writes checkpoints to a directory (a local path, or `s3://bucket/path`): the `filesystem` checkpoint
   * storage with `execution.checkpointing.dir` set to `checkpointDirectory`, as Flink 2.x configures it.
   */
  setCheckpointStorage(checkpointDirectory: string): this {
    if (typeof checkpointDirectory !== 'string' || checkpointDirectory.trim() === '') {
      throw new JobBuildError(`CheckpointConfig.setCheckpointStorage: the checkpoint directory must be a non-empty path, got ${JSON.stringify(checkpointDirectory)}`);
    }
    this.set('setCheckpointStorage', StateOptions.CHECKPOINT_STORAGE, 'filesystem');
    return this.set('setCheckpointStorage', StateOptions.CHECKPOINTS_DIRECTORY, checkpointDirectory);
  }

  /** @internal The interval setter, with the name of the API the user called for errors (enableCheckpointing too). */
  applyCheckpointInterval(setter: string, interval: DurationLike): this {
    const ms = toMillis(interval, `${setter}: interval`);
    if (ms !== 0 && ms < MINIMAL_CHECKPOINT_TIME) {
      throw new JobBuildError(`${setter}: the checkpoint interval must be at least ${MINIMAL_CHECKPOINT_TIME} ms (0 disables checkpointing), got ${ms} ms`);
    }
    this.config.set(CheckpointingOptions.INTERVAL, ms);
    return this;
  }

  /** A duration setter: at least `minimum` milliseconds (never negative). */
  private setDuration(method: string, parameter: string, option: ConfigOption<number>, value: DurationLike, minimum = 0): this {
    const ms = toMillis(value, `CheckpointConfig.${method}: ${parameter}`);
    if (ms < minimum) throw new JobBuildError(`CheckpointConfig.${method}: ${parameter} must be at least ${minimum} ms, got ${ms} ms`);
    return this.set(method, option, ms);
  }

  /** Sets the option, turning the option's own check into an error that names the setter the user called. */
  private set<T>(method: string, option: ConfigOption<T>, value: T): this {
    try {
      this.config.set(option, value);
    } catch (e) {
      if (e instanceof ConfigurationError) throw new JobBuildError(`CheckpointConfig.${method}: ${e.message}`, { cause: e });
      throw e;
    }
    return this;
  }
}
