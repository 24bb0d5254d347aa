import type { Configuration } from '@flott/core';
import { checkpointSettingsOf } from '../checkpoint/checkpointing-settings';
import { CheckpointingOptions } from '../config/options';
import type { ExecutionGraph } from '../executiongraph';
import type { ExecutionSnapshot } from '../executiongraph/execution';
import type { ExecutionGraphInfo, JobDetailsInfo, JobSubmission } from '../rpc/gateways';
import type { ExceptionHistory } from './exception-history';

/** What the REST API shows of a job (DispatcherGateway#requestExecutionGraphInfo), as plain data. */
export function executionGraphInfo(parts: {
  readonly details: JobDetailsInfo;
  readonly submission: JobSubmission;
  readonly configuration: Configuration;
  readonly graph: ExecutionGraph;
  readonly exceptions: ExceptionHistory;
}): ExecutionGraphInfo {
  const subtasks: Record<string, ExecutionSnapshot[]> = {};
  for (const jv of parts.graph.getJobVertices()) subtasks[jv.id] = jv.taskVertices.map((v) => v.currentExecution.toSnapshot());
  const settings = checkpointSettingsOf(parts.configuration);
  return {
    ...parts.details,
    jobGraph: parts.submission.jobGraph,
    configuration: { ...parts.submission.configuration },
    subtasks,
    exceptionHistory: parts.exceptions.snapshot(),
    checkpointing: {
      intervalMs: settings.intervalMs,
      timeoutMs: settings.timeoutMs,
      mode: settings.mode,
      minPauseMs: settings.minPauseMs,
      maxConcurrent: settings.maxConcurrent,
      tolerableFailures: settings.tolerableFailures,
      retention: settings.retention,
      unaligned: settings.unaligned,
      alignedTimeoutMs: settings.alignedTimeoutMs,
      incremental: parts.configuration.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS),
    },
  };
}
