import type { OneInputStreamOperator, Output, StreamOperator, TwoInputStreamOperator } from '../operators/stream-operator';
import type { KeyedStateBackend } from '../spi/state-backend';
import type { ChannelSelector, ResultPartition } from '../network';

/** Something an operator emits into: the next chained operator or a network partition. */
export interface EdgeOutput {
  collect(value: unknown, timestamp: number): void;
  emitWatermark(watermark: number): void;
}

/** Calls the next operator of the chain directly: no copy, no serialisation (DESIGN.md §6). */
export class ChainingOutput implements EdgeOutput {
  private readonly process: (value: unknown, timestamp: number) => void;
  private readonly watermark: (watermark: number) => void;

  constructor(
    target: StreamOperator<unknown>,
    typeNumber: number,
    keySelector: ((value: unknown) => unknown) | undefined,
    keyedBackend: KeyedStateBackend | undefined,
  ) {
    if (typeNumber === 2) {
      const op = target as TwoInputStreamOperator<unknown, unknown, unknown>;
      this.process = (v, ts) => op.processElement2(v, ts);
      this.watermark = (wm) => op.processWatermark2(wm);
    } else if (typeNumber === 1) {
      const op = target as TwoInputStreamOperator<unknown, unknown, unknown>;
      this.process = (v, ts) => op.processElement1(v, ts);
      this.watermark = (wm) => op.processWatermark1(wm);
    } else {
      const op = target as OneInputStreamOperator<unknown, unknown>;
      this.process = op.processElement.bind(op);
      this.watermark = op.processWatermark.bind(op);
    }
    if (keySelector && keyedBackend) {
      const inner = this.process;
      this.process = (v, ts) => {
        keyedBackend.setCurrentKey(keySelector(v));
        inner(v, ts);
      };
    }
  }

  collect(value: unknown, timestamp: number): void {
    this.process(value, timestamp);
  }
  emitWatermark(watermark: number): void {
    this.watermark(watermark);
  }
}

/** Serialises into a result partition, choosing subpartitions with the edge's partitioner. */
export class RecordWriterOutput implements EdgeOutput {
  constructor(
    private readonly partition: ResultPartition<unknown>,
    private readonly selector: ChannelSelector<unknown>,
    private readonly flushEveryRecord: boolean,
  ) {}

  collect(value: unknown, timestamp: number): void {
    if (this.selector.isBroadcast) this.partition.broadcastEmit(value, timestamp);
    else this.partition.emit(value, timestamp, this.selector.selectChannel(value));
    if (this.flushEveryRecord) this.partition.flushAll();
  }
  emitWatermark(watermark: number): void {
    this.partition.broadcastEvent({ kind: 'watermark', timestamp: watermark });
  }
}

/** The Output an operator sees: fans out to its main outputs; side outputs go by tag. */
export class OperatorOutput implements Output<unknown> {
  private readonly single: EdgeOutput | undefined;

  constructor(
    private readonly main: readonly EdgeOutput[],
    private readonly side: ReadonlyMap<string, readonly EdgeOutput[]>,
  ) {
    this.single = main.length === 1 ? main[0] : undefined;
  }

  collect(value: unknown, timestamp: number): void {
    if (this.single) {
      this.single.collect(value, timestamp);
      return;
    }
    for (let i = 0; i < this.main.length; i++) this.main[i].collect(value, timestamp);
  }

  collectSide(tagId: string, value: unknown, timestamp: number): void {
    const outs = this.side.get(tagId);
    if (outs) for (const o of outs) o.collect(value, timestamp);
  }

  emitWatermark(watermark: number): void {
    for (const o of this.main) o.emitWatermark(watermark);
    for (const outs of this.side.values()) for (const o of outs) o.emitWatermark(watermark);
  }
}
