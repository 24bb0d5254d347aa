import { FlottError, serializeError } from '@flott/core';
import {
  ExecutionState,
  JobNotFoundError,
  JobStatus,
  type CollectedBatch,
  type DispatcherGateway,
  type ExecutionGraphInfo,
  type JobDetailsInfo,
  type JobGraph,
  type JobResultInfo,
  type JobSubmission,
} from '@flott/runtime';

export const JOB_ID = 'a'.repeat(32);
export const SOURCE_VERTEX = 'b'.repeat(32);
export const SINK_VERTEX = 'c'.repeat(32);

/** A two-vertex streaming job graph (source → sink), as the client would submit it. */
export function testJobGraph(jobId = JOB_ID): JobGraph {
  const vertex = (id: string, name: string, isInputVertex: boolean) => ({
    id, name, parallelism: 2, maxParallelism: 128, slotSharingGroup: 'default', isInputVertex,
    operators: [{ operatorId: id, name }], inputs: [], producedDataSets: [], bufferTimeoutMs: 100,
  });
  const sink = { ...vertex(SINK_VERTEX, 'Sink: print', false), inputs: [{ dataSetId: 'd'.repeat(32), sourceVertexId: SOURCE_VERTEX, targetVertexId: SINK_VERTEX, partitioner: 'rebalance' }] };
  return { jobId, jobName: 'test job', jobType: 'STREAMING', executeIndex: 0, maxParallelism: 128, vertices: [vertex(SOURCE_VERTEX, 'Source: numbers', true), sink] } as unknown as JobGraph;
}

/**
 * A Dispatcher holding jobs in memory with fixed details: one RUNNING job with a completed
 * checkpoint and a failure in its history. Records what was asked of it.
 */
export class TestingDispatcherGateway implements DispatcherGateway {
  readonly blobs = new Map<string, Uint8Array>();
  readonly submissions: JobSubmission[] = [];
  readonly canceled: string[] = [];
  readonly savepoints: Array<{ jobId: string; directory?: string; stop: boolean; drain?: boolean }> = [];
  readonly checkpoints: Array<{ jobId: string; full?: boolean }> = [];
  readonly disposed: string[] = [];
  private readonly graphs = new Map<string, JobGraph>([[JOB_ID, testJobGraph()]]);
  private readonly statuses = new Map<string, JobStatus>([[JOB_ID, JobStatus.RUNNING]]);

  private graph(jobId: string): JobGraph {
    const g = this.graphs.get(jobId);
    if (!g) throw new JobNotFoundError(jobId);
    return g;
  }

