import { JobBuildError, toMillis, type DurationLike } from '@flott/core';
import type { StreamNode } from '@flott/runtime/internal';

/** Flink's upper bound for (max) parallelism. */
export const MAX_PARALLELISM_LIMIT = 32768;

/** The per-operator settings shared by SingleOutputStreamOperator and DataStreamSink, with Flink's checks. */
export const nodeSettings = {
  setParallelism(node: StreamNode, parallelism: number): void {
    if (!Number.isInteger(parallelism) || (parallelism < 1 && parallelism !== -1) || parallelism > MAX_PARALLELISM_LIMIT) {
      throw new JobBuildError(`The parallelism of '${node.name}' must be an integer from 1 to ${MAX_PARALLELISM_LIMIT} (or -1 for the default), got ${parallelism}`);
    }
    if (node.nonParallel && parallelism !== 1) {
      throw new JobBuildError(`The parallelism of the non-parallel operator '${node.name}' must be 1, got ${parallelism}`);
    }
    if (node.maxParallelism > 0 && parallelism > node.maxParallelism) {
      throw new JobBuildError(`The parallelism ${parallelism} of '${node.name}' exceeds its max parallelism ${node.maxParallelism}`);
    }
    node.parallelism = parallelism;
  },

  setMaxParallelism(node: StreamNode, maxParallelism: number): void {
    if (!Number.isInteger(maxParallelism) || maxParallelism < 1 || maxParallelism > MAX_PARALLELISM_LIMIT) {
      throw new JobBuildError(`The max parallelism of '${node.name}' must be an integer from 1 to ${MAX_PARALLELISM_LIMIT}, got ${maxParallelism}`);
    }
    if (node.parallelism > maxParallelism) {
      throw new JobBuildError(`The max parallelism ${maxParallelism} of '${node.name}' is below its parallelism ${node.parallelism}`);
    }
    node.maxParallelism = maxParallelism;
  },

  setUid(node: StreamNode, uid: string): void {
    if (uid.length === 0) throw new JobBuildError(`The uid of '${node.name}' must not be empty`);
    node.uid = uid;
  },

  setSlotSharingGroup(node: StreamNode, group: string): void {
    if (group.length === 0) throw new JobBuildError(`The slot sharing group of '${node.name}' must not be empty`);
    node.slotSharingGroup = group;
  },

  setBufferTimeout(node: StreamNode, timeout: DurationLike): void {
    node.bufferTimeoutMs = toMillis(timeout, `The buffer timeout of '${node.name}'`);
  },
};
