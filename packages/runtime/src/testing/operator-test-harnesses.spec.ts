import { OutputTag, type Collector, type ProcessContext } from '@flott/core';
import { StreamMap } from '../operators/basic-operators';
import { CoProcessOperator } from '../operators/co-operators';
// './index' is `@flott/runtime/testing` (jest maps the package name to this file). Inside the runtime
// the name itself is off limits: Nx forbids a project importing itself, and type checking would read
// the runtime's own built declarations.
import { OneInputOperatorTestHarness, OutputEvent, TwoInputOperatorTestHarness } from './index';

type Order = { id: string; currency: string; amount: number };
type Rate = { currency: string; rate: number };

const UNPRICED = new OutputTag<string>('unpriced');

/** Prices orders (input 1) with the latest rate seen on input 2; an order without a rate goes to the side output. */
class PriceOrders {
  private readonly rates = new Map<string, number>();
  /** The operator's watermark as each order saw it. */
  readonly watermarksSeen: number[] = [];
  processElement1(order: Order, ctx: ProcessContext, out: Collector<string>): void {
    this.watermarksSeen.push(ctx.currentWatermark());
    const rate = this.rates.get(order.currency);
    if (rate === undefined) ctx.output(UNPRICED, order.id);
    else out.collect(`${order.id}: ${order.amount * rate}`);
  }
  processElement2(rate: Rate): void {
    this.rates.set(rate.currency, rate.rate);
  }
}

describe('operator test harnesses from @flott/runtime/testing', () => {
  it('drive a two-input operator: records, side output, the minimum of both inputs\' watermarks and statuses, in order', async () => {
    const fn = new PriceOrders();
    const h = new TwoInputOperatorTestHarness<Order, Rate, string>(new CoProcessOperator(fn));
    await h.open();
    h.processElement2({ currency: 'EUR', rate: 2 }, 5);
    h.processElement1({ id: 'o1', currency: 'EUR', amount: 10 }, 7);
    h.processElement1({ id: 'o2', currency: 'USD', amount: 3 }, 8);
    h.processWatermark1(10); // input 2 has no watermark yet
    h.processWatermark2(6);
    h.processWatermark2(12);
    h.processElement1({ id: 'o3', currency: 'EUR', amount: 1 }, 11);
    h.processWatermark1(15);
    h.processWatermarkStatus2(true); // input 2 idle: input 1 alone holds the watermark
    h.processWatermarkStatus1(true); // both idle
    h.processWatermarkStatus1(false);
    h.processWatermark1(20);

    expect(h.output.logLines()).toEqual([
      'o1: 20 @7',
      'side:unpriced o2 @8',
      'wm 6',
      'wm 10',
      'o3: 2 @11',
      'wm 12',
      'wm 15',
      'IDLE',
      'ACTIVE',
      'wm 20',
    ]);
    expect(h.output.log[1]).toEqual(OutputEvent.side('unpriced', 'o2', 8));
    expect(fn.watermarksSeen).toEqual([Number.MIN_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 10]);
    await h.close();
  });

  it('feed one operator\'s ordered output to the next with the one-input harness', async () => {
    const first = new TwoInputOperatorTestHarness<Order, Rate, string>(new CoProcessOperator(new PriceOrders()));
    await first.open();
    first.processElement2({ currency: 'EUR', rate: 3 }, 1);
    first.processWatermark2(100);
    first.processElement1({ id: 'o1', currency: 'EUR', amount: 2 }, 2);
    first.processWatermark1(4);
    first.processElement1({ id: 'o2', currency: 'EUR', amount: 5 }, 6);

    const second = new OneInputOperatorTestHarness<string, string>(new StreamMap((line: string) => line.toUpperCase()));
    await second.open();
    for (const e of first.output.log) {
      if (e.kind === 'record') second.processElement(e.value, e.timestamp);
      else if (e.kind === 'watermark') second.processWatermark(e.watermark);
    }
    expect(second.output.log).toEqual([OutputEvent.record('O1: 6', 2), OutputEvent.watermark(4), OutputEvent.record('O2: 15', 6)]);
    await first.close();
    await second.close();
  });
});
