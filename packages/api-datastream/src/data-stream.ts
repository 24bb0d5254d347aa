import {
  JobBuildError,
  isSink,
  supportsCommitter,
  type RecordSerializer,
  type Sink,
  type WatermarkStrategyLike,
  type DurationLike,
  type FilterFunctionLike,
  type MapStateDescriptor,
  type FlatMapFunctionLike,
  type KeySelector,
  type MapFunctionLike,
  type OutputTag,
  type ProcessFunctionLike,
  type SinkFunctionLike,
  type Window,
  type WindowAssigner,
} from '@flott/core';
import type { PartitionerKind } from '@flott/runtime';
import { ClientOptions, ConnectorOptions } from '@flott/runtime/common';
import {
  CollectSink,
  TimestampsAndWatermarksOperator,
  PrintSink,
  ProcessOperator,
  StreamFilter,
  StreamFlatMap,
  StreamMap,
  StreamSink,
  SinkWriterOperator,
  CommitterOperator,
  collectSinkId,
  type OneInputStreamOperator,
  type StreamNode,
  type StreamOperator,
} from '@flott/runtime/internal';
import { TextFileSink, type WriteMode } from '@flott/connector-files';
import { BroadcastConnectedStream, BroadcastStream } from './broadcast-stream';
import { ConnectedStreams } from './connected-streams';
import { AllWindowedStream } from './windowing/all-windowed-stream';
import { CoGroupedStreams, JoinedStreams } from './windowing/joined-streams';
import type { GraphBuilder, OperatorSpec, StreamInput } from './graph-builder';
import type { SlotSharingGroup } from './slot-sharing-group';
import type { KeyedStream } from './keyed-stream';
import { markHandled } from './mark-handled';
import { nodeSettings } from './node-settings';
import type { StreamContext } from './stream-context';
import type { StreamExecutionEnvironment } from './stream-execution-environment';

/**
 * A stream of records of type T (Flink's DataStream). Every call adds operators to the job's
 * StreamGraph; nothing runs until `execute()`. Partitioning, `union` and side outputs are virtual:
 * they shape the edge to the next operator.
 */
export class DataStream<T> {
  /** Type-level only (never set): keeps streams of different element types apart, also in the emitted .d.ts. */
  declare readonly __type?: T;

  /** @internal Streams are created by the environment and by other streams. */
  constructor(
    protected readonly context: StreamContext,
    protected readonly inputs: readonly StreamInput[],
  ) {
    if (inputs.length === 0) throw new Error('Assertion failed: a stream needs at least one input');
  }

  getExecutionEnvironment(): StreamExecutionEnvironment {
    return this.context.environment;
  }

  /** Id of the stream node that produces this stream (the first one for a union). */
  getId(): number {
    return this.inputs[0].nodeId;
  }

  /** Parallelism of the producing operator (-1: the environment default). */
  getParallelism(): number {
    return this.context.builder.getNode(this.getId()).parallelism;
  }

  map<R>(mapper: MapFunctionLike<T, R>): SingleOutputStreamOperator<R> {
    return this.transform('Map', () => new StreamMap(mapper), 'Map');
  }

  /** With a plain function, give the output type: `flatMap<string>((line, out) => ...)`. */
  flatMap<R>(flatMapper: FlatMapFunctionLike<T, R>): SingleOutputStreamOperator<R> {
    return this.transform('Flat Map', () => new StreamFlatMap(flatMapper), 'FlatMap');
  }

  filter(filter: FilterFunctionLike<T>): SingleOutputStreamOperator<T> {
    return this.transform('Filter', () => new StreamFilter(filter), 'Filter');
  }

  /** Runs a ProcessFunction; side outputs it emits are read with `getSideOutput(tag)` on the result. */
  process<R>(fn: ProcessFunctionLike<T, R>): SingleOutputStreamOperator<R> {
    return this.transform('Process', () => new ProcessOperator(fn), 'Process');
  }

