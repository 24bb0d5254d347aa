import type { ResourceSpec } from '../deployment/resource-spec';
import type { SerializedError } from '@flott/core';
import type { PostCheckpointAction, TaskStateSnapshot } from '../snapshot/snapshot-data';
import type { JobGraph } from '../deployment/job-graph';
import type { ExecutionState, JobStatus } from '../execution/execution-state';
import type { TaskDeploymentDescriptor } from '../deployment/task-deployment-descriptor';
import type { ExecutionSnapshot } from '../executiongraph/execution';

/**
 * The gateways the JobManager roles and TaskExecutors talk through (as Flink's *Gateway interfaces).
 * Every argument and result is plain, structured-cloneable data: the in-process transport clones it
 * and a network transport serialises it, without the callers noticing.
 */

export interface SlotOffer {
  readonly allocationId: string;
  readonly slotIndex: number;
  /** A dynamic slot's resources; absent: a default slot. */
  readonly resources?: ResourceSpec;
  /** `host:port` of the offering TaskExecutor's data server, for consumers of its partitions on other TaskManagers. */
  readonly dataAddress?: string;
  /**
   * `host:port` of the slot thread's own data server, which serves the slot's PIPELINED partitions with no
   * hop through the TaskManager's main thread (docs/network.md, "Slot threads' own data servers"); absent
   * where the TaskManager has a fixed taskmanager.data.port or runs alone.
   */
  readonly slotDataAddress?: string;
}

export interface TaskExecutionStateUpdate {
  readonly jobId: string;
  readonly attemptId: string;
  readonly state: ExecutionState;
  readonly error?: SerializedError;
  /** Accumulator values of the attempt, reported with FINISHED. */
  readonly accumulators?: Record<string, unknown>;
}

export interface OperatorEventEnvelope {
  readonly jobId: string;
  readonly attemptId: string;
  readonly operatorId: string;
  readonly event: unknown;
}

/**
 * A JobMaster as the ResourceManager and TaskExecutors address it: its RPC address and its
 * JobMasterId, the fencing token its gateway expects (a new JobMaster of the same job, at the same
 * address, has a new id, so messages meant for the old one are refused).
 */
export interface JobMasterRef {
  readonly address: string;
  readonly jobMasterId: string;
}

export interface JobMasterGateway {
  offerSlots(taskExecutorId: string, taskExecutorAddress: string, offers: readonly SlotOffer[]): Promise<SlotOffer[]>;
  updateTaskExecutionState(update: TaskExecutionStateUpdate): Promise<boolean>;
  /** Operator → coordinator messages (the collect sink); resolves with the coordinator's answer. */
  sendOperatorEvent(envelope: OperatorEventEnvelope): Promise<unknown>;
  /**
   * A slot of the job is gone (Flink's notifyAllocationFailure), called by the ResourceManager: the
   * TaskExecutor it was allocated on refused it (the oldest slot request still waiting fails with
   * `cause`) or the TaskExecutor that held it disappeared (the tasks running in it fail with `cause`).
   */
  notifyAllocationFailure(allocationId: string, cause: SerializedError): Promise<void>;
  /** The ResourceManager went away (shut down or lost leadership): slots the job still waits for will not come from it. */
  disconnectResourceManager(cause: SerializedError): Promise<void>;
  /** The ResourceManager's heartbeat request (heartbeat.interval); answering it is the JobMaster's heartbeat. */
  heartbeatFromResourceManager(resourceManagerId: string): Promise<void>;
  /** A task's snapshot for checkpoint `checkpointId` is written: its state handles per operator. */
  acknowledgeCheckpoint(ack: CheckpointAcknowledgement): Promise<void>;
  /** A task could not take part in checkpoint `checkpointId`; the coordinator aborts it. */
  declineCheckpoint(decline: CheckpointDecline): Promise<void>;
  /**
   * Attempt `attemptId` produced the first data of its PIPELINED partition `partitionKey` (Flink's
   * notification that lets lazy scheduling deploy the partition's consumers). Best effort.
   */
  notifyPartitionDataAvailable(attemptId: string, partitionKey: string): Promise<void>;
  /**
   * Attempt `attemptId` finished its operators and waits for its final checkpoint (Flink's
   * notifyEndOfData). Best effort: once every running task did, the JobMaster triggers a checkpoint.
   */
  notifyEndOfData(attemptId: string): Promise<void>;
}

