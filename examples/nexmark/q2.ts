/**
 * Nexmark q2, selection: (auction, price) of the bids on auctions whose id is a multiple of 123.
 *
 *   npx flott run -p 2 examples/nexmark/q2.ts --events 1000000 [--output q2.jsonl]
 */
import { StreamExecutionEnvironment } from '@flott/api-datastream';
import { nexmarkArgs, nexmarkConfig, nexmarkSource, sinkResults } from '@flott/nexmark';

export interface Q2Result {
  readonly auction: number;
  readonly price: number;
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();
const a = nexmarkArgs(env.getArgs());
const src = nexmarkSource(env, nexmarkConfig({ events: a.events, targetRate: a.rate }));

const result = src.flatMap<Q2Result>((e, out) => {
  if (e.type === 'bid' && e.bid.auction % 123 === 0) out.collect({ auction: e.bid.auction, price: e.bid.price });
}).name('q2: auction % 123 == 0');

sinkResults(result, a.output);
await env.execute('Nexmark q2');
