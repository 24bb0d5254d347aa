import type { ResourceSpec } from '../deployment/resource-spec';
import type { RecordSerializer, Source, SourceSplit } from '@flott/core';
import { msgpackSerializer } from '../serialization/msgpack-serializer';
import type { StreamOperator } from '../operators/stream-operator';
import type { PartitionerKind } from '../deployment/job-graph';

/**
 * A partitioner as the API built it. `keySelector` (hash only) is a closure: it exists in the
 * client and in the task that re-ran the job's main, never in the serialised JobGraph.
 */
export interface StreamPartitioner {
  readonly kind: PartitionerKind;
  readonly keySelector?: (value: unknown) => unknown;
}

/** Flink's chaining strategies: ALWAYS chains to its predecessor; HEAD starts a new chain; NEVER stands alone. */
export type ChainingStrategy = 'ALWAYS' | 'HEAD' | 'NEVER';

export const DEFAULT_SLOT_SHARING_GROUP = 'default';

/** How two input records of a keyed aggregation combine into one (StreamNode.inputCombiner). */
export interface InputCombiner {
  combine(a: unknown, b: unknown): unknown;
  combineOwned?(a: unknown, b: unknown): unknown;
}

export interface StreamNode {
  readonly id: number;
  /** Operator name for display ("Map", "Source: fromElements", or what `.name()` set). */
  name: string;
  /** Kind of operator ("Map", "Filter", "Source", "Sink", "KeyedReduce", ...); part of the identity check. */
  readonly kind: string;
  uid?: string;
  /** Parallelism set by the user or -1 for the environment default. */
  parallelism: number;
  /** Sources that cannot run in parallel (fromElements, socket) are pinned to 1. */
  readonly nonParallel: boolean;
  maxParallelism: number;
  slotSharingGroup?: string;
  chainingStrategy: ChainingStrategy;
  bufferTimeoutMs?: number;
  readonly isSource: boolean;
  /**
   * Set on keyed operators (after keyBy): extracts the key of an input record. The task then gives the
   * operator a keyed state backend for the subtask's key-group range and sets the current key per record.
   */
  readonly stateKeySelector?: (value: unknown) => unknown;
  /**
   * Two-input keyed operators: the key of a record of input 2 (`stateKeySelector` keys input 1). Unset
   * on the broadcast input of a keyed broadcast operator, whose records have no key.
   */
  readonly stateKeySelector2?: (value: unknown) => unknown;
  /**
   * Keyed aggregations whose two input records combine into one input with the same aggregate (sum,
   * min, max by field; minBy, maxBy): BATCH execution combines them per key before the shuffle, in the
   * producing task (local aggregation, with `combineOwned` where given: the caller owns the first
   * argument, which may then be changed and returned), and again while sorting (`combine`).
   */
  readonly inputCombiner?: InputCombiner;
  /**
   * Serializes this operator's main output where it leaves the chain (Flink's output type serializer);
   * msgpack when unset. Side outputs always use msgpack.
   */
  outputSerializer?: RecordSerializer<unknown>;
  /** Creates a fresh operator instance (called in the task, once per subtask). */
  readonly operatorFactory: () => StreamOperator<unknown>;
  /**
   * A unified source's readers (`env.fromSource`): the Source whose SplitEnumerator the JobMaster runs
   * as this operator's coordinator. Like the key selectors, it exists wherever main built the graph.
   */
  readonly unifiedSource?: Source<unknown, SourceSplit, unknown>;
  readonly inEdges: StreamEdge[];
  readonly outEdges: StreamEdge[];
}

export interface StreamEdge {
  readonly id: string;
  readonly sourceId: number;
  readonly targetId: number;
  partitioner: StreamPartitioner;
  /** 0 for one-input operators; 1 or 2 for the inputs of a two-input operator. */
  readonly typeNumber: number;
  /** Set when this edge carries a side output of the source node. */
  readonly sideOutputTag?: string;
}

export interface ExecutionConfigSnapshot {
  parallelism: number;
  maxParallelism: number;
  bufferTimeoutMs: number;
  /** 'STREAMING' uses pipelined exchanges; 'BATCH' blocking ones (later issue). */
  runtimeMode: 'STREAMING' | 'BATCH';
  chainingEnabled: boolean;
  /**
   * Configuration entries the program set itself (the configuration given to the environment,
   * `env.configure`, the checkpointing setters). The client submits them on top of its own (file and
   * `-D`), so the JobManager and the tasks see them as if they had been given with `-D`.
   */
  jobConfiguration?: Readonly<Record<string, unknown>>;
}

/** What the DataStream API builds: operators and the edges between them, closures included. */
export class StreamGraph {
  readonly nodes = new Map<number, StreamNode>();
  /** Resources of the slot sharing groups that declare some (fine-grained resource management), by name. */
  readonly slotSharingGroupResources = new Map<string, ResourceSpec>();
  private nextNodeId = 1;
  private nextEdgeId = 1;

  constructor(
    public jobName: string,
    readonly config: ExecutionConfigSnapshot,
  ) {}

  addNode(spec: Omit<StreamNode, 'id' | 'inEdges' | 'outEdges'>): StreamNode {
    const node: StreamNode = { ...spec, id: this.nextNodeId++, inEdges: [], outEdges: [] };
    this.nodes.set(node.id, node);
    return node;
  }

  addEdge(sourceId: number, targetId: number, partitioner: StreamPartitioner, typeNumber = 0, sideOutputTag?: string): StreamEdge {
    const source = this.getNode(sourceId);
    const target = this.getNode(targetId);
    const edge: StreamEdge = { id: `e${this.nextEdgeId++}`, sourceId, targetId, partitioner, typeNumber, sideOutputTag };
    source.outEdges.push(edge);
    target.inEdges.push(edge);
    return edge;
  }

  /** The serializer the source of edge `edgeId` declared for its records (`returns(serializer)`); undefined: msgpack. */
  outputSerializerOf(edgeId: string): RecordSerializer<unknown> | undefined {
    for (const node of this.nodes.values()) {
      const edge = node.outEdges.find((e) => e.id === edgeId);
      if (edge !== undefined) return edge.sideOutputTag === undefined ? node.outputSerializer : undefined;
    }
    throw new Error(`Assertion failed: stream edge ${edgeId} is not in the stream graph`);
  }

  /** The serializer of the records on edge `edgeId`: its source's output serializer, msgpack by default. */
  serializerOf(edgeId: string): RecordSerializer<unknown> {
    for (const node of this.nodes.values()) {
      const edge = node.outEdges.find((e) => e.id === edgeId);
      if (edge === undefined) continue;
      return (edge.sideOutputTag === undefined ? node.outputSerializer : undefined) ?? msgpackSerializer<unknown>();
    }
    throw new Error(`Assertion failed: stream edge ${edgeId} is not in the stream graph`);
  }

  getNode(id: number): StreamNode {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`Assertion failed: no stream node ${id}`);
    return n;
  }

  sourceNodes(): StreamNode[] {
    return [...this.nodes.values()].filter((n) => n.isSource);
  }

  /** Effective parallelism of a node after applying the environment default. */
  parallelismOf(node: StreamNode): number {
    if (node.nonParallel) return 1;
    return node.parallelism > 0 ? node.parallelism : this.config.parallelism;
  }
}
