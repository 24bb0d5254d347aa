import { JobBuildError, assert, type Clock } from '@flott/core';
import type { JobEdgeDescriptor, JobGraph, JobVertexDescriptor, PartitionerKind } from '../deployment/job-graph';
import type { ExecutionVertexId, ResultPartitionId } from '../spi/scheduling-topology';
import { wireEdge, type EdgeWiring } from './edge-wiring';
import type { Execution, ExecutionStateListener } from './execution';
import { ExecutionJobVertex } from './execution-job-vertex';
import { checkJobTransition, JobStatus } from '../execution/execution-state';
import { ExecutionVertex, type ExecutionVertexContext } from './execution-vertex';
import { IntermediateResult, IntermediateResultPartition } from './intermediate-result';

/** Default of `jobmanager.execution.attempts-history-size`. */
export const DEFAULT_ATTEMPTS_HISTORY_SIZE = 16;

export interface ExecutionGraphOptions {
  readonly clock: Clock;
  /** Prefix of attempt ids; give each graph of the same job its own (default: the job id). */
  readonly executionGraphId?: string;
  /** Prior attempts kept per subtask (`jobmanager.execution.attempts-history-size`). */
  readonly attemptsHistorySize?: number;
}

/** Called after the job changed status, synchronously, on the JobMaster's event loop. */
export type JobStatusListener = (from: JobStatus, to: JobStatus, timestamp: number, cause: Error | undefined) => void;

export interface ListenerRegistration {
  dispose(): void;
}

/** One channel a consumer subtask reads. */
export interface InputChannelDescriptor {
  readonly partitionId: ResultPartitionId;
  readonly producerVertexId: ExecutionVertexId;
  readonly subpartitionIndex: number;
}

/** One input gate of a consumer subtask (one per JobEdge of its JobVertex, in `JobVertex.inputs` order). */
export interface InputGateDescriptor {
  readonly dataSetId: string;
  readonly sourceJobVertexId: string;
  readonly partitioner: PartitionerKind;
  /** 0 for one-input heads; 1 or 2 for the inputs of a two-input head. */
  readonly typeNumber: number;
  readonly channels: readonly InputChannelDescriptor[];
}

/**
 * The JobGraph expanded to subtasks and attempts (Flink's ExecutionGraph): an ExecutionJobVertex per
 * JobVertex, an ExecutionVertex per subtask, an Execution per attempt, and per data set one partition
 * per producer subtask wired to its consumers. Owned by the JobMaster's event loop; listeners are called
 * synchronously in registration order.
 */
export class ExecutionGraph {
  private status = JobStatus.CREATED;
  private readonly statusTimestamps: Partial<Record<JobStatus, number>> = {};
  private failure: Error | undefined;
  private readonly jobVertices = new Map<string, ExecutionJobVertex>();
  private readonly vertices = new Map<ExecutionVertexId, ExecutionVertex>();
  private readonly results = new Map<string, IntermediateResult>();
  private readonly partitions = new Map<ResultPartitionId, IntermediateResultPartition>();
  private readonly gates = new Map<ExecutionVertexId, InputGateDescriptor[]>();
  private readonly producedPartitions = new Map<ExecutionVertexId, IntermediateResultPartition[]>();
  private readonly executionsByAttemptId = new Map<string, Execution>();
  private readonly jobStatusListeners = new Set<JobStatusListener>();
  private readonly executionListeners = new Set<ExecutionStateListener>();
  private readonly clock: Clock;

  constructor(
    readonly jobGraph: JobGraph,
    options: ExecutionGraphOptions,
  ) {
    this.clock = options.clock;
    this.statusTimestamps[JobStatus.CREATED] = this.clock.currentTimeMillis();
    const context: ExecutionVertexContext = {
      clock: this.clock,
      executionGraphId: options.executionGraphId ?? jobGraph.jobId,
      maxPriorAttempts: options.attemptsHistorySize ?? DEFAULT_ATTEMPTS_HISTORY_SIZE,
      onStateChange: (execution, from, to) => {
        for (const l of [...this.executionListeners]) l(execution, from, to);
      },
      onNewExecution: (execution, replaced) => {
        if (replaced) this.executionsByAttemptId.delete(replaced.attemptId);
        this.executionsByAttemptId.set(execution.attemptId, execution);
      },
    };
    this.build(context);
  }

