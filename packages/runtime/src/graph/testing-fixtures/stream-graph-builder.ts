import type { PartitionerKind } from '../../deployment/job-graph';
import { StreamGraph, type ChainingStrategy, type ExecutionConfigSnapshot, type StreamNode } from '../stream-graph';

export interface TestNodeSpec {
  name?: string;
  kind?: string;
  uid?: string;
  parallelism?: number;
  maxParallelism?: number;
  slotSharingGroup?: string;
  chainingStrategy?: ChainingStrategy;
  bufferTimeoutMs?: number;
  nonParallel?: boolean;
}

const notInstantiated = (): never => {
  throw new Error('not instantiated in this test');
};

/** Builds StreamGraphs by hand for graph tests, the way the DataStream API would. */
export class TestingStreamGraphBuilder {
  readonly graph: StreamGraph;

  constructor(config: Partial<ExecutionConfigSnapshot> = {}, jobName = 'test job') {
    this.graph = new StreamGraph(jobName, {
      parallelism: 1,
      maxParallelism: -1,
      bufferTimeoutMs: 100,
      runtimeMode: 'STREAMING',
      chainingEnabled: true,
      ...config,
    });
  }

  source(name: string, spec: TestNodeSpec = {}): StreamNode {
    return this.node({ kind: 'Source', chainingStrategy: 'HEAD', ...spec, name: `Source: ${name}` }, true);
  }

  operator(name: string, spec: TestNodeSpec = {}): StreamNode {
    return this.node({ kind: name, ...spec, name }, false);
  }

  /** Adds `to` downstream of `from` (default: forward, one-input). */
  connect(from: StreamNode, to: StreamNode, kind: PartitionerKind = 'forward', typeNumber = 0, sideOutputTag?: string): this {
    this.graph.addEdge(from.id, to.id, { kind }, typeNumber, sideOutputTag);
    return this;
  }

  private node(spec: TestNodeSpec & { name: string; kind: string }, isSource: boolean): StreamNode {
    return this.graph.addNode({
      name: spec.name,
      kind: spec.kind,
      uid: spec.uid,
      parallelism: spec.parallelism ?? -1,
      nonParallel: spec.nonParallel ?? false,
      maxParallelism: spec.maxParallelism ?? -1,
      slotSharingGroup: spec.slotSharingGroup,
      chainingStrategy: spec.chainingStrategy ?? 'ALWAYS',
      bufferTimeoutMs: spec.bufferTimeoutMs,
      isSource,
      operatorFactory: notInstantiated,
    });
  }
}
