import { JobBuildError } from '@flott/core';
import {
  ResourceSpecs,
  StreamGraph,
  type ChainingStrategy,
  type ResourceSpec,
  type ExecutionConfigSnapshot,
  type StreamEdge,
  type StreamNode,
  type StreamOperator,
  type StreamPartitioner,
} from '@flott/runtime/internal';

/**
 * One input of an operator as the API tracks it: the producing node, optionally the side output
 * and the partitioner the user chose. Partitioning, union and side outputs are virtual (Flink's
 * virtual transformations): they only change how the next edge is created.
 */
export interface StreamInput {
  readonly nodeId: number;
  readonly sideOutputTag?: string;
  readonly partitioner?: StreamPartitioner;
  /** 1 or 2 for the inputs of a two-input operator (connect); 0 otherwise. */
  readonly typeNumber?: number;
}

export interface OperatorSpec {
  readonly name: string;
  readonly kind: string;
  readonly operatorFactory: () => StreamOperator<unknown>;
  readonly isSource?: boolean;
  readonly nonParallel?: boolean;
  readonly parallelism?: number;
  readonly chainingStrategy?: ChainingStrategy;
  readonly stateKeySelector?: (value: unknown) => unknown;
  /** Two-input keyed operators: the key of input 2 (`stateKeySelector` keys input 1). */
  readonly stateKeySelector2?: (value: unknown) => unknown;
  /** `fromSource`: the unified Source whose enumerator runs on the JobMaster. */
  readonly unifiedSource?: StreamNode['unifiedSource'];
  /** Keyed aggregations whose inputs combine (StreamNode.inputCombiner). */
  readonly inputCombiner?: StreamNode['inputCombiner'];
}

/**
 * Builds the StreamGraph of one `execute()` call. Node ids follow the order of the API calls, so
 * re-running the job's main in a task yields the same ids. Nothing here starts I/O.
 */
export class GraphBuilder {
  private graph: StreamGraph;
  /** Edges the user did not partition; resolved to forward/rebalance once parallelisms are final. */
  private defaultedEdges = new Set<StreamEdge>();
  /** Resources of slot sharing groups, by name: kept for every graph this builder makes (as Flink's environment keeps them). */
  private readonly slotSharingGroupResources = new Map<string, ResourceSpec>();

  constructor(private readonly snapshotConfig: () => ExecutionConfigSnapshot) {
    this.graph = new StreamGraph('', snapshotConfig());
  }

  addNode(spec: OperatorSpec, inputs: readonly StreamInput[] = []): StreamNode {
    const node = this.graph.addNode({
      name: spec.name,
      kind: spec.kind,
      parallelism: spec.nonParallel ? 1 : (spec.parallelism ?? -1),
      nonParallel: spec.nonParallel ?? false,
      maxParallelism: -1,
      chainingStrategy: spec.chainingStrategy ?? (spec.isSource ? 'HEAD' : 'ALWAYS'),
      isSource: spec.isSource ?? false,
      stateKeySelector: spec.stateKeySelector,
      stateKeySelector2: spec.stateKeySelector2,
      operatorFactory: spec.operatorFactory,
      ...(spec.unifiedSource ? { unifiedSource: spec.unifiedSource } : {}),
      ...(spec.inputCombiner ? { inputCombiner: spec.inputCombiner } : {}),
    });
    for (const input of inputs) {
      const edge = this.graph.addEdge(input.nodeId, node.id, input.partitioner ?? { kind: 'forward' }, input.typeNumber ?? 0, input.sideOutputTag);
      if (!input.partitioner) this.defaultedEdges.add(edge);
    }
    return node;
  }

  getNode(id: number): StreamNode {
    return this.graph.getNode(id);
  }

  /** Declares the resources of slot sharing group `name`; a group declared twice must declare the same. */
  registerSlotSharingGroup(name: string, resources: ResourceSpec | undefined): void {
    if (resources === undefined) return;
    const known = this.slotSharingGroupResources.get(name);
    if (known !== undefined && !ResourceSpecs.equals(known, resources)) {
      throw new JobBuildError(`Slot sharing group '${name}' is declared with ${ResourceSpecs.describe(resources)} after ${ResourceSpecs.describe(known)}`);
    }
    this.slotSharingGroupResources.set(name, resources);
  }

  /** The current graph with final settings and partitioners; the builder starts a fresh one (Flink clears its transformations). */
  finish(jobName: string): StreamGraph {
    const graph = this.graph;
    if (graph.nodes.size === 0) {
      throw new JobBuildError('No operators defined in the streaming topology: add a source and a sink before calling execute()');
    }
    graph.jobName = jobName;
    Object.assign(graph.config, this.snapshotConfig());
    for (const [name, resources] of this.slotSharingGroupResources) graph.slotSharingGroupResources.set(name, resources);
    for (const node of graph.nodes.values()) {
      for (const edge of node.outEdges) this.resolvePartitioner(graph, edge);
    }
    this.graph = new StreamGraph('', this.snapshotConfig());
    this.defaultedEdges = new Set();
    return graph;
  }

  private resolvePartitioner(graph: StreamGraph, edge: StreamEdge): void {
    const source = graph.getNode(edge.sourceId);
    const target = graph.getNode(edge.targetId);
    const same = graph.parallelismOf(source) === graph.parallelismOf(target);
    if (this.defaultedEdges.has(edge)) {
      edge.partitioner = { kind: same ? 'forward' : 'rebalance' };
    } else if (edge.partitioner.kind === 'forward' && !same) {
      throw new JobBuildError(
        `Forward partitioning does not allow a change of parallelism: '${source.name}' (${graph.parallelismOf(source)}) -> ` +
          `'${target.name}' (${graph.parallelismOf(target)}). Use another partitioner, e.g. rebalance().`,
      );
    }
  }
}
