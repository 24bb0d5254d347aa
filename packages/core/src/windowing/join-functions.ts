import { AbstractRichFunction } from '../rich-functions/rich-functions';
import type { Collector, OutputTag } from '../functions/functions';

/** Flink's JoinFunction: one result per matching pair. */
export interface JoinFunction<IN1, IN2, OUT> {
  join(first: IN1, second: IN2): OUT;
}
export type JoinFunctionLike<IN1, IN2, OUT> = JoinFunction<IN1, IN2, OUT> | ((first: IN1, second: IN2) => OUT);

/** Flink's FlatJoinFunction: any number of results per matching pair. */
export interface FlatJoinFunction<IN1, IN2, OUT> {
  join(first: IN1, second: IN2, out: Collector<OUT>): void;
}

/** Flink's CoGroupFunction: both sides' elements of one key and window. */
export interface CoGroupFunction<IN1, IN2, OUT> {
  coGroup(first: Iterable<IN1>, second: Iterable<IN2>, out: Collector<OUT>): void;
}
export type CoGroupFunctionLike<IN1, IN2, OUT> = CoGroupFunction<IN1, IN2, OUT> | ((first: Iterable<IN1>, second: Iterable<IN2>, out: Collector<OUT>) => void);

/** An element of either input of a window join, tagged with its side (Flink's TaggedUnion). */
export interface TaggedUnion<IN1, IN2> {
  /** 1: first input, 2: second input. */
  readonly t: 1 | 2;
  readonly v: IN1 | IN2;
}

/** What a ProcessJoinFunction sees besides the pair (Flink's ProcessJoinFunction.Context). */
export interface ProcessJoinContext {
  getLeftTimestamp(): number;
  getRightTimestamp(): number;
  /** The result's timestamp: the larger of the two. */
  getTimestamp(): number;
  output<X>(tag: OutputTag<X>, value: X): void;
}

/** Flink's ProcessJoinFunction (interval join). */
export abstract class ProcessJoinFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement(left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>): void;
}
export type ProcessJoinFn<IN1, IN2, OUT> = (left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>) => void;
export type ProcessJoinFunctionLike<IN1, IN2, OUT> =
  | ProcessJoinFunction<IN1, IN2, OUT>
  | { processElement: ProcessJoinFn<IN1, IN2, OUT> }
  | ProcessJoinFn<IN1, IN2, OUT>;
