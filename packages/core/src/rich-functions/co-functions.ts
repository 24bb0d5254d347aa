import { AbstractRichFunction, type KeyedProcessContext, type OnTimerContext, type ProcessContext } from './rich-functions';
import type { Collector } from '../functions/functions';

/**
 * Functions on two connected streams (Flink's CoMapFunction, CoFlatMapFunction, CoProcessFunction,
 * KeyedCoProcessFunction). `*1` methods get records of the first stream, `*2` of the second; both
 * run on the task's mailbox thread, never at the same time, in no guaranteed order between inputs.
 */
export interface CoMapFunction<IN1, IN2, OUT> {
  map1(value: IN1): OUT;
  map2(value: IN2): OUT;
}

export interface CoFlatMapFunction<IN1, IN2, OUT> {
  flatMap1(value: IN1, out: Collector<OUT>): void;
  flatMap2(value: IN2, out: Collector<OUT>): void;
}

export abstract class RichCoMapFunction<IN1, IN2, OUT> extends AbstractRichFunction implements CoMapFunction<IN1, IN2, OUT> {
  abstract map1(value: IN1): OUT;
  abstract map2(value: IN2): OUT;
}

export abstract class RichCoFlatMapFunction<IN1, IN2, OUT> extends AbstractRichFunction implements CoFlatMapFunction<IN1, IN2, OUT> {
  abstract flatMap1(value: IN1, out: Collector<OUT>): void;
  abstract flatMap2(value: IN2, out: Collector<OUT>): void;
}

/** Non-keyed: timers cannot be used (its timer service throws), as in Flink. */
export abstract class CoProcessFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement1(value: IN1, ctx: ProcessContext, out: Collector<OUT>): void;
  abstract processElement2(value: IN2, ctx: ProcessContext, out: Collector<OUT>): void;
}

/** Keyed: keyed state through the runtime context and timers per key. */
export abstract class KeyedCoProcessFunction<K, IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement1(value: IN1, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  abstract processElement2(value: IN2, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  onTimer(_timestamp: number, _ctx: OnTimerContext<K>, _out: Collector<OUT>): void {}
}

export type CoMapFunctionLike<IN1, IN2, OUT> = CoMapFunction<IN1, IN2, OUT>;
export type CoFlatMapFunctionLike<IN1, IN2, OUT> = CoFlatMapFunction<IN1, IN2, OUT>;
export type CoProcessFunctionLike<IN1, IN2, OUT> =
  | CoProcessFunction<IN1, IN2, OUT>
  | {
      processElement1(value: IN1, ctx: ProcessContext, out: Collector<OUT>): void;
      processElement2(value: IN2, ctx: ProcessContext, out: Collector<OUT>): void;
    };
export type KeyedCoProcessFunctionLike<K, IN1, IN2, OUT> =
  | KeyedCoProcessFunction<K, IN1, IN2, OUT>
  | {
      processElement1(value: IN1, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
      processElement2(value: IN2, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
      onTimer?(timestamp: number, ctx: OnTimerContext<K>, out: Collector<OUT>): void;
    };