  /**
   * Assigns event timestamps and generates watermarks with `strategy` (usually a WatermarkStrategy);
   * chained to its input. Periodic watermarks follow `env.getConfig().setAutoWatermarkInterval(...)`,
   * by default `pipeline.auto-watermark-interval` (200 ms).
   */
  assignTimestampsAndWatermarks(strategy: WatermarkStrategyLike<T>): SingleOutputStreamOperator<T> {
    // Read when the task creates the operator: main has configured the environment by then.
    const env = this.getExecutionEnvironment();
    return this.transform(
      'Timestamps/Watermarks',
      () => new TimestampsAndWatermarksOperator<T>(strategy, env.getConfig().getAutoWatermarkInterval()),
      'TimestampsAndWatermarks',
    );
  }

  /** Windows over the whole stream (Flink's windowAll): the window operator runs with parallelism 1. */
  windowAll<W extends Window>(assigner: WindowAssigner<T, W>): AllWindowedStream<T, W> {
    return new AllWindowedStream<T, W>(this, assigner);
  }

  /** Window join: `a.join(b).where(ka).equalTo(kb).window(assigner).apply(joinFunction)`. */
  join<T2>(other: DataStream<T2>): JoinedStreams<T, T2> {
    return new JoinedStreams<T, T2>(this, other);
  }

  /** Window co-group: `a.coGroup(b).where(ka).equalTo(kb).window(assigner).apply(coGroupFunction)`. */
  coGroup<T2>(other: DataStream<T2>): CoGroupedStreams<T, T2> {
    return new CoGroupedStreams<T, T2>(this, other);
  }

  /** Partitions by key: records with equal keys go to the same subtask, and keyed operators keep state per key. */
  keyBy<K>(key: KeySelector<T, K> | ((value: T) => K)): KeyedStream<T, K> {
    const selector: (value: T) => K = typeof key === 'function' ? key : (v) => key.getKey(v);
    return this.context.keyedStream(this.inputs, selector);
  }

  /** Merges streams of the same type (Flink's union: no deduplication, no order between inputs). */
  union(...streams: DataStream<T>[]): DataStream<T> {
    for (const s of streams) {
      if (s.context !== this.context) throw new JobBuildError('union(): all streams must come from the same StreamExecutionEnvironment');
    }
    return new DataStream<T>(this.context, [...this.inputs, ...streams.flatMap((s) => s.inputs)]);
  }

  /** Round-robin to all downstream subtasks. */
  rebalance(): DataStream<T> {
    return this.partitioned('rebalance');
  }
  /** Round-robin to a local subset of downstream subtasks. */
  rescale(): DataStream<T> {
    return this.partitioned('rescale');
  }
  /** Uniformly random downstream subtask. */
  shuffle(): DataStream<T> {
    return this.partitioned('shuffle');
  }
  /**
   * Every record to every downstream subtask. With MapStateDescriptors: a BroadcastStream for the
   * broadcast state pattern (`events.connect(rules.broadcast(descriptor)).process(...)`).
   */
  broadcast(): DataStream<T>;
  broadcast(...descriptors: [MapStateDescriptor<unknown, unknown>, ...MapStateDescriptor<unknown, unknown>[]]): BroadcastStream<T>;
  broadcast(...descriptors: MapStateDescriptor<unknown, unknown>[]): DataStream<T> | BroadcastStream<T> {
    if (descriptors.length === 0) return this.partitioned('broadcast');
    return new BroadcastStream<T>(this.context, this.inputs.map((i) => ({ ...i, partitioner: { kind: 'broadcast' } })), descriptors);
  }

  /**
   * Connects two streams for a two-input function (CoMap, CoFlatMap, CoProcess; keyed when both are
   * keyed), or this stream with a BroadcastStream for the broadcast state pattern.
   */
  connect<R>(other: DataStream<R>): ConnectedStreams<T, R>;
  connect<R>(other: BroadcastStream<R>): BroadcastConnectedStream<T, R>;
  connect<R>(other: DataStream<R> | BroadcastStream<R>): ConnectedStreams<T, R> | BroadcastConnectedStream<T, R> {
    const otherContext = other instanceof BroadcastStream ? other.context : other.context;
    if (otherContext !== this.context) throw new JobBuildError('connect(): both streams must come from the same StreamExecutionEnvironment');
    if (other instanceof BroadcastStream) {
      const wiring = { context: this.context, inputs1: this.inputs, inputs2: other.inputs, keySelector1: this.stateKeySelector() };
      return new BroadcastConnectedStream<T, R>(wiring, other.descriptors);
    }
    return new ConnectedStreams<T, R>(this, other, {
      context: this.context,
      inputs1: this.inputs,
      inputs2: other.inputs,
      keySelector1: this.stateKeySelector(),
      keySelector2: other.stateKeySelector(),
    });
  }
  /** To the downstream subtask with the same index; needs equal parallelism. */
  forward(): DataStream<T> {
    return this.partitioned('forward');
  }
  /** Everything to the first downstream subtask. */
  global(): DataStream<T> {
    return this.partitioned('global');
  }

