import type { Configuration } from '@flott/core';
import type { JobGraph } from '../deployment/job-graph';

/**
 * The leader session id of `high-availability.type: none` (Flink's HighAvailabilityServices.DEFAULT_LEADER_ID):
 * without an election service to ask, TaskManager processes know the JobManager's fencing tokens.
 */
export const DEFAULT_LEADER_ID = '00000000-0000-0000-0000-000000000000';

/** Receives leadership grants for one component (Dispatcher, ResourceManager, a JobMaster). */
export interface LeaderContender {
  grantLeadership(leaderSessionId: string): void;
  revokeLeadership(): void;
  handleError(error: Error): void;
}

/**
 * Elects one leader among contenders for a component. Contract: after `start`, the service calls
 * `grantLeadership` on the contender's event loop once it is leader; the contender answers with
 * `confirmLeadership(sessionId, address)`, which publishes the address to retrievers.
 */
export interface LeaderElectionService {
  start(contender: LeaderContender): Promise<void>;
  confirmLeadership(leaderSessionId: string, address: string): Promise<void>;
  hasLeadership(leaderSessionId: string): boolean;
  stop(): Promise<void>;
}

export interface LeaderRetrievalListener {
  notifyLeaderAddress(address: string | undefined, leaderSessionId: string | undefined): void;
  handleError(error: Error): void;
}

export interface LeaderRetrievalService {
  start(listener: LeaderRetrievalListener): Promise<void>;
  stop(): Promise<void>;
}

/** Submitted job graphs, so a new leader recovers running jobs. */
export interface JobGraphStore {
  putJobGraph(jobGraph: JobGraph): Promise<void>;
  recoverJobGraph(jobId: string): Promise<JobGraph | undefined>;
  removeJobGraph(jobId: string): Promise<void>;
  getJobIds(): Promise<string[]>;
}

export interface CompletedCheckpointMetadata {
  readonly checkpointId: number;
  readonly jobId: string;
  readonly timestamp: number;
  /** Pointer to the checkpoint's metadata in the CheckpointStorage. */
  readonly externalPointer: string;
}

/**
 * Completed checkpoints of one job, newest last, bounded by `state.checkpoints.num-retained`.
 * `addCheckpoint` resolves with the checkpoints it dropped to keep the bound (oldest first), so the
 * caller discards their data; `shutdown` with a globally terminal job status drops all of them.
 */
export interface CompletedCheckpointStore {
  addCheckpoint(checkpoint: CompletedCheckpointMetadata): Promise<CompletedCheckpointMetadata[]>;
  getLatestCheckpoint(): Promise<CompletedCheckpointMetadata | undefined>;
  getAllCheckpoints(): Promise<CompletedCheckpointMetadata[]>;
  shutdown(jobStatus: string): Promise<void>;
}

/** Monotonic checkpoint ids that survive a JobManager failover. */
export interface CheckpointIdCounter {
  start(): Promise<void>;
  getAndIncrement(): Promise<number>;
  get(): Promise<number>;
  setCount(next: number): Promise<void>;
  shutdown(jobStatus: string): Promise<void>;
}

/**
 * High availability (`high-availability.type`: none, zookeeper, kubernetes). Contract: created once
 * per JobManager/TaskManager process; `close` releases connections; `cleanupJobData` removes a
 * finished job's stores.
 */
export interface HighAvailabilityServices {
  getLeaderElectionService(component: string): LeaderElectionService;
  getLeaderRetrievalService(component: string): LeaderRetrievalService;
  getJobGraphStore(): JobGraphStore;
  createCompletedCheckpointStore(jobId: string, maxRetained: number): CompletedCheckpointStore;
  createCheckpointIdCounter(jobId: string): CheckpointIdCounter;
  cleanupJobData(jobId: string): Promise<void>;
  close(): Promise<void>;
}
/** The process's services, bound in its cluster container (the factory below makes them). */
export const HighAvailabilityServices = Symbol.for('flott.HighAvailabilityServices');

export interface HighAvailabilityServicesFactory {
  /** Config name (`high-availability.type`). */
  readonly name: string;
  create(config: Configuration): HighAvailabilityServices;
}
export const HighAvailabilityServicesFactory = Symbol.for('flott.HighAvailabilityServicesFactory');
