import {
  MAX_WATERMARK,
  type Accumulator,
  type Configuration,
  type KeyedStateStore,
  type ValueStateDescriptor,
  type ValueState,
  type ListStateDescriptor,
  type ListState,
  type MapStateDescriptor,
  type MapState,
  type ReducingStateDescriptor,
  type ReducingState,
  type AggregatingStateDescriptor,
  type AggregatingState,
  type RuntimeContext,
  type StateDescriptor,
} from '@flott/core';
import { InMemoryKeyedStateBackend } from '@flott/runtime/testing';
import {
  type CollectingJobClient,
  type CollectingJobExecutionResult,
  type ExecuteOptions,
  type ExecutionContext,
} from '@flott/runtime';
import { JobExecutionError, JobStatus, ManualClock } from '@flott/runtime/common';
import {
  DefaultKeyedStateStore,
  HeapInternalTimeServiceManager,
  NON_KEYED_STATE_STORE,
  DefaultOperatorStateStore,
  InputStatus,
  isCollectBatchEvent,
  SourceCoordinator,
  isTwoInputOperator,
  type AvailabilityProvider,
  type OneInputStreamOperator,
  type SourceOperator,
  type StreamEdge,
  type StreamGraph,
  type StreamNode,
  type StreamOperator,
} from '@flott/runtime/internal';
import { type KeyedStateBackend } from '@flott/runtime/spi';

/**
 * Test fixture: an ExecutionContext that runs a StreamGraph in this thread, every subtask of every
 * node, routing records by the edges' partitioners with direct calls. It stands in for the
 * MiniCluster so API tests can check end-to-end results. Simplifications: user function objects are
 * shared by the subtasks of a node (the real runtime runs one subtask per slot thread); shuffle is
 * round-robin; watermarks go to every downstream subtask unaligned. Keyed operators get timers on the
 * context's ManualClock, two-input operators get each input's records and watermarks, and bounded
 * sources end event time with MAX_WATERMARK, as tasks do.
 */
export class LocalTestContext implements ExecutionContext {
  readonly mode = 'client' as const;
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly graphs: StreamGraph[] = [];
  readonly options: ExecuteOptions[] = [];
  readonly clock = new ManualClock(0);

  constructor(
    readonly args: readonly string[] = [],
    readonly defaultParallelism?: number,
    readonly configuration?: Configuration,
  ) {}

  async executeAsync(graph: StreamGraph, options: ExecuteOptions): Promise<CollectingJobClient> {
    this.graphs.push(graph);
    this.options.push(options);
    return new LocalJobClient(`local-${this.graphs.length}`, graph.jobName, new LocalRun(graph, options, this));
  }
}

/** The job client of a local run: the run starts at once; cancel() stops its sources at their next poll. */
class LocalJobClient implements CollectingJobClient {
  private status = JobStatus.RUNNING;
  private readonly result: Promise<CollectingJobExecutionResult>;

  constructor(
    private readonly jobId: string,
    jobName: string,
    private readonly localRun: LocalRun,
  ) {
    this.result = localRun.run().then(
      (collected) => {
        if (localRun.canceled) throw this.ended(JobStatus.CANCELED, `Job '${jobName}' (${jobId}) CANCELED`);
        this.status = JobStatus.FINISHED;
        return { jobId, jobName, netRuntimeMs: 0, accumulators: {}, collected };
      },
      (e: unknown) => {
        throw this.ended(JobStatus.FAILED, `Job '${jobName}' (${jobId}) FAILED: ${(e as Error)?.message ?? String(e)}`, e);
      },
    );
    // Not swallowed: getJobExecutionResult() hands out this promise; a test that never asks must not see an unhandled rejection.
    this.result.catch(() => undefined);
  }

