/**
 * Nexmark q1, currency conversion: every bid with its price converted from dollars to euros
 * (× 0.908), exact to 3 decimals as the nexmark repository's DECIMAL(23,3) column, not rounded.
 *
 * Representation: a JavaScript number, `price × 908 / 1000` (prices are integer cents, so the result
 * is in euro cents with up to 3 decimals). The product price × 908 is an exact integer, and one
 * correctly rounded division gives the double nearest to the exact decimal, which prints (JSON,
 * String) as exactly that decimal, without trailing zeros: 625 → 567.5, 15 → 13.62 (`15 × 0.908`
 * would be 13.620000000000001). This holds for every price below 2^41 cents (the double's spacing
 * stays under half a thousandth); Nexmark prices are at most 10^8 cents. A string or a decimal type
 * would also be exact, at the cost of formatting every bid in a throughput query.
 *
 *   npx flott run -p 2 examples/nexmark/q1.ts --events 1000000 [--output q1.jsonl]
 */
import { StreamExecutionEnvironment } from '@flott/api-datastream';
import { nexmarkArgs, nexmarkConfig, nexmarkSource, sinkResults } from '@flott/nexmark';

export interface Q1Result {
  readonly auction: number;
  readonly bidder: number;
  /** Euro cents, exact to 3 decimals: the dollar cents × 908 / 1000. */
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
    // Integer product first: price × 908 is exact, and the one division is correctly rounded.
    out.collect({ auction: b.auction, bidder: b.bidder, price: (b.price * 908) / 1000, dateTime: b.dateTime, extra: b.extra });
  }
}).name('q1: bids in euros');

sinkResults(result, a.output);
await env.execute('Nexmark q1');
