import type { Configuration } from '@flott/core';
import { CheckpointingOptions } from '../config/options';

/**
 * Whether a job checkpoints, as Flink decides it: `execution.checkpointing.interval` is set and
 * positive, and the job is not a batch job (Flink turns checkpointing off in BATCH mode). `config` is
 * the job's configuration layered over the cluster's.
 */
export function isCheckpointingEnabled(config: Configuration, jobType: 'STREAMING' | 'BATCH'): boolean {
  if (jobType === 'BATCH') return false;
  const interval = config.get(CheckpointingOptions.INTERVAL);
  return interval !== undefined && interval > 0;
}

/** A job's checkpointing configuration, read once (the options' documentation says what each does). */
export interface CheckpointSettings {
  readonly intervalMs: number;
  readonly mode: 'EXACTLY_ONCE' | 'AT_LEAST_ONCE';
  readonly timeoutMs: number;
  readonly minPauseMs: number;
  readonly maxConcurrent: number;
  readonly tolerableFailures: number;
  readonly numRetained: number;
  readonly retention: 'NO_EXTERNALIZED_CHECKPOINTS' | 'DELETE_ON_CANCELLATION' | 'RETAIN_ON_CANCELLATION';
  /** `unaligned.enabled`: in-flight data goes into the checkpoint instead of waiting for alignment. */
  readonly unaligned: boolean;
  /** `aligned-checkpoint-timeout` (with `unaligned`): 0 starts unaligned, > 0 switches after that long. */
  readonly alignedTimeoutMs: number;
}

export function checkpointSettingsOf(config: Configuration): CheckpointSettings {
  return {
    intervalMs: config.get(CheckpointingOptions.INTERVAL) ?? 0,
    mode: config.get(CheckpointingOptions.CHECKPOINTING_MODE),
    timeoutMs: config.get(CheckpointingOptions.CHECKPOINTING_TIMEOUT),
    minPauseMs: config.get(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS),
    maxConcurrent: config.get(CheckpointingOptions.MAX_CONCURRENT_CHECKPOINTS),
    tolerableFailures: config.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER),
    numRetained: config.get(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS),
    retention: config.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION),
    unaligned: config.get(CheckpointingOptions.ENABLE_UNALIGNED),
    alignedTimeoutMs: config.get(CheckpointingOptions.ALIGNED_CHECKPOINT_TIMEOUT),
  };
}
