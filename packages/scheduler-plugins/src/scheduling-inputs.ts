import { assert } from '@flott/core';
import { ExecutionState } from '@flott/runtime/common';
import type { ExecutionVertexId, ResultPartitionId, SchedulingTopology } from '@flott/runtime/spi';

/**
 * Whether a consumer of `partition` may be deployed now: a BLOCKING partition once its producer
 * finished, a PIPELINED one once `pipelinedHasData` says its current attempt produced data (the
 * JobMaster's onPartitionConsumable) or its producer finished. A producer still waiting to be deployed
 * (`pending`) produces nothing yet, whatever its last attempt did.
 */
export function isPartitionConsumable(
  topology: SchedulingTopology, partition: ResultPartitionId, pending: ReadonlySet<ExecutionVertexId>, pipelinedHasData: (p: ResultPartitionId) => boolean = () => false,
): boolean {
  const p = topology.getResultPartition(partition);
  if (pending.has(p.producer)) return false;
  const finished = topology.getVertex(p.producer).state === ExecutionState.FINISHED;
  return p.resultType === 'BLOCKING' ? finished : finished || pipelinedHasData(partition);
}

/** The restarted vertices in topological order; a vertex outside the topology is a broken contract. */
export function restartOrder(topology: SchedulingTopology, vertices: ReadonlySet<ExecutionVertexId>): ExecutionVertexId[] {
  const ordered = [...topology.getVertices()].map((v) => v.id).filter((id) => vertices.has(id));
  assert(ordered.length === vertices.size, `restartTasks got vertices outside the topology: ${[...vertices].join(', ')}`);
  return ordered;
}
