import { AbstractRichFunction, type ReduceFunction } from '@flott/core';
import { byAggregation, fieldAggregation, fieldSelector, selectorAggregation } from './aggregations';
import { KeyedAggregationOperator, reduceAggregation, type RollingAggregation } from './keyed-aggregation-operator';
import { OneInputOperatorTestHarness } from './testing';

interface Sale {
  shop: string;
  item: string;
  amount: number;
}

const sales: Sale[] = [
  { shop: 'a', item: 'x', amount: 5 },
  { shop: 'b', item: 'y', amount: 1 },
  { shop: 'a', item: 'z', amount: 2 },
  { shop: 'a', item: 'w', amount: 5 },
  { shop: 'b', item: 'v', amount: 7 },
  { shop: 'a', item: 'u', amount: 1 },
];

function keyedHarness<IN, ACC>(aggregation: RollingAggregation<IN, ACC>, keySelector: (v: IN) => unknown) {
  return new OneInputOperatorTestHarness(new KeyedAggregationOperator(aggregation), { keySelector });
}

const byShop = (s: Sale) => s.shop;

describe('KeyedAggregationOperator', () => {
  it('in BATCH mode with sorted input, emits each key\'s final value when the key is done and drops its state', async () => {
    const op = new KeyedAggregationOperator(reduceAggregation((a: number, b: number) => a + b), undefined, true);
    const h = new OneInputOperatorTestHarness(op, { keySelector: (v: number) => v % 2 });
    await h.open();
    h.processElements([1, 3, 5]);
    expect(h.output.values()).toEqual([]);
    op.keyFinished();
    expect(h.output.values()).toEqual([9]);
    expect([...h.keyedStateBackend!.entries('_op_state')]).toEqual([]);
    h.processElements([2, 4]);
    op.keyFinished();
    await h.finish();
    // The end of input emits nothing again: every key was emitted when it was done.
    expect(h.output.values()).toEqual([9, 6]);
  });

  it('sum/min/max by field and minBy/maxBy say their inputs combine: combining inputs first (in place too, where offered) gives the same final values', async () => {
    const aggregations: Array<[string, RollingAggregation<Sale, Sale>]> = [
      ['sum', fieldAggregation<Sale>('sum', 'amount')],
      ['min', fieldAggregation<Sale>('min', 'amount')],
      ['maxBy first', byAggregation<Sale>('max', (s) => s.amount, true)],
      ['maxBy last', byAggregation<Sale>('max', (s) => s.amount, false)],
      ['minBy', byAggregation<Sale>('min', (s) => s.amount, true)],
    ];
    for (const [name, aggregation] of aggregations) {
      const finals = async (input: Sale[]) => {
        const op = new KeyedAggregationOperator(aggregation, undefined, true);
        const h = new OneInputOperatorTestHarness(op, { keySelector: byShop });
        await h.open();
        h.processElements(input);
        await h.finish();
        return h.output.values();
      };
      expect(aggregation.inputsCombine).toBe(true);
      const combine = (x: Sale, y: Sale) => aggregation.combine(x, y);
      // Shop a's records folded pairwise in arrival order (as the sorter folds them), b's left as they are.
      const a = sales.filter((s) => s.shop === 'a');
      const combined = [a.slice(0, 2).reduce((x, y) => combine(x, y) as Sale), a.slice(2).reduce((x, y) => combine(x, y) as Sale), ...sales.filter((s) => s.shop === 'b')];
      expect({ name, finals: await finals(combined) }).toEqual({ name, finals: await finals(sales) });
      const owned = aggregation.combineOwned;
      if (owned) {
        // Folded into a copy of the first record, as local aggregation holds it.
        const folded = a.slice(1).reduce((x, y) => owned(x, y), { ...a[0] });
        expect({ name, finals: await finals([folded, ...sales.filter((s) => s.shop === 'b')]) }).toEqual({ name, finals: await finals(sales) });
        expect(a[0]).toEqual({ shop: 'a', item: 'x', amount: 5 }); // the original is not changed
      }
    }
    // Not for a reduce (a user function need not be associative) or a selector aggregation (its result is not an input).
    expect(reduceAggregation((x: number, y: number) => x + y).inputsCombine).toBeUndefined();
    expect(selectorAggregation('sum', (s: Sale) => s.amount).inputsCombine).toBeUndefined();
  });

  it('reduce emits the rolling result per key and keeps it in the keyed state backend', async () => {
    const h = keyedHarness(reduceAggregation((a: number, b: number) => a + b), (v: number) => v % 2);
    await h.open();
    h.processElements([1, 2, 3, 4, 5]);
    expect(h.output.values()).toEqual([1, 2, 4, 6, 9]);
    expect([...h.keyedStateBackend!.entries('_op_state')]).toEqual([
      ['j1', 9],
      ['j0', 6],
    ]);
  });

  it('keeps the timestamp of the record that updated the aggregate', async () => {
    const h = keyedHarness(reduceAggregation((a: number, b: number) => a + b), () => 'k');
    await h.open();
    h.processElement(1, 100);
    h.processElement(2, 50);
    expect(h.output.records).toEqual([
      { value: 1, timestamp: 100 },
      { value: 3, timestamp: 50 },
    ]);
  });

  it('fails loudly when the task gave no keyed state backend', async () => {
    const h = new OneInputOperatorTestHarness(new KeyedAggregationOperator(reduceAggregation((a: number) => a)));
    await expect(h.open()).rejects.toThrow('got no keyed state backend');
  });

  it('opens and closes a rich reduce function', async () => {
    const calls: string[] = [];
    class MaxReducer extends AbstractRichFunction implements ReduceFunction<number> {
      override open(): void {
        calls.push(`open ${this.getRuntimeContext().getIndexOfThisSubtask()}`);
      }
      reduce(a: number, b: number): number {
        return Math.max(a, b);
      }
      override close(): void {
        calls.push('close');
      }
    }
    const reducer = new MaxReducer();
    const h = new OneInputOperatorTestHarness(new KeyedAggregationOperator(reduceAggregation(reducer), reducer), { keySelector: () => 1 });
    expect(await h.run([3, 1, 4])).toEqual([3, 3, 4]);
    expect(calls).toEqual(['open 0', 'close']);
  });
});

