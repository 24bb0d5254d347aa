import { createHash } from 'node:crypto';
import { JobBuildError } from '@flott/core';
import { isChainable } from './chaining';
import type { StreamGraph, StreamNode } from './stream-graph';

/** Operator ids are 16 bytes, printed as 32 lowercase hex chars, as Flink's OperatorID. */
export const OPERATOR_ID_HEX_LENGTH = 32;

function hash128(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, OPERATOR_ID_HEX_LENGTH);
}

/** The id of an operator whose user set `uid()`: depends on nothing but the uid, so it survives any change to the graph. */
export function operatorIdForUid(uid: string): string {
  return hash128(`uid:${uid}`);
}

export interface OperatorIdAssignment {
  /** Stream node id → operator id. */
  readonly operatorIds: ReadonlyMap<number, string>;
  /** Nodes in traversal order: a topological order (every node after all its inputs), deterministic for a program. */
  readonly order: readonly StreamNode[];
}

function checkUniqueUids(graph: StreamGraph): void {
  const byUid = new Map<string, StreamNode>();
  for (const node of graph.nodes.values()) {
    if (node.uid === undefined) continue;
    const other = byUid.get(node.uid);
    if (other) {
      throw new JobBuildError(
        `Duplicate uid '${node.uid}' on operators '${other.name}' (id ${other.id}) and '${node.name}' (id ${node.id}); ` +
          'a uid must be unique within a job.',
      );
    }
    byUid.set(node.uid, node);
  }
}

/**
 * Assigns deterministic operator ids the way Flink's StreamGraphHasher does: a node's id without a uid
 * depends on its position in a breadth-first traversal from the sources (sorted by node id), on the
 * ids of its inputs and on how many of its outputs are chained. The traversal hashes a node only once
 * all its inputs are hashed, so an operator added downstream never changes the id of an operator it
 * consumes from (except a direct predecessor that now chains one more output, as in Flink).
 */
export function assignOperatorIds(graph: StreamGraph): OperatorIdAssignment {
  checkUniqueUids(graph);
  const ids = new Map<number, string>();
  const order: StreamNode[] = [];
  const usedIds = new Map<string, StreamNode>();
  const roots = [...graph.nodes.values()].filter((n) => n.isSource || n.inEdges.length === 0).sort((a, b) => a.id - b.id);
  const queue: StreamNode[] = [...roots];
  const queued = new Set(roots.map((n) => n.id));

  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    const inputIds = node.inEdges.map((e) => ids.get(e.sourceId));
    if (inputIds.some((id) => id === undefined)) {
      // An input is still unhashed; that input re-queues this node once it is hashed.
      queued.delete(node.id);
      continue;
    }
    const id = node.uid !== undefined ? operatorIdForUid(node.uid) : generatedId(graph, node, order.length, inputIds as string[]);
    const clash = usedIds.get(id);
    if (clash) {
      throw new JobBuildError(`Operator id collision between '${clash.name}' (id ${clash.id}) and '${node.name}' (id ${node.id}); set distinct uids.`);
    }
    usedIds.set(id, node);
    ids.set(node.id, id);
    order.push(node);
    for (const edge of node.outEdges) {
      if (!queued.has(edge.targetId) && !ids.has(edge.targetId)) {
        queue.push(graph.getNode(edge.targetId));
        queued.add(edge.targetId);
      }
    }
  }

  if (order.length !== graph.nodes.size) {
    const missing = [...graph.nodes.values()].filter((n) => !ids.has(n.id)).map((n) => `'${n.name}' (id ${n.id})`);
    throw new JobBuildError(`The stream graph has a cycle through operators ${missing.join(', ')}; cycles are not supported.`);
  }
  return { operatorIds: ids, order };
}

function generatedId(graph: StreamGraph, node: StreamNode, position: number, inputIds: readonly string[]): string {
  const chainedOutputs = node.outEdges.filter((e) => isChainable(graph, e)).length;
  return hash128(`position:${position};chained-outputs:${chainedOutputs};inputs:${inputIds.join(',')}`);
}