  /** Writes each record to the TaskManager's stdout, prefixed as Flink's print sink does. */
  print(sinkIdentifier = ''): DataStreamSink<T> {
    return this.sink('Print to Std. Out', 'PrintSink', () => new PrintSink<T>(sinkIdentifier, 'stdout'));
  }

  printToErr(sinkIdentifier = ''): DataStreamSink<T> {
    return this.sink('Print to Std. Err', 'PrintSink', () => new PrintSink<T>(sinkIdentifier, 'stderr'));
  }

  /** One line per record; at parallelism > 1 `path` becomes a directory with files "1".."n". */
  writeAsText(path: string, writeMode: WriteMode = 'NO_OVERWRITE'): DataStreamSink<T> {
    const bufferSize = this.context.configuration.get(ConnectorOptions.FILE_SINK_WRITE_BUFFER_SIZE);
    return this.sink('Unnamed', 'TextFileSink', () => new TextFileSink<T>(path, writeMode, bufferSize));
  }

  addSink(sinkFunction: SinkFunctionLike<T>): DataStreamSink<T> {
    return this.sink('Unnamed', 'Sink', () => new StreamSink(sinkFunction));
  }

  /**
   * Writes to a Sink (Flink's Sink V2): a writer operator "Sink: Writer" and, for a two-phase-commit
   * sink (one with `createCommitter`), a committer operator "Sink: Committer" chained to it with the
   * same parallelism. A SinkFunction is still taken (by shape) and runs as `addSink` does.
   */
  sinkTo(sink: Sink<T> | SinkFunctionLike<T>): DataStreamSink<T> {
    if (!isSink(sink)) return this.addSink(sink);
    const writer = this.context.builder.addNode(this.operatorSpec(`Sink: ${SINK_WRITER}`, 'SinkWriter', () => new SinkWriterOperator<T>(sink)), this.inputs);
    if (!supportsCommitter(sink)) return new DataStreamSink<T>(this.context.builder, writer, 'Sink', true);
    const retries = this.context.configuration.get(ConnectorOptions.SINK_COMMITTER_RETRIES);
    // Not keyed, even after keyBy: committables are not records of the user's key.
    const committer = this.context.builder.addNode(
      { name: `Sink: ${SINK_COMMITTER}`, kind: 'SinkCommitter', operatorFactory: () => new CommitterOperator(sink, retries) },
      [{ nodeId: writer.id }],
    );
    return new DataStreamSink<T>(this.context.builder, writer, 'Sink', true, committer);
  }

  /**
   * Runs the job and returns what reached this stream (at most `limit` records; the job is cancelled
   * once that many arrived). The records come through a collect sink with parallelism 1.
   */
  executeAndCollect(limit: number): Promise<T[]>;
  executeAndCollect(jobName?: string, limit?: number): Promise<T[]>;
  executeAndCollect(jobNameOrLimit?: string | number, maybeLimit?: number): Promise<T[]> {
    return markHandled(this.collect(jobNameOrLimit, maybeLimit));
  }