  async submitJob(submission: JobSubmission): Promise<string> {
    if (!this.blobs.has(submission.artifact.sha256)) throw new FlottError('INVALID_JOB_SUBMISSION', 'bundle not uploaded');
    this.submissions.push(submission);
    this.graphs.set(submission.jobGraph.jobId, submission.jobGraph);
    this.statuses.set(submission.jobGraph.jobId, JobStatus.RUNNING);
    return submission.jobGraph.jobId;
  }
  async putBlob(sha256: string, data: Uint8Array): Promise<void> {
    this.blobs.set(sha256, data);
  }
  async getBlob(sha256: string): Promise<Uint8Array> {
    return this.blobs.get(sha256)!;
  }
  async getBlobServerAddress(): Promise<string | undefined> {
    return undefined;
  }
  async requestJobStatus(jobId: string): Promise<JobStatus> {
    this.graph(jobId);
    return this.statuses.get(jobId)!;
  }
  async requestJobResult(jobId: string): Promise<JobResultInfo> {
    const g = this.graph(jobId);
    return { jobId, jobName: g.jobName, status: this.statuses.get(jobId)!, netRuntimeMs: 1234, accumulators: { count: 3 } };
  }
  async requestJobDetails(jobId: string): Promise<JobDetailsInfo> {
    const g = this.graph(jobId);
    return {
      jobId,
      jobName: g.jobName,
      status: this.statuses.get(jobId)!,
      startTime: 1_000,
      endTime: -1,
      vertices: g.vertices.map((v) => ({ id: v.id, name: v.name, parallelism: v.parallelism, states: { RUNNING: v.parallelism } })),
      checkpoints: {
        counts: { triggered: 2, inProgress: 0, completed: 1, failed: 1 },
        history: [
          { id: 2, type: 'CHECKPOINT', status: 'FAILED', triggerTimestamp: 3_000, endToEndDurationMs: 10, stateSize: 0, maxSyncDurationMs: 0, maxAsyncDurationMs: 0, acknowledged: 1, tasks: 4, failureMessage: 'declined' },
          { id: 1, type: 'CHECKPOINT', status: 'COMPLETED', triggerTimestamp: 2_000, endToEndDurationMs: 50, stateSize: 4096, maxSyncDurationMs: 2, maxAsyncDurationMs: 7, acknowledged: 4, tasks: 4, externalPath: '/tmp/chk-1' },
        ],
      },
    };
  }
  async requestExecutionGraphInfo(jobId: string): Promise<ExecutionGraphInfo> {
    const details = await this.requestJobDetails(jobId);
    const g = this.graph(jobId);
    const subtasks = Object.fromEntries(
      g.vertices.map((v) => [
        v.id,
        Array.from({ length: v.parallelism }, (_, i) => ({
          vertexId: `${v.id}_${i}`,
          attemptNumber: 0,
          attemptId: `${v.id.slice(0, 8)}-${i}`,
          state: ExecutionState.RUNNING,
          stateTimestamps: { CREATED: 1_000, DEPLOYING: 1_100, RUNNING: 1_200 },
          assignedSlot: { allocationId: `alloc-${i}`, taskManagerId: 'e'.repeat(32), slotIndex: i },
        })),
      ]),
    );
    return {
      ...details,
      jobGraph: g,
      configuration: { 'parallelism.default': 2, 's3.secret-key': 'hush' },
      subtasks,
      exceptionHistory: [{ exception: serializeError(new FlottError('BOOM', 'the map failed')), timestamp: 2_500, taskName: 'Sink: print (1/2)', taskManagerId: 'e'.repeat(32) }],
      checkpointing: { intervalMs: 1000, timeoutMs: 600_000, mode: 'EXACTLY_ONCE', minPauseMs: 0, maxConcurrent: 1, tolerableFailures: 0, retention: 'NO_EXTERNALIZED_CHECKPOINTS', unaligned: false, alignedTimeoutMs: 0, incremental: false },
    } as ExecutionGraphInfo;
  }
  async listJobs(): Promise<Array<{ jobId: string; jobName: string; status: JobStatus }>> {
    return [...this.graphs].map(([jobId, g]) => ({ jobId, jobName: g.jobName, status: this.statuses.get(jobId)! }));
  }
  async cancelJob(jobId: string): Promise<void> {
    this.graph(jobId);
    this.canceled.push(jobId);
    this.statuses.set(jobId, JobStatus.CANCELED);
  }
  async pollCollected(jobId: string): Promise<CollectedBatch> {
    this.graph(jobId);
    return { version: 0, records: [{ sinkId: 's', records: [1, 'two', { three: 3 }] }] };
  }
  async triggerSavepoint(jobId: string, directory?: string): Promise<string> {
    this.graph(jobId);
    this.savepoints.push({ jobId, directory, stop: false });
    return `${directory ?? '/default'}/savepoint-${this.savepoints.length}`;
  }
  async stopWithSavepoint(jobId: string, directory?: string, drain?: boolean): Promise<string> {
    this.graph(jobId);
    this.savepoints.push({ jobId, directory, stop: true, drain });
    this.statuses.set(jobId, JobStatus.FINISHED);
    return `${directory ?? '/default'}/savepoint-${this.savepoints.length}`;
  }
  async triggerCheckpoint(jobId: string, full?: boolean): Promise<number> {
    this.graph(jobId);
    this.checkpoints.push({ jobId, full });
    if (full) throw new FlottError('FULL_CHECKPOINT_NOT_SUPPORTED', 'incremental job');
    return 7;
  }
  async disposeSavepoint(path: string): Promise<void> {
    if (!path.startsWith('/savepoints/')) throw new FlottError('CHECKPOINT_DATA_NOT_FOUND', `No savepoint at ${path}`);
    this.disposed.push(path);
  }
}
