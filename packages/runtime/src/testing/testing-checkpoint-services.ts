import type { JobGraph } from '../deployment/job-graph';
import { CheckpointDataNotFoundError } from '../errors';
import type { StreamStateHandle } from '../snapshot/snapshot-data';
import type { CheckpointLocation, CheckpointStorageAccess, StateBytes } from '../spi/checkpoint-storage';
import { collectStateBytes } from '../snapshot/state-bytes';
import type {
  CheckpointIdCounter,
  CompletedCheckpointMetadata,
  CompletedCheckpointStore,
  HighAvailabilityServices,
  JobGraphStore,
  LeaderElectionService,
  LeaderRetrievalService,
} from '../spi/high-availability-services';

/**
 * Checkpoint storage in this test's memory, recording what happens to it: state is carried inline,
 * metadata is kept by pointer (`mem://<job>/chk-<id>`), discarded locations are listed. `failWrites`
 * makes state writes reject (a storage that is down).
 */
export class TestingCheckpointStorage implements CheckpointStorageAccess {
  readonly metadata = new Map<string, Uint8Array>();
  readonly discarded: number[] = [];
  readonly initialized: number[] = [];
  failWrites = false;

  constructor(private readonly jobId = 'job') {}

  async initializeLocation(checkpointId: number): Promise<CheckpointLocation> {
    this.initialized.push(checkpointId);
    return { checkpointId, pointer: `mem://${this.jobId}/chk-${checkpointId}` };
  }

  async initializeSavepointLocation(checkpointId: number, targetDirectory?: string): Promise<CheckpointLocation> {
    return { checkpointId, pointer: `mem://${targetDirectory ?? 'savepoints'}/savepoint-${checkpointId}` };
  }

  async writeState(_location: CheckpointLocation, _name: string, data: StateBytes): Promise<StreamStateHandle> {
    if (this.failWrites) throw new Error('storage is down');
    return { kind: 'inline', data: await collectStateBytes(data, Number.MAX_SAFE_INTEGER, () => new Error('unreachable')) };
  }

  /** Shared state files deleted one by one (incremental checkpoints), in order. */
  readonly discardedState: StreamStateHandle[] = [];

  async discardState(handle: StreamStateHandle): Promise<void> {
    // Inline state goes with the metadata that holds it; file handles are recorded.
    if (handle.kind === 'file') this.discardedState.push(handle);
  }

  async readState(handle: StreamStateHandle): Promise<Uint8Array> {
    if (handle.kind !== 'inline') throw new CheckpointDataNotFoundError(handle.uri, 'this storage keeps state inline only');
    return handle.data;
  }

  async writeMetadata(location: CheckpointLocation, data: Uint8Array): Promise<string> {
    const pointer = `${location.pointer}/_metadata`;
    this.metadata.set(pointer, data.slice());
    return pointer;
  }

  async readMetadata(pointer: string): Promise<Uint8Array> {
    const data = this.metadata.get(pointer) ?? this.metadata.get(`${pointer}/_metadata`);
    if (!data) throw new CheckpointDataNotFoundError(pointer, 'no metadata there');
    return data;
  }

  async discard(location: CheckpointLocation): Promise<void> {
    this.discarded.push(location.checkpointId);
    this.metadata.delete(`${location.pointer}/_metadata`);
  }
}

/** A completed-checkpoint store and id counter of one job in memory, bounded like the real ones. */
export class TestingCompletedCheckpointStore implements CompletedCheckpointStore, CheckpointIdCounter {
  readonly checkpoints: CompletedCheckpointMetadata[] = [];
  shutdownWith: string | undefined;
  private next = 1;

  constructor(private readonly maxRetained = 1) {}

  async addCheckpoint(checkpoint: CompletedCheckpointMetadata): Promise<CompletedCheckpointMetadata[]> {
    this.checkpoints.push(checkpoint);
    const excess = this.checkpoints.length - this.maxRetained;
    return excess > 0 ? this.checkpoints.splice(0, excess) : [];
  }

  async getLatestCheckpoint(): Promise<CompletedCheckpointMetadata | undefined> {
    return this.checkpoints[this.checkpoints.length - 1];
  }

  async getAllCheckpoints(): Promise<CompletedCheckpointMetadata[]> {
    return [...this.checkpoints];
  }

  async start(): Promise<void> {}

  async getAndIncrement(): Promise<number> {
    return this.next++;
  }

  async get(): Promise<number> {
    return this.next;
  }

  async setCount(next: number): Promise<void> {
    this.next = next;
  }

  async shutdown(jobStatus: string): Promise<void> {
    this.shutdownWith = jobStatus;
  }
}

/** The job graphs a Dispatcher put, in memory. */
export class TestingJobGraphStore implements JobGraphStore {
  readonly graphs = new Map<string, JobGraph>();
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

/**
 * High-availability services that serve a job's completed-checkpoint store and id counter (one
 * TestingCompletedCheckpointStore) and an in-memory job graph store, for JobMaster and Dispatcher
 * tests; leader election is not part of such tests and fails loudly when used.
 */
export class TestingCheckpointHighAvailability implements HighAvailabilityServices {
  readonly jobGraphs = new TestingJobGraphStore();
  constructor(readonly store: TestingCompletedCheckpointStore = new TestingCompletedCheckpointStore()) {}

  createCompletedCheckpointStore(): CompletedCheckpointStore {
    return this.store;
  }

  createCheckpointIdCounter(): CheckpointIdCounter {
    return this.store;
  }

  getLeaderElectionService(): LeaderElectionService {
    return notUsed('leader election');
  }

  getLeaderRetrievalService(): LeaderRetrievalService {
    return notUsed('leader retrieval');
  }

  getJobGraphStore(): JobGraphStore {
    return this.jobGraphs;
  }

  async cleanupJobData(): Promise<void> {}

  async close(): Promise<void> {}
}

function notUsed(what: string): never {
  throw new Error(`Assertion failed: ${what} is not part of this test`);
}
