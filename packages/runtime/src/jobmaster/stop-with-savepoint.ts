import { FlottError } from '@flott/core';
import { ExecutionState, JobStatus, isGloballyTerminal } from '../execution/execution-state';
import type { ExecutionGraph } from '../executiongraph/execution-graph';

/**
 * A stop-with-savepoint did not stop the job. `savepointPath` is set when the savepoint itself
 * completed (then it is consistent, but a task failed before it finished, so the job fails over);
 * without it the savepoint failed and the job goes on (as Flink's), unless it was ending anyway
 * (`jobStatus`, when not RUNNING).
 */
export class StopWithSavepointFailedError extends FlottError {
  constructor(jobId: string, reason: string, savepointPath?: string, cause?: unknown, jobStatus: JobStatus = JobStatus.RUNNING) {
    super(
      'STOP_WITH_SAVEPOINT_FAILED',
      savepointPath === undefined
        ? `Stopping job ${jobId} with a savepoint failed: ${reason}; ${jobStatus === JobStatus.RUNNING ? 'the job keeps running' : `the job is ${jobStatus}`}`
        : `Stopping job ${jobId} with a savepoint failed: the savepoint at ${savepointPath} completed, but ${reason}`,
      { jobId, ...(savepointPath === undefined ? {} : { savepointPath }) },
      cause === undefined ? undefined : { cause },
    );
  }
}

/**
 * The JobMaster's side of a stop-with-savepoint (Flink's StopWithSavepointTerminationHandler): the
 * synchronous savepoint (`takeSavepoint`, which rejects when it fails: the tasks then go on), then
 * every task finishes once told it completed, so the job ends FINISHED; resolves with the savepoint's
 * path then. A task that fails or is canceled meanwhile, or a job that ends otherwise, rejects with
 * StopWithSavepointFailedError. JobManager event loop only.
 */
export async function stopWithSavepoint(graph: ExecutionGraph, takeSavepoint: () => Promise<string>): Promise<string> {
  const jobId = graph.jobId;
  // Listening from before the trigger: the job may finish before the savepoint's promise resolves here.
  let settle!: (outcome: { status: JobStatus } | { task: string; state: ExecutionState }) => void;
  const ended = new Promise<{ status: JobStatus } | { task: string; state: ExecutionState }>((resolve) => (settle = resolve));
  const jobListener = graph.addJobStatusListener((_from, to) => {
    if (isGloballyTerminal(to)) settle({ status: to });
  });
  const taskListener = graph.addExecutionStateListener((execution, _from, to) => {
    if (to !== ExecutionState.FAILED && to !== ExecutionState.CANCELED) return;
    const v = graph.getExecutionVertex(execution.vertexId);
    settle({ task: `${v.jobVertex.name} (${v.subtaskIndex + 1}/${v.jobVertex.parallelism})`, state: to });
  });
  try {
    let path: string;
    try {
      path = await takeSavepoint();
    } catch (e) {
      throw new StopWithSavepointFailedError(jobId, `the savepoint failed: ${(e as Error).message}`, undefined, e, graph.state);
    }
    const outcome = await ended;
    if ('status' in outcome && outcome.status === JobStatus.FINISHED) return path;
    const reason = 'task' in outcome ? `task ${outcome.task} became ${outcome.state} before it finished` : `the job ended ${outcome.status}`;
    throw new StopWithSavepointFailedError(jobId, reason, path);
  } finally {
    jobListener.dispose();
    taskListener.dispose();
  }
}
