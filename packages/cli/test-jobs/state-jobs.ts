/**
 * End-to-end fixture for keyed state, connect() and broadcast state (`--case NAME`). Each pipeline's
 * result does not depend on how records of different inputs interleave, so the test can compare it
 * with a plain computation at any parallelism.
 */
import {
  KeyedBroadcastProcessFunction,
  KeyedCoProcessFunction,
  ListStateDescriptor,
  MapStateDescriptor,
  ParameterTool,
  RichFlatMapFunction,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  type Collector,
  type KeyedBroadcastContext,
  type KeyedBroadcastReadOnlyContext,
  type KeyedProcessContext,
  type ListState,
  type ValueState,
} from '@flott/api-datastream';
import { runCase } from './run-case';

type Env = StreamExecutionEnvironment;

/** Emits [value, occurrence] for the first and every tenth occurrence of a value, counted in ValueState. */
class EveryTenth extends RichFlatMapFunction<number, [number, number]> {
  private count!: ValueState<number>;
  override open(): void {
    this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('count', 0));
  }
  flatMap(value: number, out: Collector<[number, number]>): void {
    const n = (this.count.value() ?? 0) + 1;
    this.count.update(n);
    if (n === 1 || n % 10 === 0) out.collect([value, n]);
  }
}

interface Order {
  readonly id: number;
  readonly product: string;
  readonly qty: number;
}
interface Price {
  readonly product: string;
  readonly price: number;
}

/** Prices each order once its product's price is known; orders that came first wait in ListState. */
class PriceOrders extends KeyedCoProcessFunction<string, Order, Price, [number, number]> {
  private price!: ValueState<number>;
  private waiting!: ListState<Order>;
  override open(): void {
    this.price = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('price'));
    this.waiting = this.getRuntimeContext().getListState(new ListStateDescriptor<Order>('waiting'));
  }
  processElement1(order: Order, _ctx: KeyedProcessContext<string>, out: Collector<[number, number]>): void {
    const price = this.price.value();
    if (price === undefined) this.waiting.add(order);
    else out.collect([order.id, order.qty * price]);
  }
  processElement2(p: Price, ctx: KeyedProcessContext<string>, out: Collector<[number, number]>): void {
    if (ctx.getCurrentKey() !== p.product) throw new Error(`key ${String(ctx.getCurrentKey())} is not the price's product ${p.product}`);
    this.price.update(p.price);
    for (const order of this.waiting.get()) out.collect([order.id, order.qty * p.price]);
    this.waiting.clear();
  }
}

interface Rule {
  readonly name: string;
  readonly divisor: number;
}
const RULES = new MapStateDescriptor<string, Rule>('rules');
const PENDING = new ListStateDescriptor<number>('pending');
const RULE_COUNT = 3;

/**
 * Emits "rule:value" for every value a rule's divisor divides. Values wait (keyed ListState) until
 * all rules arrived; the last rule flushes every key's waiting values through applyToKeyedState.
 */
class DivisorRules extends KeyedBroadcastProcessFunction<number, number, Rule, string> {
  private pending!: ListState<number>;
  override open(): void {
    this.pending = this.getRuntimeContext().getListState(PENDING);
  }
  processElement(value: number, ctx: KeyedBroadcastReadOnlyContext<number>, out: Collector<string>): void {
    const rules = ctx.getBroadcastState(RULES).immutableEntries();
    if (rules.length < RULE_COUNT) this.pending.add(value);
    else for (const [, rule] of rules) if (value % rule.divisor === 0) out.collect(`${rule.name}:${value}`);
  }
  processBroadcastElement(rule: Rule, ctx: KeyedBroadcastContext, out: Collector<string>): void {
    const state = ctx.getBroadcastState(RULES);
    state.put(rule.name, rule);
    if (state.keys().length < RULE_COUNT) return;
    const rules = state.values();
    ctx.applyToKeyedState<ListState<number>>(PENDING, (_key, pending) => {
      for (const v of pending.get()) for (const r of rules) if (v % r.divisor === 0) out.collect(`${r.name}:${v}`);
      pending.clear();
    });
  }
}

const cases: Record<string, (env: Env, n: number) => Promise<unknown>> = {
  'value-state': (env, n) =>
    env
      .fromSequence(1, n)
      .map((x) => x % 37)
      .keyBy((v) => v)
      .flatMap(new EveryTenth())
      .executeAndCollect(),
  'keyed-co-process': (env, n) => {
    const orders = env.fromSequence(1, n).map((i): Order => ({ id: i, product: `p${i % 11}`, qty: (i % 5) + 1 }));
    const prices = env.fromSequence(0, 10).map((j): Price => ({ product: `p${j}`, price: j + 1 }));
    return orders
      .connect(prices)
      .keyBy((o) => o.product, (p) => p.product)
      .process(new PriceOrders())
      .executeAndCollect();
  },
  'broadcast-rules': (env, n) => {
    const rules = env.fromElements<Rule>({ name: 'three', divisor: 3 }, { name: 'five', divisor: 5 }, { name: 'seven', divisor: 7 });
    return env
      .fromSequence(1, n)
      .keyBy((v) => v % 10)
      .connect(rules.broadcast(RULES))
      .process(new DivisorRules())
      .executeAndCollect();
  },
};

export default function main(args: readonly string[]): Promise<void> {
  return runCase(cases, args);
}