describe('rolling aggregations (Flink semantics)', () => {
  const run = <ACC>(agg: RollingAggregation<Sale, ACC>) => keyedHarness(agg, byShop).run(sales);

  it('sum keeps the other fields of the first record of the key', async () => {
    expect(await run(fieldAggregation<Sale>('sum', 'amount'))).toEqual([
      { shop: 'a', item: 'x', amount: 5 },
      { shop: 'b', item: 'y', amount: 1 },
      { shop: 'a', item: 'x', amount: 7 },
      { shop: 'a', item: 'x', amount: 12 },
      { shop: 'b', item: 'y', amount: 8 },
      { shop: 'a', item: 'x', amount: 13 },
    ]);
  });

  it('min updates only the field; other fields stay those of the first record', async () => {
    expect(await run(fieldAggregation<Sale>('min', 'amount'))).toEqual([
      { shop: 'a', item: 'x', amount: 5 },
      { shop: 'b', item: 'y', amount: 1 },
      { shop: 'a', item: 'x', amount: 2 },
      { shop: 'a', item: 'x', amount: 2 },
      { shop: 'b', item: 'y', amount: 1 },
      { shop: 'a', item: 'x', amount: 1 },
    ]);
  });

  it('max updates only the field', async () => {
    expect(await run(fieldAggregation<Sale>('max', 'amount'))).toEqual([
      { shop: 'a', item: 'x', amount: 5 },
      { shop: 'b', item: 'y', amount: 1 },
      { shop: 'a', item: 'x', amount: 5 },
      { shop: 'a', item: 'x', amount: 5 },
      { shop: 'b', item: 'y', amount: 7 },
      { shop: 'a', item: 'x', amount: 5 },
    ]);
  });

  it('maxBy returns the whole record with the maximum, the first one on ties', async () => {
    expect((await run(byAggregation('max', fieldSelector<Sale>('amount'), true))).map((s) => s.item)).toEqual(['x', 'y', 'x', 'x', 'v', 'x']);
  });

  it('maxBy with first = false returns the latest record on ties', async () => {
    expect((await run(byAggregation('max', fieldSelector<Sale>('amount'), false))).map((s) => s.item)).toEqual(['x', 'y', 'x', 'w', 'v', 'w']);
  });

  it('minBy returns the whole record with the minimum, the first one on ties', async () => {
    const withTie = [...sales, { shop: 'a', item: 't', amount: 1 }];
    const out = await keyedHarness(byAggregation('min', fieldSelector<Sale>('amount'), true), byShop).run(withTie);
    expect(out.map((s) => s.item)).toEqual(['x', 'y', 'z', 'z', 'y', 'u', 'u']);
  });

  it('aggregates tuple positions and keeps arrays as arrays', async () => {
    const out = await keyedHarness(fieldAggregation<[string, number]>('sum', 1), (t: [string, number]) => t[0]).run([
      ['a', 1],
      ['a', 2],
      ['b', 5],
    ]);
    expect(out).toEqual([
      ['a', 1],
      ['a', 3],
      ['b', 5],
    ]);
  });

  it('sums bigint fields', async () => {
    const out = await keyedHarness(fieldAggregation<{ k: string; n: bigint }>('sum', 'n'), (v: { k: string }) => v.k).run([
      { k: 'a', n: 1n },
      { k: 'a', n: 2n ** 60n },
    ]);
    expect(out.map((v) => v.n)).toEqual([1n, 2n ** 60n + 1n]);
  });

  it('with a selector, sum/min/max emit the aggregated value', async () => {
    const amount = (s: Sale) => s.amount;
    expect(await run(selectorAggregation('sum', amount))).toEqual([5, 1, 7, 12, 8, 13]);
    expect(await run(selectorAggregation('min', amount))).toEqual([5, 1, 2, 2, 1, 1]);
    expect(await run(selectorAggregation('max', (s: Sale) => s.item))).toEqual(['x', 'y', 'z', 'z', 'y', 'z']);
  });

  it('does not modify the input records', async () => {
    const input = sales.map((s) => ({ ...s }));
    await keyedHarness(fieldAggregation<Sale>('sum', 'amount'), byShop).run(input);
    expect(input).toEqual(sales);
  });

  it('sum of a non-numeric field fails the record with a clear error', async () => {
    const h = keyedHarness(fieldAggregation<Sale>('sum', 'item'), byShop);
    await h.open();
    h.processElement(sales[0]);
    expect(() => h.processElement(sales[2])).toThrow('sum() needs numbers, got string and string');
  });
});
