/**
 * Nexmark q8, new users: people who registered and opened an auction within the same 10 s tumbling
 * event-time window, as (id, name, windowStart).
 *
 * A window co-group of people (by id) and auctions (by seller), the operator Flink's window join is
 * built on: a join would emit one row per (person, auction) pair, while Flink's q8 SQL joins the
 * grouped people with the grouped sellers and so emits each person once per window, however many
 * auctions they opened. The window start is the person's registration time rounded down to 10 s:
 * for tumbling windows that is the window the co-group put them in.
 *
 *   npx flott run -p 2 examples/nexmark/q8.ts --events 200000 --output q8.jsonl
 */
import { StreamExecutionEnvironment, TumblingEventTimeWindows, type Collector } from '@flott/api-datastream';
import { nexmarkArgs, nexmarkConfig, nexmarkSource, sinkResults, type Auction, type Person } from '@flott/nexmark';

export interface Q8Result {
  readonly id: number;
  readonly name: string;
  readonly windowStart: number;
}

const WINDOW_MS = 10_000;

const env = StreamExecutionEnvironment.getExecutionEnvironment();
const a = nexmarkArgs(env.getArgs());
const src = nexmarkSource(env, nexmarkConfig({ events: a.events, targetRate: a.rate }));

const people = src
  .flatMap<Person>((e, out) => {
    if (e.type === 'person') out.collect(e.person);
  })
  .name('people');
const auctions = src
  .flatMap<Auction>((e, out) => {
    if (e.type === 'auction') out.collect(e.auction);
  })
  .name('auctions');

const result = people
  .coGroup(auctions)
  .where((p) => p.id)
  .equalTo((auction) => auction.seller)
  .window(TumblingEventTimeWindows.of(WINDOW_MS))
  .apply((persons: Iterable<Person>, sellers: Iterable<Auction>, out: Collector<Q8Result>) => {
    if (sellers[Symbol.iterator]().next().done) return;
    for (const p of persons) out.collect({ id: p.id, name: p.name, windowStart: Math.floor(p.dateTime / WINDOW_MS) * WINDOW_MS });
  })
  .name('new users with auctions');

sinkResults(result, a.output);
await env.execute('Nexmark q8');
