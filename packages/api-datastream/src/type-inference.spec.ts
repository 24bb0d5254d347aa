// Compile-time checks: `tsc -p tsconfig.spec.json` (the lint target) fails if an inferred type is
// wrong or an `@ts-expect-error` line stops being an error. The runtime assertions keep Jest honest.
import type { Collector, KeySelector, MapFunction } from '@flott/core';
import { DataStream, KeyedStream, SingleOutputStreamOperator, StreamExecutionEnvironment } from './index';

interface Trade {
  symbol: string;
  price: number;
  volume: number;
  venue?: number;
}

describe('type inference', () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment();

  it('element types flow through map, filter, flatMap and keyBy', () => {
    const s: DataStream<string> = env.fromElements(1, 2).map((x) => String(x));
    const n: SingleOutputStreamOperator<number> = env.fromSequence(1, 3).filter((x) => x > 1);
    const words: DataStream<string> = env.fromElements('a b').flatMap((line: string, out: Collector<string>) => out.collect(line));
    const keyed: KeyedStream<Trade, string> = env.fromElements<Trade>({ symbol: 'X', price: 1, volume: 2 }).keyBy((t) => t.symbol);
    const byObject: KeySelector<Trade, number> = { getKey: (t) => t.volume };
    const keyedByObject: KeyedStream<Trade, number> = env.fromElements<Trade>({ symbol: 'X', price: 1, volume: 2 }).keyBy(byObject);
    const mapper: MapFunction<number, boolean> = { map: (x) => x > 0 };
    const mapped: DataStream<boolean> = env.fromElements(1).map(mapper);
    expect([s, n, words, keyed, keyedByObject, mapped].every((x) => x instanceof DataStream)).toBe(true);

    // @ts-expect-error a DataStream<number> is not a DataStream<string>
    const wrong: DataStream<string> = env.fromElements(1, 2);
    // @ts-expect-error map's parameter is inferred as number
    env.fromElements(1).map((x) => x.toUpperCase());
    // @ts-expect-error elements of one stream have one type
    env.fromElements('a', 1);
    expect(wrong).toBeDefined();
  });

  it('aggregations accept only fitting fields', () => {
    const trades = env.fromElements<Trade>({ symbol: 'X', price: 1, volume: 2 }).keyBy((t) => t.symbol);
    const summed: DataStream<Trade> = trades.sum('volume');
    const total: DataStream<number> = trades.sum((t) => t.price * t.volume);
    const cheapest: DataStream<Trade> = trades.minBy('price');
    const lastSymbol: DataStream<string> = trades.max((t) => t.symbol);
    const maxSymbol: DataStream<Trade> = trades.max('symbol');
    // @ts-expect-error sum needs a numeric field
    trades.sum('symbol');
    // @ts-expect-error an optional field may be missing, so it cannot be summed
    trades.sum('venue');
    // @ts-expect-error not a field of Trade
    trades.min('nope');

    const pairs = env.fromElements<[string, number]>(['a', 1]).keyBy((p) => p[0]);
    const tupleSum: DataStream<[string, number]> = pairs.sum(1);
    // @ts-expect-error position 0 holds a string
    pairs.sum(0);
    expect([summed, total, cheapest, lastSymbol, maxSymbol, tupleSum].length).toBe(6);
  });
});
