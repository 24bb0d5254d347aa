import {
  ListStateDescriptor,
  type ListState,
  type Source,
  type SourceReader,
  type SourceReaderContext,
  type SourceSplit,
  type WatermarkStrategyLike,
} from '@flott/core';
import { isCoordinatorToReaderEvent, type ReaderToCoordinatorEvent } from '../../coordination/source-events';
import { VersionedCodec } from '../../coordination/split-codec';
import { AbstractStreamOperator } from '../abstract-stream-operator';
import { AvailabilityNotifier } from '../availability';
import { OperatorEventError } from '../operator-errors';
import { specializeHotMethods } from '../specialize';
import { InputStatus, type OperatorEnvironment, type SourceOperator, type StateInitializationContext, type StateSnapshotContext } from '../stream-operator';
import { TimestampsAndWatermarksOperator } from '../watermarks/timestamps-and-watermarks-operator';
import type { Cancellable } from '../../time/clock';
import { SourceReaderOutput } from './source-reader-output';
import { SplitLocalWatermarks } from './split-watermarks';

/** The watermark strategy of `env.fromSource` and how often its generator emits periodically (pipeline.auto-watermark-interval). */
export interface SourceWatermarks<T> {
  readonly strategy: WatermarkStrategyLike<T>;
  readonly autoWatermarkIntervalMs: number;
}

/** The splits a reader holds at a checkpoint, as its list state (split evenly over the subtasks on rescale). */
const SPLITS = new ListStateDescriptor<unknown>('source-reader-splits');

/**
 * Runs one SourceReader of a unified source in a task (Flink's SourceOperator): registers with the
 * source's coordinator on open, hands it the reader's split requests and events, delivers the splits
 * the enumerator assigns, and keeps the reader's splits (with their positions) in operator list
 * state. The task polls it for a bounded batch at a time; the reader's END_OF_INPUT ends the task.
 */
export class SourceReaderOperator<T> extends AbstractStreamOperator<T> implements SourceOperator<T> {
  readonly isSourceOperator = true;
  private reader?: SourceReader<T, SourceSplit>;
  private splitsState?: ListState<unknown>;
  private restoredSplits: SourceSplit[] = [];
  private readonly codec: VersionedCodec<SourceSplit>;
  private readonly notifier = new AvailabilityNotifier();
  private cancelled = false;
  /** A coordinator that could not be reached fails the task at its next poll. */
  private failure?: Error;
  /** The reader's output; counts what the reader emitted. */
  private readonly readerOutput: SourceReaderOutput<T>;
  /** Assigns timestamps and generates watermarks from the strategy, in front of the task's output (Flink's SourceOperator does it inside, too). */
  private readonly watermarks?: TimestampsAndWatermarksOperator<T>;
  /** Per-split generators for readers that emit through createOutputForSplit. */
  private splitWatermarks?: SplitLocalWatermarks<T>;
  private splitPeriodic?: Cancellable;

  constructor(
    private readonly source: Source<T, SourceSplit, unknown>,
    private readonly watermarkSettings?: SourceWatermarks<T>,
  ) {
    super();
    this.codec = new VersionedCodec(source.getSplitSerializer?.());
    if (watermarkSettings) this.watermarks = new TimestampsAndWatermarksOperator(watermarkSettings.strategy, watermarkSettings.autoWatermarkIntervalMs);
    this.readerOutput = new SourceReaderOutput<T>({
      emitWatermark: (wm) => (this.watermarks ? this.watermarks.emitWatermark(wm) : this.output.emitWatermark(wm)),
      markIdle: () => (this.watermarks ? this.watermarks.markIdle() : this.output.emitWatermarkStatus?.(true)),
      markActive: () => (this.watermarks ? this.watermarks.markActive() : this.output.emitWatermarkStatus?.(false)),
      createOutputForSplit: (splitId) => this.splitWatermarks?.outputFor(splitId) ?? this.readerOutput,
      releaseOutputForSplit: (splitId) => this.splitWatermarks?.release(splitId),
    });
  }

  override setup(env: OperatorEnvironment<T>): void {
    super.setup(env);
    const stage = this.watermarks;
    stage?.setup(env);
    this.readerOutput.connect(this.output, stage);
  }

  initializeState(context: StateInitializationContext): void {
    this.splitsState = context.operatorStateStore.getListState(SPLITS);
    if (context.isRestored()) this.restoredSplits = this.splitsState.get().map((s) => this.codec.decode(s));
  }