  private async collect(jobNameOrLimit?: string | number, maybeLimit?: number): Promise<T[]> {
    const jobName = typeof jobNameOrLimit === 'string' ? jobNameOrLimit : undefined;
    const limit = typeof jobNameOrLimit === 'number' ? jobNameOrLimit : maybeLimit;
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
      throw new JobBuildError(`executeAndCollect(): limit must be an integer >= 0, got ${limit}`);
    }
    const config = this.context.configuration;
    const options = {
      batchSize: config.get(ClientOptions.COLLECT_BATCH_MAX_RECORDS),
      maxPendingBatches: config.get(ClientOptions.COLLECT_MAX_PENDING_BATCHES),
    };
    let sinkId = '';
    const sink = this.sink('Data stream collect sink', 'CollectSink', () => new CollectSink<T>(sinkId, options));
    sink.setParallelism(1);
    sinkId = collectSinkId(sink.getId());
    const result = await this.context.execute(jobName, { collectSinkIds: [sinkId], collectLimit: limit });
    const records = (result.collected.get(sinkId) ?? []) as T[];
    return limit !== undefined && records.length > limit ? records.slice(0, limit) : records;
  }

  /** Adds a custom one-input operator (Flink's `transform`); `kind` identifies the operator class. */
  transform<R>(operatorName: string, operatorFactory: () => OneInputStreamOperator<T, R>, kind = operatorName): SingleOutputStreamOperator<R> {
    return this.transformWith(operatorName, operatorFactory, kind, {});
  }

  /** `transform` with more of the node's spec (e.g. a keyed aggregation's input combiner). */
  protected transformWith<R>(
    operatorName: string, operatorFactory: () => OneInputStreamOperator<T, R>, kind: string, extra: Pick<OperatorSpec, 'inputCombiner'>,
  ): SingleOutputStreamOperator<R> {
    const node = this.context.builder.addNode({ ...this.operatorSpec(operatorName, kind, operatorFactory), ...extra }, this.inputs);
    return new SingleOutputStreamOperator<R>(this.context, node, '');
  }

  /** Keyed streams return their key selector: operators after keyBy get keyed state. */
  protected stateKeySelector(): ((value: unknown) => unknown) | undefined {
    return undefined;
  }

  private operatorSpec(name: string, kind: string, factory: () => StreamOperator<unknown>): OperatorSpec {
    return { name, kind, operatorFactory: factory, stateKeySelector: this.stateKeySelector() };
  }

  private sink(name: string, kind: string, factory: () => OneInputStreamOperator<T, unknown>): DataStreamSink<T> {
    const node = this.context.builder.addNode(this.operatorSpec(`Sink: ${name}`, kind, factory), this.inputs);
    return new DataStreamSink<T>(this.context.builder, node, name);
  }

  private partitioned(kind: Exclude<PartitionerKind, 'hash'>): DataStream<T> {
    return new DataStream<T>(this.context, this.inputs.map((i) => ({ ...i, partitioner: { kind } })));
  }
}

/** Flink's names of a Sink V2's operators, after the sink's name. */
const SINK_WRITER = 'Writer';
const SINK_COMMITTER = 'Committer';

/** A stream produced by one operator, whose settings can be changed (Flink's SingleOutputStreamOperator). */
export class SingleOutputStreamOperator<T> extends DataStream<T> {
  /** @internal */
  constructor(
    context: StreamContext,
    protected readonly node: StreamNode,
    /** "Source: " / "" — kept in front of names set with `name()`, as Flink's graph shows them. */
    private readonly namePrefix: string,
  ) {
    super(context, [{ nodeId: node.id }]);
  }

  getName(): string {
    return this.node.name.slice(this.namePrefix.length);
  }

  name(name: string): this {
    this.node.name = this.namePrefix + name;
    return this;
  }

  /** Stable operator id for state across job versions (must be unique in the job). */
  uid(uid: string): this {
    nodeSettings.setUid(this.node, uid);
    return this;
  }

  setParallelism(parallelism: number): this {
    nodeSettings.setParallelism(this.node, parallelism);
    return this;
  }

  setMaxParallelism(maxParallelism: number): this {
    nodeSettings.setMaxParallelism(this.node, maxParallelism);
    return this;
  }

  /** Puts the operator into slot sharing group `group` (a name, or a SlotSharingGroup with the resources its slots need). */
  slotSharingGroup(group: string | SlotSharingGroup): this {
    nodeSettings.setSlotSharingGroup(this.node, registerSlotSharingGroup(this.context.builder, group));
    return this;
  }

