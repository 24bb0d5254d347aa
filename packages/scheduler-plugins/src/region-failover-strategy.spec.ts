import { SILENT_LOGGER } from '@flott/runtime';
import { contractTopologies, failoverStrategyContractTests, TestingSchedulingTopology } from '@flott/runtime/testing';
import { RestartPipelinedRegionFailoverStrategyFactory } from './region-failover-strategy';

failoverStrategyContractTests(new RestartPipelinedRegionFailoverStrategyFactory());

const restarted = (topology: TestingSchedulingTopology, failed: string) =>
  [...new RestartPipelinedRegionFailoverStrategyFactory().create(topology, { logger: SILENT_LOGGER }).getTasksNeedingRestart(failed, new Error('boom'))].sort();

describe('RestartPipelinedRegionFailoverStrategy', () => {
  it('restarts a whole connected streaming job, as full does', () => {
    const topology = contractTopologies()[1][1]();
    expect(restarted(topology, 'map_1')).toEqual(topology.getVertexIds().sort());
  });

  it('restarts only the failed pipeline of two disconnected ones', () => {
    const topology = new TestingSchedulingTopology()
      .addJobVertex('left', 2).addJobVertex('right', 2).addJobVertex('leftSink', 1).addJobVertex('rightSink', 1)
      .connect('left', 'leftSink')
      .connect('right', 'rightSink');
    expect(restarted(topology, 'right_0')).toEqual(['rightSink_0', 'right_0', 'right_1']);
    expect(restarted(topology, 'leftSink_0')).toEqual(['leftSink_0', 'left_0', 'left_1']);
  });

  describe('in a batch job (scan -BLOCKING-> aggregate -BLOCKING-> write)', () => {
    const batch = () =>
      new TestingSchedulingTopology()
        .addJobVertex('scan', 2).addJobVertex('aggregate', 2).addJobVertex('write', 1)
        .connect('scan', 'aggregate', { resultType: 'BLOCKING' })
        .connect('aggregate', 'write', { resultType: 'BLOCKING' });

    it('reruns a failed consumer alone when the results it reads are retained', () => {
      const topology = batch();
      for (const p of topology.getResultPartitions()) topology.setResultPartitionAvailable(p.id);
      // The aggregate's own result is produced again, so its consumer reruns too.
      expect(restarted(topology, 'aggregate_1')).toEqual(['aggregate_1', 'write_0']);
      expect(restarted(topology, 'write_0')).toEqual(['write_0']);
    });

    it('reruns the producers of results that are no longer available, and what consumes their new results', () => {
      const topology = batch().setResultPartitionAvailable('aggregate->write_0').setResultPartitionAvailable('aggregate->write_1').setResultPartitionAvailable('scan->aggregate_0');
      // scan_1's result is lost: aggregate_0 needs it again, so scan_1 reruns; aggregate_1 consumes scan_1's new result too.
      expect(restarted(topology, 'aggregate_0')).toEqual(['aggregate_0', 'aggregate_1', 'scan_1', 'write_0']);
    });
  });
});
