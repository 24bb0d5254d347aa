import type { ExecutionState } from '../execution/execution-state';
import type { ExecutionVertexId, ResultPartitionId, SchedulingTopology } from './scheduling-topology';

/** What a scheduling strategy may ask the scheduler to do. */
export interface SchedulerOperations {
  /** Allocates slots for the vertices (in the given order) and deploys them. */
  allocateSlotsAndDeploy(vertices: readonly ExecutionVertexId[]): void;
}

/**
 * Decides when which execution vertices are deployed (eager, lazy-from-sources, pipelined-region).
 * Contract: all methods are called on the JobMaster's event loop, never concurrently. `startScheduling`
 * is called once per job start; `restartTasks` after the failover strategy has reset vertices to
 * CREATED; state-change callbacks come in the order the JobMaster observed them.
 */
export interface SchedulingStrategy {
  startScheduling(): void;
  restartTasks(vertices: ReadonlySet<ExecutionVertexId>): void;
  onExecutionStateChange(vertex: ExecutionVertexId, state: ExecutionState): void;
  onPartitionConsumable(partition: ResultPartitionId): void;
}

export interface SchedulingStrategyFactory {
  /** Config name (`jobmanager.scheduler`). */
  readonly name: string;
  createInstance(operations: SchedulerOperations, topology: SchedulingTopology): SchedulingStrategy;
}
export const SchedulingStrategyFactory = Symbol.for('flott.SchedulingStrategyFactory');
