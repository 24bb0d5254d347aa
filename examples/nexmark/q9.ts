/**
 * Nexmark q9, winning bids: each auction with the bid that won it (the highest price within the
 * auction's lifetime, the earliest on ties), emitted when the auction expires in event time. See
 * winning-bids.ts for the join and the tie rule.
 *
 *   npx flott run -p 2 examples/nexmark/q9.ts --events 200000 --output q9.jsonl
 */
import { StreamExecutionEnvironment } from '@flott/api-datastream';
import { nexmarkArgs, nexmarkConfig, nexmarkSource, sinkResults, type Auction } from '@flott/nexmark';
import { winningBids } from './winning-bids';

/** The auction's fields, then the winning bid's (Flink's q9 columns; bid_dateTime → bidDateTime). */
export interface Q9Result extends Auction {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly bidDateTime: number;
  readonly bidExtra: string;
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();
const a = nexmarkArgs(env.getArgs());
const src = nexmarkSource(env, nexmarkConfig({ events: a.events, targetRate: a.rate }));

const result = winningBids(src)
  .map(({ auction, bid }): Q9Result => ({
    ...auction,
    auction: bid.auction,
    bidder: bid.bidder,
    price: bid.price,
    bidDateTime: bid.dateTime,
    bidExtra: bid.extra,
  }))
  .name('q9 result');

sinkResults(result, a.output);
await env.execute('Nexmark q9');
