import { ExecutionState } from '@flott/runtime';
import { schedulingStrategyContractTests, TestingSchedulerOperations, TestingSchedulingTopology } from '@flott/runtime/testing';
import { EagerSchedulingStrategyFactory } from './eager-scheduling-strategy';

schedulingStrategyContractTests(new EagerSchedulingStrategyFactory());

describe('EagerSchedulingStrategy', () => {
  const topology = (): TestingSchedulingTopology =>
    new TestingSchedulingTopology()
      .addJobVertex('source', 2).addJobVertex('map', 2).addJobVertex('sink', 1)
      .connect('source', 'map', { resultType: 'BLOCKING' })
      .connect('map', 'sink');

  it('deploys all vertices in topological order in one call, without waiting for inputs', () => {
    const operations = new TestingSchedulerOperations();
    new EagerSchedulingStrategyFactory().createInstance(operations, topology()).startScheduling();
    expect(operations.calls).toEqual([['source_0', 'source_1', 'map_0', 'map_1', 'sink_0']]);
  });

  it('does not react to state changes or consumable partitions', () => {
    const operations = new TestingSchedulerOperations();
    const strategy = new EagerSchedulingStrategyFactory().createInstance(operations, topology());
    strategy.startScheduling();
    strategy.onExecutionStateChange('source_0', ExecutionState.FINISHED);
    strategy.onPartitionConsumable('source->map_0');
    expect(operations.calls.length).toBe(1);
  });

  it('redeploys exactly the restarted set in topological order, in one call', () => {
    const operations = new TestingSchedulerOperations();
    const strategy = new EagerSchedulingStrategyFactory().createInstance(operations, topology());
    strategy.startScheduling();
    operations.clear();
    strategy.restartTasks(new Set(['sink_0', 'map_1', 'source_0']));
    expect(operations.calls).toEqual([['source_0', 'map_1', 'sink_0']]);
  });

  it('fails loudly when asked to restart a vertex it does not know', () => {
    const strategy = new EagerSchedulingStrategyFactory().createInstance(new TestingSchedulerOperations(), topology());
    expect(() => strategy.restartTasks(new Set(['map_0', 'ghost_0']))).toThrow('outside the topology');
  });
});
