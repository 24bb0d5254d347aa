import { assert } from '@flott/core';
import type { ExecutionState } from '@flott/runtime/common';
import type { ExecutionVertexId, ResultPartitionId, SchedulerOperations, SchedulingStrategy, SchedulingStrategyFactory, SchedulingTopology } from '@flott/runtime/spi';

/**
 * `eager`: deploys every vertex at once (Flink's streaming default before pipelined regions). Slots
 * for the whole job are requested together, so a job that does not fit fails on the slot request
 * timeout instead of running partly. State changes need no reaction: everything is already deployed.
 */
export class EagerSchedulingStrategy implements SchedulingStrategy {
  constructor(
    private readonly operations: SchedulerOperations,
    private readonly topology: SchedulingTopology,
  ) {}

  startScheduling(): void {
    const all = [...this.topology.getVertices()].map((v) => v.id);
    if (all.length > 0) this.operations.allocateSlotsAndDeploy(all);
  }

  restartTasks(vertices: ReadonlySet<ExecutionVertexId>): void {
    const ordered = [...this.topology.getVertices()].map((v) => v.id).filter((id) => vertices.has(id));
    assert(ordered.length === vertices.size, `restartTasks got vertices outside the topology: ${[...vertices].join(', ')}`);
    if (ordered.length > 0) this.operations.allocateSlotsAndDeploy(ordered);
  }

  onExecutionStateChange(_vertex: ExecutionVertexId, _state: ExecutionState): void {
    // Nothing waits on a state change: every vertex was deployed up front.
  }

  onPartitionConsumable(_partition: ResultPartitionId): void {
    // Consumers are deployed already and pick the partition up when they connect.
  }
}

export class EagerSchedulingStrategyFactory implements SchedulingStrategyFactory {
  readonly name = 'eager';

  createInstance(operations: SchedulerOperations, topology: SchedulingTopology): SchedulingStrategy {
    return new EagerSchedulingStrategy(operations, topology);
  }
}
