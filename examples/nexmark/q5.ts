/**
 * Nexmark q5, hot items: bids counted per auction in sliding event-time windows of 10 s every
 * 2 s; per window, the auctions with the most bids (all of them on a tie).
 *
 * Both aggregations run in two phases (local, then global), as Flink SQL does for skewed keys:
 * 1. each source subtask counts its bids per (auction, 2 s slice) and sends the partial counts on
 *    when the watermark passes the slice: about half of all bids go to one hot auction, which would
 *    otherwise load one window subtask with most of the stream;
 * 2. a keyed sliding window sums the partial counts per auction;
 * 3. each window subtask keeps, per window, its own leaders and sends them on when the watermark
 *    passes the window's end (every window there has fired by then): a window holds thousands of
 *    auctions but only a handful of leaders, and all of a window's results share one key;
 * 4. keyed by window end, the local leaders are merged, and a timer at the window's end emits the
 *    window's leaders once every subtask's leaders have arrived (the watermark passes that time only
 *    after all upstream subtasks sent theirs).
 *
 *   npx flott run -p 2 examples/nexmark/q5.ts --events 200000 --output q5.jsonl
 */
import {
  AbstractStreamOperator,
  KeyedProcessFunction,
  ProcessWindowFunction,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  type AggregateFunction,
  type Collector,
  type KeyedProcessContext,
  type OneInputStreamOperator,
  type OnTimerContext,
  type ProcessWindowContext,
  type TimeWindow,
  type ValueState,
} from '@flott/api-datastream';
import { nexmarkArgs, nexmarkConfig, nexmarkSource, sinkResults, type Bid } from '@flott/nexmark';

export interface Q5Result {
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly auction: number;
  readonly count: number;
}

const SLIDE_MS = 2_000;

/** A subtask's count of one auction's bids in one slice, stamped with the slice's last instant. */
interface PartialCount {
  readonly auction: number;
  readonly count: number;
}

/**
 * The local phase: counts bids per (slice, auction) and emits each slice's counts once the
 * watermark has passed the slice, before forwarding the watermark (so nothing arrives late).
 */
class LocalSliceCounts extends AbstractStreamOperator<PartialCount> implements OneInputStreamOperator<Bid, PartialCount> {
  private readonly slices = new Map<number, Map<number, number>>();

  processElement(bid: Bid, timestamp: number): void {
    const start = timestamp - (timestamp % SLIDE_MS);
    let counts = this.slices.get(start);
    if (!counts) this.slices.set(start, (counts = new Map()));
    counts.set(bid.auction, (counts.get(bid.auction) ?? 0) + 1);
  }

  processWatermark(watermark: number): void {
    for (const [start, counts] of this.slices) {
      if (start + SLIDE_MS - 1 > watermark) continue;
      for (const [auction, count] of counts) this.output.collect({ auction, count }, start + SLIDE_MS - 1);
      this.slices.delete(start);
    }
    this.output.emitWatermark(watermark);
  }
}

const sumCounts: AggregateFunction<PartialCount, number, number> = {
  createAccumulator: () => 0,
  add: (partial, acc) => acc + partial.count,
  getResult: (acc) => acc,
  merge: (x, y) => x + y,
};

/** The leaders of one window so far: the highest count and every auction that has it. */
type Leaders = Q5Result[];

/** Adds `c` to the leaders of its window: it replaces them with a higher count, joins them on a tie. */
function lead(leaders: Leaders | undefined, c: Q5Result): Leaders {
  if (leaders === undefined || c.count > leaders[0].count) return [c];
  if (c.count === leaders[0].count) leaders.push(c);
  return leaders;
}

class WithWindow extends ProcessWindowFunction<number, Q5Result, number, TimeWindow> {
  process(auction: number, ctx: ProcessWindowContext<TimeWindow>, counts: Iterable<number>, out: Collector<Q5Result>): void {
    const { start, end } = ctx.window();
    for (const count of counts) out.collect({ windowStart: start, windowEnd: end, auction, count });
  }
}

/**
 * The local phase of the leaders: per window end, the leaders among this subtask's window results,
 * emitted once the watermark passes the window's last instant, before the watermark goes on.
 */
class LocalLeaders extends AbstractStreamOperator<Q5Result> implements OneInputStreamOperator<Q5Result, Q5Result> {
  private readonly windows = new Map<number, Leaders>();

  processElement(c: Q5Result): void {
    this.windows.set(c.windowEnd, lead(this.windows.get(c.windowEnd), c));
  }

  processWatermark(watermark: number): void {
    for (const [end, leaders] of this.windows) {
      if (end - 1 > watermark) continue;
      for (const c of leaders) this.output.collect(c, end - 1);
      this.windows.delete(end);
    }
    this.output.emitWatermark(watermark);
  }
}

/** Keyed by window end: merges the subtasks' leaders, emits the window's when it is complete. */
class HottestPerWindow extends KeyedProcessFunction<number, Q5Result, Q5Result> {
  private leaders!: ValueState<Leaders>;

  override open(): void {
    this.leaders = this.getRuntimeContext().getState(new ValueStateDescriptor<Leaders>('leaders'));
  }

  processElement(c: Q5Result, ctx: KeyedProcessContext<number>): void {
    const leaders = this.leaders.value();
    // The window's results carry its last instant as their timestamp.
    if (leaders === undefined) ctx.timerService().registerEventTimeTimer(c.windowEnd - 1);
    this.leaders.update(lead(leaders, c));
  }

  override onTimer(_timestamp: number, _ctx: OnTimerContext<number>, out: Collector<Q5Result>): void {
    for (const c of this.leaders.value() ?? []) out.collect(c);
    this.leaders.clear();
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
  .transform('local slice counts', () => new LocalSliceCounts())
  .keyBy((partial) => partial.auction)
  .window(SlidingEventTimeWindows.of(10_000, SLIDE_MS))
  .aggregate(sumCounts, new WithWindow())
  .name('bids per auction')
  .transform('local leaders', () => new LocalLeaders())
  .keyBy((c) => c.windowEnd)
  .process(new HottestPerWindow())
  .name('hottest per window');

sinkResults(result, a.output);
await env.execute('Nexmark q5');
