import { AbstractRichFunction, type OnTimerContext, type TimerService } from './rich-functions';
import type { Collector, OutputTag } from '../functions/functions';
import type { AbstractStateDescriptor, MapStateDescriptor } from '../state/state-descriptors';
import type { BroadcastState, ReadOnlyBroadcastState, State } from '../state/state-handles';

/**
 * Contexts of the broadcast state pattern (Flink's BroadcastProcessFunction and
 * KeyedBroadcastProcessFunction). The non-broadcast side reads broadcast state; the broadcast side
 * writes it, and must write it alike on every subtask (the same input reaches them all) so that the
 * subtasks keep identical copies.
 */
export interface BaseBroadcastContext {
  timestamp(): number | undefined;
  output<X>(tag: OutputTag<X>, value: X): void;
  currentWatermark(): number;
  currentProcessingTime(): number;
}

export interface BroadcastReadOnlyContext extends BaseBroadcastContext {
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): ReadOnlyBroadcastState<K, V>;
}

export interface BroadcastContext extends BaseBroadcastContext {
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V>;
}

export interface KeyedBroadcastReadOnlyContext<K> extends BroadcastReadOnlyContext {
  getCurrentKey(): K;
  timerService(): TimerService;
}

export interface KeyedBroadcastContext extends BroadcastContext {
  /**
   * Runs `fn` for every key of this subtask that holds a value of `descriptor`, with that key's
   * state handle (Flink's applyToKeyedState).
   */
  applyToKeyedState<S extends State>(descriptor: AbstractStateDescriptor<unknown>, fn: (key: unknown, state: S) => void): void;
}

export interface KeyedBroadcastOnTimerContext<K> extends KeyedBroadcastReadOnlyContext<K>, Pick<OnTimerContext<K>, 'timeDomain'> {}

export abstract class BroadcastProcessFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement(value: IN1, ctx: BroadcastReadOnlyContext, out: Collector<OUT>): void;
  abstract processBroadcastElement(value: IN2, ctx: BroadcastContext, out: Collector<OUT>): void;
}

export abstract class KeyedBroadcastProcessFunction<K, IN1, IN2, OUT> extends AbstractRichFunction {
  abstract processElement(value: IN1, ctx: KeyedBroadcastReadOnlyContext<K>, out: Collector<OUT>): void;
  abstract processBroadcastElement(value: IN2, ctx: KeyedBroadcastContext, out: Collector<OUT>): void;
  onTimer(_timestamp: number, _ctx: KeyedBroadcastOnTimerContext<K>, _out: Collector<OUT>): void {}
}

export type BroadcastProcessFunctionLike<IN1, IN2, OUT> =
  | BroadcastProcessFunction<IN1, IN2, OUT>
  | {
      processElement(value: IN1, ctx: BroadcastReadOnlyContext, out: Collector<OUT>): void;
      processBroadcastElement(value: IN2, ctx: BroadcastContext, out: Collector<OUT>): void;
    };

export type KeyedBroadcastProcessFunctionLike<K, IN1, IN2, OUT> =
  | KeyedBroadcastProcessFunction<K, IN1, IN2, OUT>
  | {
      processElement(value: IN1, ctx: KeyedBroadcastReadOnlyContext<K>, out: Collector<OUT>): void;
      processBroadcastElement(value: IN2, ctx: KeyedBroadcastContext, out: Collector<OUT>): void;
      onTimer?(timestamp: number, ctx: KeyedBroadcastOnTimerContext<K>, out: Collector<OUT>): void;
    };
