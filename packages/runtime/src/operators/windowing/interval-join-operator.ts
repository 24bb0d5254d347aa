import {
  InvalidWindowParameterError,
  MissingTimestampError,
  NO_TIMESTAMP,
  type Collector,
  type OutputTag,
  type ProcessJoinContext,
  type ProcessJoinFunctionLike,
  type StateDescriptor,
} from '@flott/core';
import type { KeyedStateBackend } from '../../spi/state-backend';
import { AbstractTwoInputUdfOperator } from '../co-operators';
import { specializeHotMethods } from '../specialize';
import type { InternalTimer, InternalTimerService, InternalTimeServiceManager, Triggerable } from '../timers/timer-service';

/** Buffered elements of one side and key, by timestamp (Flink keeps a MapState<Long, List<...>>). */
type Buffer = Map<number, unknown[]>;

const LEFT_BUFFER: StateDescriptor = { name: 'LEFT_BUFFER', kind: 'map' };
const RIGHT_BUFFER: StateDescriptor = { name: 'RIGHT_BUFFER', kind: 'map' };
const CLEANUP_LEFT = 'CLEANUP_LEFT';
const CLEANUP_RIGHT = 'CLEANUP_RIGHT';

export interface IntervalJoinOptions {
  readonly lowerBound: number;
  readonly upperBound: number;
  readonly lowerBoundInclusive: boolean;
  readonly upperBoundInclusive: boolean;
  readonly leftLateDataOutputTag?: string;
  readonly rightLateDataOutputTag?: string;
}

/**
 * Keyed interval join (Flink's IntervalJoinOperator): joins a left element at time t with every
 * right element of the same key in [t + lowerBound, t + upperBound]. Both sides are buffered per
 * key in keyed state; a buffered element goes once the watermark passes the last time a partner
 * could still arrive. Elements behind the watermark are late (dropped or side output).
 * The result's timestamp is the larger of the pair's. Mailbox thread only.
 */
export class IntervalJoinOperator<K, IN1, IN2, OUT>
  extends AbstractTwoInputUdfOperator<IN1, IN2, OUT, ProcessJoinFunctionLike<IN1, IN2, OUT>>
  implements Triggerable<string>
{
  private readonly lowerBound: number;
  private readonly upperBound: number;
  private readonly fn: (left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>) => void;
  private backend!: KeyedStateBackend;
  private manager!: InternalTimeServiceManager;
  private timers!: InternalTimerService<string>;
  private leftTs = NO_TIMESTAMP;
  private rightTs = NO_TIMESTAMP;
  private readonly context: ProcessJoinContext = {
    getLeftTimestamp: () => this.leftTs,
    getRightTimestamp: () => this.rightTs,
    getTimestamp: () => this.collector.timestamp,
    output: <X>(tag: OutputTag<X>, value: X): void => this.output.collectSide(tag.id, value, this.collector.timestamp),
  };
  declare readonly __key?: K;

  constructor(
    private readonly options: IntervalJoinOptions,
    f: ProcessJoinFunctionLike<IN1, IN2, OUT>,
  ) {
    super(f);
    this.lowerBound = options.lowerBoundInclusive ? options.lowerBound : options.lowerBound + 1;
    this.upperBound = options.upperBoundInclusive ? options.upperBound : options.upperBound - 1;
    if (this.lowerBound > this.upperBound) {
      throw new InvalidWindowParameterError('IntervalJoin', `lowerBound <= upperBound must be fulfilled (bounds [${this.lowerBound}, ${this.upperBound}] after exclusivity)`);
    }
    this.fn = typeof f === 'function' ? f : f.processElement.bind(f);
    specializeHotMethods(this, ['processElement1', 'processElement2']);
  }

  override open(): void | Promise<void> {
    const { keyedStateBackend, timeServiceManager, operatorName } = this.env;
    if (!keyedStateBackend || !timeServiceManager) {
      throw new Error(`Assertion failed: interval join ${operatorName} got no keyed state backend or timer service (inputs not keyed?)`);
    }
    this.backend = keyedStateBackend;
    this.manager = timeServiceManager;
    this.timers = timeServiceManager.getInternalTimerService<string>('interval-join-timers', this, (ns) => ns);
    return super.open();
  }

  processElement1(value: IN1, timestamp: number): void {
    this.processElement(value, timestamp, true, this.lowerBound, this.upperBound);
  }

  processElement2(value: IN2, timestamp: number): void {
    this.processElement(value, timestamp, false, -this.upperBound, -this.lowerBound);
  }

  protected override onWatermark(watermark: number): void {
    this.manager.advanceWatermark(watermark);
    super.onWatermark(watermark);
  }

  onEventTime(timer: InternalTimer<string>): void {
    if (timer.namespace === CLEANUP_LEFT) {
      const ts = this.upperBound <= 0 ? timer.timestamp : timer.timestamp - this.upperBound;
      this.removeFromBuffer(LEFT_BUFFER, ts);
    } else {
      const ts = this.lowerBound <= 0 ? timer.timestamp + this.lowerBound : timer.timestamp;
      this.removeFromBuffer(RIGHT_BUFFER, ts);
    }
  }

  onProcessingTime(): void {}

  private processElement(value: unknown, ourTs: number, isLeft: boolean, relativeLower: number, relativeUpper: number): void {
    if (ourTs === NO_TIMESTAMP) throw new MissingTimestampError('IntervalJoin');
    const watermark = this.combinedWatermark;
    if (watermark !== Number.MIN_SAFE_INTEGER && ourTs < watermark) {
      const tag = isLeft ? this.options.leftLateDataOutputTag : this.options.rightLateDataOutputTag;
      if (tag !== undefined) this.output.collectSide(tag, value, ourTs);
      return;
    }
    const backend = this.backend;
    const ours = isLeft ? LEFT_BUFFER : RIGHT_BUFFER;
    const buffer = (backend.get(ours) as Buffer | undefined) ?? new Map<number, unknown[]>();
    const list = buffer.get(ourTs);
    if (list) list.push(value);
    else buffer.set(ourTs, [value]);
    backend.put(ours, buffer);
    const other = backend.get(isLeft ? RIGHT_BUFFER : LEFT_BUFFER) as Buffer | undefined;
    if (other) {
      const from = ourTs + relativeLower;
      const to = ourTs + relativeUpper;
      for (const [ts, values] of other) {
        if (ts < from || ts > to) continue;
        for (const v of values) {
          if (isLeft) this.emit(value as IN1, v as IN2, ourTs, ts);
          else this.emit(v as IN1, value as IN2, ts, ourTs);
        }
      }
    }
    const cleanupTime = relativeUpper > 0 ? ourTs + relativeUpper : ourTs;
    this.timers.registerEventTimeTimer(isLeft ? CLEANUP_LEFT : CLEANUP_RIGHT, cleanupTime);
  }

  private emit(left: IN1, right: IN2, leftTs: number, rightTs: number): void {
    this.leftTs = leftTs;
    this.rightTs = rightTs;
    this.collector.timestamp = Math.max(leftTs, rightTs);
    this.fn(left, right, this.context, this.collector);
  }

  private removeFromBuffer(descriptor: StateDescriptor, ts: number): void {
    const buffer = this.backend.get(descriptor) as Buffer | undefined;
    if (!buffer || !buffer.delete(ts)) return;
    if (buffer.size === 0) this.backend.clear(descriptor);
    else this.backend.put(descriptor, buffer);
  }
}
