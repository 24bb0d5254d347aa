import type { FailoverStrategy, FailoverStrategyFactory } from '../spi/failover-strategy';
import type { ExecutionVertexId, SchedulingTopology } from '../spi/scheduling-topology';

export type TasksNeedingRestart = (failed: ExecutionVertexId, cause: Error, topology: SchedulingTopology) => Set<ExecutionVertexId>;

const restartAll: TasksNeedingRestart = (_failed, _cause, topology) => new Set([...topology.getVertices()].map((v) => v.id));

/**
 * A failover strategy for JobMaster tests: restarts every vertex (as `full` does) unless the factory
 * was given another choice, and records each failure it was asked about.
 */
export class TestingFailoverStrategy implements FailoverStrategy {
  readonly failures: Array<{ readonly failed: ExecutionVertexId; readonly cause: Error }> = [];

  constructor(
    private readonly topology: SchedulingTopology,
    private readonly choose: TasksNeedingRestart,
  ) {}

  getTasksNeedingRestart(failed: ExecutionVertexId, cause: Error): Set<ExecutionVertexId> {
    this.failures.push({ failed, cause });
    return this.choose(failed, cause, this.topology);
  }
}

/** Creates TestingFailoverStrategy instances and keeps them for the test to inspect. */
export class TestingFailoverStrategyFactory implements FailoverStrategyFactory {
  readonly instances: TestingFailoverStrategy[] = [];
  private choose: TasksNeedingRestart = restartAll;

  constructor(readonly name = 'testing') {}

  /** Replaces which vertices restart, e.g. only the failed one (`individual`). */
  withTasksNeedingRestart(choose: TasksNeedingRestart): this {
    this.choose = choose;
    return this;
  }

  create(topology: SchedulingTopology): TestingFailoverStrategy {
    const strategy = new TestingFailoverStrategy(topology, this.choose);
    this.instances.push(strategy);
    return strategy;
  }
}
