import type { ResourceSpec } from '../deployment/resource-spec';
import { createHash } from 'node:crypto';
import { SystemIdGenerator, type IdGenerator } from '../time/ids';
import { JobBuildError } from '@flott/core';
import { checkForwardEdges, isChainable, slotSharingGroupOf } from './chaining';
import type {
  ChainedOperatorDescriptor,
  DistributionPattern,
  IntermediateDataSetDescriptor,
  JobEdgeDescriptor,
  JobGraph,
  JobVertexDescriptor,
  PartitionerKind,
  ResultPartitionType,
} from '../deployment/job-graph';
import { defaultMaxParallelism } from '../deployment/max-parallelism';
import { assignOperatorIds } from './operator-ids';
import type { StreamEdge, StreamGraph, StreamNode } from './stream-graph';

export interface CreateJobGraphOptions {
  /** 32 hex chars; a random one when absent. */
  readonly jobId?: string;
  /** Which `execute()` call of the job's main built this graph (default 0). */
  readonly executeIndex?: number;
  /** Where a random job id comes from; the process's own randomness when not given. */
  readonly ids?: IdGenerator;
}

/** Forward and rescale connect each consumer to a subset of producers; every other partitioner to all of them. */
export function distributionPatternOf(kind: PartitionerKind): DistributionPattern {
  return kind === 'forward' || kind === 'rescale' ? 'POINTWISE' : 'ALL_TO_ALL';
}

function dataSetIdOf(edge: StreamEdge, sourceOperatorId: string, targetOperatorId: string): string {
  const text = `dataset:${sourceOperatorId}->${targetOperatorId};edge:${edge.id};type:${edge.typeNumber};side:${edge.sideOutputTag ?? ''}`;
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 32);
}

interface Chain {
  readonly head: StreamNode;
  /** Head first, then the chained operators in topological order. */
  readonly members: StreamNode[];
}

/**
 * Translates the StreamGraph into a JobGraph as Flink's StreamingJobGraphGenerator does: chainable
 * operators are fused into one JobVertex (one task per subtask), every other edge becomes an
 * IntermediateDataSet consumed through a JobEdge. Deterministic apart from the random job id.
 */
export function createJobGraph(streamGraph: StreamGraph, opts: CreateJobGraphOptions = {}): JobGraph {
  checkForwardEdges(streamGraph);
  const { operatorIds, order } = assignOperatorIds(streamGraph);
  const opId = (node: StreamNode): string => operatorIds.get(node.id) as string;

  // `order` is topological, so a node's predecessor already knows its chain head.
  const headOf = new Map<number, StreamNode>();
  const chains = new Map<number, Chain>();
  for (const node of order) {
    const inEdge = node.inEdges.length === 1 ? node.inEdges[0] : undefined;
    const head = inEdge && isChainable(streamGraph, inEdge) ? (headOf.get(inEdge.sourceId) as StreamNode) : node;
    headOf.set(node.id, head);
    const chain = chains.get(head.id);
    if (chain) chain.members.push(node);
    else chains.set(head.id, { head, members: [node] });
  }

  const resultPartitionType: ResultPartitionType = streamGraph.config.runtimeMode === 'BATCH' ? 'BLOCKING' : 'PIPELINED';
  const produced = new Map<number, IntermediateDataSetDescriptor[]>();
  const inputs = new Map<number, JobEdgeDescriptor[]>();
  for (const chain of chains.values()) {
    produced.set(chain.head.id, []);
    inputs.set(chain.head.id, []);
  }
  // Produced data sets in chain-member order; a head's inputs in the order of its stream in-edges.
  for (const node of order) {
    for (const edge of node.outEdges) {
      if (isChainable(streamGraph, edge)) continue;
      const sourceHead = headOf.get(node.id) as StreamNode;
      const target = streamGraph.getNode(edge.targetId);
      const dataSetId = dataSetIdOf(edge, opId(node), opId(target));
      (produced.get(sourceHead.id) as IntermediateDataSetDescriptor[]).push({
        id: dataSetId,
        producerVertexId: opId(sourceHead),
        resultPartitionType,
        streamEdgeId: edge.id,
      });
    }
  }
  for (const chain of chains.values()) {
    const head = chain.head;
    for (const edge of head.inEdges) {
      const source = streamGraph.getNode(edge.sourceId);
      const sourceHead = headOf.get(source.id) as StreamNode;
      const jobEdge: JobEdgeDescriptor = {
        dataSetId: dataSetIdOf(edge, opId(source), opId(head)),
        sourceVertexId: opId(sourceHead),
        targetVertexId: opId(head),
        partitioner: edge.partitioner.kind,
        distributionPattern: distributionPatternOf(edge.partitioner.kind),
        resultPartitionType,
        streamEdgeId: edge.id,
        sourceOperatorId: opId(source),
        targetOperatorId: opId(head),
        typeNumber: edge.typeNumber,
        ...(edge.sideOutputTag !== undefined ? { sideOutputTag: edge.sideOutputTag } : {}),
      };
      (inputs.get(head.id) as JobEdgeDescriptor[]).push(jobEdge);
    }
  }

  const vertices: JobVertexDescriptor[] = [];
  for (const chain of chains.values()) {
    vertices.push(buildVertex(streamGraph, chain, opId, produced.get(chain.head.id) ?? [], inputs.get(chain.head.id) ?? []));
  }

  const configuredMax = streamGraph.config.maxParallelism;
  return {
    jobId: opts.jobId ?? (opts.ids ?? new SystemIdGenerator()).nextId(),
    jobName: streamGraph.jobName,
    jobType: streamGraph.config.runtimeMode,
    vertices,
    executeIndex: opts.executeIndex ?? 0,
    maxParallelism: configuredMax > 0 ? configuredMax : Math.max(0, ...vertices.map((v) => v.maxParallelism)),
    ...slotSharingGroupResourcesOf(streamGraph, vertices),
  };
}

