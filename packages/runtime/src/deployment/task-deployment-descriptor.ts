import type { KeyedStateHandle, StreamStateHandle } from '../snapshot/snapshot-data';
import type { JobVertexDescriptor, PartitionerKind, ResultPartitionType } from './job-graph';

/**
 * Where a consumer finds one of its input channels: the producing attempt's result partition and
 * the subpartition index meant for this consumer.
 */
export interface InputChannelDescriptor {
  /** `${dataSetId}_${producerSubtask}@${producerAttemptId}`: unique per producing attempt. */
  readonly partitionKey: string;
  readonly subpartitionIndex: number;
  /** TaskExecutor that runs the producer (its resource id); same as ours → local connection. */
  readonly producerResourceId: string;
  /** `host:port` of that TaskExecutor's data server, where a consumer on another TaskManager requests the partition. */
  readonly producerDataAddress?: string;
  /**
   * `host:port` of the producer slot thread's own data server, given for a PIPELINED partition whose slot
   * has one: a consumer on another TaskManager requests the partition there (docs/network.md).
   */
  readonly producerSlotDataAddress?: string;
}

export interface InputGateDescriptor {
  readonly dataSetId: string;
  readonly streamEdgeId: string;
  readonly typeNumber: number;
  readonly channels: readonly InputChannelDescriptor[];
}

export interface ResultPartitionDescriptor {
  readonly dataSetId: string;
  readonly partitionKey: string;
  readonly streamEdgeId: string;
  readonly partitioner: PartitionerKind;
  readonly numSubpartitions: number;
  /** Key groups of a hash partitioner are those of the consuming vertex. */
  readonly consumerMaxParallelism: number;
  /** PIPELINED: streamed to running consumers; BLOCKING: written to local disk, read after the producer finished. */
  readonly resultPartitionType: ResultPartitionType;
}

/**
 * The key of a result partition as one producing attempt writes it (Flink's ResultPartitionID:
 * partition id + attempt id), so a restarted producer's partition never mixes with its predecessor's.
 */
export function resultPartitionKey(partitionId: string, attemptId: string): string {
  return `${partitionId}@${attemptId}`;
}

/** The state one operator of a task starts from (Flink's OperatorSubtaskState after redistribution). */
export interface OperatorRestore {
  /** Keyed state files of the old subtasks whose key groups overlap this subtask's range. */
  readonly keyed: readonly KeyedStateHandle[];
  /**
   * Operator state of every subtask of the run that took the snapshot, by its subtask index (undefined:
   * that subtask had none). The task takes its share: its own lists at the same parallelism, an even
   * split of all lists at another, every union list, one copy of broadcast state.
   */
  readonly operator: ReadonlyArray<StreamStateHandle | undefined>;
}

/** The checkpoint or savepoint a task restores from: per operator id of its chain that has state there. */
export interface TaskRestore {
  readonly checkpointId: number;
  readonly operators: Readonly<Record<string, OperatorRestore>>;
  /** The in-flight data of this subtask's input channels an unaligned checkpoint stored (same parallelism only). */
  readonly inputChannels?: StreamStateHandle;
  /**
   * Every operator of the chain had finished when the checkpoint was taken (Flink's FINISHED_ON_RESTORE):
   * the task runs no operator; it ends its partitions at once (after MAX_WATERMARK) and finishes.
   */
  readonly finishedOnRestore?: boolean;
}

/** Everything a TaskExecutor needs to run one subtask attempt (Flink's TaskDeploymentDescriptor). */
export interface TaskDeploymentDescriptor {
  readonly jobId: string;
  readonly jobName: string;
  readonly attemptId: string;
  readonly attemptNumber: number;
  readonly allocationId: string;
  readonly subtaskIndex: number;
  readonly vertex: JobVertexDescriptor;
  readonly executeIndex: number;
  readonly artifactSha256: string;
  readonly args: readonly string[];
  readonly jobConfiguration: Record<string, unknown>;
  readonly inputs: readonly InputGateDescriptor[];
  readonly outputs: readonly ResultPartitionDescriptor[];
  readonly jobMasterAddress: string;
  /** The JobMaster's fencing token: the TaskExecutor refuses a task of another JobMaster than the one its slot was offered to. */
  readonly jobMasterId: string;
  /** Absent when the task starts without state (no checkpoint yet, or none with state of its operators). */
  readonly restore?: TaskRestore;
  /**
   * The job checkpoints periodically and after tasks finish (execution.checkpointing.checkpoints-after-tasks-finish,
   * FLIP-147): at the end of its input the task finishes its operators, sends end-of-data and waits for a
   * checkpoint to complete before it ends its partitions; sinks commit their last transaction then.
   */
  readonly checkpointsAfterTasksFinish?: boolean;
}

/** "name (subtask/parallelism)#attempt", as Flink names a task in its logs and errors. */
export function taskNameWithSubtaskAndAttempt(tdd: TaskDeploymentDescriptor): string {
  return `${tdd.vertex.name} (${tdd.subtaskIndex + 1}/${tdd.vertex.parallelism})#${tdd.attemptNumber}`;
}

/** The log context of one task attempt: job, task, subtask, attempt and attempt id. */
export function taskLogFields(tdd: TaskDeploymentDescriptor): { jobId: string; task: string; subtask: number; attempt: number; attemptId: string } {
  return { jobId: tdd.jobId, task: tdd.vertex.name, subtask: tdd.subtaskIndex, attempt: tdd.attemptNumber, attemptId: tdd.attemptId };
}
