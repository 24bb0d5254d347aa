import type { ExecutionState } from '@flott/runtime/common';
import type { ExecutionVertexId, ResultPartitionId, SchedulerOperations, SchedulingStrategy, SchedulingStrategyFactory, SchedulingTopology } from '@flott/runtime/spi';
import { PipelinedRegions, type PipelinedRegion } from './pipelined-regions';
import { isPartitionConsumable, restartOrder } from './scheduling-inputs';

/**
 * `pipelined-region` (Flink's default scheduling strategy): a pipelined region (the tasks joined by
 * PIPELINED exchanges) is deployed as a unit once every BLOCKING partition it consumes from other
 * regions is finished. A streaming job's connected pipeline is one region, deployed at once (as by
 * `eager`); a batch job's stages run one after another, each region asking for its slots only when
 * it can run, so a job runs on fewer slots than its total parallelism. Each region is one
 * allocateSlotsAndDeploy call: a region that cannot get its slots fails alone.
 */
export class PipelinedRegionSchedulingStrategy implements SchedulingStrategy {
  private readonly regions: PipelinedRegions;
  /** Per region, the BLOCKING partitions its vertices read from other regions. */
  private readonly externalInputs = new Map<PipelinedRegion, ResultPartitionId[]>();
  /** Vertices waiting to be deployed (all at the start, the restarted ones after a restart). */
  private readonly pending = new Set<ExecutionVertexId>();

  constructor(
    private readonly operations: SchedulerOperations,
    private readonly topology: SchedulingTopology,
  ) {
    this.regions = new PipelinedRegions(topology);
    for (const region of this.regions.regions) {
      const inputs = new Set<ResultPartitionId>();
      for (const id of region.vertices) {
        for (const p of topology.getVertex(id).consumedResults) {
          if (this.regions.regionOf(topology.getResultPartition(p).producer) !== region) inputs.add(p);
        }
      }
      this.externalInputs.set(region, [...inputs]);
    }
  }

  startScheduling(): void {
    for (const v of this.topology.getVertices()) this.pending.add(v.id);
    this.scheduleReadyRegions();
  }

  restartTasks(vertices: ReadonlySet<ExecutionVertexId>): void {
    for (const id of restartOrder(this.topology, vertices)) this.pending.add(id);
    this.scheduleReadyRegions();
  }

  onExecutionStateChange(_vertex: ExecutionVertexId, _state: ExecutionState): void {
    // A finished producer is reported through onPartitionConsumable of its BLOCKING partitions.
  }

  onPartitionConsumable(partition: ResultPartitionId): void {
    if (this.topology.getResultPartition(partition).resultType === 'BLOCKING') this.scheduleReadyRegions();
  }

  /** Deploys, region by region in topological order, the pending vertices of every region whose inputs are finished. */
  private scheduleReadyRegions(): void {
    if (this.pending.size === 0) return;
    for (const region of this.regions.regions) {
      const waiting = region.vertices.filter((id) => this.pending.has(id));
      if (waiting.length === 0) continue;
      const inputs = this.externalInputs.get(region) ?? [];
      if (!inputs.every((p) => isPartitionConsumable(this.topology, p, this.pending))) continue;
      for (const id of waiting) this.pending.delete(id);
      this.operations.allocateSlotsAndDeploy(waiting);
    }
  }
}

export class PipelinedRegionSchedulingStrategyFactory implements SchedulingStrategyFactory {
  readonly name = 'pipelined-region';

  createInstance(operations: SchedulerOperations, topology: SchedulingTopology): SchedulingStrategy {
    return new PipelinedRegionSchedulingStrategy(operations, topology);
  }
}
