import { SILENT_LOGGER } from '@flott/runtime';
import { contractTopologies, failoverStrategyContractTests } from '@flott/runtime/testing';
import { RestartAllFailoverStrategyFactory } from './restart-all-failover-strategy';

failoverStrategyContractTests(new RestartAllFailoverStrategyFactory());

describe('RestartAllFailoverStrategy', () => {
  it('restarts every vertex of the job, whichever failed', () => {
    const topology = contractTopologies()[3][1]();
    const strategy = new RestartAllFailoverStrategyFactory().create(topology, { logger: SILENT_LOGGER });
    for (const failed of ['a_0', 'c_0', 'd_1']) {
      expect([...strategy.getTasksNeedingRestart(failed, new Error('boom'))].sort()).toEqual(['a_0', 'a_1', 'b_0', 'b_1', 'c_0', 'd_0', 'd_1']);
    }
  });

  it('rejects a failed vertex that is not in the topology', () => {
    const strategy = new RestartAllFailoverStrategyFactory().create(contractTopologies()[0][1](), { logger: SILENT_LOGGER });
    expect(() => strategy.getTasksNeedingRestart('ghost_0', new Error('boom'))).toThrow('Unknown execution vertex ghost_0');
  });
});
