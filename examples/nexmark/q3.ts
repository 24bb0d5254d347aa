/**
 * Nexmark q3, local item suggestion: auctions of category 10 joined with their seller, for sellers
 * in Oregon, Idaho or California: (name, city, state, auctionId). An unbounded join: both sides are
 * keyed by the person id, the seller is kept in state once seen, and auctions that arrive before
 * their seller wait in state. Each match is emitted once, whichever side came first.
 *
 *   npx flott run -p 2 examples/nexmark/q3.ts --events 1000000 [--output q3.jsonl]
 */
import {
  KeyedCoProcessFunction, ListStateDescriptor, StreamExecutionEnvironment, ValueStateDescriptor, type Collector, type KeyedProcessContext,
  type ListState, type ValueState,
} from '@flott/api-datastream';
import { nexmarkArgs, nexmarkConfig, nexmarkSerializers, nexmarkSource, sinkResults, type Auction, type Person } from '@flott/nexmark';

export interface Q3Result {
  readonly name: string;
  readonly city: string;
  readonly state: string;
  readonly auctionId: number;
}

interface Seller {
  readonly name: string;
  readonly city: string;
  readonly state: string;
}

const STATES = new Set(['OR', 'ID', 'CA']);

class JoinSellers extends KeyedCoProcessFunction<number, Auction, Person, Q3Result> {
  private seller!: ValueState<Seller>;
  /** Auctions of a seller not seen yet. */
  private waiting!: ListState<number>;

  override open(): void {
    this.seller = this.getRuntimeContext().getState(new ValueStateDescriptor<Seller>('seller'));
    this.waiting = this.getRuntimeContext().getListState(new ListStateDescriptor<number>('waiting-auctions'));
  }

  processElement1(auction: Auction, _ctx: KeyedProcessContext<number>, out: Collector<Q3Result>): void {
    const s = this.seller.value();
    if (s === undefined) this.waiting.add(auction.id);
    else out.collect({ name: s.name, city: s.city, state: s.state, auctionId: auction.id });
  }

  processElement2(person: Person, _ctx: KeyedProcessContext<number>, out: Collector<Q3Result>): void {
    const s: Seller = { name: person.name, city: person.city, state: person.state };
    this.seller.update(s);
    for (const auctionId of this.waiting.get()) out.collect({ name: s.name, city: s.city, state: s.state, auctionId });
    this.waiting.clear();
  }
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();
const a = nexmarkArgs(env.getArgs());
const src = nexmarkSource(env, nexmarkConfig({ events: a.events, targetRate: a.rate }));

const auctions = src.flatMap<Auction>((e, out) => {
  if (e.type === 'auction' && e.auction.category === 10) out.collect(e.auction);
}).name('auctions of category 10').returns(nexmarkSerializers.auction);
const sellers = src.flatMap<Person>((e, out) => {
  if (e.type === 'person' && STATES.has(e.person.state)) out.collect(e.person);
}).name('people in OR, ID, CA').returns(nexmarkSerializers.person);

const result = auctions
  .connect(sellers)
  .keyBy((auction) => auction.seller, (person) => person.id)
  .process(new JoinSellers())
  .name('q3: join sellers');

sinkResults(result, a.output);
await env.execute('Nexmark q3');
