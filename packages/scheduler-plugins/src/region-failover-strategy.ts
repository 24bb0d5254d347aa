import type { ExecutionVertexId, FailoverStrategy, FailoverStrategyContext, FailoverStrategyFactory, SchedulingTopology } from '@flott/runtime/spi';
import { PipelinedRegions, type PipelinedRegion } from './pipelined-regions';

/**
 * `region`: restarts the failed task's pipelined region, the regions downstream of every restarted
 * region (they consume results that will be produced again), and the regions upstream whose BLOCKING
 * results a restarted region needs but that are no longer available (Flink's
 * RestartPipelinedRegionFailoverStrategy). A streaming job whose tasks are all connected is one
 * region, so this restarts it whole, as `full` does; a job of disconnected pipelines restarts only
 * the failed one.
 */
export class RestartPipelinedRegionFailoverStrategy implements FailoverStrategy {
  private readonly regions: PipelinedRegions;

  constructor(private readonly topology: SchedulingTopology) {
    this.regions = new PipelinedRegions(topology);
  }

  getTasksNeedingRestart(failed: ExecutionVertexId, _cause: Error): Set<ExecutionVertexId> {
    const restart = new Set<ExecutionVertexId>();
    for (const region of this.regionsToRestart(this.regions.regionOf(failed))) for (const v of region.vertices) restart.add(v);
    return restart;
  }

  private regionsToRestart(failedRegion: PipelinedRegion): PipelinedRegion[] {
    const visited = new Set<number>([failedRegion.index]);
    const queue = [failedRegion];
    const enqueue = (region: PipelinedRegion) => {
      if (visited.has(region.index)) return;
      visited.add(region.index);
      queue.push(region);
    };
    for (let at = 0; at < queue.length; at++) {
      for (const id of queue[at].vertices) {
        const vertex = this.topology.getVertex(id);
        for (const consumed of vertex.consumedResults) {
          if (!this.topology.isResultPartitionAvailable(consumed)) enqueue(this.regions.regionOf(this.topology.getResultPartition(consumed).producer));
        }
        for (const produced of vertex.producedResults) {
          for (const consumer of this.topology.getResultPartition(produced).consumers) enqueue(this.regions.regionOf(consumer));
        }
      }
    }
    return queue.sort((a, b) => a.index - b.index);
  }
}

export class RestartPipelinedRegionFailoverStrategyFactory implements FailoverStrategyFactory {
  readonly name = 'region';

  create(topology: SchedulingTopology, _context?: FailoverStrategyContext): FailoverStrategy {
    return new RestartPipelinedRegionFailoverStrategy(topology);
  }
}
