import {
  Configuration,
  DataGeneratorSource,
  FromElementsSource,
  JobBuildError,
  NumberSequenceSource,
  RateLimiterStrategy,
  isSource,
  toMillis,
  type ConfigOption,
  type DurationLike,
  type Source,
  type SourceSplit,
  type WatermarkStrategyLike,
} from '@flott/core';
import {
  type CollectingJobClient,
  type CollectingJobExecutionResult,
  type ExecuteOptions,
  type JobClient,
  type JobExecutionResult,
} from '@flott/runtime';
import { ConnectorOptions, CoreOptions } from '@flott/runtime/common';
import {
  SourceReaderOperator,
  getExecutionContext,
  type ExecutionConfigSnapshot,
  type SourceOperator,
  type StreamGraph,
} from '@flott/runtime/internal';
import { FileSource, SocketTextSource, TextLineInputFormat } from '@flott/connector-files';
import { MissingExecutionContextError } from './api-errors';
import { CheckpointConfig, type CheckpointingMode } from './checkpoint-config';
import { SingleOutputStreamOperator } from './data-stream';
import { ExecutionConfig } from './execution-config';
import { GraphBuilder, type StreamInput } from './graph-builder';
import type { SlotSharingGroup } from './slot-sharing-group';
import { KeyedStream } from './keyed-stream';
import { markHandled } from './mark-handled';
import { MAX_PARALLELISM_LIMIT } from './node-settings';
import type { StreamContext } from './stream-context';

export const DEFAULT_JOB_NAME = 'Flott Streaming Job';

export type RuntimeMode = 'STREAMING' | 'BATCH';

export interface AddSourceOptions {
  /** Pins the source to one subtask (like fromElements). */
  readonly nonParallel?: boolean;
  /** Identifies the source class in the graph ("Source" unless given). */
  readonly kind?: string;
}

export interface GeneratorOptions {
  /** Total records per second over all subtasks (unlimited if not given). */
  readonly recordsPerSecond?: number;
}

/**
 * Entry point of a job (Flink's StreamExecutionEnvironment): creates sources, holds job-wide
 * settings and runs the job with `execute()`. Building the pipeline never starts I/O, and the same
 * calls always build the same graph, because each task re-runs the job's main to rebuild it.
 */
export class StreamExecutionEnvironment {
  /** The job's configuration as this program sees it: the context's with what the program set on top. */
  readonly configuration: Configuration;
  /** What the program set itself: it ships with the job (ExecutionConfigSnapshot.jobConfiguration). */
  private readonly programConfiguration: Configuration;
  private parallelism!: number;
  private maxParallelism!: number;
  private bufferTimeoutMs!: number;
  private chainingEnabled!: boolean;
  private runtimeMode!: RuntimeMode;
  private readonly executionConfig: ExecutionConfig;
  private readonly checkpointConfig: CheckpointConfig;
  private readonly context: StreamContext;

  private constructor(fromContext: Configuration, fromProgram: Configuration) {
    this.configuration = fromContext.merge(fromProgram);
    this.programConfiguration = new Configuration().merge(fromProgram);
    const configuration = this.configuration;
    this.executionConfig = new ExecutionConfig(
      configuration.get(CoreOptions.AUTO_WATERMARK_INTERVAL),
      configuration.get(CoreOptions.OBJECT_REUSE),
      (enabled) => this.setJobOption(CoreOptions.OBJECT_REUSE, enabled),
    );
    this.readSettings(configuration, () => true);
    this.parallelism = getExecutionContext()?.defaultParallelism ?? this.parallelism;
    this.checkpointConfig = new CheckpointConfig({ get: (option) => configuration.get(option), set: (option, value) => this.setJobOption(option, value) });
    const builder = new GraphBuilder(() => this.snapshot());
    this.context = {
      environment: this,
      builder,
      configuration,
      keyedStream: <T, K>(inputs: readonly StreamInput[], keySelector: (value: T) => K) =>
        new KeyedStream<T, K>(this.context, inputs, keySelector),
      execute: (jobName, options) => this.run(jobName, options),
    };
  }

