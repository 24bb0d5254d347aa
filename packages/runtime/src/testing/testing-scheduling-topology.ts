import { assert } from '@flott/core';
import { ExecutionState } from '../execution/execution-state';
import type { DistributionPattern, ResultPartitionType } from '../deployment/job-graph';
import type {
  ExecutionVertexId,
  ResultPartitionId,
  SchedulingExecutionVertex,
  SchedulingResultPartition,
  SchedulingTopology,
} from '../spi/scheduling-topology';

interface MutableVertex {
  readonly id: ExecutionVertexId;
  readonly jobVertexId: string;
  readonly subtaskIndex: number;
  state: ExecutionState;
  readonly consumedResults: ResultPartitionId[];
  readonly producedResults: ResultPartitionId[];
}

interface MutablePartition {
  readonly id: ResultPartitionId;
  readonly resultType: ResultPartitionType;
  readonly producer: ExecutionVertexId;
  readonly consumers: ExecutionVertexId[];
}

export interface ConnectOptions {
  readonly resultType?: ResultPartitionType;
  readonly pattern?: DistributionPattern;
  /** Defaults to `${producer}->${consumer}`. */
  readonly dataSetId?: string;
}

/**
 * A SchedulingTopology built by hand, job vertex by job vertex, for strategy tests. Job vertices must
 * be added producers first (connecting to an earlier vertex throws), so `getVertices()` is always in
 * topological order, as the SPI promises. Vertex states are settable, as the JobMaster would update them.
 *
 * ```ts
 * const topology = new TestingSchedulingTopology()
 *   .addJobVertex('source', 2).addJobVertex('sink', 1)
 *   .connect('source', 'sink', { resultType: 'BLOCKING' });
 * ```
 */
export class TestingSchedulingTopology implements SchedulingTopology {
  private readonly vertices = new Map<ExecutionVertexId, MutableVertex>();
  private readonly partitions = new Map<ResultPartitionId, MutablePartition>();
  private readonly parallelism = new Map<string, number>();
  private readonly available = new Set<ResultPartitionId>();

  /** Adds `parallelism` execution vertices `${jobVertexId}_${i}`. */
  addJobVertex(jobVertexId: string, parallelism = 1): this {
    assert(!this.parallelism.has(jobVertexId), `job vertex ${jobVertexId} added twice`);
    assert(Number.isInteger(parallelism) && parallelism >= 1, `parallelism of ${jobVertexId} must be >= 1`);
    this.parallelism.set(jobVertexId, parallelism);
    for (let i = 0; i < parallelism; i++) {
      const id = `${jobVertexId}_${i}`;
      this.vertices.set(id, { id, jobVertexId, subtaskIndex: i, state: ExecutionState.CREATED, consumedResults: [], producedResults: [] });
    }
    return this;
  }

  /**
   * Adds one result partition per producer subtask, consumed by all consumer subtasks (ALL_TO_ALL)
   * or by a contiguous share of them (POINTWISE, as Flink distributes unequal parallelisms).
   */
  connect(producer: string, consumer: string, options: ConnectOptions = {}): this {
    const p = this.parallelism.get(producer);
    const c = this.parallelism.get(consumer);
    assert(p !== undefined && c !== undefined, `connect ${producer} -> ${consumer}: both job vertices must be added first`);
    const order = [...this.parallelism.keys()];
    assert(order.indexOf(producer) < order.indexOf(consumer), `connect ${producer} -> ${consumer}: producer must be added before consumer`);
    const dataSetId = options.dataSetId ?? `${producer}->${consumer}`;
    const pattern = options.pattern ?? 'ALL_TO_ALL';
    for (let i = 0; i < p; i++) {
      const consumers: number[] = [];
      if (pattern === 'ALL_TO_ALL') for (let j = 0; j < c; j++) consumers.push(j);
      else if (p >= c) consumers.push(Math.floor((i * c) / p));
      else for (let j = 0; j < c; j++) if (Math.floor((j * p) / c) === i) consumers.push(j);
      this.addPartition(`${dataSetId}_${i}`, `${producer}_${i}`, consumers.map((j) => `${consumer}_${j}`), options.resultType);
    }
    return this;
  }

  /** Adds one partition between individual vertices, for shapes `connect` cannot express. */
  addPartition(
    id: ResultPartitionId,
    producer: ExecutionVertexId,
    consumers: readonly ExecutionVertexId[],
    resultType: ResultPartitionType = 'PIPELINED',
  ): this {
    assert(!this.partitions.has(id), `partition ${id} added twice`);
    const order = [...this.vertices.keys()];
    const producerVertex = this.getMutableVertex(producer);
    for (const consumerId of consumers) {
      assert(order.indexOf(producer) < order.indexOf(consumerId), `partition ${id}: producer ${producer} must precede consumer ${consumerId}`);
      this.getMutableVertex(consumerId).consumedResults.push(id);
    }
    producerVertex.producedResults.push(id);
    this.partitions.set(id, { id, resultType, producer, consumers: [...consumers] });
    return this;
  }

  /** Sets a vertex's state as the JobMaster would (no transition check: tests set up any situation). */
  setState(id: ExecutionVertexId, state: ExecutionState): this {
    this.getMutableVertex(id).state = state;
    return this;
  }

  setAllStates(state: ExecutionState): this {
    for (const v of this.vertices.values()) v.state = state;
    return this;
  }

  getVertices(): Iterable<SchedulingExecutionVertex> {
    return [...this.vertices.values()];
  }

  getVertexIds(): ExecutionVertexId[] {
    return [...this.vertices.keys()];
  }

  getVertex(id: ExecutionVertexId): SchedulingExecutionVertex {
    return this.getMutableVertex(id);
  }

  getResultPartition(id: ResultPartitionId): SchedulingResultPartition {
    const partition = this.partitions.get(id);
    if (!partition) throw new Error(`Unknown result partition ${id}`);
    return partition;
  }

  /** Marks a BLOCKING partition complete and retained (or not), as the partition tracker would. */
  setResultPartitionAvailable(id: ResultPartitionId, available = true): this {
    const partition = this.getResultPartition(id);
    assert(!available || partition.resultType === 'BLOCKING', `partition ${id} is PIPELINED: it cannot be read twice`);
    if (available) this.available.add(id);
    else this.available.delete(id);
    return this;
  }

  isResultPartitionAvailable(id: ResultPartitionId): boolean {
    this.getResultPartition(id);
    return this.available.has(id);
  }

  getResultPartitions(): SchedulingResultPartition[] {
    return [...this.partitions.values()];
  }

  /** Position of each vertex in topological order, for order assertions. */
  topologicalIndex(): Map<ExecutionVertexId, number> {
    return new Map(this.getVertexIds().map((id, i) => [id, i]));
  }

  private getMutableVertex(id: ExecutionVertexId): MutableVertex {
    const vertex = this.vertices.get(id);
    if (!vertex) throw new Error(`Unknown execution vertex ${id}`);
    return vertex;
  }
}