  /** Begins a new chain at this operator (it may still chain to its successors). */
  startNewChain(): this {
    this.node.chainingStrategy = 'HEAD';
    return this;
  }

  /** Never chains this operator to its predecessor or successors. */
  disableChaining(): this {
    this.node.chainingStrategy = 'NEVER';
    return this;
  }

  /** Longest wait before a partly filled network buffer of this operator is sent (milliseconds or a Duration); 0 sends after every record. */
  setBufferTimeout(timeout: DurationLike): this {
    nodeSettings.setBufferTimeout(this.node, timeout);
    return this;
  }

  /**
   * How this operator's records are serialised where they leave its task (Flink's
   * `returns(TypeInformation)`, whose type brings its serializer): e.g. `binaryCodecSerializer(codec)`
   * for a known record shape, ~2x faster than the default msgpack. Records passed on inside a chain
   * are never serialised; side outputs keep msgpack.
   */
  returns(serializer: RecordSerializer<T>): this {
    if (typeof serializer?.createEncoder !== 'function' || typeof serializer.createDecoder !== 'function') {
      throw new JobBuildError(`The serializer of '${this.node.name}' must have createEncoder() and createDecoder()`);
    }
    this.node.outputSerializer = serializer as RecordSerializer<unknown>;
    return this;
  }

  /** The records this operator emitted to the side output `tag`. */
  getSideOutput<X>(tag: OutputTag<X>): DataStream<X> {
    return new DataStream<X>(this.context, [{ nodeId: this.node.id, sideOutputTag: tag.id }]);
  }
}

/**
 * The end of a stream (Flink's DataStreamSink): a sink operator whose settings can be changed. For a
 * Sink V2 the settings apply to its writer and its committer alike (Flink's sink expansion): names
 * "<name>: Writer" / "<name>: Committer", the uid is the writer's and "Sink Committer: <uid>" the
 * committer's, parallelism and slot sharing are shared so the two stay chained.
 */
export class DataStreamSink<T> {
  /** Type-level only (never set). */
  declare readonly __type?: T;

  /** @internal */
  constructor(
    private readonly builder: GraphBuilder,
    private readonly node: StreamNode,
    private sinkName: string,
    private readonly sinkV2 = false,
    private readonly committer?: StreamNode,
  ) {}

  getId(): number {
    return this.node.id;
  }

  getName(): string {
    return this.sinkName;
  }

  name(name: string): this {
    this.sinkName = name;
    if (!this.sinkV2) {
      this.node.name = `Sink: ${name}`;
      return this;
    }
    this.node.name = `${name}: ${SINK_WRITER}`;
    if (this.committer) this.committer.name = `${name}: ${SINK_COMMITTER}`;
    return this;
  }

  uid(uid: string): this {
    nodeSettings.setUid(this.node, uid);
    if (this.committer) nodeSettings.setUid(this.committer, `Sink ${SINK_COMMITTER}: ${uid}`);
    return this;
  }

  setParallelism(parallelism: number): this {
    for (const node of this.nodes()) nodeSettings.setParallelism(node, parallelism);
    return this;
  }

  setMaxParallelism(maxParallelism: number): this {
    for (const node of this.nodes()) nodeSettings.setMaxParallelism(node, maxParallelism);
    return this;
  }

  slotSharingGroup(group: string | SlotSharingGroup): this {
    const name = registerSlotSharingGroup(this.builder, group);
    for (const node of this.nodes()) nodeSettings.setSlotSharingGroup(node, name);
    return this;
  }

  private nodes(): StreamNode[] {
    return this.committer ? [this.node, this.committer] : [this.node];
  }

  startNewChain(): this {
    this.node.chainingStrategy = 'HEAD';
    return this;
  }

  disableChaining(): this {
    this.node.chainingStrategy = 'NEVER';
    return this;
  }
}

/** The group's name, after its resources (if it declares some) were registered with the job. */
function registerSlotSharingGroup(builder: GraphBuilder, group: string | SlotSharingGroup): string {
  if (typeof group === 'string') return group;
  builder.registerSlotSharingGroup(group.getName(), group.resourceSpec);
  return group.getName();
}
