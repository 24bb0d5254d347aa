import type { Configuration } from '@flott/core';
import { CheckpointingOptions } from '../config/options';
import type { JobGraph } from '../deployment/job-graph';

/**
 * Whether a job checkpoints, as Flink decides it: `execution.checkpointing.interval` is set and
 * positive, and the job is not a batch job (Flink turns checkpointing off in BATCH mode). `config` is
 * the job's configuration layered over the cluster's. Flott takes no checkpoints yet; the answer
 * already picks the default restart strategy.
 */
export function isCheckpointingEnabled(config: Configuration, jobType: JobGraph['jobType']): boolean {
  if (jobType === 'BATCH') return false;
  const interval = config.get(CheckpointingOptions.INTERVAL);
  return interval !== undefined && interval > 0;
}