  override async open(): Promise<void> {
    const { env } = this;
    const ctx = env.runtimeContext;
    const subtask = ctx.getIndexOfThisSubtask();
    const readerContext: SourceReaderContext = {
      getIndexOfSubtask: () => subtask,
      currentParallelism: () => ctx.getNumberOfParallelSubtasks(),
      sendSplitRequest: () => this.sendEvent({ kind: 'source-request-split', subtask }),
      sendSourceEventToCoordinator: (event) => this.sendEvent({ kind: 'source-event', subtask, event }),
      clock: env.clock,
      schedule: (delayMs, callback) => env.scheduler.schedule(delayMs, callback),
    };
    this.openWatermarks();
    const reader = (this.reader = this.source.createReader(readerContext));
    if (reader.hotMethods) specializeHotMethods(reader, reader.hotMethods);
    if (this.restoredSplits.length > 0) reader.addSplits(this.restoredSplits);
    this.restoredSplits = [];
    // Registration goes first: the coordinator must know the reader before any of its requests.
    this.sendEvent({ kind: 'source-reader-registration', subtask });
    await reader.start();
  }

  private openWatermarks(): void {
    const stage = this.watermarks;
    const settings = this.watermarkSettings;
    if (!stage || !settings) return;
    stage.open();
    this.splitWatermarks = new SplitLocalWatermarks(settings.strategy, this.env.clock, {
      collect: (record, timestamp) => {
        this.readerOutput.emitted++;
        stage.markActive();
        this.output.collect(record, timestamp);
      },
      emitWatermark: (wm) => stage.emitWatermark(wm),
      markIdle: () => stage.markIdle(),
      markActive: () => stage.markActive(),
    });
    if (settings.autoWatermarkIntervalMs > 0) {
      const splits = this.splitWatermarks;
      this.splitPeriodic = this.env.scheduler.scheduleAtFixedRate(settings.autoWatermarkIntervalMs, () => splits.onPeriodicEmit());
    }
  }

  private sendEvent(event: ReaderToCoordinatorEvent): void {
    this.env.sendOperatorEvent(event).catch((e: unknown) => {
      this.failure ??= new OperatorEventError(this.env.operatorName, `its coordinator did not take a ${event.kind} event`, e);
      this.notifier.notify();
    });
  }

  handleOperatorEvent(event: unknown): void {
    const reader = this.reader;
    if (!reader) return;
    if (!isCoordinatorToReaderEvent(event)) throw new OperatorEventError(this.env.operatorName, `unknown event from its coordinator: ${JSON.stringify(event)}`);
    if (event.kind === 'source-add-splits') reader.addSplits(event.splits.map((s) => this.codec.decode(s)));
    else if (event.kind === 'source-no-more-splits') reader.notifyNoMoreSplits();
    else reader.handleSourceEvents?.(event.event);
  }

  pollNext(maxRecords: number): InputStatus {
    if (this.failure) throw this.failure;
    const reader = this.reader;
    if (!reader || this.cancelled) return InputStatus.END_OF_INPUT;
    // A reader emits up to what is left of the batch per call (Flink's readers one record): poll until it is full.
    const output = this.readerOutput;
    const before = output.emitted;
    let status: InputStatus;
    do status = reader.pollNext(output, maxRecords - (output.emitted - before));
    while (status === InputStatus.MORE_AVAILABLE && output.emitted - before < maxRecords && !this.cancelled);
    return this.cancelled ? InputStatus.END_OF_INPUT : status;
  }

  available(): Promise<void> {
    if (this.failure || this.cancelled || !this.reader) return Promise.resolve();
    return Promise.race([this.reader.isAvailable(), this.notifier.next()]);
  }

  snapshotState(context: StateSnapshotContext): void {
    const splits = this.reader?.snapshotState(context.checkpointId) ?? [];
    this.splitsState?.update(splits.map((s) => this.codec.encode(s)));
  }

  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    await this.reader?.notifyCheckpointComplete?.(checkpointId);
  }

  cancel(): void {
    this.cancelled = true;
    this.notifier.notify();
  }

  override finish(): void {
    this.splitPeriodic?.cancel();
    this.splitWatermarks?.onPeriodicEmit();
    this.watermarks?.finish();
  }

  override async close(): Promise<void> {
    this.splitPeriodic?.cancel();
    this.watermarks?.close();
    const reader = this.reader;
    this.reader = undefined;
    await reader?.close();
  }
}
