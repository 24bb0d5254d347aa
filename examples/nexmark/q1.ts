/**
 * Nexmark q1, currency conversion: every bid with its price converted from dollars to euros
 * (× 0.908). Prices are integer cents; the euro price is rounded to the nearest cent, halves up:
 * round(price × 908 / 1000).
 *
 *   npx flott run -p 2 examples/nexmark/q1.ts --events 1000000 [--output q1.jsonl]
 */
import { StreamExecutionEnvironment } from '@flott/api-datastream';
import { nexmarkArgs, nexmarkConfig, nexmarkSource, sinkResults } from '@flott/nexmark';

export interface Q1Result {
  readonly auction: number;
  readonly bidder: number;
  /** Euro cents. */
  readonly price: number;
  readonly dateTime: number;
  readonly extra: string;
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();
const a = nexmarkArgs(env.getArgs());
const src = nexmarkSource(env, nexmarkConfig({ events: a.events, targetRate: a.rate }));

const result = src.flatMap<Q1Result>((e, out) => {
  if (e.type === 'bid') {
    const b = e.bid;
    // Integer product first: price × 908 is exact, so a true half cent rounds up.
    out.collect({ auction: b.auction, bidder: b.bidder, price: Math.round((b.price * 908) / 1000), dateTime: b.dateTime, extra: b.extra });
  }
}).name('q1: bids in euros');

sinkResults(result, a.output);
await env.execute('Nexmark q1');
