import type { ExecutionState } from '../execution/execution-state';
import type { ResultPartitionType } from '../deployment/job-graph';

/** `${jobVertexId}_${subtaskIndex}`: stable across attempts. */
export type ExecutionVertexId = string;
/** `${dataSetId}_${producerSubtaskIndex}`. */
export type ResultPartitionId = string;

/** The view of the ExecutionGraph that scheduling and failover strategies see (read-only). */
export interface SchedulingExecutionVertex {
  readonly id: ExecutionVertexId;
  readonly jobVertexId: string;
  readonly subtaskIndex: number;
  readonly state: ExecutionState;
  readonly consumedResults: readonly ResultPartitionId[];
  readonly producedResults: readonly ResultPartitionId[];
}

export interface SchedulingResultPartition {
  readonly id: ResultPartitionId;
  readonly resultType: ResultPartitionType;
  readonly producer: ExecutionVertexId;
  readonly consumers: readonly ExecutionVertexId[];
}

export interface SchedulingTopology {
  /** Topological order: producers before consumers. */
  getVertices(): Iterable<SchedulingExecutionVertex>;
  getVertex(id: ExecutionVertexId): SchedulingExecutionVertex;
  getResultPartition(id: ResultPartitionId): SchedulingResultPartition;
  /**
   * Whether a BLOCKING partition is complete and retained, so that a restarted consumer can read it
   * again without its producer running again (Flink's ResultPartitionAvailabilityChecker). Always
   * false for a PIPELINED one: its data is gone once consumed.
   */
  isResultPartitionAvailable(id: ResultPartitionId): boolean;
}