export interface CheckpointAcknowledgement {
  readonly jobId: string;
  readonly attemptId: string;
  readonly checkpointId: number;
  readonly state: TaskStateSnapshot;
  /** How long the task's part took: the synchronous part (the barrier held) and the asynchronous upload. */
  readonly metrics?: CheckpointTaskMetrics;
}

export interface CheckpointTaskMetrics {
  readonly syncDurationMs: number;
  readonly asyncDurationMs: number;
}

export interface CheckpointDecline {
  readonly jobId: string;
  readonly attemptId: string;
  readonly checkpointId: number;
  readonly error: SerializedError;
  /** False when the task could not take part (not running yet, finished, a newer checkpoint overtook it): not a failed checkpoint. */
  readonly countsAsFailure: boolean;
}

export interface SlotReportEntry {
  readonly slotIndex: number;
  readonly allocationId?: string;
  readonly jobId?: string;
  /** A dynamic slot's resources (carved for a slot sharing group that declared some); absent: a default slot. */
  readonly resources?: ResourceSpec;
}

export interface TaskExecutorRegistration {
  readonly resourceId: string;
  readonly address: string;
  readonly dataPort?: number;
  /** Its default slots (taskmanager.numberOfTaskSlots), and the dynamic slots it has allocated. */
  readonly slots: readonly SlotReportEntry[];
  /** All its slots may use together (taskmanager.cpu.cores, taskmanager.memory.task.heap.size); absent: default slots only. */
  readonly totalResources?: ResourceSpec;
  /** What one default slot takes of them (the total divided by the number of default slots). */
  readonly defaultSlotResources?: ResourceSpec;
}

export interface ResourceManagerGateway {
  registerTaskExecutor(registration: TaskExecutorRegistration): Promise<{ resourceManagerId: string }>;
  disconnectTaskExecutor(resourceId: string, cause: string): Promise<void>;
  /**
   * The job's declaration of how many slots it needs in all (Flink's declareRequiredResources; 0 when
   * it needs none any more). Resolves at once: the slots arrive as TaskExecutors' offers to the
   * JobMaster, so the wait for them is bounded by the JobMaster's slot.request.timeout, not by
   * rpc.ask-timeout. A slot allocated to the job and lost is reported through
   * JobMasterGateway.notifyAllocationFailure.
   */
  declareRequiredResources(jobMaster: JobMasterRef, requirements: ResourceRequirements): Promise<void>;
  /** The TaskExecutor freed a slot (after the job released it). */
  notifySlotAvailable(resourceId: string, slotIndex: number, allocationId: string): Promise<void>;
  getOverview(): Promise<ResourceOverview>;
  /** The registered TaskManagers (Flink's requestTaskManagerInfo), in registration order. */
  requestTaskManagerInfo(): Promise<TaskManagerInfo[]>;
  /**
   * What the registered TaskManagers' tasks measure (for the REST API's back-pressure, watermarks and
   * heap), asked of all of them at once. A TaskManager that does not answer within `timeoutMs` (dead,
   * unreachable, busy) is left out, so the call resolves within about `timeoutMs` whatever they do.
   */
  requestTaskManagerStats(timeoutMs: number): Promise<TaskManagerStatsEntry[]>;
}

/** A task's time split so far (Flink's busy / idle / back-pressured time), cumulative milliseconds. */
export interface TaskTimeSample {
  /** Since the task started processing. */
  readonly elapsedMs: number;
  /** Waiting for input (an empty input gate, a source with nothing available). */
  readonly idleMs: number;
  /** Waiting for output buffers or credit (a slow consumer back-pressures this task). */
  readonly backPressuredMs: number;
}

/** What one TaskManager's running tasks measure, summed or merged over its slots. */
export interface TaskManagerStats {
  /** Heap in use by its slot threads. */
  readonly heapUsedBytes: number;
  /** Busy / idle / back-pressured time of each running task, by attempt id. */
  readonly taskTimes: Record<string, TaskTimeSample>;
  /** The combined input watermark of each running task, by attempt id (-Infinity: none yet, or a source). */
  readonly inputWatermarks: Record<string, number>;
  /** Records each running task read and wrote so far, by attempt id. */
  readonly taskRecords: Record<string, TaskRecordCounts>;
}

