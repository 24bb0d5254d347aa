import { assert } from '@flott/core';
import type { ResultPartitionType } from '../deployment/job-graph';
import type {
  ExecutionVertexId,
  ResultPartitionId,
  SchedulingExecutionVertex,
  SchedulingResultPartition,
  SchedulingTopology,
} from '../spi/scheduling-topology';
import type { ExecutionGraph } from './execution-graph';
import type { ExecutionState } from '../execution/execution-state';
import type { ExecutionVertex } from './execution-vertex';

/** Read-only view of a subtask; `state` is always the current attempt's. */
class SchedulingVertexView implements SchedulingExecutionVertex {
  readonly consumedResults: readonly ResultPartitionId[];
  readonly producedResults: readonly ResultPartitionId[];

  constructor(
    private readonly vertex: ExecutionVertex,
    graph: ExecutionGraph,
  ) {
    this.consumedResults = graph.getConsumedPartitions(vertex.id);
    this.producedResults = graph.getProducedPartitions(vertex.id).map((p) => p.id);
  }

  get id(): ExecutionVertexId {
    return this.vertex.id;
  }

  get jobVertexId(): string {
    return this.vertex.jobVertexId;
  }

  get subtaskIndex(): number {
    return this.vertex.subtaskIndex;
  }

  get state(): ExecutionState {
    return this.vertex.executionState;
  }
}

/**
 * The SchedulingTopology that scheduling and failover strategies see, over a live ExecutionGraph
 * (structure fixed at construction, states read through on every access).
 */
export class ExecutionGraphSchedulingTopology implements SchedulingTopology {
  private readonly views = new Map<ExecutionVertexId, SchedulingVertexView>();
  private readonly partitions = new Map<ResultPartitionId, SchedulingResultPartition>();

  /**
   * `blockingPartitionAvailable` answers for BLOCKING partitions whether their data can be read again
   * (the JobMaster's partition tracking); without it none can.
   */
  constructor(
    private readonly graph: ExecutionGraph,
    private readonly blockingPartitionAvailable: (id: ResultPartitionId) => boolean = () => false,
  ) {
    for (const v of graph.getAllExecutionVertices()) {
      this.views.set(v.id, new SchedulingVertexView(v, graph));
      for (const p of graph.getProducedPartitions(v.id)) {
        const resultType: ResultPartitionType = p.resultType;
        this.partitions.set(p.id, { id: p.id, resultType, producer: p.producerVertexId, consumers: [...new Set(p.consumers)] });
      }
    }
  }

  getVertices(): Iterable<SchedulingExecutionVertex> {
    return this.views.values();
  }

  getVertex(id: ExecutionVertexId): SchedulingExecutionVertex {
    const v = this.views.get(id);
    assert(v, `no execution vertex ${id} in job ${this.graph.jobId}`);
    return v;
  }

  getResultPartition(id: ResultPartitionId): SchedulingResultPartition {
    const p = this.partitions.get(id);
    assert(p, `no result partition ${id} in job ${this.graph.jobId}`);
    return p;
  }

  isResultPartitionAvailable(id: ResultPartitionId): boolean {
    return this.getResultPartition(id).resultType === 'BLOCKING' && this.blockingPartitionAvailable(id);
  }
}
