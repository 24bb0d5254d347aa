import { JobBuildError } from '@flott/core';
import { DEFAULT_SLOT_SHARING_GROUP, type StreamEdge, type StreamGraph, type StreamNode } from './stream-graph';

export function slotSharingGroupOf(node: StreamNode): string {
  return node.slotSharingGroup ?? DEFAULT_SLOT_SHARING_GROUP;
}

/**
 * Flink's chaining rule: the downstream operator runs in the upstream operator's task (direct calls,
 * no serialisation) only when nothing about the exchange needs a network channel. Side-output edges
 * follow the same rule, as in Flink.
 */
export function isChainable(graph: StreamGraph, edge: StreamEdge): boolean {
  if (!graph.config.chainingEnabled) return false;
  const up = graph.getNode(edge.sourceId);
  const down = graph.getNode(edge.targetId);
  return (
    down.inEdges.length === 1 &&
    slotSharingGroupOf(up) === slotSharingGroupOf(down) &&
    down.chainingStrategy === 'ALWAYS' &&
    (up.chainingStrategy === 'ALWAYS' || up.chainingStrategy === 'HEAD') &&
    edge.partitioner.kind === 'forward' &&
    graph.parallelismOf(up) === graph.parallelismOf(down)
  );
}

/** Forward sends subtask i's records to subtask i, which only exists when both sides have the same parallelism. */
export function checkForwardEdges(graph: StreamGraph): void {
  for (const node of graph.nodes.values()) {
    for (const edge of node.outEdges) {
      if (edge.partitioner.kind !== 'forward') continue;
      const down = graph.getNode(edge.targetId);
      const pUp = graph.parallelismOf(node);
      const pDown = graph.parallelismOf(down);
      if (pUp !== pDown) {
        throw new JobBuildError(
          `Forward partitioning does not allow change of parallelism: upstream operator '${node.name}' (id ${node.id}) ` +
            `has parallelism ${pUp}, downstream operator '${down.name}' (id ${down.id}) has parallelism ${pDown}. ` +
            'Use rebalance(), rescale() or another partitioning instead.',
        );
      }
    }
  }
}
