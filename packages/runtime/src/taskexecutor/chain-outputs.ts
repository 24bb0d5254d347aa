import type { OneInputStreamOperator, Output, StreamOperator, TwoInputStreamOperator } from '../operators/stream-operator';
import type { KeyedStateBackend } from '../spi/state-backend';
import type { ChannelSelector, ResultPartition } from '../network';
import { specializeHotMethods } from '../operators/specialize';
import { NO_TIMESTAMP } from '@flott/core';

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

/**
 * BATCH local aggregation (Flink SQL's local/global two-phase aggregation, for DataStream keyed
 * aggregations whose inputs combine): records bound for a keyed aggregation are folded per key here,
 * in the producing task, and only each key's combined record crosses the shuffle, when the task's
 * operators finished (`flush`), or all of them whenever `maxKeys` keys are held. The aggregate
 * downstream is the same: the combined records are valid inputs of it. What is held is a copy (the
 * edge serializer's copier), so a producer that changes an object after emitting it changes nothing.
 */
export class CombiningRecordWriterOutput implements EdgeOutput {
  private readonly byPrimitiveKey = new Map<unknown, unknown>();
  private readonly byCanonicalKey = new Map<string, unknown>();
  private held = 0;
  /** Records folded in, and combined records sent, so far. */
  recordsIn = 0;
  recordsOut = 0;

  constructor(
    private readonly out: RecordWriterOutput,
    private readonly keySelector: (value: unknown) => unknown,
    private readonly combine: (a: unknown, b: unknown) => unknown,
    private readonly copy: (value: unknown) => unknown,
    private readonly maxKeys: number,
    private readonly canonical: (key: unknown) => string,
  ) {
    specializeHotMethods(this, ['collect']);
  }

  collect(value: unknown, _timestamp: number): void {
    this.recordsIn++;
    const key = this.keySelector(value);
    const t = typeof key;
    if (t === 'string' || t === 'number' || t === 'bigint' || t === 'boolean') this.fold(this.byPrimitiveKey, key, value);
    else this.fold(this.byCanonicalKey, this.canonical(key), value);
  }

  private fold<K>(map: Map<K, unknown>, key: K, value: unknown): void {
    const acc = map.get(key);
    if (acc === undefined) {
      if (this.held >= this.maxKeys) this.flush();
      map.set(key, this.copy(value));
      this.held++;
      return;
    }
    const next = this.combine(acc, value);
    // Folded in place (combineOwned): the map holds it already.
    if (next !== acc) map.set(key, next === value ? this.copy(value) : next);
  }

  /** Emits every key's combined record (no timestamp: a BATCH aggregate has none) and forgets them. */
  flush(): void {
    for (const v of this.byPrimitiveKey.values()) this.out.collect(v, NO_TIMESTAMP);
    for (const v of this.byCanonicalKey.values()) this.out.collect(v, NO_TIMESTAMP);
    this.recordsOut += this.held;
    this.byPrimitiveKey.clear();
    this.byCanonicalKey.clear();
    this.held = 0;
  }

  collectSide(): void {}
  /** What is held goes ahead of a watermark (BATCH has only the final one), so no record falls behind it. */
  emitWatermark(watermark: number): void {
    this.flush();
    this.out.emitWatermark(watermark);
  }
  emitWatermarkStatus(idle: boolean): void {
    this.out.emitWatermarkStatus(idle);
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
