import { JobBuildError, toSignedMillis, type DurationLike, type OutputTag, type ProcessJoinFunctionLike } from '@flott/core';
import { IntervalJoinOperator } from '@flott/runtime/internal';
import type { SingleOutputStreamOperator } from '../data-stream';
import type { KeyedStream } from '../keyed-stream';

/** `left.intervalJoin(right)` before `between` (Flink's KeyedStream.IntervalJoin). */
export class IntervalJoin<T1, T2, K> {
  /** @internal */
  constructor(
    private readonly left: KeyedStream<T1, K>,
    private readonly right: KeyedStream<T2, K>,
  ) {}

  /**
   * Joins a left element at time t with right elements of the same key in [t + lower, t + upper];
   * bounds in milliseconds or as Durations, either may be negative (`between(Duration.ofSeconds(-2), Duration.ofSeconds(1))`).
   */
  between(lowerBound: DurationLike, upperBound: DurationLike): IntervalJoined<T1, T2, K> {
    const lower = toSignedMillis(lowerBound, 'intervalJoin.between: lowerBound');
    const upper = toSignedMillis(upperBound, 'intervalJoin.between: upperBound');
    if (!(lower <= upper)) throw new JobBuildError(`intervalJoin: lowerBound <= upperBound must be fulfilled, got [${lower}, ${upper}]`);
    return new IntervalJoined<T1, T2, K>(this.left, this.right, lower, upper);
  }
}

/** An interval join with its bounds (Flink's IntervalJoined); `process` adds the operator. */
export class IntervalJoined<T1, T2, K> {
  private lowerInclusive = true;
  private upperInclusive = true;
  private leftLateTag?: string;
  private rightLateTag?: string;

  /** @internal */
  constructor(
    private readonly left: KeyedStream<T1, K>,
    private readonly right: KeyedStream<T2, K>,
    private readonly lowerBound: number,
    private readonly upperBound: number,
  ) {}

  lowerBoundExclusive(): this {
    this.lowerInclusive = false;
    return this;
  }
  upperBoundExclusive(): this {
    this.upperInclusive = false;
    return this;
  }
  sideOutputLeftLateData(tag: OutputTag<T1>): this {
    this.leftLateTag = tag.id;
    return this;
  }
  sideOutputRightLateData(tag: OutputTag<T2>): this {
    this.rightLateTag = tag.id;
    return this;
  }

  process<R>(f: ProcessJoinFunctionLike<T1, T2, R>): SingleOutputStreamOperator<R> {
    const options = {
      lowerBound: this.lowerBound,
      upperBound: this.upperBound,
      lowerBoundInclusive: this.lowerInclusive,
      upperBoundInclusive: this.upperInclusive,
      leftLateDataOutputTag: this.leftLateTag,
      rightLateDataOutputTag: this.rightLateTag,
    };
    const lower = this.lowerInclusive ? this.lowerBound : this.lowerBound + 1;
    const upper = this.upperInclusive ? this.upperBound : this.upperBound - 1;
    if (lower > upper) throw new JobBuildError(`intervalJoin: the exclusive bounds leave no interval ([${lower}, ${upper}])`);
    return this.left.connect(this.right).transform('IntervalJoin', () => new IntervalJoinOperator<K, T1, T2, R>(options, f), 'IntervalJoin');
  }
}
