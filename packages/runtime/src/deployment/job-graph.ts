import type { ResourceSpec } from './resource-spec';
/** How records are routed from a producer subtask to consumer subtasks (Flink's partitioners). */
export type PartitionerKind = 'forward' | 'rebalance' | 'rescale' | 'shuffle' | 'broadcast' | 'global' | 'hash';

/**
 * The JobGraph: plain, serialisable data (it crosses REST and RPC). Operator chains are JobVertices;
 * each non-chained stream edge becomes an IntermediateDataSet produced by one vertex and consumed
 * through one JobEdge.
 */
export type DistributionPattern = 'ALL_TO_ALL' | 'POINTWISE';
export type ResultPartitionType = 'PIPELINED' | 'BLOCKING';

export interface ChainedOperatorDescriptor {
  /** 32 hex chars: hash of the graph position, or of `uid` when the user set one (as Flink). */
  readonly operatorId: string;
  readonly uid?: string;
  /** Id of the stream node in the StreamGraph the job's main builds (used to find it again). */
  readonly streamNodeId: number;
  readonly name: string;
  readonly kind: string;
  /** The operator has a coordinator on the JobMaster (a unified source's SplitEnumerator). */
  readonly hasCoordinator?: true;
}

export interface IntermediateDataSetDescriptor {
  readonly id: string;
  readonly producerVertexId: string;
  readonly resultPartitionType: ResultPartitionType;
  /** The stream edge this data set carries (from an operator in the producer chain). */
  readonly streamEdgeId: string;
}

export interface JobEdgeDescriptor {
  readonly dataSetId: string;
  readonly sourceVertexId: string;
  readonly targetVertexId: string;
  readonly partitioner: PartitionerKind;
  readonly distributionPattern: DistributionPattern;
  readonly resultPartitionType: ResultPartitionType;
  readonly streamEdgeId: string;
  /** Operator in the source chain that emits into this edge, and the target chain's head. */
  readonly sourceOperatorId: string;
  readonly targetOperatorId: string;
  /** 0 for one-input heads; 1 or 2 for two-input heads. */
  readonly typeNumber: number;
  readonly sideOutputTag?: string;
}

export interface JobVertexDescriptor {
  readonly id: string;
  /** Chain name as Flink shows it: "Source: words -> Map -> Filter". */
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly slotSharingGroup: string;
  readonly coLocationGroup?: string;
  readonly isInputVertex: boolean;
  /** Chain members, head first, in topological order. */
  readonly operators: readonly ChainedOperatorDescriptor[];
  readonly inputs: readonly JobEdgeDescriptor[];
  readonly producedDataSets: readonly IntermediateDataSetDescriptor[];
  readonly bufferTimeoutMs: number;
}

export interface JobGraph {
  readonly jobId: string;
  readonly jobName: string;
  readonly jobType: 'STREAMING' | 'BATCH';
  /** Topologically sorted: every vertex comes after the vertices it consumes from. */
  readonly vertices: readonly JobVertexDescriptor[];
  /** Which `execute()` call of the job's main built this graph (0 for the first). */
  readonly executeIndex: number;
  readonly maxParallelism: number;
  /**
   * The resources a slot of each slot sharing group needs (fine-grained resource management), by
   * group name; a group without an entry takes a default slot of whatever TaskManager offers one.
   */
  readonly slotSharingGroupResources?: Readonly<Record<string, ResourceSpec>>;
}
