import { createHash } from 'node:crypto';
import { createJobGraph } from '../graph/job-graph-generator';
import type { JobGraph } from '../deployment/job-graph';
import { StreamGraph } from '../graph/stream-graph';
import type { JobSubmission } from '../rpc/gateways';

export interface TestingJobGraphOptions {
  /** 32 hex chars (default `0…01`). */
  readonly jobId?: string;
  readonly jobName?: string;
  /** Of both stages (default 2). */
  readonly parallelism?: number;
}

const notInstantiated = (): never => {
  throw new Error('Assertion failed: control-plane tests do not instantiate operators');
};

/**
 * A two-stage job for control-plane tests: `Source: numbers` → rebalance → `Sink`, each at
 * `parallelism`, in one slot-sharing group, so it needs `parallelism` slots and runs
 * 2 × `parallelism` subtasks (sources first, then sinks).
 */
export function testingJobGraph(options: TestingJobGraphOptions = {}): JobGraph {
  const parallelism = options.parallelism ?? 2;
  const graph = new StreamGraph(options.jobName ?? 'testing job', {
    parallelism,
    maxParallelism: -1,
    bufferTimeoutMs: 100,
    runtimeMode: 'STREAMING',
    chainingEnabled: true,
  });
  const node = (name: string, kind: string, isSource: boolean) =>
    graph.addNode({ name, kind, parallelism, nonParallel: false, maxParallelism: -1, chainingStrategy: isSource ? 'HEAD' : 'ALWAYS', isSource, operatorFactory: notInstantiated });
  const source = node('Source: numbers', 'Source', true);
  const sink = node('Sink', 'Sink', false);
  graph.addEdge(source.id, sink.id, { kind: 'rebalance' });
  return createJobGraph(graph, { jobId: options.jobId ?? `${'0'.repeat(31)}1` });
}

/** The bundle a testing submission refers to: never run (the testing TaskExecutors do not load it), but real bytes with a real hash. */
export const TESTING_BUNDLE = new TextEncoder().encode('export default "testing bundle";\n');
export const TESTING_BUNDLE_SHA256 = createHash('sha256').update(TESTING_BUNDLE).digest('hex');

/** A submission of `jobGraph` referring to TESTING_BUNDLE, with no arguments and no job configuration. */
export function testingJobSubmission(jobGraph: JobGraph = testingJobGraph(), overrides: Partial<Omit<JobSubmission, 'jobGraph'>> = {}): JobSubmission {
  return { jobGraph, artifact: { sha256: TESTING_BUNDLE_SHA256, size: TESTING_BUNDLE.byteLength }, args: [], configuration: {}, ...overrides };
}