  getJobID(): string {
    return this.jobId;
  }
  async getJobStatus(): Promise<JobStatus> {
    return this.status;
  }
  async cancel(): Promise<void> {
    this.localRun.canceled = true;
  }
  getJobExecutionResult(): Promise<CollectingJobExecutionResult> {
    return this.result;
  }
  async triggerSavepoint(): Promise<string> {
    throw new Error('Assertion failed: the in-process API fixture takes no savepoints (it runs no checkpoint coordinator)');
  }
  async stopWithSavepoint(): Promise<string> {
    return this.triggerSavepoint();
  }

  private ended(status: JobStatus, message: string, cause?: unknown): JobExecutionError {
    this.status = status;
    return new JobExecutionError(this.jobId, message, { cause });
  }
}

interface Subtask {
  readonly node: StreamNode;
  readonly index: number;
  readonly operator: StreamOperator<unknown>;
  readonly backend?: InMemoryKeyedStateBackend;
  readonly timers?: HeapInternalTimeServiceManager;
}

const MAX_PARALLELISM = 128;

class LocalRun {
  private readonly subtasks = new Map<number, Subtask[]>();
  private readonly providers: AvailabilityProvider[] = [];
  private readonly collected = new Map<string, unknown[]>();
  private readonly roundRobin = new Map<string, number>();
  private collectedCount = 0;
  /** The enumerators of unified sources (`fromSource`), by node id, as the JobMaster would run them. */
  private readonly coordinators = new Map<number, SourceCoordinator>();
  private readonly coordinatorFailures: Error[] = [];
  /** Set by the job client: the sources stop at their next poll, as on cancellation. */
  canceled = false;

  constructor(
    private readonly graph: StreamGraph,
    private readonly options: ExecuteOptions,
    private readonly ctx: LocalTestContext,
  ) {
    for (const id of options.collectSinkIds ?? []) this.collected.set(id, []);
  }

  async run(): Promise<Map<string, unknown[]>> {
    const nodes = [...this.graph.nodes.values()].sort((a, b) => a.id - b.id);
    for (const node of nodes) {
      const p = this.graph.parallelismOf(node);
      if (node.unifiedSource) this.coordinators.set(node.id, this.createCoordinator(node, p));
      this.subtasks.set(node.id, Array.from({ length: p }, (_, i) => this.createSubtask(node, i, p)));
    }
    for (const c of this.coordinators.values()) c.start();
    const all = nodes.flatMap((n) => this.subtasks.get(n.id) ?? []);
    try {
      for (const s of [...all].reverse()) {
        // As a task does: initializeState (nothing restored) before open.
        await s.operator.initializeState?.({ isRestored: () => false, operatorStateStore: new DefaultOperatorStateStore() });
        await s.operator.open();
      }
      const sources = all.filter((s) => s.node.isSource);
      await this.pollSources(sources);
      if (this.coordinatorFailures.length > 0) throw this.coordinatorFailures[0];
      if (!this.limitReached()) {
        // As a source task does at the end of its input: event time ends.
        for (const s of sources) this.emitWatermark(s.node, MAX_WATERMARK);
        for (const s of all) await s.operator.finish();
      }
    } finally {
      for (const c of this.coordinators.values()) await c.close();
      for (const s of all) {
        await s.operator.close();
        s.timers?.dispose();
        s.backend?.dispose();
      }
    }
    return this.collected;
  }

  private limitReached(): boolean {
    return this.canceled || (this.options.collectLimit !== undefined && this.collectedCount >= this.options.collectLimit);
  }