  get jobId(): string {
    return this.jobGraph.jobId;
  }

  get jobName(): string {
    return this.jobGraph.jobName;
  }

  get state(): JobStatus {
    return this.status;
  }

  /** Cause given with the last transition to FAILING or FAILED. */
  get failureCause(): Error | undefined {
    return this.failure;
  }

  getStatusTimestamp(status: JobStatus): number | undefined {
    return this.statusTimestamps[status];
  }

  /** Moves the job along Flink's JobStatus machine; illegal moves throw IllegalStateTransitionError. */
  transitionJobStatus(to: JobStatus, cause?: Error): void {
    const from = this.status;
    checkJobTransition(from, to);
    const now = this.clock.currentTimeMillis();
    this.status = to;
    this.statusTimestamps[to] = now;
    if ((to === JobStatus.FAILING || to === JobStatus.FAILED) && cause !== undefined) this.failure = cause;
    for (const l of [...this.jobStatusListeners]) l(from, to, now, cause);
  }

  addJobStatusListener(listener: JobStatusListener): ListenerRegistration {
    this.jobStatusListeners.add(listener);
    return { dispose: () => this.jobStatusListeners.delete(listener) };
  }

  /** Listens to state changes of every attempt of every subtask. */
  addExecutionStateListener(listener: ExecutionStateListener): ListenerRegistration {
    this.executionListeners.add(listener);
    return { dispose: () => this.executionListeners.delete(listener) };
  }

  /** In the JobGraph's topological order. */
  getJobVertices(): readonly ExecutionJobVertex[] {
    return [...this.jobVertices.values()];
  }

  getJobVertex(jobVertexId: string): ExecutionJobVertex {
    const v = this.jobVertices.get(jobVertexId);
    assert(v, `no job vertex ${jobVertexId} in job ${this.jobId}`);
    return v;
  }

  /** Producers before consumers; subtasks of one job vertex by index. */
  getAllExecutionVertices(): readonly ExecutionVertex[] {
    return [...this.vertices.values()];
  }

  findExecutionVertex(vertexId: ExecutionVertexId): ExecutionVertex | undefined {
    return this.vertices.get(vertexId);
  }

  getExecutionVertex(vertexId: ExecutionVertexId): ExecutionVertex {
    const v = this.vertices.get(vertexId);
    assert(v, `no execution vertex ${vertexId} in job ${this.jobId}`);
    return v;
  }

  /** The current attempt with this id; prior (replaced) attempts are not found. */
  findCurrentExecution(attemptId: string): Execution | undefined {
    return this.executionsByAttemptId.get(attemptId);
  }

  getIntermediateResult(dataSetId: string): IntermediateResult {
    const r = this.results.get(dataSetId);
    assert(r, `no intermediate result ${dataSetId} in job ${this.jobId}`);
    return r;
  }

  getResultPartition(partitionId: ResultPartitionId): IntermediateResultPartition {
    const p = this.partitions.get(partitionId);
    assert(p, `no result partition ${partitionId} in job ${this.jobId}`);
    return p;
  }

  getNumSubpartitions(partitionId: ResultPartitionId): number {
    return this.getResultPartition(partitionId).numberOfSubpartitions;
  }

  /** Consumer of each subpartition, by subpartition index. */
  getPartitionConsumers(partitionId: ResultPartitionId): readonly ExecutionVertexId[] {
    return this.getResultPartition(partitionId).consumers;
  }

  /** The input gates of a subtask, in `JobVertex.inputs` order, each with its channels in read order. */
  getInputChannels(vertexId: ExecutionVertexId): readonly InputGateDescriptor[] {
    const g = this.gates.get(vertexId);
    assert(g, `no execution vertex ${vertexId} in job ${this.jobId}`);
    return g;
  }