/** The declared resources of the slot sharing groups the job's vertices use (none: the field is left out). */
function slotSharingGroupResourcesOf(streamGraph: StreamGraph, vertices: readonly JobVertexDescriptor[]): { slotSharingGroupResources?: Record<string, ResourceSpec> } {
  const used = new Set(vertices.map((v) => v.slotSharingGroup));
  const resources = [...streamGraph.slotSharingGroupResources].filter(([name]) => used.has(name));
  return resources.length > 0 ? { slotSharingGroupResources: Object.fromEntries(resources) } : {};
}

function buildVertex(
  streamGraph: StreamGraph,
  chain: Chain,
  opId: (node: StreamNode) => string,
  producedDataSets: IntermediateDataSetDescriptor[],
  inputs: JobEdgeDescriptor[],
): JobVertexDescriptor {
  const head = chain.head;
  const parallelism = streamGraph.parallelismOf(head);
  const maxParallelism = maxParallelismOf(streamGraph, head, parallelism);
  const operators: ChainedOperatorDescriptor[] = chain.members.map((n) => ({
    operatorId: opId(n),
    ...(n.uid !== undefined ? { uid: n.uid } : {}),
    streamNodeId: n.id,
    name: n.name,
    kind: n.kind,
    ...(n.unifiedSource ? { hasCoordinator: true as const } : {}),
  }));
  // One flush timer per task: the tightest latency any chained operator asked for wins.
  const timeouts = chain.members.map((n) => n.bufferTimeoutMs).filter((t): t is number => t !== undefined);
  return {
    id: opId(head),
    name: chainedName(streamGraph, head),
    parallelism,
    maxParallelism,
    slotSharingGroup: slotSharingGroupOf(head),
    isInputVertex: head.isSource,
    operators,
    inputs,
    producedDataSets,
    bufferTimeoutMs: timeouts.length > 0 ? Math.min(...timeouts) : streamGraph.config.bufferTimeoutMs,
  };
}

function maxParallelismOf(streamGraph: StreamGraph, head: StreamNode, parallelism: number): number {
  const configured = head.maxParallelism > 0 ? head.maxParallelism : streamGraph.config.maxParallelism;
  const max = configured > 0 ? configured : defaultMaxParallelism(parallelism);
  if (max < parallelism) {
    throw new JobBuildError(
      `Operator '${head.name}' (id ${head.id}) has parallelism ${parallelism} above its max parallelism ${max}.`,
    );
  }
  return max;
}

/** Flink's chain name: "a -> b -> c", and "a -> (b, c)" where one operator feeds several chained ones. */
function chainedName(streamGraph: StreamGraph, node: StreamNode): string {
  const chained = node.outEdges.filter((e) => isChainable(streamGraph, e)).map((e) => streamGraph.getNode(e.targetId));
  if (chained.length === 0) return node.name;
  if (chained.length === 1) return `${node.name} -> ${chainedName(streamGraph, chained[0])}`;
  return `${node.name} -> (${chained.map((c) => chainedName(streamGraph, c)).join(', ')})`;
}