  private async pollSources(sources: Subtask[]): Promise<void> {
    let active = sources.map((s) => s.operator as SourceOperator<unknown>);
    while (active.length > 0 && !this.limitReached()) {
      const blocked = this.providers.find((p) => !p.isAvailable());
      if (blocked) {
        await blocked.whenAvailable();
        continue;
      }
      const stillActive: SourceOperator<unknown>[] = [];
      const waiting: SourceOperator<unknown>[] = [];
      let progressed = false;
      for (const source of active) {
        const status = source.pollNext(100);
        if (status !== InputStatus.END_OF_INPUT) stillActive.push(source);
        if (status === InputStatus.NOTHING_AVAILABLE) waiting.push(source);
        else progressed = true;
      }
      active = stillActive;
      if (!progressed && waiting.length > 0) {
        // Work scheduled for now (an enumerator's callAsync listing files) runs, as on a real scheduler.
        this.ctx.clock.advance(0);
        await Promise.race(waiting.map((s) => s.available()));
      }
    }
    // As the JobMaster does once enough records were collected: cancel instead of finishing.
    for (const s of active) s.cancel();
  }

  /** Events go each way after a microtask turn, as through the gateways and the task's mailbox. */
  private createCoordinator(node: StreamNode, parallelism: number): SourceCoordinator {
    return new SourceCoordinator({
      source: node.unifiedSource!,
      clock: this.ctx.clock,
      scheduler: this.ctx.clock,
      context: {
        operatorId: String(node.id),
        operatorName: node.name,
        parallelism,
        sendEventToTask: async (attemptId, event) => {
          await Promise.resolve();
          this.subtasks.get(node.id)?.[Number(attemptId)]?.operator.handleOperatorEvent?.(event);
        },
        failJob: (cause) => this.coordinatorFailures.push(cause),
      },
    });
  }

  private createSubtask(node: StreamNode, index: number, parallelism: number): Subtask {
    const operator = node.operatorFactory();
    const backend = node.stateKeySelector ? new InMemoryKeyedStateBackend({ startKeyGroup: 0, endKeyGroup: MAX_PARALLELISM - 1 }) : undefined;
    const timers = backend ? new HeapInternalTimeServiceManager({ keyedStateBackend: backend, clock: this.ctx.clock, scheduler: this.ctx.clock }) : undefined;
    const subtask: Subtask = { node, index, operator, backend, timers };
    operator.setup({
      output: {
        collect: (value, timestamp) => this.emit(node, index, undefined, value, timestamp),
        collectSide: (tag, value, timestamp) => this.emit(node, index, tag, value, timestamp),
        emitWatermark: (wm) => this.emitWatermark(node, wm),
      },
      runtimeContext: new LocalRuntimeContext(
        node.name,
        index,
        parallelism,
        backend ? new DefaultKeyedStateStore(backend, this.ctx.clock) : NON_KEYED_STATE_STORE,
      ),
      operatorId: String(node.id),
      operatorName: node.name,
      clock: this.ctx.clock,
      scheduler: this.ctx.clock,
      currentWatermark: () => Number.MIN_SAFE_INTEGER,
      stdout: (line) => this.ctx.stdout.push(line),
      stderr: (line) => this.ctx.stderr.push(line),
      sendOperatorEvent: async (event) => {
        const coordinator = this.coordinators.get(node.id);
        // The subtask index stands for the attempt: a local run has one attempt per subtask.
        if (coordinator) return coordinator.handleEventFromOperator(index, String(index), event);
        if (!isCollectBatchEvent(event)) throw new Error(`unexpected operator event ${JSON.stringify(event)}`);
        this.collected.get(event.sinkId)?.push(...event.records);
        this.collectedCount += event.records.length;
        return undefined;
      },
      keyedStateBackend: backend,
      timeServiceManager: timers,
      registerAvailabilityProvider: (p) => this.providers.push(p),
    });
    return subtask;
  }

  private emit(node: StreamNode, index: number, tag: string | undefined, value: unknown, timestamp: number): void {
    for (const edge of node.outEdges) {
      if (edge.sideOutputTag !== tag) continue;
      const targets = this.subtasks.get(edge.targetId) ?? [];
      for (const t of this.targetsOf(edge, index, this.graph.parallelismOf(node), targets.length, value)) {
        const target = targets[t];
        const op = target.operator;
        const second = edge.typeNumber === 2;
        const selector = second ? target.node.stateKeySelector2 : target.node.stateKeySelector;
        if (target.backend && selector) target.backend.setCurrentKey(selector(value));
        if (!isTwoInputOperator(op)) (op as OneInputStreamOperator<unknown, unknown>).processElement(value, timestamp);
        else if (second) op.processElement2(value, timestamp);
        else op.processElement1(value, timestamp);
      }
    }
  }

