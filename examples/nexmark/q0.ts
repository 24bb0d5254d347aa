/**
 * Nexmark q0, pass-through: every bid as (auction, bidder, price, dateTime, extra). Measures the
 * cost of the source and the sink alone.
 *
 *   npx flott run -p 2 examples/nexmark/q0.ts --events 1000000 [--output q0.jsonl]
 */
import { StreamExecutionEnvironment } from '@flott/api-datastream';
import { nexmarkArgs, nexmarkConfig, nexmarkSource, sinkResults } from '@flott/nexmark';

export interface Q0Result {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly dateTime: number;
  readonly extra: string;
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();
const a = nexmarkArgs(env.getArgs());
const src = nexmarkSource(env, nexmarkConfig({ events: a.events, targetRate: a.rate }));

const result = src.flatMap<Q0Result>((e, out) => {
  if (e.type === 'bid') {
    const b = e.bid;
    out.collect({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra });
  }
}).name('q0: bids');

sinkResults(result, a.output);
await env.execute('Nexmark q0');
