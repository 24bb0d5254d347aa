import { ExecutionState } from '@flott/runtime';
import { schedulingStrategyContractTests, SchedulingSimulation, TestingSchedulerOperations, TestingSchedulingTopology } from '@flott/runtime/testing';
import { PipelinedRegionSchedulingStrategyFactory } from './pipelined-region-scheduling-strategy';

schedulingStrategyContractTests(new PipelinedRegionSchedulingStrategyFactory());

describe('PipelinedRegionSchedulingStrategy', () => {
  const factory = new PipelinedRegionSchedulingStrategyFactory();
  /** A batch job: scan -(blocking)-> aggregate -(blocking)-> write, each subtask its own region. */
  const batch = (): TestingSchedulingTopology =>
    new TestingSchedulingTopology()
      .addJobVertex('scan', 2).addJobVertex('aggregate', 2).addJobVertex('write', 1)
      .connect('scan', 'aggregate', { resultType: 'BLOCKING' })
      .connect('aggregate', 'write', { resultType: 'BLOCKING' });

  it('deploys a streaming pipeline as one region in one call', () => {
    const topology = new TestingSchedulingTopology()
      .addJobVertex('source', 2).addJobVertex('map', 2).addJobVertex('sink', 1)
      .connect('source', 'map', { pattern: 'POINTWISE' })
      .connect('map', 'sink');
    const operations = new TestingSchedulerOperations();
    factory.createInstance(operations, topology).startScheduling();
    expect(operations.calls).toEqual([['source_0', 'source_1', 'map_0', 'map_1', 'sink_0']]);
  });

  it('deploys each disconnected pipeline as its own region', () => {
    const topology = new TestingSchedulingTopology()
      .addJobVertex('left', 1).addJobVertex('right', 1).addJobVertex('leftSink', 1).addJobVertex('rightSink', 1)
      .connect('left', 'leftSink')
      .connect('right', 'rightSink');
    const operations = new TestingSchedulerOperations();
    factory.createInstance(operations, topology).startScheduling();
    expect(operations.calls).toEqual([['left_0', 'leftSink_0'], ['right_0', 'rightSink_0']]);
  });

  it('runs a batch job stage by stage: a region starts once every blocking partition it reads is finished', () => {
    const topology = batch();
    const operations = new TestingSchedulerOperations();
    const strategy = factory.createInstance(operations, topology);
    strategy.startScheduling();
    expect(operations.calls).toEqual([['scan_0'], ['scan_1']]);

    for (const id of ['scan_0', 'scan_1']) topology.setState(id, ExecutionState.RUNNING);
    topology.setState('scan_0', ExecutionState.FINISHED);
    strategy.onPartitionConsumable('scan->aggregate_0');
    // aggregate_0 reads both scans (all-to-all): one finished scan is not enough.
    expect(operations.calls.length).toBe(2);

    topology.setState('scan_1', ExecutionState.FINISHED);
    strategy.onPartitionConsumable('scan->aggregate_1');
    expect(operations.calls.slice(2)).toEqual([['aggregate_0'], ['aggregate_1']]);
  });

  it('after a restart, waits for restarted producers before it redeploys their consumers', () => {
    const topology = batch();
    const operations = new TestingSchedulerOperations();
    const strategy = factory.createInstance(operations, topology);
    strategy.startScheduling();
    const simulation = new SchedulingSimulation(topology, operations);
    simulation.run(strategy, { finishVertices: true });
    expect(topology.getVertexIds().every((id) => topology.getVertex(id).state === ExecutionState.FINISHED)).toBe(true);

    // aggregate_1 failed and its input from scan_1 was lost: both restart.
    for (const id of ['scan_1', 'aggregate_1']) topology.setState(id, ExecutionState.CREATED);
    topology.setState('write_0', ExecutionState.CREATED);
    operations.clear();
    simulation.resetDeployments();
    strategy.restartTasks(new Set(['scan_1', 'aggregate_1', 'write_0']));
    expect(operations.calls).toEqual([['scan_1']]);
    simulation.run(strategy, { finishVertices: true });
    expect(operations.calls).toEqual([['scan_1'], ['aggregate_1'], ['write_0']]);
  });
});
