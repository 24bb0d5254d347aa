import type { IntermediateDataSetDescriptor, JobEdgeDescriptor, ResultPartitionType } from '../deployment/job-graph';
import type { ExecutionVertexId, ResultPartitionId } from '../spi/scheduling-topology';

/** What one producer subtask writes for one data set (Flink's IntermediateResultPartition). */
export class IntermediateResultPartition {
  readonly id: ResultPartitionId;

  constructor(
    readonly dataSetId: string,
    readonly partitionNumber: number,
    readonly producerVertexId: ExecutionVertexId,
    readonly resultType: ResultPartitionType,
    /** Subpartition i is read by consumers[i]. */
    readonly consumers: readonly ExecutionVertexId[],
  ) {
    this.id = `${dataSetId}_${partitionNumber}`;
  }

  get numberOfSubpartitions(): number {
    return this.consumers.length;
  }
}

/** One IntermediateDataSet at runtime: a partition per producer subtask, consumed through one JobEdge. */
export class IntermediateResult {
  constructor(
    readonly descriptor: IntermediateDataSetDescriptor,
    readonly consumerEdge: JobEdgeDescriptor,
    /** Indexed by producer subtask. */
    readonly partitions: readonly IntermediateResultPartition[],
  ) {}

  get id(): string {
    return this.descriptor.id;
  }

  get producerJobVertexId(): string {
    return this.descriptor.producerVertexId;
  }

  get consumerJobVertexId(): string {
    return this.consumerEdge.targetVertexId;
  }

  get resultType(): ResultPartitionType {
    return this.descriptor.resultPartitionType;
  }
}
