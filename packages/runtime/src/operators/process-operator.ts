import {
  NO_TIMESTAMP,
  type Collector,
  type OutputTag,
  type ProcessContext,
  type ProcessElementFn,
  type ProcessFunction,
  type ProcessFunctionLike,
} from '@flott/core';
import { AbstractUdfStreamOperator } from './abstract-stream-operator';
import { specializeHotMethods } from './specialize';
import { TimestampedCollector } from './basic-operators';
import type { OneInputStreamOperator, OperatorEnvironment } from './stream-operator';
import { nonKeyedTimerService } from './timers/timer-errors';

/** Runs a ProcessFunction: main output with the input's timestamp, side outputs by tag. */
export class ProcessOperator<IN, OUT>
  extends AbstractUdfStreamOperator<OUT, ProcessFunctionLike<IN, OUT>>
  implements OneInputStreamOperator<IN, OUT>
{
  private readonly fn: ProcessElementFn<IN, OUT>;
  private collector!: TimestampedCollector<OUT>;
  private currentTimestamp = NO_TIMESTAMP;
  private readonly context: ProcessContext = {
    timestamp: () => (this.currentTimestamp === NO_TIMESTAMP ? undefined : this.currentTimestamp),
    output: <X>(tag: OutputTag<X>, value: X): void => {
      this.output.collectSide(tag.id, value, this.currentTimestamp);
    },
    currentWatermark: () => this.env.currentWatermark(),
    currentProcessingTime: () => this.env.clock.currentTimeMillis(),
    timerService: () => this.timers,
  };
  private readonly timers = nonKeyedTimerService(
    () => this.env.clock.currentTimeMillis(),
    () => this.env.currentWatermark(),
  );

  constructor(f: ProcessFunctionLike<IN, OUT>) {
    super(f);
    this.fn = typeof f === 'function' ? f : f.processElement.bind(f);
    specializeHotMethods(this, ['processElement']);
  }

  override setup(env: OperatorEnvironment<OUT>): void {
    super.setup(env);
    this.collector = new TimestampedCollector(this.output);
  }

  processElement(value: IN, timestamp: number): void {
    const c = this.collector;
    c.timestamp = timestamp;
    this.currentTimestamp = timestamp;
    this.fn(value, this.context, c);
  }

  processWatermark(watermark: number): void {
    this.output.emitWatermark(watermark);
  }
}
