import { ExecutionState } from '@flott/runtime';
import type { ExecutionVertexId, ResultPartitionId, SchedulerOperations, SchedulingStrategy, SchedulingStrategyFactory, SchedulingTopology } from '@flott/runtime/spi';
import { isPartitionConsumable, restartOrder } from './scheduling-inputs';

/**
 * `lazy-from-sources` (Flink's legacy batch strategy): sources are deployed first; any other vertex
 * once every partition it consumes is consumable (PIPELINED: its producer runs; BLOCKING: its
 * producer finished). Each vertex is its own allocateSlotsAndDeploy call, so slots are asked for one
 * task at a time as tasks become ready, and a finished task's slot serves the next.
 */
export class LazyFromSourcesSchedulingStrategy implements SchedulingStrategy {
  /** Vertices waiting to be deployed (all at the start, the restarted ones after a restart). */
  private readonly pending = new Set<ExecutionVertexId>();

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
    for (const id of ordered) this.pending.add(id);
    this.deployReady(ordered);
  }

  onExecutionStateChange(vertex: ExecutionVertexId, state: ExecutionState): void {
    // A producer that runs (pipelined outputs) or finished (blocking ones) may complete its consumers' inputs.
    if (state === ExecutionState.RUNNING || state === ExecutionState.FINISHED) this.deployConsumersOf(vertex);
  }

  onPartitionConsumable(partition: ResultPartitionId): void {
    this.deployReady(this.topology.getResultPartition(partition).consumers);
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
      if (!inputs.every((p) => isPartitionConsumable(this.topology, p, this.pending))) continue;
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