  /**
   * A new environment. Settings come from the execution context the CLI installed (`-p`, the
   * configuration file, `-D`), layered under `configuration` when given; `configuration` ships with
   * the job, as `configure()` does.
   */
  static getExecutionEnvironment(configuration?: Configuration): StreamExecutionEnvironment {
    const fromContext = getExecutionContext()?.configuration ?? new Configuration();
    return new StreamExecutionEnvironment(fromContext, configuration ?? new Configuration());
  }

  /**
   * Applies the options set in `configuration` to this job (Flink's configure): the environment's own
   * settings it holds (parallelism, buffer timeout, chaining, runtime mode, the auto-watermark interval,
   * checkpointing) change where `configuration` has them, and every entry ships with the job, so the
   * JobManager and the tasks see it as if given with `-D` (e.g. `execution.checkpointing.num-retained`,
   * `state.backend.type`). Entries the program sets override the configuration file and `-D`, as in Flink.
   */
  configure(configuration: Configuration): this {
    this.configuration.addAll(configuration);
    this.programConfiguration.addAll(configuration);
    this.readSettings(configuration, (option) => configuration.contains(option));
    if (configuration.contains(CoreOptions.OBJECT_REUSE)) {
      if (configuration.get(CoreOptions.OBJECT_REUSE)) this.executionConfig.enableObjectReuse();
      else this.executionConfig.disableObjectReuse();
    }
    return this;
  }

  /**
   * Enables periodic checkpoints every `interval` (milliseconds or a Duration, at least 10 ms; 0
   * disables them), in `mode` when given (exactly-once by default). Sets `execution.checkpointing.interval`
   * (and `.mode`) for this job.
   */
  enableCheckpointing(interval: DurationLike, mode?: CheckpointingMode): this {
    this.checkpointConfig.applyCheckpointInterval('StreamExecutionEnvironment.enableCheckpointing', interval);
    if (mode !== undefined) this.checkpointConfig.setCheckpointingConsistencyMode(mode);
    return this;
  }

  /** The job's checkpointing settings (Flink's CheckpointConfig); its setters configure this job. */
  getCheckpointConfig(): CheckpointConfig {
    return this.checkpointConfig;
  }

  /** Milliseconds between checkpoints; -1 when checkpointing is not enabled. */
  getCheckpointInterval(): number {
    return this.checkpointConfig.getCheckpointInterval();
  }

  getCheckpointingConsistencyMode(): CheckpointingMode {
    return this.checkpointConfig.getCheckpointingConsistencyMode();
  }

  /** @deprecated Flink 1.x: use getCheckpointingConsistencyMode(). */
  getCheckpointingMode(): CheckpointingMode {
    return this.checkpointConfig.getCheckpointingConsistencyMode();
  }

  /** Program arguments: the context's, or this process's when run without the CLI. */
  getArgs(): string[] {
    const ctx = getExecutionContext();
    return ctx ? [...ctx.args] : process.argv.slice(2);
  }

  /**
   * Declares the resources of slot sharing groups that operators name by string (Flink's
   * registerSlotSharingGroup); a group passed to `slotSharingGroup()` as an object needs no registration.
   */
  registerSlotSharingGroup(group: SlotSharingGroup): this {
    this.context.builder.registerSlotSharingGroup(group.getName(), group.resourceSpec);
    return this;
  }

