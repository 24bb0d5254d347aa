import type { ExecutionVertexId, FailoverStrategy, FailoverStrategyContext, FailoverStrategyFactory, SchedulingTopology } from '@flott/runtime/spi';

/** `full`: any failure restarts every vertex of the job (Flink's RestartAllFailoverStrategy). */
export class RestartAllFailoverStrategy implements FailoverStrategy {
  constructor(private readonly topology: SchedulingTopology) {}

  getTasksNeedingRestart(failed: ExecutionVertexId, _cause: Error): Set<ExecutionVertexId> {
    // Resolving the failed vertex first makes an unknown id fail loudly instead of restarting a job that never had it.
    this.topology.getVertex(failed);
    return new Set([...this.topology.getVertices()].map((v) => v.id));
  }
}

export class RestartAllFailoverStrategyFactory implements FailoverStrategyFactory {
  readonly name = 'full';

  create(topology: SchedulingTopology, _context?: FailoverStrategyContext): FailoverStrategy {
    return new RestartAllFailoverStrategy(topology);
  }
}
