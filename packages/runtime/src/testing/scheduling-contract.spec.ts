import { ExecutionState } from '../execution/execution-state';
import type { FailoverStrategy, FailoverStrategyFactory } from '../spi/failover-strategy';
import type { SchedulerOperations, SchedulingStrategy, SchedulingStrategyFactory } from '../spi/scheduling-strategy';
import type { ExecutionVertexId, ResultPartitionId, SchedulingTopology } from '../spi/scheduling-topology';
import { contractTopologies, failoverStrategyContractTests, schedulingStrategyContractTests } from './scheduling-contract';
import { SchedulingSimulation } from './scheduling-simulation';
import { TestingSchedulerOperations } from './testing-scheduler-operations';

/**
 * Test-only reference strategies that differ from the stock `eager`/`full`, to show the suites hold
 * any correct implementation (and do not just describe the stock ones).
 */
class LazyFromSourcesStrategy implements SchedulingStrategy {
  private readonly consumable = new Set<ResultPartitionId>();
  private readonly pending = new Set<ExecutionVertexId>();
  constructor(private readonly ops: SchedulerOperations, private readonly topology: SchedulingTopology) {}
  startScheduling(): void {
    this.schedule(new Set([...this.topology.getVertices()].map((v) => v.id)));
  }
  restartTasks(vertices: ReadonlySet<ExecutionVertexId>): void {
    this.schedule(vertices);
  }
  onExecutionStateChange(): void {}
  onPartitionConsumable(partition: ResultPartitionId): void {
    this.consumable.add(partition);
    this.schedule(new Set());
  }
  private schedule(add: ReadonlySet<ExecutionVertexId>): void {
    for (const id of add) this.pending.add(id);
    const ready = [...this.topology.getVertices()]
      .filter((v) => this.pending.has(v.id) && v.consumedResults.every((p) => this.consumable.has(p)))
      .map((v) => v.id);
    for (const id of ready) this.pending.delete(id);
    if (ready.length > 0) this.ops.allocateSlotsAndDeploy(ready);
  }
}

/** Restarts the failed vertex, everything pipelined-connected to it and the producers of BLOCKING inputs no longer available. */
class PipelinedComponentFailover implements FailoverStrategy {
  constructor(private readonly topology: SchedulingTopology) {}
  getTasksNeedingRestart(failed: ExecutionVertexId): Set<ExecutionVertexId> {
    const result = new Set([failed]);
    for (const todo = [failed]; todo.length > 0; ) {
      const v = this.topology.getVertex(todo.pop() as string);
      for (const p of [...v.consumedResults, ...v.producedResults].map((id) => this.topology.getResultPartition(id))) {
        if (p.resultType === 'PIPELINED') {
          for (const n of [p.producer, ...p.consumers]) if (!result.has(n)) todo.push(n), result.add(n);
        } else if (p.consumers.includes(v.id) && !this.topology.isResultPartitionAvailable(p.id) && !result.has(p.producer)) {
          todo.push(p.producer);
          result.add(p.producer);
        }
      }
    }
    return result;
  }
}

const lazy: SchedulingStrategyFactory = { name: 'lazy-from-sources', createInstance: (o, t) => new LazyFromSourcesStrategy(o, t) };
const component: FailoverStrategyFactory = { name: 'region', create: (t) => new PipelinedComponentFailover(t) };

schedulingStrategyContractTests(lazy);
failoverStrategyContractTests(component);

describe('SchedulingSimulation', () => {
  it('plays a bounded job: blocking consumers start only after their producers finished', () => {
    const topology = contractTopologies()[2][1]();
    const operations = new TestingSchedulerOperations();
    const strategy = lazy.createInstance(operations, topology);
    strategy.startScheduling();
    const result = new SchedulingSimulation(topology, operations).run(strategy, { finishVertices: true });
    expect(operations.calls).toEqual([['scan_0', 'scan_1', 'scan_2'], ['aggregate_0', 'aggregate_1'], ['write_0']]);
    expect(result.deployedTwice).toEqual([]);
    expect(topology.getVertexIds().map((id) => topology.getVertex(id).state)).toEqual(new Array(6).fill(ExecutionState.FINISHED));
  });

  it('reports a vertex deployed twice', () => {
    const topology = contractTopologies()[0][1]();
    const operations = new TestingSchedulerOperations();
    const twice: SchedulingStrategy = {
      startScheduling: () => operations.allocateSlotsAndDeploy(['solo_0', 'solo_0']),
      restartTasks: () => undefined,
      onExecutionStateChange: () => undefined,
      onPartitionConsumable: () => undefined,
    };
    twice.startScheduling();
    expect(new SchedulingSimulation(topology, operations).run(twice, { finishVertices: false }).deployedTwice).toEqual(['solo_0']);
  });

  it('keeps streaming vertices running and never reports blocking partitions consumable', () => {
    const topology = contractTopologies()[2][1]();
    const operations = new TestingSchedulerOperations();
    const strategy = lazy.createInstance(operations, topology);
    strategy.startScheduling();
    new SchedulingSimulation(topology, operations).run(strategy, { finishVertices: false });
    expect(operations.calls).toEqual([['scan_0', 'scan_1', 'scan_2']]);
    expect(topology.getVertex('scan_0').state).toBe(ExecutionState.RUNNING);
  });
});