/** A task's records so far (Flink's numRecordsIn / numRecordsOut): read from its input gates, written to its result partitions. */
export interface TaskRecordCounts {
  readonly in: number;
  readonly out: number;
}

export interface TaskManagerStatsEntry {
  readonly resourceId: string;
  readonly stats: TaskManagerStats;
}

/** One registered TaskManager, as the ResourceManager knows it. */
export interface TaskManagerInfo {
  readonly resourceId: string;
  /** Its RPC address. */
  readonly address: string;
  /** Its data server's port (-1: it serves none, in-process only). */
  readonly dataPort: number;
  readonly slotsNumber: number;
  readonly freeSlots: number;
  /** Since it last answered a heartbeat (or registered). */
  readonly timeSinceLastHeartbeatMs: number;
  /** What its slots may use together, and what its allocated slots leave of it (absent: it declared none). */
  readonly totalResources?: ResourceSpec;
  readonly freeResources?: ResourceSpec;
}

/** What a job needs: slots in all, and how many of them need particular resources (fine-grained slot sharing groups). */
export interface ResourceRequirements {
  readonly jobId: string;
  readonly numberOfRequiredSlots: number;
  /** The slots among `numberOfRequiredSlots` that need particular resources, by profile; the rest take default slots. */
  readonly resources?: ReadonlyArray<{ readonly resources: ResourceSpec; readonly numberOfRequiredSlots: number }>;
}

export interface ResourceOverview {
  readonly taskManagers: number;
  readonly slotsTotal: number;
  readonly slotsAvailable: number;
  /** Whether the ResourceManager can start more TaskManagers (active drivers) or only uses registered ones. */
  readonly canStartWorkers: boolean;
  /** The largest total resources of a registered TaskManager (absent: none declares any). */
  readonly largestTaskManager?: ResourceSpec;
  /** The total resources of a TaskManager the ResourceManager would start (when it can start some). */
  readonly workerResources?: ResourceSpec;
}

export interface TaskExecutorGateway {
  /**
   * The ResourceManager allocates slot `slotIndex` to the job: the TaskExecutor offers it to the
   * JobMaster. Refused (FENCING_TOKEN_MISMATCH) when `resourceManagerId` is not the leader session of
   * the ResourceManager the TaskExecutor is registered at: a stale leader's allocation. With
   * `resources`, `slotIndex` names a dynamic slot (at or past the default slots) carved with them.
   */
  requestSlot(slotIndex: number, jobId: string, allocationId: string, jobMaster: JobMasterRef, resourceManagerId: string, resources?: ResourceSpec): Promise<void>;
  submitTask(tdd: TaskDeploymentDescriptor): Promise<void>;
  cancelTask(attemptId: string): Promise<void>;
  freeSlot(allocationId: string, cause: string): Promise<void>;
  /** Drops result partitions of attempts that were restarted. */
  releasePartitions(jobId: string, partitionKeys: readonly string[]): Promise<void>;
  getBlobAddress(): Promise<string>;
  /** The ResourceManager's heartbeat request; the answer (the TaskExecutor's heartbeat) reports its slots. */
  heartbeatFromResourceManager(resourceManagerId: string): Promise<readonly SlotReportEntry[]>;
  /**
   * A JobMaster's heartbeat request for its job; the answer (the TaskExecutor's heartbeat) lists the
   * attempts of the job that run here, so the JobMaster cancels stale ones and fails missing ones.
   *
   * `heldAllocations` (Flink's AllocatedSlotReport): the job's slots here that the JobMaster holds; the
   * TaskExecutor frees the job's other slots whose offer the JobMaster accepted (it gave them up, and
   * its word on it may have been lost), so no slot stays allocated to a job that does not know it.
   */
  heartbeatFromJobManager(jobId: string, heldAllocations?: readonly string[]): Promise<readonly string[]>;
  /**
   * Starts checkpoint `checkpointId` at a source task (the barrier flows from there, carrying `location`
   * and `alignedTimeoutMs`: < 0 aligned, 0 unaligned, > 0 aligned until that long after `timestamp`;
   * `postCheckpointAction` when it is a stop-with-savepoint's synchronous savepoint).
   */
  triggerCheckpoint(attemptId: string, checkpointId: number, timestamp: number, location: string, alignedTimeoutMs: number, postCheckpointAction?: PostCheckpointAction): Promise<void>;
  /** The checkpoint completed (`completed`) or was aborted: the task's operators are told. */
  notifyCheckpoint(attemptId: string, checkpointId: number, completed: boolean): Promise<void>;
  /**
   * Coordinator → operator (Flink's sendOperatorEventToTask): the event reaches operator `operatorId`
   * of the attempt as mail, after everything sent to the attempt before it (checkpoint triggers too).
   * Rejects when the attempt does not run here.
   */
  sendOperatorEventToTask(attemptId: string, operatorId: string, event: unknown): Promise<void>;
  /**
   * The cluster shuts down for good (an application cluster whose job ended): the TaskManager does not
   * try to register again but stops, and its process exits. Answers at once; the stop follows.
   */
  notifyClusterShutdown(reason: string): Promise<void>;
  /** What this TaskManager's tasks measure now (the ResourceManager asks for the REST API). */
  requestTaskManagerStats(): Promise<TaskManagerStats>;
}

