/**
 * Nexmark q12, processing-time windows: bids per bidder in 10 s tumbling processing-time windows,
 * as (bidder, count, windowStart, windowEnd) with the window in wall-clock epoch milliseconds.
 *
 * A window fires when the wall clock passes its end. On a bounded stream the windows still open at
 * the end would be dropped (processing-time timers stop with the input, as in Flink), so the
 * trigger also fires them on the end-of-input watermark: every bid is counted exactly once.
 * `--window-ms` changes the window size (10 000 by default, the query's) so a test can span
 * several windows in a short run.
 *
 *   npx flott run -p 2 examples/nexmark/q12.ts --events 200000 --rate 50000 --output q12.jsonl
 */
import {
  ParameterTool,
  ProcessWindowFunction,
  StreamExecutionEnvironment,
  Trigger,
  TriggerResult,
  TumblingProcessingTimeWindows,
  type AggregateFunction,
  type Collector,
  type ProcessWindowContext,
  type TimeWindow,
  type TriggerContext,
} from '@flott/api-datastream';
import { nexmarkArgs, nexmarkConfig, nexmarkSerializers, nexmarkSource, sinkResults, type Bid } from '@flott/nexmark';

export interface Q12Result {
  readonly bidder: number;
  readonly count: number;
  readonly windowStart: number;
  readonly windowEnd: number;
}

/** The watermark a bounded input ends with (Flott's MAX_WATERMARK). */
const END_OF_INPUT = Number.MAX_SAFE_INTEGER;

/** Flink's ProcessingTimeTrigger, plus: fire and purge on the end-of-input watermark. */
class ProcessingTimeOrEndOfInput extends Trigger<Bid, TimeWindow> {
  onElement(_bid: Bid, _timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    ctx.registerProcessingTimeTimer(window.maxTimestamp());
    ctx.registerEventTimeTimer(END_OF_INPUT);
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.FIRE;
  }
  onEventTime(time: number): TriggerResult {
    return time === END_OF_INPUT ? TriggerResult.FIRE_AND_PURGE : TriggerResult.CONTINUE;
  }
  clear(window: TimeWindow, ctx: TriggerContext): void {
    ctx.deleteProcessingTimeTimer(window.maxTimestamp());
    ctx.deleteEventTimeTimer(END_OF_INPUT);
  }
  override toString(): string {
    return 'ProcessingTimeOrEndOfInputTrigger';
  }
}

const countBids: AggregateFunction<Bid, number, number> = {
  createAccumulator: () => 0,
  add: (_bid, acc) => acc + 1,
  getResult: (acc) => acc,
  merge: (x, y) => x + y,
};

class WithWindow extends ProcessWindowFunction<number, Q12Result, number, TimeWindow> {
  process(bidder: number, ctx: ProcessWindowContext<TimeWindow>, counts: Iterable<number>, out: Collector<Q12Result>): void {
    for (const count of counts) out.collect({ bidder, count, windowStart: ctx.window().start, windowEnd: ctx.window().end });
  }
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();
const a = nexmarkArgs(env.getArgs());
const windowMs = ParameterTool.fromArgs(env.getArgs()).getInt('window-ms', 10_000);
const src = nexmarkSource(env, nexmarkConfig({ events: a.events, targetRate: a.rate }));

const result = src
  .flatMap<Bid>((e, out) => {
    if (e.type === 'bid') out.collect(e.bid);
  })
  .name('bids')
  // Bids cross to the keyed subtasks: a binary codec of their shape beats msgpack ~2x.
  .returns(nexmarkSerializers.bid)
  .keyBy((bid) => bid.bidder)
  .window(TumblingProcessingTimeWindows.of(windowMs))
  .trigger(new ProcessingTimeOrEndOfInput())
  .aggregate(countBids, new WithWindow())
  .name('bids per processing-time window');

sinkResults(result, a.output);
await env.execute('Nexmark q12');
