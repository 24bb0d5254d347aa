import {
  KeyedCoProcessFunction,
  NO_TIMESTAMP,
  ValueStateDescriptor,
  type CoFlatMapFunction,
  type Collector,
  type KeyedProcessContext,
  type OnTimerContext,
  type ValueState,
} from '@flott/core';
import { CoProcessOperator, CoStreamFlatMap, CoStreamMap, KeyedCoProcessOperator } from './co-operators';
import { TwoInputOperatorTestHarness } from './testing/operator-test-harness';
import { TimersNotSupportedError } from './timers/timer-errors';

describe('two-input operators', () => {
  it('CoStreamMap maps each input with its own function and keeps timestamps', async () => {
    const h = new TwoInputOperatorTestHarness<number, string, string>(new CoStreamMap({ map1: (n: number) => `n${n}`, map2: (s: string) => `s${s}` }));
    await h.open();
    h.processElement1(1, 10);
    h.processElement2('a', 20);
    h.processElement1(2);
    expect(h.output.records).toEqual([
      { value: 'n1', timestamp: 10 },
      { value: 'sa', timestamp: 20 },
      { value: 'n2', timestamp: NO_TIMESTAMP },
    ]);
  });

  it('emits the minimum of both inputs\' watermarks, only when it advances', async () => {
    const h = new TwoInputOperatorTestHarness<number, number, number>(new CoStreamMap({ map1: (n: number) => n, map2: (n: number) => n }));
    await h.open();
    h.processWatermark1(5);
    expect(h.output.watermarks).toEqual([]);
    h.processWatermark2(3);
    h.processWatermark2(8);
    h.processWatermark1(6);
    h.processWatermark1(10);
    h.processWatermark2(9);
    expect(h.output.watermarks).toEqual([3, 5, 6, 8, 9]);
  });

  it('an idle input does not hold the watermark back; both idle makes the operator idle', async () => {
    const op = new CoStreamMap({ map1: (n: number) => n, map2: (n: number) => n });
    const h = new TwoInputOperatorTestHarness<number, number, number>(op);
    await h.open();
    h.processWatermark1(5);
    op.processWatermarkStatus2(true);
    expect(h.output.watermarks).toEqual([5]);
    h.processWatermark1(7);
    op.processWatermarkStatus1(true);
    expect(h.output.watermarkStatuses).toEqual([true]);
    // Input 2 comes back behind: the operator's watermark never goes back.
    op.processWatermarkStatus2(false);
    h.processWatermark2(6);
    h.processWatermark2(9);
    expect(h.output.watermarkStatuses).toEqual([true, false]);
    expect(h.output.watermarks).toEqual([5, 7, 9]);
  });

  it('CoStreamFlatMap emits any number of records per input', async () => {
    const splitter: CoFlatMapFunction<string, number, string> = {
      flatMap1: (line, out) => line.split(' ').forEach((w) => out.collect(w)),
      flatMap2: (n, out) => {
        for (let i = 0; i < n; i++) out.collect(`#${i}`);
      },
    };
    const h = new TwoInputOperatorTestHarness<string, number, string>(new CoStreamFlatMap(splitter));
    await h.open();
    h.processElement1('a b', 1);
    h.processElement2(2, 2);
    h.processElement2(0, 3);
    expect(h.output.records).toEqual([
      { value: 'a', timestamp: 1 },
      { value: 'b', timestamp: 1 },
      { value: '#0', timestamp: 2 },
      { value: '#1', timestamp: 2 },
    ]);
  });

  it('CoProcessOperator gives a context; timers are refused on a non-keyed stream', async () => {
    const seen: Array<number | undefined> = [];
    const h = new TwoInputOperatorTestHarness<number, number, number>(
      new CoProcessOperator<number, number, number>({
        processElement1: (v, ctx, out) => {
          seen.push(ctx.timestamp());
          out.collect(v * 10);
        },
        processElement2: (_v, ctx) => ctx.timerService().registerEventTimeTimer(1),
      }),
    );
    await h.open();
    h.processElement1(4, 7);
    expect(() => h.processElement2(1)).toThrow(TimersNotSupportedError);
    expect(seen).toEqual([7]);
    expect(h.output.values()).toEqual([40]);
  });

  /** Joins orders (input 1) with the latest price per product (input 2); orders wait for a price. */
  class PriceJoin extends KeyedCoProcessFunction<string, { product: string; qty: number }, { product: string; price: number }, string> {
    private price!: ValueState<number>;
    private pending!: ValueState<number>;
    override open(): void {
      this.price = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('price'));
      this.pending = this.getRuntimeContext().getState(new ValueStateDescriptor<number>('pending', 0));
    }
    processElement1(order: { product: string; qty: number }, ctx: KeyedProcessContext<string>, out: Collector<string>): void {
      const price = this.price.value();
      if (price === undefined) {
        this.pending.update((this.pending.value() ?? 0) + order.qty);
        ctx.timerService().registerEventTimeTimer(100);
      } else {
        out.collect(`${ctx.getCurrentKey()}:${order.qty * price}`);
      }
    }
    processElement2(p: { product: string; price: number }, _ctx: KeyedProcessContext<string>, out: Collector<string>): void {
      this.price.update(p.price);
      const pending = this.pending.value() ?? 0;
      if (pending > 0) out.collect(`${p.product}:${pending * p.price}`);
      this.pending.clear();
    }
    override onTimer(timestamp: number, ctx: OnTimerContext<string>, out: Collector<string>): void {
      const pending = this.pending.value() ?? 0;
      if (pending > 0) out.collect(`${ctx.getCurrentKey()}:unpriced ${pending} at ${timestamp}`);
      this.pending.clear();
    }
  }

  it('KeyedCoProcessOperator keeps state per key across both inputs and fires timers with the key set', async () => {
    const h = new TwoInputOperatorTestHarness<{ product: string; qty: number }, { product: string; price: number }, string>(
      new KeyedCoProcessOperator(new PriceJoin()),
      { keySelector: (o: { product: string }) => o.product, keySelector2: (p: { product: string }) => p.product },
    );
    await h.open();
    h.processElement1({ product: 'apple', qty: 2 }, 1);
    h.processElement1({ product: 'pear', qty: 5 }, 2);
    h.processElement1({ product: 'apple', qty: 1 }, 3);
    h.processElement2({ product: 'apple', price: 7 }, 4);
    h.processElement1({ product: 'apple', qty: 10 }, 5);
    h.processWatermark1(150);
    h.processWatermark2(120);
    expect(h.output.values()).toEqual(['apple:21', 'apple:70', 'pear:unpriced 5 at 100']);
    expect(h.output.records[2].timestamp).toBe(100);
    expect(h.output.watermarks).toEqual([120]);
    expect(h.numTimers()).toBe(0);
    await h.close();
  });
});
