import type { ExecutionVertexId, FailoverStrategy, FailoverStrategyContext, FailoverStrategyFactory, SchedulingTopology } from '@flott/runtime/spi';
import { RestartPipelinedRegionFailoverStrategy } from './region-failover-strategy';
import { RestartAllFailoverStrategy } from './restart-all-failover-strategy';

/**
 * `individual`: restarts only the failed task (Flink's RestartIndividualStrategy), which is valid only
 * where tasks are not connected by PIPELINED exchanges: restarting one end of one would lose the data
 * in flight. A job that has them falls back to `full`, saying so once in the job's log, as Flink did.
 * Without them every task is a pipelined region of its own, so a failed task restarts alone unless it
 * needs a BLOCKING input that is no longer available (its producer restarts too) or feeds tasks that
 * consumed its result (they restart too), as `region` decides.
 */
export class RestartIndividualFailoverStrategy implements FailoverStrategy {
  private readonly delegate: FailoverStrategy;

  constructor(topology: SchedulingTopology, context: FailoverStrategyContext) {
    const pipelined = firstPipelinedExchange(topology);
    if (pipelined === undefined) {
      this.delegate = new RestartPipelinedRegionFailoverStrategy(topology);
      return;
    }
    context.logger.warn(
      { failoverStrategy: 'individual', exchange: pipelined },
      `The individual failover strategy restarts only tasks that are not connected by pipelined exchanges, and ${pipelined.producer} sends ` +
        `to ${pipelined.consumer} through one: every task failure of this job restarts all tasks (full). ` +
        `Set jobmanager.execution.failover-strategy: region to restart only the failed task's pipelined region.`,
    );
    this.delegate = new RestartAllFailoverStrategy(topology);
  }

  getTasksNeedingRestart(failed: ExecutionVertexId, cause: Error): Set<ExecutionVertexId> {
    return this.delegate.getTasksNeedingRestart(failed, cause);
  }
}

function firstPipelinedExchange(topology: SchedulingTopology): { producer: ExecutionVertexId; consumer: ExecutionVertexId } | undefined {
  for (const v of topology.getVertices()) {
    for (const id of v.producedResults) {
      const partition = topology.getResultPartition(id);
      if (partition.resultType === 'PIPELINED' && partition.consumers.length > 0) return { producer: v.id, consumer: partition.consumers[0] };
    }
  }
  return undefined;
}

export class RestartIndividualFailoverStrategyFactory implements FailoverStrategyFactory {
  readonly name = 'individual';

  create(topology: SchedulingTopology, context: FailoverStrategyContext): FailoverStrategy {
    return new RestartIndividualFailoverStrategy(topology, context);
  }
}