export interface JobArtifactRef {
  /** SHA-256 of the bundle (hex); the blob key. */
  readonly sha256: string;
  readonly size: number;
}

export interface JobSubmission {
  readonly jobGraph: JobGraph;
  readonly artifact: JobArtifactRef;
  /** The job's main arguments, so task mode rebuilds the same graph. */
  readonly args: readonly string[];
  /** Job-level configuration (the client's file + -D), plain values. */
  readonly configuration: Record<string, unknown>;
}
/** The submission a job's container was made for. */
export const JobSubmission = Symbol.for('flott.JobSubmission');

export interface JobResultInfo {
  readonly jobId: string;
  readonly jobName: string;
  readonly status: JobStatus;
  readonly netRuntimeMs: number;
  readonly accumulators: Record<string, unknown>;
  readonly error?: SerializedError;
}

export interface JobDetailsInfo {
  readonly jobId: string;
  readonly jobName: string;
  readonly status: JobStatus;
  readonly startTime: number;
  readonly endTime: number;
  readonly vertices: ReadonlyArray<{ id: string; name: string; parallelism: number; states: Record<string, number> }>;
  /** Checkpoint statistics (Flink's /jobs/:jobid/checkpoints); absent for jobs that never checkpointed. */
  readonly checkpoints?: CheckpointStatistics;
}

/** Counts and the most recent checkpoints of a job, as Flink's REST API reports them. */
export interface CheckpointStatistics {
  readonly counts: { readonly triggered: number; readonly inProgress: number; readonly completed: number; readonly failed: number };
  /** The newest first, at most `web.checkpoints.history` of them. */
  readonly history: readonly CheckpointStatisticsEntry[];
}

export interface CheckpointStatisticsEntry {
  readonly id: number;
  readonly type: 'CHECKPOINT' | 'SAVEPOINT';
  readonly status: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  readonly triggerTimestamp: number;
  /** Trigger to completion (or failure). */
  readonly endToEndDurationMs?: number;
  /** Bytes of state written (inline and files). */
  readonly stateSize: number;
  /** The longest synchronous and asynchronous part of any task. */
  readonly maxSyncDurationMs: number;
  readonly maxAsyncDurationMs: number;
  readonly acknowledged: number;
  readonly tasks: number;
  readonly externalPath?: string;
  readonly failureMessage?: string;
}

/** One failure of a job (Flink's exception history entry). */
export interface ExceptionHistoryEntry {
  readonly exception: SerializedError;
  readonly timestamp: number;
  /** The failed task ("name (i/n)"); absent for a failure of the whole job. */
  readonly taskName?: string;
  /** Resource id of the TaskManager the failed task ran on. */
  readonly taskManagerId?: string;
}

