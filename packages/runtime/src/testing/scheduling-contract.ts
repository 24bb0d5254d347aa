/// <reference types="jest" />
import { ExecutionState } from '../execution/execution-state';
import { SILENT_LOGGER } from '../logging/logger';
import type { FailoverStrategyContext, FailoverStrategyFactory } from '../spi/failover-strategy';
import type { SchedulingStrategyFactory } from '../spi/scheduling-strategy';
import type { ExecutionVertexId } from '../spi/scheduling-topology';
import { SchedulingSimulation } from './scheduling-simulation';
import { TestingSchedulerOperations } from './testing-scheduler-operations';
import { TestingSchedulingTopology } from './testing-scheduling-topology';

/** The shapes every scheduling and failover strategy is run against. */
export function contractTopologies(): Array<[string, () => TestingSchedulingTopology]> {
  return [
    ['a single vertex', () => new TestingSchedulingTopology().addJobVertex('solo', 1)],
    [
      'a pipelined source -> map -> sink job',
      () =>
        new TestingSchedulingTopology()
          .addJobVertex('source', 2).addJobVertex('map', 2).addJobVertex('sink', 1)
          .connect('source', 'map', { pattern: 'POINTWISE' })
          .connect('map', 'sink'),
    ],
    [
      'a batch job with blocking exchanges',
      () =>
        new TestingSchedulingTopology()
          .addJobVertex('scan', 3).addJobVertex('aggregate', 2).addJobVertex('write', 1)
          .connect('scan', 'aggregate', { resultType: 'BLOCKING' })
          .connect('aggregate', 'write', { resultType: 'BLOCKING' }),
    ],
    [
      'a diamond mixing pipelined and blocking edges',
      () =>
        new TestingSchedulingTopology()
          .addJobVertex('a', 2).addJobVertex('b', 2).addJobVertex('c', 1).addJobVertex('d', 2)
          .connect('a', 'b', { pattern: 'POINTWISE' })
          .connect('a', 'c', { resultType: 'BLOCKING' })
          .connect('b', 'd')
          .connect('c', 'd', { resultType: 'BLOCKING' }),
    ],
    [
      'two disconnected pipelines',
      () =>
        new TestingSchedulingTopology()
          .addJobVertex('left', 2).addJobVertex('right', 3).addJobVertex('leftSink', 2).addJobVertex('rightSink', 1)
          .connect('left', 'leftSink')
          .connect('right', 'rightSink'),
    ],
  ];
}

/** Producer/consumer pairs deployed consumer first (producers outside `deployed` do not count). */
function consumersBeforeProducers(topology: TestingSchedulingTopology, deployed: readonly ExecutionVertexId[]): string[] {
  const position = new Map(deployed.map((id, i) => [id, i]));
  const violations: string[] = [];
  for (const [consumer, at] of position) {
    for (const p of topology.getVertex(consumer).consumedResults) {
      const producer = topology.getResultPartition(p).producer;
      const producerAt = position.get(producer);
      if (producerAt !== undefined && producerAt > at) violations.push(`${consumer} before ${producer}`);
    }
  }
  return violations;
}

/**
 * Contract of SchedulingStrategy (spi/scheduling-strategy.ts), run against every implementation:
 * a bounded run deploys every vertex exactly once with producers first; restartTasks redeploys
 * exactly the restarted vertices; nothing is deployed before startScheduling.
 */
export function schedulingStrategyContractTests(factory: SchedulingStrategyFactory): void {
  describe(`SchedulingStrategy contract: ${factory.name}`, () => {
    it('has a lowercase config name', () => {
      expect(factory.name).toMatch(/^[a-z][a-z0-9-]*$/);
    });

    it('deploys nothing before startScheduling', () => {
      const operations = new TestingSchedulerOperations();
      factory.createInstance(operations, contractTopologies()[1][1]());
      expect(operations.calls).toEqual([]);
    });

    for (const [shape, build] of contractTopologies()) {
      it(`deploys every vertex of ${shape} exactly once, producers before consumers`, () => {
        const topology = build();
        const operations = new TestingSchedulerOperations();
        const strategy = factory.createInstance(operations, topology);
        strategy.startScheduling();
        const result = new SchedulingSimulation(topology, operations).run(strategy, { finishVertices: true });
        expect(result.deployedTwice).toEqual([]);
        expect([...operations.deployed()].sort()).toEqual(topology.getVertexIds().sort());
        expect(consumersBeforeProducers(topology, operations.deployed())).toEqual([]);
        expect(operations.calls.every((c) => c.length > 0)).toBe(true);
      });
    }

    it('restartTasks redeploys exactly the restarted vertices, producers first', () => {
      const topology = contractTopologies()[1][1]();
      const operations = new TestingSchedulerOperations();
      const strategy = factory.createInstance(operations, topology);
      strategy.startScheduling();
      const simulation = new SchedulingSimulation(topology, operations);
      simulation.run(strategy, { finishVertices: false });
      expect(topology.getVertexIds().every((id) => topology.getVertex(id).state === ExecutionState.RUNNING)).toBe(true);

      // source_1 -> map_1 is one pipelined region of the POINTWISE edge; the failover strategy reset it.
      const restarted = new Set(['map_1', 'source_1']);
      for (const id of restarted) topology.setState(id, ExecutionState.CREATED);
      operations.clear();
      simulation.resetDeployments();
      strategy.restartTasks(restarted);
      const result = simulation.run(strategy, { finishVertices: false });
      expect(result.deployedTwice).toEqual([]);
      expect([...operations.deployed()].sort()).toEqual(['map_1', 'source_1']);
      expect(consumersBeforeProducers(topology, operations.deployed())).toEqual([]);
    });

    it('restartTasks with no vertices deploys nothing', () => {
      const topology = contractTopologies()[0][1]();
      const operations = new TestingSchedulerOperations();
      const strategy = factory.createInstance(operations, topology);
      strategy.startScheduling();
      new SchedulingSimulation(topology, operations).run(strategy, { finishVertices: false });
      operations.clear();
      strategy.restartTasks(new Set());
      expect(operations.deployed()).toEqual([]);
    });
  });
}

