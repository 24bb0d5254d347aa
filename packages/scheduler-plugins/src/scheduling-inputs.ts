import { assert } from '@flott/core';
import { ExecutionState } from '@flott/runtime';
import type { ExecutionVertexId, ResultPartitionId, SchedulingTopology } from '@flott/runtime/spi';

/**
 * Whether a consumer of `partition` may be deployed now: a PIPELINED partition once its producer runs
 * (Flink's lazy scheduling: data may flow), a BLOCKING one once its producer finished. A producer
 * still waiting to be deployed (`pending`) produces nothing yet, whatever its last attempt did.
 */
export function isPartitionConsumable(topology: SchedulingTopology, partition: ResultPartitionId, pending: ReadonlySet<ExecutionVertexId>): boolean {
  const p = topology.getResultPartition(partition);
  if (pending.has(p.producer)) return false;
  const state = topology.getVertex(p.producer).state;
  return p.resultType === 'BLOCKING' ? state === ExecutionState.FINISHED : state === ExecutionState.RUNNING || state === ExecutionState.FINISHED;
}

/** The restarted vertices in topological order; a vertex outside the topology is a broken contract. */
export function restartOrder(topology: SchedulingTopology, vertices: ReadonlySet<ExecutionVertexId>): ExecutionVertexId[] {
  const ordered = [...topology.getVertices()].map((v) => v.id).filter((id) => vertices.has(id));
  assert(ordered.length === vertices.size, `restartTasks got vertices outside the topology: ${[...vertices].join(', ')}`);
  return ordered;
}