/**
 * Everything the REST API shows of one job (Flink's ExecutionGraphInfo): the submitted plan, its
 * configuration, each subtask's current attempt, the failures and the checkpoint statistics.
 */
export interface ExecutionGraphInfo extends JobDetailsInfo {
  readonly jobGraph: JobGraph;
  /** The job-level configuration it was submitted with (the client's file and -D, the program's own settings). */
  readonly configuration: Record<string, unknown>;
  /** Per job vertex, in the plan's order: the current attempt of each subtask. */
  readonly subtasks: Readonly<Record<string, readonly ExecutionSnapshot[]>>;
  /** The newest first, at most web.exception-history-size. */
  readonly exceptionHistory: readonly ExceptionHistoryEntry[];
  /** How the job checkpoints (intervalMs 0: no periodic checkpoints). */
  readonly checkpointing: {
    readonly intervalMs: number;
    readonly timeoutMs: number;
    readonly mode: 'EXACTLY_ONCE' | 'AT_LEAST_ONCE';
    readonly minPauseMs: number;
    readonly maxConcurrent: number;
    readonly tolerableFailures: number;
    readonly retention: string;
    readonly unaligned: boolean;
    readonly alignedTimeoutMs: number;
    readonly incremental: boolean;
  };
}

export interface CollectedBatch {
  /** Increments when the job restarts: the client discards what it collected before. */
  readonly version: number;
  readonly records: ReadonlyArray<{ sinkId: string; records: unknown[] }>;
}

export interface DispatcherGateway {
  submitJob(submission: JobSubmission): Promise<string>;
  /** Upload of a job's bundle (bounded by blob.server.max-size). */
  putBlob(sha256: string, data: Uint8Array): Promise<void>;
  getBlob(sha256: string): Promise<Uint8Array>;
  /** The blob server's HTTP address (`http://host:port`) where TaskManagers fetch bundles; undefined when bundles come through getBlob (the embedded cluster). */
  getBlobServerAddress(): Promise<string | undefined>;
  requestJobStatus(jobId: string): Promise<JobStatus>;
  requestJobResult(jobId: string): Promise<JobResultInfo>;
  requestJobDetails(jobId: string): Promise<JobDetailsInfo>;
  listJobs(): Promise<Array<{ jobId: string; jobName: string; status: JobStatus }>>;
  cancelJob(jobId: string): Promise<void>;
  /** Takes the records the job's collect sinks delivered since the last call. */
  pollCollected(jobId: string): Promise<CollectedBatch>;
  /**
   * Takes a savepoint of a running job into `targetDirectory` (execution.checkpointing.savepoint-dir
   * when undefined); resolves with its path once it completed (Flink's triggerSavepoint).
   */
  triggerSavepoint(jobId: string, targetDirectory?: string): Promise<string>;
  /**
   * Stops the job with a synchronous savepoint (Flink's stop-with-savepoint): the sources emit nothing
   * after its barrier, every task waits for its completion (sinks commit up to it) and finishes, and
   * the job ends FINISHED; resolves with the savepoint's path then. `drain` (Flink's --drain,
   * advanceToEndOfEventTime) first ends event time (MAX_WATERMARK) and runs every operator's
   * endInput/finish before the barrier. When the savepoint fails, the job keeps running and the call
   * rejects with STOP_WITH_SAVEPOINT_FAILED.
   */
  stopWithSavepoint(jobId: string, targetDirectory?: string, drain?: boolean): Promise<string>;
  /** What the REST API shows of a job (plan, configuration, subtasks, exceptions, checkpoints). */
  requestExecutionGraphInfo(jobId: string): Promise<ExecutionGraphInfo>;
  /**
   * Takes a checkpoint of a running job now (Flink 1.19's manual checkpoint), besides the periodic
   * ones; resolves with its id once it completed. `full` asks for a full rather than incremental one.
   */
  triggerCheckpoint(jobId: string, full?: boolean): Promise<number>;
  /**
   * Deletes a savepoint (Flink's savepoint disposal, `flott savepoint --dispose`): `path` is its
   * directory or `_metadata` file in the cluster's checkpoint storage; rejects when it is no savepoint.
   */
  disposeSavepoint(path: string): Promise<void>;
}
