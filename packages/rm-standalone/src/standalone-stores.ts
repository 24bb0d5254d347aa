import { assert } from '@flott/core';
import { isGloballyTerminal, JobStatus } from '@flott/runtime/common';
import type { JobGraph } from '@flott/runtime';
import type { CheckpointIdCounter, CompletedCheckpointMetadata, CompletedCheckpointStore, JobGraphStore } from '@flott/runtime/spi';

/** Job graphs in this process's memory: a JobMaster restarted in the same process recovers its job. */
export class InMemoryJobGraphStore implements JobGraphStore {
  private readonly graphs = new Map<string, JobGraph>();

  async putJobGraph(jobGraph: JobGraph): Promise<void> {
    this.graphs.set(jobGraph.jobId, jobGraph);
  }

  async recoverJobGraph(jobId: string): Promise<JobGraph | undefined> {
    return this.graphs.get(jobId);
  }

  async removeJobGraph(jobId: string): Promise<void> {
    this.graphs.delete(jobId);
  }

  async getJobIds(): Promise<string[]> {
    return [...this.graphs.keys()];
  }
}

/** Whether a job ended for good, so its checkpoints and counter may go (SUSPENDED keeps them). */
function endsJob(jobStatus: string): boolean {
  return (Object.values(JobStatus) as string[]).includes(jobStatus) && isGloballyTerminal(jobStatus as JobStatus);
}

/** Per-job data shared by the store and counter views of one services instance. */
export interface JobCheckpointData {
  readonly checkpoints: CompletedCheckpointMetadata[];
  nextCheckpointId: number;
}

export function newJobCheckpointData(): JobCheckpointData {
  return { checkpoints: [], nextCheckpointId: 1 };
}

/**
 * The newest `maxRetained` completed checkpoints of one job, newest last. Adding beyond the bound
 * drops the oldest and returns them, so the caller can discard their data from checkpoint storage.
 */
export class StandaloneCompletedCheckpointStore implements CompletedCheckpointStore {
  constructor(
    private readonly data: JobCheckpointData,
    readonly maxRetained: number,
    private readonly onJobEnded: () => void = () => undefined,
  ) {
    assert(Number.isInteger(maxRetained) && maxRetained >= 1, `state.checkpoints.num-retained must be >= 1, got ${maxRetained}`);
  }

  async addCheckpoint(checkpoint: CompletedCheckpointMetadata): Promise<CompletedCheckpointMetadata[]> {
    this.data.checkpoints.push(checkpoint);
    const excess = this.data.checkpoints.length - this.maxRetained;
    return excess > 0 ? this.data.checkpoints.splice(0, excess) : [];
  }

  async getLatestCheckpoint(): Promise<CompletedCheckpointMetadata | undefined> {
    return this.data.checkpoints[this.data.checkpoints.length - 1];
  }

  async getAllCheckpoints(): Promise<CompletedCheckpointMetadata[]> {
    return [...this.data.checkpoints];
  }

  async shutdown(jobStatus: string): Promise<void> {
    if (!endsJob(jobStatus)) return;
    this.data.checkpoints.length = 0;
    this.onJobEnded();
  }
}

/** Checkpoint ids of one job, from 1; they survive a JobMaster restart within this process. */
export class StandaloneCheckpointIdCounter implements CheckpointIdCounter {
  constructor(
    private readonly data: JobCheckpointData,
    private readonly onJobEnded: () => void = () => undefined,
  ) {}

  async start(): Promise<void> {
    // Nothing to connect to: the count lives in this process.
  }

  async getAndIncrement(): Promise<number> {
    return this.data.nextCheckpointId++;
  }

  async get(): Promise<number> {
    return this.data.nextCheckpointId;
  }

  async setCount(next: number): Promise<void> {
    assert(Number.isSafeInteger(next) && next >= 1, `checkpoint id counter must be set to an integer >= 1, got ${next}`);
    this.data.nextCheckpointId = next;
  }

  async shutdown(jobStatus: string): Promise<void> {
    if (!endsJob(jobStatus)) return;
    this.data.nextCheckpointId = 1;
    this.onJobEnded();
  }
}
