import {
  isCommittingSinkWriter,
  isStatefulSinkWriter,
  ListStateDescriptor,
  NO_TIMESTAMP,
  supportsWriterState,
  type ListState,
  type ProcessingTimeService,
  type Sink,
  type SinkWriter,
  type SinkWriterContext,
  type WriterInitContext,
} from '@flott/core';
import type { Cancellable } from '../../time/clock';
import { AbstractStreamOperator } from '../abstract-stream-operator';
import type { OneInputStreamOperator, StateInitializationContext, StateSnapshotContext } from '../stream-operator';
import { END_OF_INPUT, loadValue, storeValue, type CommittableMessage, type StoredValue } from './committable-message';
import { SinkStateRestoreError } from './sink-errors';

/** Flink's name of the writer's operator state. */
export const WRITER_STATE_NAME = 'writer_raw_states';

/**
 * Runs a Sink's writer (Flink's SinkWriterOperator). Records go to `write`; before each checkpoint's
 * barrier goes on (prepareSnapshotPreBarrier) the writer flushes and its committables go downstream to
 * the committer operator, tagged with the checkpoint, so they belong to that checkpoint; then its state
 * goes into operator list state (redistributed evenly on rescaling, as Flink). At the end of input it
 * flushes with `endOfInput` and hands over the rest (see finish). Mailbox thread only.
 */
export class SinkWriterOperator<IN> extends AbstractStreamOperator<CommittableMessage<unknown>> implements OneInputStreamOperator<IN, CommittableMessage<unknown>> {
  private writer?: SinkWriter<IN>;
  private writerState?: ListState<StoredValue>;
  private readonly timers = new Set<Cancellable>();
  private currentTimestamp = NO_TIMESTAMP;
  /** The newest checkpoint whose barrier reached the writer (or the one it restored from). */
  private lastCheckpointId = 0;
  private endOfInput = false;
  private readonly context: SinkWriterContext = {
    currentWatermark: () => this.env.currentWatermark(),
    timestamp: () => (this.currentTimestamp === NO_TIMESTAMP ? undefined : this.currentTimestamp),
  };

  constructor(readonly sink: Sink<IN>) {
    super();
  }

  async initializeState(context: StateInitializationContext): Promise<void> {
    this.lastCheckpointId = context.restoredCheckpointId ?? 0;
    const initContext = this.writerInitContext(context.restoredCheckpointId);
    const sink = this.sink;
    if (!supportsWriterState(sink)) {
      this.writer = await sink.createWriter(initContext);
      return;
    }
    this.writerState = context.operatorStateStore.getListState(new ListStateDescriptor<StoredValue>(WRITER_STATE_NAME));
    if (!context.isRestored()) {
      this.writer = await sink.createWriter(initContext);
      return;
    }
    const serializer = sink.getWriterStateSerializer?.();
    let recovered: unknown[];
    try {
      recovered = [...this.writerState.get()].map((s) => loadValue(s, serializer, 'writer state'));
    } catch (e) {
      throw new SinkStateRestoreError(this.env.operatorName, 'writer state', e);
    }
    this.writer = await sink.restoreWriter(initContext, recovered);
  }

  processElement(value: IN, timestamp: number): void {
    this.currentTimestamp = timestamp;
    this.activeWriter().write(value, this.context);
  }

  processWatermark(watermark: number): void {
    this.activeWriter().writeWatermark?.(watermark);
    this.output.emitWatermark(watermark);
  }

  prepareSnapshotPreBarrier(checkpointId: number): void {
    this.lastCheckpointId = Math.max(this.lastCheckpointId, checkpointId);
    // After the end of input everything went out in finish (for the final checkpoint).
    if (this.endOfInput) return;
    this.activeWriter().flush(false);
    this.emitCommittables(checkpointId);
  }

  snapshotState(context: StateSnapshotContext): void {
    const writer = this.activeWriter();
    if (!this.writerState || !isStatefulSinkWriter(writer)) return;
    const serializer = supportsWriterState(this.sink) ? this.sink.getWriterStateSerializer?.() : undefined;
    this.writerState.update(writer.snapshotState(context.checkpointId).map((s) => storeValue(s, serializer)));
  }

  /**
   * The end of input: the writer flushes all it has and prepares the last committables. With checkpoints
   * after tasks finish they belong to the next checkpoint (Flink's lastKnownCheckpointId + 1), which the
   * task takes after finishing, so they are committed when its final checkpoint completes; without, to
   * END_OF_INPUT, which the committer commits in its own finish.
   */
  override finish(): void {
    this.endOfInput = true;
    this.activeWriter().flush(true);
    this.emitCommittables(this.env.checkpointsAfterTasksFinish ? this.lastCheckpointId + 1 : END_OF_INPUT);
  }

  override async close(): Promise<void> {
    for (const t of this.timers) t.cancel();
    this.timers.clear();
    const writer = this.writer;
    this.writer = undefined;
    await writer?.close();
  }

  private emitCommittables(checkpointId: number): void {
    const writer = this.activeWriter();
    if (!isCommittingSinkWriter(writer)) return;
    for (const committable of writer.prepareCommit()) this.output.collect({ checkpointId, committable }, NO_TIMESTAMP);
  }

  private activeWriter(): SinkWriter<IN> {
    if (!this.writer) throw new Error(`Assertion failed: ${this.env.operatorName} used before initializeState or after close`);
    return this.writer;
  }

  private writerInitContext(restoredCheckpointId: number | undefined): WriterInitContext {
    const ctx = this.env.runtimeContext;
    const processingTime: ProcessingTimeService = {
      getCurrentProcessingTime: () => this.env.clock.currentTimeMillis(),
      registerTimer: (timestamp, callback) => {
        const delay = Math.max(0, timestamp - this.env.clock.currentTimeMillis());
        const timer = this.env.scheduler.schedule(delay, () => {
          this.timers.delete(timer);
          callback(this.env.clock.currentTimeMillis());
        });
        this.timers.add(timer);
        return { cancel: () => { timer.cancel(); this.timers.delete(timer); } };
      },
    };
    return {
      getSubtaskId: () => ctx.getIndexOfThisSubtask(),
      getNumberOfParallelSubtasks: () => ctx.getNumberOfParallelSubtasks(),
      getAttemptNumber: () => ctx.getAttemptNumber(),
      getRestoredCheckpointId: () => restoredCheckpointId,
      getProcessingTimeService: () => processingTime,
    };
  }
}
