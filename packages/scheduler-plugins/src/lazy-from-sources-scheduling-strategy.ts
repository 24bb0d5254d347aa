import { ExecutionState } from '@flott/runtime/common';
import type { ExecutionVertexId, ResultPartitionId, SchedulerOperations, SchedulingStrategy, SchedulingStrategyFactory, SchedulingTopology } from '@flott/runtime/spi';
import { isPartitionConsumable, restartOrder } from './scheduling-inputs';

/**
 * `lazy-from-sources` (Flink's legacy batch strategy): sources are deployed first; any other vertex
 * once every partition it consumes is consumable (PIPELINED: its producer produced the first data, as
 * the JobMaster reports through onPartitionConsumable, or finished; BLOCKING: its producer finished).
 * Each vertex is its own allocateSlotsAndDeploy call, so slots are asked for one task at a time as
 * tasks become ready, and a finished task's slot serves the next. A consumer of a pipelined producer
 * that never produces anything and never finishes is never deployed (as in Flink: lazy scheduling is
 * for bounded jobs).
 */
export class LazyFromSourcesSchedulingStrategy implements SchedulingStrategy {
  /** Vertices waiting to be deployed (all at the start, the restarted ones after a restart). */
  private readonly pending = new Set<ExecutionVertexId>();
  /** PIPELINED partitions whose producer's current attempt produced data. */
  private readonly withData = new Set<ResultPartitionId>();

  constructor(
    private readonly operations: SchedulerOperations,
    private readonly topology: SchedulingTopology,
  ) {}

  startScheduling(): void {
    for (const v of this.topology.getVertices()) this.pending.add(v.id);
    this.deployReady([...this.pending]);
  }

  restartTasks(vertices: ReadonlySet<ExecutionVertexId>): void {
    const ordered = restartOrder(this.topology, vertices);
    for (const id of ordered) {
      this.pending.add(id);
      // A new attempt writes its partitions anew.
      for (const p of this.topology.getVertex(id).producedResults) this.withData.delete(p);
    }
    this.deployReady(ordered);
  }

  onExecutionStateChange(vertex: ExecutionVertexId, state: ExecutionState): void {
    // A producer that finished completes its consumers' inputs, pipelined or blocking.
    if (state === ExecutionState.FINISHED) this.deployConsumersOf(vertex);
  }

  onPartitionConsumable(partition: ResultPartitionId): void {
    const p = this.topology.getResultPartition(partition);
    if (p.resultType === 'PIPELINED') this.withData.add(partition);
    this.deployReady(p.consumers);
  }

  private deployConsumersOf(vertex: ExecutionVertexId): void {
    const consumers = this.topology.getVertex(vertex).producedResults.flatMap((p) => this.topology.getResultPartition(p).consumers);
    this.deployReady(consumers);
  }

  /** Deploys, one call each, the `candidates` that are pending and whose inputs are all consumable, in the order given (topological). */
  private deployReady(candidates: readonly ExecutionVertexId[]): void {
    for (const id of new Set(candidates)) {
      if (!this.pending.has(id)) continue;
      const inputs = this.topology.getVertex(id).consumedResults;
      if (!inputs.every((p) => isPartitionConsumable(this.topology, p, this.pending, (q) => this.withData.has(q)))) continue;
      this.pending.delete(id);
      this.operations.allocateSlotsAndDeploy([id]);
    }
  }
}

export class LazyFromSourcesSchedulingStrategyFactory implements SchedulingStrategyFactory {
  readonly name = 'lazy-from-sources';

  createInstance(operations: SchedulerOperations, topology: SchedulingTopology): SchedulingStrategy {
    return new LazyFromSourcesSchedulingStrategy(operations, topology);
  }
}