  /** Partitions this subtask reads, in gate and channel order, without duplicates. */
  getConsumedPartitions(vertexId: ExecutionVertexId): readonly ResultPartitionId[] {
    const ids = this.getInputChannels(vertexId).flatMap((g) => g.channels.map((c) => c.partitionId));
    return [...new Set(ids)];
  }

  /** Partitions this subtask writes, in `JobVertex.producedDataSets` order. */
  getProducedPartitions(vertexId: ExecutionVertexId): readonly IntermediateResultPartition[] {
    const p = this.producedPartitions.get(vertexId);
    assert(p, `no execution vertex ${vertexId} in job ${this.jobId}`);
    return p;
  }

  private build(context: ExecutionVertexContext): void {
    const byId = new Map<string, JobVertexDescriptor>(this.jobGraph.vertices.map((v) => [v.id, v]));
    const consumerEdges = new Map<string, JobEdgeDescriptor>();
    for (const v of this.jobGraph.vertices) {
      for (const e of v.inputs) {
        if (consumerEdges.has(e.dataSetId)) throw new JobBuildError(`Invalid job graph: data set ${e.dataSetId} has more than one consumer`);
        if (!byId.has(e.sourceVertexId)) throw new JobBuildError(`Invalid job graph: vertex '${v.name}' consumes from unknown vertex ${e.sourceVertexId}`);
        consumerEdges.set(e.dataSetId, e);
      }
    }
    const wirings = new Map<string, EdgeWiring>();

    for (const jv of this.jobGraph.vertices) {
      const subtasks = Array.from({ length: jv.parallelism }, (_, i) => new ExecutionVertex(jv, i, context));
      const produced: IntermediateResult[] = [];
      for (const ds of jv.producedDataSets) {
        const edge = consumerEdges.get(ds.id);
        if (!edge) throw new JobBuildError(`Invalid job graph: data set ${ds.id} of vertex '${jv.name}' has no consumer`);
        const consumer = byId.get(edge.targetVertexId) as JobVertexDescriptor;
        const wiring = wireEdge(edge.distributionPattern, jv.parallelism, consumer.parallelism);
        wirings.set(ds.id, wiring);
        const partitions = subtasks.map(
          (sv, i) =>
            new IntermediateResultPartition(ds.id, i, sv.id, ds.resultPartitionType, wiring.consumersOfProducer[i].map((c) => `${consumer.id}_${c}`)),
        );
        const result = new IntermediateResult(ds, edge, partitions);
        produced.push(result);
        this.results.set(ds.id, result);
        for (const p of partitions) this.partitions.set(p.id, p);
      }
      const inputs = jv.inputs.map((e) => {
        const r = this.results.get(e.dataSetId);
        if (!r) throw new JobBuildError(`Invalid job graph: vertex '${jv.name}' comes before its input data set ${e.dataSetId} is produced`);
        return r;
      });
      for (const sv of subtasks) {
        this.vertices.set(sv.id, sv);
        this.producedPartitions.set(sv.id, produced.map((r) => r.partitions[sv.subtaskIndex]));
        this.gates.set(sv.id, jv.inputs.map((e, gate) => this.gateOf(e, inputs[gate], wirings.get(e.dataSetId) as EdgeWiring, sv.subtaskIndex)));
      }
      this.jobVertices.set(jv.id, new ExecutionJobVertex(jv, subtasks, produced, inputs));
    }
  }

  private gateOf(edge: JobEdgeDescriptor, result: IntermediateResult, wiring: EdgeWiring, subtask: number): InputGateDescriptor {
    return {
      dataSetId: edge.dataSetId,
      sourceJobVertexId: edge.sourceVertexId,
      partitioner: edge.partitioner,
      typeNumber: edge.typeNumber,
      channels: wiring.channelsOfConsumer[subtask].map((ch) => {
        const partition = result.partitions[ch.producer];
        return { partitionId: partition.id, producerVertexId: partition.producerVertexId, subpartitionIndex: ch.subpartition };
      }),
    };
  }
}