  private emitWatermark(node: StreamNode, watermark: number): void {
    for (const edge of node.outEdges) {
      for (const { operator: op } of this.subtasks.get(edge.targetId) ?? []) {
        if (!isTwoInputOperator(op)) (op as OneInputStreamOperator<unknown, unknown>).processWatermark(watermark);
        else if (edge.typeNumber === 2) op.processWatermark2(watermark);
        else op.processWatermark1(watermark);
      }
    }
  }

  private targetsOf(edge: StreamEdge, source: number, sourceP: number, targetP: number, value: unknown): number[] {
    const next = (candidates: number[]): number[] => {
      const key = `${edge.id}/${source}`;
      const n = this.roundRobin.get(key) ?? source;
      this.roundRobin.set(key, n + 1);
      return [candidates[n % candidates.length]];
    };
    switch (edge.partitioner.kind) {
      case 'forward':
        return [source];
      case 'global':
        return [0];
      case 'broadcast':
        return Array.from({ length: targetP }, (_, i) => i);
      case 'rebalance':
      case 'shuffle':
        return next(Array.from({ length: targetP }, (_, i) => i));
      case 'rescale': {
        const mine = Array.from({ length: targetP }, (_, i) => i).filter((t) => Math.floor((t * sourceP) / targetP) === source);
        return mine.length > 0 ? next(mine) : [Math.floor((source * targetP) / sourceP)];
      }
      case 'hash': {
        const selector = edge.partitioner.keySelector;
        if (!selector) throw new Error('hash partitioner without key selector');
        const keyGroup = stringHash(JSON.stringify(selector(value)) ?? 'undefined') % MAX_PARALLELISM;
        return [Math.floor((keyGroup * targetP) / MAX_PARALLELISM)];
      }
    }
  }
}

function stringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h >>> 0;
}

class LocalRuntimeContext implements RuntimeContext {
  private readonly accumulators = new Map<string, Accumulator<unknown>>();
  constructor(
    private readonly taskName: string,
    private readonly index: number,
    private readonly parallelism: number,
    private readonly keyedState: KeyedStateStore,
  ) {}
  getState<T>(d: ValueStateDescriptor<T>): ValueState<T> {
    return this.keyedState.getState(d);
  }
  getListState<T>(d: ListStateDescriptor<T>): ListState<T> {
    return this.keyedState.getListState(d);
  }
  getMapState<K, V>(d: MapStateDescriptor<K, V>): MapState<K, V> {
    return this.keyedState.getMapState(d);
  }
  getReducingState<T>(d: ReducingStateDescriptor<T>): ReducingState<T> {
    return this.keyedState.getReducingState(d);
  }
  getAggregatingState<IN, ACC, OUT>(d: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT> {
    return this.keyedState.getAggregatingState(d);
  }
  getJobId(): string {
    return 'local';
  }
  getTaskName(): string {
    return this.taskName;
  }
  getIndexOfThisSubtask(): number {
    return this.index;
  }
  getNumberOfParallelSubtasks(): number {
    return this.parallelism;
  }
  getMaxNumberOfParallelSubtasks(): number {
    return MAX_PARALLELISM;
  }
  getAttemptNumber(): number {
    return 0;
  }
  addAccumulator<V>(name: string, accumulator: Accumulator<V>): void {
    this.accumulators.set(name, accumulator as Accumulator<unknown>);
  }
  getAccumulator<V>(name: string): Accumulator<V> | undefined {
    return this.accumulators.get(name) as Accumulator<V> | undefined;
  }
}


