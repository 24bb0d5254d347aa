/**
 * The winning bid of each auction (shared by q4 and q9, as Beam's WinningBids is): auctions and
 * bids meet keyed by auction id. Among the bids with `auction.dateTime <= bid.dateTime <=
 * auction.expires`, the winner is the highest price, then the earliest dateTime (Flink's q9 order),
 * then the lowest bidder and the remaining fields, so that no tie depends on arrival order. It is
 * emitted once, when the watermark passes the auction's expiry (an event-time timer); auctions
 * without a bid in their lifetime emit nothing.
 */
import {
  KeyedCoProcessFunction,
  ListStateDescriptor,
  ValueStateDescriptor,
  type Collector,
  type DataStream,
  type KeyedProcessContext,
  type ListState,
  type OnTimerContext,
  type ValueState,
} from '@flott/api-datastream';
import { nexmarkSerializers, type Auction, type Bid, type NexmarkEvent } from '@flott/nexmark';

export interface WinningBid {
  readonly auction: Auction;
  readonly bid: Bid;
}

/** True when `a` wins over `b`. */
export function beats(a: Bid, b: Bid): boolean {
  if (a.price !== b.price) return a.price > b.price;
  if (a.dateTime !== b.dateTime) return a.dateTime < b.dateTime;
  if (a.bidder !== b.bidder) return a.bidder < b.bidder;
  if (a.channel !== b.channel) return a.channel < b.channel;
  if (a.url !== b.url) return a.url < b.url;
  return a.extra < b.extra;
}

class WinningBidFunction extends KeyedCoProcessFunction<number, Auction, Bid, WinningBid> {
  private auction!: ValueState<Auction>;
  private best!: ValueState<Bid>;
  /**
   * Bids that came before their auction (the source's subtasks interleave freely). Dropped once the
   * watermark passes their time: an auction they belong to starts no later, so it would be here.
   * One cleanup timer per auction at a time (at the earliest held bid), not one per bid: the hot
   * auction can hold thousands of early bids, and each cleanup reads the whole list.
   */
  private early!: ListState<Bid>;
  /** Time of the pending cleanup timer of `early`, if any. */
  private cleanupAt!: ValueState<number>;

  override open(): void {
    const ctx = this.getRuntimeContext();
    this.auction = ctx.getState(new ValueStateDescriptor<Auction>('auction'));
    this.best = ctx.getState(new ValueStateDescriptor<Bid>('best-bid'));
    this.early = ctx.getListState(new ListStateDescriptor<Bid>('early-bids'));
    this.cleanupAt = ctx.getState(new ValueStateDescriptor<number>('early-bids-cleanup'));
  }

  processElement1(auction: Auction, ctx: KeyedProcessContext<number>): void {
    this.auction.update(auction);
    ctx.timerService().registerEventTimeTimer(auction.expires);
    const early = this.early.get();
    if (early.length === 0) return;
    this.early.clear();
    for (const bid of early) this.offer(auction, bid);
  }

  processElement2(bid: Bid, ctx: KeyedProcessContext<number>): void {
    const auction = this.auction.value();
    if (auction !== undefined) {
      this.offer(auction, bid);
      return;
    }
    this.early.add(bid);
    if (this.cleanupAt.value() === undefined) {
      ctx.timerService().registerEventTimeTimer(bid.dateTime);
      this.cleanupAt.update(bid.dateTime);
    }
  }

  override onTimer(timestamp: number, ctx: OnTimerContext<number>, out: Collector<WinningBid>): void {
    const auction = this.auction.value();
    if (timestamp === this.cleanupAt.value()) {
      this.cleanupAt.clear();
      if (auction === undefined) {
        // Everything the watermark has passed can no longer meet its auction.
        const watermark = ctx.timerService().currentWatermark();
        const kept = this.early.get().filter((bid) => bid.dateTime > watermark);
        this.early.update(kept);
        if (kept.length > 0) {
          let next = kept[0].dateTime;
          for (const bid of kept) if (bid.dateTime < next) next = bid.dateTime;
          ctx.timerService().registerEventTimeTimer(next);
          this.cleanupAt.update(next);
        }
      }
    }
    if (auction === undefined) return;
    if (timestamp !== auction.expires) return;
    const best = this.best.value();
    if (best !== undefined) out.collect({ auction, bid: best });
    // Later bids of this auction are past its expiry; they pass through `early` and are dropped.
    this.auction.clear();
    this.best.clear();
  }

  private offer(auction: Auction, bid: Bid): void {
    if (bid.dateTime < auction.dateTime || bid.dateTime > auction.expires) return;
    const best = this.best.value();
    if (best === undefined || beats(bid, best)) this.best.update(bid);
  }
}

/** Splits the event stream into auctions and bids and joins them into each auction's winning bid. */
export function winningBids(events: DataStream<NexmarkEvent>): DataStream<WinningBid> {
  const auctions = events.flatMap<Auction>((e, out) => {
    if (e.type === 'auction') out.collect(e.auction);
  }).name('auctions').returns(nexmarkSerializers.auction);
  const bids = events.flatMap<Bid>((e, out) => {
    if (e.type === 'bid') out.collect(e.bid);
  }).name('bids').returns(nexmarkSerializers.bid);
  return auctions
    .connect(bids)
    .keyBy((a) => a.id, (b) => b.auction)
    .process(new WinningBidFunction())
    .name('winning bids');
}
