/**
 * Nexmark q7, highest bid: per 10 s tumbling event-time window, the bids with the window's highest
 * price (all of them on a tie). A window covers [start, start + 10 s).
 *
 * Two phases (local, then global), as Flink SQL aggregates skewed or global groups:
 * 1. each source subtask keeps, per window, only its own highest bids, and sends them on when the
 *    watermark passes the window's end (before it forwards the watermark, so nothing arrives late):
 *    a window's bids never cross threads, only its few local winners do;
 * 2. keyed by window end, the local winners are merged, and a timer at the window's last instant
 *    emits the window's winners once every subtask's have arrived (the watermark passes that time
 *    only after all upstream subtasks sent theirs).
 *
 *   npx flott run -p 2 examples/nexmark/q7.ts --events 200000 --output q7.jsonl
 */
import {
  AbstractStreamOperator,
  KeyedProcessFunction,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  type Collector,
  type KeyedProcessContext,
  type OneInputStreamOperator,
  type OnTimerContext,
  type ValueState,
} from '@flott/api-datastream';
import { nexmarkArgs, nexmarkConfig, nexmarkSource, sinkResults, type Bid } from '@flott/nexmark';

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

const WINDOW_MS = 10_000;

/**
 * The local phase: per tumbling window, this subtask's highest bids so far; a window's are emitted
 * (stamped with its last instant) once the watermark has passed it, before the watermark goes on.
 */
class LocalHighestBids extends AbstractStreamOperator<HighestBids> implements OneInputStreamOperator<Bid, HighestBids> {
  private readonly windows = new Map<number, Bid[]>();

  processElement(bid: Bid, timestamp: number): void {
    const end = timestamp - (timestamp % WINDOW_MS) + WINDOW_MS;
    const highest = this.windows.get(end);
    if (highest === undefined) this.windows.set(end, [bid]);
    else if (bid.price > highest[0].price) this.windows.set(end, [bid]);
    else if (bid.price === highest[0].price) highest.push(bid);
  }

  processWatermark(watermark: number): void {
    for (const [end, bids] of this.windows) {
      if (end - 1 > watermark) continue;
      this.output.collect({ windowEnd: end, bids }, end - 1);
      this.windows.delete(end);
    }
    this.output.emitWatermark(watermark);
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
  .transform('local highest bids', () => new LocalHighestBids())
  .keyBy((part) => part.windowEnd)
  .process(new HighestPerWindow())
  .name('highest bids per window');

sinkResults(result, a.output);
await env.execute('Nexmark q7');