const CONTEXT: FailoverStrategyContext = { logger: SILENT_LOGGER };

/**
 * Contract of FailoverStrategy (spi/failover-strategy.ts): the restart set contains the failed
 * vertex, only vertices of the topology, and both ends of every PIPELINED exchange it touches
 * (restarting one end alone would lose in-flight data); a restarted consumer of a BLOCKING result
 * that is not available has its producer restarted too; results are deterministic and the strategy
 * does not change vertex states.
 */
export function failoverStrategyContractTests(factory: FailoverStrategyFactory): void {
  describe(`FailoverStrategy contract: ${factory.name}`, () => {
    it('has a lowercase config name', () => {
      expect(factory.name).toMatch(/^[a-z][a-z0-9-]*$/);
    });

    for (const [shape, build] of contractTopologies()) {
      for (const blockingAvailable of [false, true]) {
        it(`restarts a consistent set for every failed vertex of ${shape}${blockingAvailable ? ', BLOCKING results available' : ''}`, () => {
          const topology = build().setAllStates(ExecutionState.RUNNING);
          if (blockingAvailable) {
            for (const p of topology.getResultPartitions()) if (p.resultType === 'BLOCKING') topology.setResultPartitionAvailable(p.id);
          }
          const strategy = factory.create(topology, CONTEXT);
          const all = new Set(topology.getVertexIds());
          for (const failed of topology.getVertexIds()) {
            topology.setState(failed, ExecutionState.FAILED);
            const restart = strategy.getTasksNeedingRestart(failed, new Error(`${failed} failed`));
            expect(restart.has(failed)).toBe(true);
            expect([...restart].filter((id) => !all.has(id))).toEqual([]);
            const splitExchanges = topology
              .getResultPartitions()
              .filter((p) => p.resultType === 'PIPELINED')
              .filter((p) => {
                const restartedEnds = [p.producer, ...p.consumers].filter((id) => restart.has(id)).length;
                return restartedEnds > 0 && restartedEnds < p.consumers.length + 1;
              })
              .map((p) => p.id);
            // A restarted consumer reads its BLOCKING inputs again: from the retained result, or from a restarted producer.
            const lostInputs = topology
              .getResultPartitions()
              .filter((p) => p.resultType === 'BLOCKING' && !topology.isResultPartitionAvailable(p.id) && !restart.has(p.producer))
              .filter((p) => p.consumers.some((c) => restart.has(c)))
              .map((p) => p.id);
            expect({ failed, splitExchanges, lostInputs }).toEqual({ failed, splitExchanges: [], lostInputs: [] });
            topology.setState(failed, ExecutionState.RUNNING);
          }
        });
      }
    }

    it('is deterministic and returns a set the caller may change', () => {
      const topology = contractTopologies()[3][1]().setAllStates(ExecutionState.RUNNING);
      const strategy = factory.create(topology, CONTEXT);
      const first = strategy.getTasksNeedingRestart('b_1', new Error('boom'));
      const copy = [...first].sort();
      first.clear();
      const second = strategy.getTasksNeedingRestart('b_1', new Error('boom'));
      expect([...second].sort()).toEqual(copy);
    });

    it('does not change vertex states', () => {
      const topology = contractTopologies()[1][1]().setAllStates(ExecutionState.RUNNING).setState('map_0', ExecutionState.FAILED);
      const before = topology.getVertexIds().map((id) => topology.getVertex(id).state);
      factory.create(topology, CONTEXT).getTasksNeedingRestart('map_0', new Error('boom'));
      expect(topology.getVertexIds().map((id) => topology.getVertex(id).state)).toEqual(before);
    });
  });
}
