/**
 * Nexmark q7, highest bid: per 10 s tumbling event-time window, the bids with the window's highest
 * price (all of them on a tie). A window covers [start, start + 10 s).
 *
 * Two steps, both parallel: a keyed tumbling window keeps, per auction, only its highest bids
 * (incrementally), then those are keyed by window end and merged; a timer at the window's last
 * instant emits the winners once every auction's part of that window has arrived.
 *
 *   npx flott run -p 2 -D taskmanager.numberOfTaskSlots=2 examples/nexmark/q7.ts --events 200000 --output q7.jsonl
 */
import {
  KeyedProcessFunction,
  ProcessWindowFunction,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  type AggregateFunction,
  type Collector,
  type KeyedProcessContext,
  type OnTimerContext,
  type ProcessWindowContext,
  type TimeWindow,
  type ValueState,
} from '@flott/api-datastream';
import { nexmarkArgs, nexmarkConfig, nexmarkSerializers, nexmarkSource, sinkResults, type Bid } from '@flott/nexmark';

/** Flink's q7 columns. */
export interface Q7Result {
  readonly auction: number;
  readonly price: number;
  readonly bidder: number;
  readonly dateTime: number;
  readonly extra: string;
}

/** The bids of a window that share its highest price so far. */
interface HighestBids {
  readonly windowEnd: number;
  readonly bids: Bid[];
}

function keepHighest(acc: Bid[], bids: readonly Bid[]): Bid[] {
  if (bids.length === 0) return acc;
  if (acc.length === 0 || bids[0].price > acc[0].price) return [...bids];
  if (bids[0].price === acc[0].price) acc.push(...bids);
  return acc;
}

const highestBids: AggregateFunction<Bid, Bid[], Bid[]> = {
  createAccumulator: () => [],
  add: (bid, acc) => keepHighest(acc, [bid]),
  getResult: (acc) => acc,
  merge: (x, y) => keepHighest(x, y),
};

class WithWindowEnd extends ProcessWindowFunction<Bid[], HighestBids, number, TimeWindow> {
  process(_auction: number, ctx: ProcessWindowContext<TimeWindow>, results: Iterable<Bid[]>, out: Collector<HighestBids>): void {
    for (const bids of results) out.collect({ windowEnd: ctx.window().end, bids });
  }
}

class HighestPerWindow extends KeyedProcessFunction<number, HighestBids, Q7Result> {
  private highest!: ValueState<Bid[]>;

  override open(): void {
    this.highest = this.getRuntimeContext().getState(new ValueStateDescriptor<Bid[]>('highest'));
  }

  processElement(part: HighestBids, ctx: KeyedProcessContext<number>): void {
    const highest = this.highest.value();
    if (highest === undefined) ctx.timerService().registerEventTimeTimer(part.windowEnd - 1);
    this.highest.update(keepHighest(highest ?? [], part.bids));
  }

  override onTimer(_timestamp: number, _ctx: OnTimerContext<number>, out: Collector<Q7Result>): void {
    for (const b of this.highest.value() ?? []) {
      out.collect({ auction: b.auction, price: b.price, bidder: b.bidder, dateTime: b.dateTime, extra: b.extra });
    }
    this.highest.clear();
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
  .keyBy((bid) => bid.auction)
  .window(TumblingEventTimeWindows.of(10_000))
  .aggregate(highestBids, new WithWindowEnd())
  .name('highest bids per auction')
  .keyBy((part) => part.windowEnd)
  .process(new HighestPerWindow())
  .name('highest bids per window');

sinkResults(result, a.output);
await env.execute('Nexmark q7');
