import type { LogFields, LogMethod, Logger } from '@flott/runtime';
import { SILENT_LOGGER } from '@flott/runtime';
import { contractTopologies, failoverStrategyContractTests, TestingSchedulingTopology } from '@flott/runtime/testing';
import { RestartIndividualFailoverStrategyFactory } from './individual-failover-strategy';

failoverStrategyContractTests(new RestartIndividualFailoverStrategyFactory());

/** A logger that keeps its warnings. */
function recordingLogger(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const warn = ((fieldsOrMessage: LogFields | string, message?: string) => {
    warnings.push(typeof fieldsOrMessage === 'string' ? fieldsOrMessage : (message ?? ''));
  }) as LogMethod;
  const logger: Logger = { ...SILENT_LOGGER, warn, child: () => logger };
  return { logger, warnings };
}

describe('RestartIndividualFailoverStrategy', () => {
  const factory = new RestartIndividualFailoverStrategyFactory();

  it('restarts only the failed task of a job without exchanges, and says nothing', () => {
    const topology = new TestingSchedulingTopology().addJobVertex('worker', 3).addJobVertex('other', 2);
    const { logger, warnings } = recordingLogger();
    const strategy = factory.create(topology, { logger });
    expect([...strategy.getTasksNeedingRestart('worker_1', new Error('boom'))]).toEqual(['worker_1']);
    expect([...strategy.getTasksNeedingRestart('other_0', new Error('boom'))]).toEqual(['other_0']);
    expect(warnings).toEqual([]);
  });

  it('falls back to restarting all tasks when tasks are connected by a pipelined exchange, and logs why once', () => {
    const topology = contractTopologies()[1][1]();
    const { logger, warnings } = recordingLogger();
    const strategy = factory.create(topology, { logger });
    expect([...strategy.getTasksNeedingRestart('sink_0', new Error('boom'))].sort()).toEqual(topology.getVertexIds().sort());
    expect([...strategy.getTasksNeedingRestart('map_0', new Error('boom'))].sort()).toEqual(topology.getVertexIds().sort());
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('source_0 sends to map_0 through one: every task failure of this job restarts all tasks (full)');
  });

  it('over BLOCKING exchanges restarts the failed task, and the producer of an input it can no longer read', () => {
    const topology = new TestingSchedulingTopology()
      .addJobVertex('scan', 2).addJobVertex('write', 2)
      .connect('scan', 'write', { resultType: 'BLOCKING', pattern: 'POINTWISE' })
      .setResultPartitionAvailable('scan->write_0');
    const strategy = factory.create(topology, { logger: SILENT_LOGGER });
    expect([...strategy.getTasksNeedingRestart('write_0', new Error('boom'))]).toEqual(['write_0']);
    expect([...strategy.getTasksNeedingRestart('write_1', new Error('boom'))].sort()).toEqual(['scan_1', 'write_1']);
  });
});
