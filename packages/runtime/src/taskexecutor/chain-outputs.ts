import type { OneInputStreamOperator, Output, StreamOperator, TwoInputStreamOperator } from '../operators/stream-operator';
import type { KeyedStateBackend } from '../spi/state-backend';
import type { ChannelSelector, ResultPartition } from '../network';
import { specializeHotMethods } from '../operators/specialize';

/**
 * Where an operator's records go: the next operator of the chain (a direct call — no copy, no
 * serialisation, DESIGN.md §6) or a network partition. Each is a complete Output, so an operator
 * with a single downstream emits straight into it; OperatorOutput fans out to several.
 */
export type EdgeOutput = Output<unknown>;

class OneInputChainingOutput implements EdgeOutput {
  constructor(private readonly op: OneInputStreamOperator<unknown, unknown>) {
    specializeHotMethods(this, ['collect']);
  }
  collect(value: unknown, timestamp: number): void {
    this.op.processElement(value, timestamp);
  }
  collectSide(): void {}
  emitWatermark(watermark: number): void {
    this.op.processWatermark(watermark);
  }
  emitWatermarkStatus(idle: boolean): void {
    this.op.processWatermarkStatus?.(idle);
  }
}

/** Sets the key of the record before a keyed operator sees it. */
class KeyedChainingOutput implements EdgeOutput {
  constructor(
    private readonly op: OneInputStreamOperator<unknown, unknown>,
    private readonly keySelector: (value: unknown) => unknown,
    private readonly backend: KeyedStateBackend,
  ) {
    specializeHotMethods(this, ['collect']);
  }
  collect(value: unknown, timestamp: number): void {
    this.backend.setCurrentKey(this.keySelector(value));
    this.op.processElement(value, timestamp);
  }
  collectSide(): void {}
  emitWatermark(watermark: number): void {
    this.op.processWatermark(watermark);
  }
  emitWatermarkStatus(idle: boolean): void {
    this.op.processWatermarkStatus?.(idle);
  }
}

class SecondInputChainingOutput implements EdgeOutput {
  constructor(
    private readonly op: TwoInputStreamOperator<unknown, unknown, unknown>,
    private readonly input: 1 | 2,
    private readonly keySelector?: (value: unknown) => unknown,
    private readonly backend?: KeyedStateBackend,
  ) {}
  collect(value: unknown, timestamp: number): void {
    if (this.keySelector && this.backend) this.backend.setCurrentKey(this.keySelector(value));
    if (this.input === 1) this.op.processElement1(value, timestamp);
    else this.op.processElement2(value, timestamp);
  }
  collectSide(): void {}
  emitWatermark(watermark: number): void {
    if (this.input === 1) this.op.processWatermark1(watermark);
    else this.op.processWatermark2(watermark);
  }
  emitWatermarkStatus(idle: boolean): void {
    if (this.input === 1) this.op.processWatermarkStatus1?.(idle);
    else this.op.processWatermarkStatus2?.(idle);
  }
}

export function chainingOutput(
  target: StreamOperator<unknown>,
  typeNumber: number,
  keySelector: ((value: unknown) => unknown) | undefined,
  keyedBackend: KeyedStateBackend | undefined,
): EdgeOutput {
  if (typeNumber === 1 || typeNumber === 2) {
    return new SecondInputChainingOutput(target as TwoInputStreamOperator<unknown, unknown, unknown>, typeNumber, keySelector, keyedBackend);
  }
  const op = target as OneInputStreamOperator<unknown, unknown>;
  return keySelector && keyedBackend ? new KeyedChainingOutput(op, keySelector, keyedBackend) : new OneInputChainingOutput(op);
}

/** Serialises into a result partition, choosing subpartitions with the edge's partitioner. */
export class RecordWriterOutput implements EdgeOutput {
  constructor(
    private readonly partition: ResultPartition<unknown>,
    private readonly selector: ChannelSelector<unknown>,
    private readonly flushEveryRecord: boolean,
  ) {
    specializeHotMethods(this, ['collect']);
  }

  collect(value: unknown, timestamp: number): void {
    if (this.selector.isBroadcast) this.partition.broadcastEmit(value, timestamp);
    else this.partition.emit(value, timestamp, this.selector.selectChannel(value));
    if (this.flushEveryRecord) this.partition.flushAll();
  }
  collectSide(): void {}
  emitWatermark(watermark: number): void {
    this.partition.broadcastEvent({ kind: 'watermark', timestamp: watermark });
  }
  emitWatermarkStatus(idle: boolean): void {
    this.partition.broadcastEvent({ kind: 'watermark-status', idle });
  }
}

/** Records dropped: an operator whose output nobody consumes (a sink). */
const DISCARDING: EdgeOutput = { collect() {}, collectSide() {}, emitWatermark() {} };

/** Fans out to several main outputs; side outputs go by tag. */
class OperatorOutput implements Output<unknown> {
  constructor(
    private readonly main: readonly EdgeOutput[],
    private readonly side: ReadonlyMap<string, readonly EdgeOutput[]>,
  ) {}

  collect(value: unknown, timestamp: number): void {
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

  emitWatermarkStatus(idle: boolean): void {
    for (const o of this.main) o.emitWatermarkStatus?.(idle);
    for (const outs of this.side.values()) for (const o of outs) o.emitWatermarkStatus?.(idle);
  }
}

/** The Output an operator gets: its single downstream itself when it has one and no side outputs. */
export function operatorOutput(main: readonly EdgeOutput[], side: ReadonlyMap<string, readonly EdgeOutput[]>): Output<unknown> {
  if (side.size === 0 && main.length === 1) return main[0];
  if (side.size === 0 && main.length === 0) return DISCARDING;
  return new OperatorOutput(main, side);
}
