import type { ExecutionVertexId, SchedulingTopology } from './scheduling-topology';

/**
 * Picks which vertices restart when one fails (full = all, individual, region).
 * Contract: called on the JobMaster's event loop after a task failure; returns the set to cancel
 * and restart, which always contains the failed vertex.
 */
export interface FailoverStrategy {
  getTasksNeedingRestart(failed: ExecutionVertexId, cause: Error): Set<ExecutionVertexId>;
}

export interface FailoverStrategyFactory {
  /** Config name (`jobmanager.execution.failover-strategy`). */
  readonly name: string;
  create(topology: SchedulingTopology): FailoverStrategy;
}
export const FailoverStrategyFactory = Symbol.for('flott.FailoverStrategyFactory');
