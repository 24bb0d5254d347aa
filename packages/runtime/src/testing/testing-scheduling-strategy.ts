import type { ExecutionState } from '../execution/execution-state';
import type { SchedulerOperations, SchedulingStrategy, SchedulingStrategyFactory } from '../spi/scheduling-strategy';
import type { ExecutionVertexId, ResultPartitionId, SchedulingTopology } from '../spi/scheduling-topology';

/**
 * A scheduling strategy for JobMaster tests: deploys every vertex when scheduling starts and exactly
 * the restarted ones on a restart, in topological order, one call each (as `eager` does), and
 * records what the scheduler told it.
 */
export class TestingSchedulingStrategy implements SchedulingStrategy {
  readonly stateChanges: Array<{ readonly vertex: ExecutionVertexId; readonly state: ExecutionState }> = [];
  readonly restarts: ExecutionVertexId[][] = [];
  readonly consumablePartitions: ResultPartitionId[] = [];
  started = 0;

  constructor(
    private readonly operations: SchedulerOperations,
    private readonly topology: SchedulingTopology,
  ) {}

  startScheduling(): void {
    this.started++;
    this.operations.allocateSlotsAndDeploy([...this.topology.getVertices()].map((v) => v.id));
  }

  restartTasks(vertices: ReadonlySet<ExecutionVertexId>): void {
    const ordered = [...this.topology.getVertices()].map((v) => v.id).filter((id) => vertices.has(id));
    this.restarts.push(ordered);
    this.operations.allocateSlotsAndDeploy(ordered);
  }

  onExecutionStateChange(vertex: ExecutionVertexId, state: ExecutionState): void {
    this.stateChanges.push({ vertex, state });
  }

  onPartitionConsumable(partition: ResultPartitionId): void {
    this.consumablePartitions.push(partition);
  }
}

/** Creates TestingSchedulingStrategy instances and keeps them for the test to inspect. */
export class TestingSchedulingStrategyFactory implements SchedulingStrategyFactory {
  readonly instances: TestingSchedulingStrategy[] = [];

  constructor(readonly name = 'testing') {}

  createInstance(operations: SchedulerOperations, topology: SchedulingTopology): TestingSchedulingStrategy {
    const strategy = new TestingSchedulingStrategy(operations, topology);
    this.instances.push(strategy);
    return strategy;
  }
}
