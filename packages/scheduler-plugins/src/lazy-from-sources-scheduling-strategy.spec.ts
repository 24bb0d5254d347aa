import { ExecutionState } from '@flott/runtime';
import { schedulingStrategyContractTests, TestingSchedulerOperations, TestingSchedulingTopology } from '@flott/runtime/testing';
import { LazyFromSourcesSchedulingStrategyFactory } from './lazy-from-sources-scheduling-strategy';

schedulingStrategyContractTests(new LazyFromSourcesSchedulingStrategyFactory());

describe('LazyFromSourcesSchedulingStrategy', () => {
  const factory = new LazyFromSourcesSchedulingStrategyFactory();
  /** scan -(blocking)-> write, scheduling started. */
  const scanThenWrite = () => {
    const topology = new TestingSchedulingTopology()
      .addJobVertex('scan', 1).addJobVertex('write', 1)
      .connect('scan', 'write', { resultType: 'BLOCKING' });
    const operations = new TestingSchedulerOperations();
    const strategy = factory.createInstance(operations, topology);
    strategy.startScheduling();
    return { topology, operations, strategy };
  };

  it('deploys the sources first, each alone, and a pipelined consumer once every producer produced data', () => {
    const topology = new TestingSchedulingTopology()
      .addJobVertex('source', 2).addJobVertex('sink', 1)
      .connect('source', 'sink');
    const operations = new TestingSchedulerOperations();
    const strategy = factory.createInstance(operations, topology);
    strategy.startScheduling();
    expect(operations.calls).toEqual([['source_0'], ['source_1']]);

    for (const id of ['source_0', 'source_1']) {
      topology.setState(id, ExecutionState.RUNNING);
      strategy.onExecutionStateChange(id, ExecutionState.RUNNING);
    }
    // Running is not enough: the first data is.
    expect(operations.calls.length).toBe(2);
    strategy.onPartitionConsumable('source->sink_0');
    expect(operations.calls.length).toBe(2);
    strategy.onPartitionConsumable('source->sink_1');
    expect(operations.calls.slice(2)).toEqual([['sink_0']]);

    // Both restart: the new attempts' partitions have no data until they say so.
    for (const id of ['source_0', 'source_1', 'sink_0']) topology.setState(id, ExecutionState.CREATED);
    operations.clear();
    strategy.restartTasks(new Set(['source_0', 'source_1', 'sink_0']));
    expect(operations.calls).toEqual([['source_0'], ['source_1']]);
    for (const id of ['source_0', 'source_1']) topology.setState(id, ExecutionState.RUNNING);
    strategy.onPartitionConsumable('source->sink_0');
    expect(operations.calls.length).toBe(2);
  });

  it('deploys a consumer of a blocking partition only once its producer finished, not when it runs', () => {
    const { topology, operations, strategy } = scanThenWrite();
    topology.setState('scan_0', ExecutionState.RUNNING);
    strategy.onExecutionStateChange('scan_0', ExecutionState.RUNNING);
    expect(operations.calls).toEqual([['scan_0']]);
    topology.setState('scan_0', ExecutionState.FINISHED);
    strategy.onExecutionStateChange('scan_0', ExecutionState.FINISHED);
    strategy.onPartitionConsumable('scan->write_0');
    expect(operations.calls).toEqual([['scan_0'], ['write_0']]);
  });

  it('redeploys a restarted consumer at once when its blocking input is still finished', () => {
    const { topology, operations, strategy } = scanThenWrite();
    topology.setState('scan_0', ExecutionState.FINISHED);
    strategy.onPartitionConsumable('scan->write_0');
    operations.clear();
    topology.setState('write_0', ExecutionState.CREATED);
    strategy.restartTasks(new Set(['write_0']));
    expect(operations.calls).toEqual([['write_0']]);
  });
});
