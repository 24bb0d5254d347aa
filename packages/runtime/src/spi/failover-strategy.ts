import type { Logger } from '../logging/logger';
import type { ExecutionVertexId, SchedulingTopology } from './scheduling-topology';

/**
 * Picks which vertices restart when one fails (full = all, individual, region).
 * Contract: called on the JobMaster's event loop after a task failure; returns the set to cancel
 * and restart, which always contains the failed vertex.
 */
export interface FailoverStrategy {
  getTasksNeedingRestart(failed: ExecutionVertexId, cause: Error): Set<ExecutionVertexId>;
}

/** What a failover strategy gets besides the topology. */
export interface FailoverStrategyContext {
  /** The job's logger: a strategy says here why it restarts more than asked (a fallback), once. */
  readonly logger: Logger;
}

export interface FailoverStrategyFactory {
  /** Config name (`jobmanager.execution.failover-strategy`). */
  readonly name: string;
  create(topology: SchedulingTopology, context: FailoverStrategyContext): FailoverStrategy;
}
export const FailoverStrategyFactory = Symbol.for('flott.FailoverStrategyFactory');
