/**
 * Nexmark q11, user sessions: bids per bidder in event-time session windows with a 10 s gap, as
 * (bidder, count, windowStart, windowEnd); a session ends 10 s after its last bid.
 *
 *   npx flott run -p 2 examples/nexmark/q11.ts --events 200000 --output q11.jsonl
 */
import {
  EventTimeSessionWindows,
  ProcessWindowFunction,
  StreamExecutionEnvironment,
  type AggregateFunction,
  type Collector,
  type ProcessWindowContext,
  type TimeWindow,
} from '@flott/api-datastream';
import { nexmarkArgs, nexmarkConfig, nexmarkSerializers, nexmarkSource, sinkResults, type Bid } from '@flott/nexmark';

export interface Q11Result {
  readonly bidder: number;
  readonly count: number;
  readonly windowStart: number;
  readonly windowEnd: number;
}

const countBids: AggregateFunction<Bid, number, number> = {
  createAccumulator: () => 0,
  add: (_bid, acc) => acc + 1,
  getResult: (acc) => acc,
  merge: (x, y) => x + y,
};

class WithSession extends ProcessWindowFunction<number, Q11Result, number, TimeWindow> {
  process(bidder: number, ctx: ProcessWindowContext<TimeWindow>, counts: Iterable<number>, out: Collector<Q11Result>): void {
    for (const count of counts) out.collect({ bidder, count, windowStart: ctx.window().start, windowEnd: ctx.window().end });
  }
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();
const a = nexmarkArgs(env.getArgs());
const src = nexmarkSource(env, nexmarkConfig({ events: a.events, targetRate: a.rate }));

const result = src
  .flatMap<Bid>((e, out) => {
    if (e.type === 'bid') out.collect(e.bid);
  })
  .name('bids')
  // Bids cross to the keyed subtasks: a binary codec of their shape beats msgpack ~2x.
  .returns(nexmarkSerializers.bid)
  .keyBy((bid) => bid.bidder)
  .window(EventTimeSessionWindows.withGap(10_000))
  .aggregate(countBids, new WithSession())
  .name('bids per session');

sinkResults(result, a.output);
await env.execute('Nexmark q11');
