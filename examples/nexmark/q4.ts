/**
 * Nexmark q4, average price per category: the winning price of each auction (its highest bid
 * within its lifetime, see winning-bids.ts), averaged per category.
 *
 * How updates are emitted: a winner is known when its auction expires (event time), so each
 * expired auction that had a bid adds its price to its category's sum and count and emits the
 * category's new average. The stream is a changelog of averages: the last record of a category is
 * its current value (on a bounded stream, the final one). Records of one category come from one
 * subtask in order, so a parallelism-1 sink keeps that order.
 *
 * The average is Flink's `AVG` over BIGINT, as in the nexmark repository's q4 (AVG(final) of BIGINT
 * prices): a BIGINT, sum / count truncated toward zero. Sum and count are exact integers while the
 * sum stays below 2^53 cents (about a billion winning auctions per category at Nexmark's average
 * price); beyond that the job fails loudly instead of averaging rounded sums.
 *
 *   npx flott run -p 2 examples/nexmark/q4.ts --events 200000 --output q4.jsonl
 */
import {
  KeyedProcessFunction,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  type Collector,
  type KeyedProcessContext,
  type ValueState,
} from '@flott/api-datastream';
import { nexmarkArgs, nexmarkConfig, nexmarkSource, sinkResults } from '@flott/nexmark';
import { winningBids, type WinningBid } from './winning-bids';

export interface Q4Result {
  readonly category: number;
  /** sum / count of the winning prices so far, truncated toward zero to a whole number of cents (Flink's AVG(BIGINT)). */
  readonly avg: number;
}

class AveragePerCategory extends KeyedProcessFunction<number, WinningBid, Q4Result> {
  private totals!: ValueState<{ sum: number; count: number }>;

  override open(): void {
    this.totals = this.getRuntimeContext().getState(new ValueStateDescriptor<{ sum: number; count: number }>('price-totals'));
  }

  processElement(winner: WinningBid, ctx: KeyedProcessContext<number>, out: Collector<Q4Result>): void {
    const t = this.totals.value() ?? { sum: 0, count: 0 };
    const next = { sum: t.sum + winner.bid.price, count: t.count + 1 };
    if (!Number.isSafeInteger(next.sum)) {
      throw new Error(`Assertion failed: the price sum of category ${String(ctx.getCurrentKey())} left the safe integers (${next.sum})`);
    }
    this.totals.update(next);
    out.collect({ category: ctx.getCurrentKey(), avg: truncatedAverage(next.sum, next.count) });
  }
}

/** Integer division truncated toward zero, as Java's long division: exact, no rounding of sum / count. */
function truncatedAverage(sum: number, count: number): number {
  return (sum - (sum % count)) / count;
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();
const a = nexmarkArgs(env.getArgs());
const src = nexmarkSource(env, nexmarkConfig({ events: a.events, targetRate: a.rate }));

const result = winningBids(src)
  .keyBy((w) => w.auction.category)
  .process(new AveragePerCategory())
  .name('average per category');

sinkResults(result, a.output);
await env.execute('Nexmark q4');