  setParallelism(parallelism: number): this {
    if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > MAX_PARALLELISM_LIMIT) {
      throw new JobBuildError(`The parallelism must be an integer from 1 to ${MAX_PARALLELISM_LIMIT}, got ${parallelism}`);
    }
    this.parallelism = parallelism;
    return this;
  }

  getParallelism(): number {
    return this.parallelism;
  }

  setMaxParallelism(maxParallelism: number): this {
    if (!Number.isInteger(maxParallelism) || maxParallelism < 1 || maxParallelism > MAX_PARALLELISM_LIMIT) {
      throw new JobBuildError(`The max parallelism must be an integer from 1 to ${MAX_PARALLELISM_LIMIT}, got ${maxParallelism}`);
    }
    this.maxParallelism = maxParallelism;
    return this;
  }

  /** -1 when derived from the parallelism (Flink's default). */
  getMaxParallelism(): number {
    return this.maxParallelism;
  }

  /** Longest wait before a partly filled network buffer is sent (milliseconds or a Duration); 0 sends after every record. */
  setBufferTimeout(timeout: DurationLike): this {
    this.bufferTimeoutMs = toMillis(timeout, 'The buffer timeout');
    return this;
  }

  getBufferTimeout(): number {
    return this.bufferTimeoutMs;
  }

  /** Flink's ExecutionConfig of this job (the auto-watermark interval). */
  getConfig(): ExecutionConfig {
    return this.executionConfig;
  }

  disableOperatorChaining(): this {
    this.chainingEnabled = false;
    return this;
  }

  isChainingEnabled(): boolean {
    return this.chainingEnabled;
  }

  setRuntimeMode(mode: RuntimeMode): this {
    this.runtimeMode = mode;
    return this;
  }

  getRuntimeMode(): RuntimeMode {
    return this.runtimeMode;
  }

  /**
   * The given elements in order, from one subtask (Flink 2.x: a FromElementsSource read at
   * parallelism 1). An array, or the elements as arguments; an iterable is iterated in the task, not
   * while building, so an endless generator works. A checkpoint keeps how many went out.
   */
  fromData<T>(...data: T[] | [Iterable<T>]): SingleOutputStreamOperator<T> {
    const elements = data.length === 1 && isIterableCollection(data[0]) ? data[0] : (data as T[]);
    if (Array.isArray(elements) && elements.length === 0) throw new JobBuildError('fromData() needs at least one element');
    return this.builtInSource(new FromElementsSource<T>(elements), 'Collection Source', 'FromElementsSource', true);
  }

  /** The given elements in order, from one subtask (a FromElementsSource, as fromData). */
  fromElements<T>(...elements: T[]): SingleOutputStreamOperator<T> {
    if (elements.length === 0) throw new JobBuildError('fromElements() needs at least one element');
    return this.builtInSource(new FromElementsSource<T>(elements), 'Collection Source', 'FromElementsSource', true);
  }

  /** The elements of an iterable in order, from one subtask (a FromElementsSource). It is iterated in the task, not while building. */
  fromCollection<T>(elements: Iterable<T>): SingleOutputStreamOperator<T> {
    return this.builtInSource(new FromElementsSource<T>(elements), 'Collection Source', 'FromElementsSource', true);
  }

  /** The numbers from..to (inclusive): a NumberSequenceSource, one contiguous range per subtask to start with. */
  fromSequence(from: number, to: number): SingleOutputStreamOperator<number> {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from > to) {
      throw new JobBuildError(`fromSequence(): needs safe integers with from <= to, got ${from}..${to}`);
    }
    return this.builtInSource(new NumberSequenceSource(from, to), 'Sequence Source', 'NumberSequenceSource');
  }

  /**
   * `generator(i)` for every index in [0, count), split into contiguous ranges across subtasks: a
   * DataGeneratorSource, rate limited by `recordsPerSecond` (RateLimiterStrategy.perSecond); `count`
   * = Infinity for an unbounded source.
   */
  fromGenerator<T>(count: number, generator: (index: number) => T, options: GeneratorOptions = {}): SingleOutputStreamOperator<T> {
    if (!(count >= 0) || (Number.isFinite(count) && !Number.isInteger(count))) {
      throw new JobBuildError(`fromGenerator(): count must be an integer >= 0 or Infinity, got ${count}`);
    }
    const rate = options.recordsPerSecond;
    if (rate !== undefined && !(rate > 0)) throw new JobBuildError(`fromGenerator(): recordsPerSecond must be > 0, got ${rate}`);
    const limiter = rate === undefined ? RateLimiterStrategy.noOp() : RateLimiterStrategy.perSecond(rate);
    return this.builtInSource(new DataGeneratorSource(generator, count, limiter), 'Data Generator', 'DataGeneratorSource');
  }

  /**
   * The lines of a text file, or of every file in a directory, each once: a bounded FileSource with
   * TextLineInputFormat: files larger than a split are cut into blocks (at least one per subtask, at
   * most `source.file.block-size` each), so several subtasks read one file; read
   * `source.file.read-buffer-size` bytes at a time.
   */
  readTextFile(path: string): SingleOutputStreamOperator<string> {
    const bufferSize = this.configuration.get(ConnectorOptions.FILE_SOURCE_READ_BUFFER_SIZE);
    const blockSize = this.configuration.get(ConnectorOptions.FILE_SOURCE_BLOCK_SIZE);
    const source = FileSource.forRecordStreamFormat(new TextLineInputFormat(), path).setReadBufferSize(bufferSize).setBlockSize(blockSize).build();
    return this.builtInSource(source, 'Custom File Source', 'FileSource');
  }

  /**
   * Lines (records separated by `delimiter`) read from a TCP server, from one subtask. When the
   * connection closes the source reconnects up to `maxRetry` times, 500 ms apart (negative: forever),
   * then ends.
   */
  socketTextStream(hostname: string, port: number, delimiter = '\n', maxRetry = 0): SingleOutputStreamOperator<string> {
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new JobBuildError(`socketTextStream(): invalid port ${port}`);
    if (delimiter.length === 0) throw new JobBuildError('socketTextStream(): the delimiter must not be empty');
    const queueCapacity = this.configuration.get(ConnectorOptions.SOCKET_SOURCE_MAX_QUEUED_RECORDS);
    return this.addSource(() => new SocketTextSource(hostname, port, delimiter, maxRetry, { queueCapacity }), 'Socket Stream', {
      nonParallel: true,
      kind: 'SocketSource',
    });
  }

  /**
   * A unified source (Flink's fromSource, FLIP-27): its SplitEnumerator runs on the JobMaster and
   * assigns splits, one SourceReader per subtask reads them; both are checkpointed, so a restore
   * resumes every split where the checkpoint was. `watermarkStrategy` assigns timestamps and
   * generates watermarks right at the readers (WatermarkStrategy.noWatermarks() for none).
   */
  fromSource<T>(source: Source<T, SourceSplit, unknown>, watermarkStrategy: WatermarkStrategyLike<T>, sourceName: string): SingleOutputStreamOperator<T> {
    if (!isSource(source)) throw new JobBuildError('fromSource(): the source must implement the unified Source API (createReader, createEnumerator, restoreEnumerator, getBoundedness)');
    return this.addUnifiedSource(source, watermarkStrategy, sourceName, 'Source', false);
  }

  /** A built-in method's unified source: no watermarks (none, as Flink's), the method's name, and its Source class as the kind. */
  private builtInSource<T>(source: Source<T, SourceSplit, unknown>, name: string, kind: string, nonParallel = false): SingleOutputStreamOperator<T> {
    return this.addUnifiedSource(source, undefined, name, kind, nonParallel);
  }

  private addUnifiedSource<T>(
    source: Source<T, SourceSplit, unknown>,
    watermarkStrategy: WatermarkStrategyLike<T> | undefined,
    sourceName: string,
    kind: string,
    nonParallel: boolean,
  ): SingleOutputStreamOperator<T> {
    // Read when the task creates the operator: main has configured the environment by then.
    const config = this.getConfig();
    const node = this.context.builder.addNode({
      name: `Source: ${sourceName}`,
      kind,
      isSource: true,
      nonParallel,
      unifiedSource: source as Source<unknown, SourceSplit, unknown>,
      operatorFactory: () =>
        new SourceReaderOperator<T>(source, watermarkStrategy && { strategy: watermarkStrategy, autoWatermarkIntervalMs: config.getAutoWatermarkInterval() }),
    });
    return new SingleOutputStreamOperator<T>(this.context, node, 'Source: ');
  }

  /** A custom source operator; `factory` runs in the task, once per subtask. */
  addSource<T>(factory: () => SourceOperator<T>, name: string, options: AddSourceOptions = {}): SingleOutputStreamOperator<T> {
    const node = this.context.builder.addNode({
      name: `Source: ${name}`,
      kind: options.kind ?? 'Source',
      operatorFactory: factory,
      isSource: true,
      nonParallel: options.nonParallel,
    });
    return new SingleOutputStreamOperator<T>(this.context, node, 'Source: ');
  }

  /** Runs the job built so far and resolves when it finished; afterwards the environment starts a new, empty job. */
  execute(jobName = DEFAULT_JOB_NAME): Promise<JobExecutionResult> {
    return this.run(jobName, {});
  }

  /**
   * Submits the job built so far and resolves once the cluster accepted it, with a JobClient to ask
   * for its status, cancel it or wait for its result (Flink's executeAsync). `flott run` keeps the
   * cluster up until the job ends, even when main returns before.
   */
  executeAsync(jobName = DEFAULT_JOB_NAME): Promise<JobClient> {
    return this.submit(jobName, {});
  }

  /** The StreamGraph built so far, with partitioners resolved; the environment starts a new, empty job. */
  getStreamGraph(jobName = DEFAULT_JOB_NAME): StreamGraph {
    return this.context.builder.finish(jobName);
  }

  /**
   * execute(): the result of the submitted job's client. It asks for the result as soon as the
   * submission resolves, before the context's `mainReturned` can look (its reaction comes first), so
   * the context can tell an execute() that main did not await from an executeAsync().
   */
  private run(jobName: string | undefined, options: ExecuteOptions): Promise<CollectingJobExecutionResult> {
    return markHandled(this.submit(jobName, options).then((client) => client.getJobExecutionResult()));
  }

  /**
   * The submission's promise is marked handled: a main that does not await execute() must not crash
   * the thread with an unhandled rejection (in plan and task mode it always rejects); the context
   * reports the outcome instead (runJobMain).
   */
  private submit(jobName: string | undefined, options: ExecuteOptions): Promise<CollectingJobClient> {
    const ctx = getExecutionContext();
    if (!ctx) return Promise.reject(new MissingExecutionContextError());
    let graph: StreamGraph;
    try {
      graph = this.context.builder.finish(jobName ?? DEFAULT_JOB_NAME);
    } catch (e) {
      return Promise.reject(e);
    }
    return markHandled(ctx.executeAsync(graph, options));
  }

  private snapshot(): ExecutionConfigSnapshot {
    return {
      parallelism: this.parallelism,
      maxParallelism: this.maxParallelism,
      bufferTimeoutMs: this.bufferTimeoutMs,
      runtimeMode: this.runtimeMode,
      chainingEnabled: this.chainingEnabled,
      jobConfiguration: this.programConfiguration.toRecord(),
    };
  }

  /** An option this program sets for its job: the environment reads it, and it ships with the job. */
  private setJobOption<T>(option: ConfigOption<T>, value: T): void {
    this.configuration.set(option, value);
    this.programConfiguration.set(option, value);
  }

  /** The environment's own settings from `from`, for the options `applies` accepts. */
  private readSettings(from: Configuration, applies: (option: ConfigOption<unknown>) => boolean): void {
    if (applies(CoreOptions.DEFAULT_PARALLELISM)) this.parallelism = from.get(CoreOptions.DEFAULT_PARALLELISM);
    if (applies(CoreOptions.MAX_PARALLELISM)) this.maxParallelism = from.get(CoreOptions.MAX_PARALLELISM);
    if (applies(CoreOptions.BUFFER_TIMEOUT)) this.bufferTimeoutMs = from.get(CoreOptions.BUFFER_TIMEOUT);
    if (applies(CoreOptions.OPERATOR_CHAINING)) this.chainingEnabled = from.get(CoreOptions.OPERATOR_CHAINING);
    if (applies(CoreOptions.RUNTIME_MODE)) this.runtimeMode = from.get(CoreOptions.RUNTIME_MODE) === 'batch' ? 'BATCH' : 'STREAMING';
    if (applies(CoreOptions.AUTO_WATERMARK_INTERVAL)) this.executionConfig.setAutoWatermarkInterval(from.get(CoreOptions.AUTO_WATERMARK_INTERVAL));
  }
}

/** fromData's one argument that is a collection of elements rather than an element (an array or another iterable, not a string). */
function isIterableCollection<T>(value: unknown): value is Iterable<T> {
  return typeof value === 'object' && value !== null && typeof (value as Iterable<T>)[Symbol.iterator] === 'function';
}
