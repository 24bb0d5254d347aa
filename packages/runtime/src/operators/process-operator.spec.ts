import { NO_TIMESTAMP, OutputTag, ProcessFunction, type Collector, type ProcessContext } from '@flott/core';
import { ManualClock } from '../time/clock';
import { ProcessOperator } from './process-operator';
import { OneInputOperatorTestHarness } from './testing';

const odd = new OutputTag<number>('odd');
const tooBig = new OutputTag<string>('too-big');

class Router extends ProcessFunction<number, number> {
  processElement(value: number, ctx: ProcessContext, out: Collector<number>): void {
    if (value > 100) ctx.output(tooBig, `big:${value}`);
    else if (value % 2 === 1) ctx.output(odd, value);
    else out.collect(value * 10);
  }
}

describe('ProcessOperator', () => {
  it('routes to the main output and to side outputs by tag, keeping the input timestamp', async () => {
    const h = new OneInputOperatorTestHarness(new ProcessOperator(new Router()));
    await h.open();
    h.processElement(2, 1);
    h.processElement(3, 2);
    h.processElement(101);
    h.processElement(4, 4);
    expect(h.output.records).toEqual([
      { value: 20, timestamp: 1 },
      { value: 40, timestamp: 4 },
    ]);
    expect(h.output.sideRecords).toEqual([
      { tagId: 'odd', value: 3, timestamp: 2 },
      { tagId: 'too-big', value: 'big:101', timestamp: NO_TIMESTAMP },
    ]);
  });

  it('exposes timestamp, watermark and processing time through the context', async () => {
    const clock = new ManualClock(1_000);
    const seen: unknown[] = [];
    const h = new OneInputOperatorTestHarness(
      new ProcessOperator((v: string, ctx: ProcessContext) => {
        seen.push([v, ctx.timestamp(), ctx.currentWatermark(), ctx.currentProcessingTime()]);
      }),
      { clock },
    );
    await h.open();
    h.processElement('a');
    h.processWatermark(50);
    clock.advance(5);
    h.processElement('b', 60);
    expect(seen).toEqual([
      ['a', undefined, Number.MIN_SAFE_INTEGER, 1000],
      ['b', 60, 50, 1005],
    ]);
    expect(h.output.watermarks).toEqual([50]);
  });

  it('opens and closes a ProcessFunction as a rich function', async () => {
    const calls: string[] = [];
    class Lifecycle extends ProcessFunction<number, number> {
      override open(): void {
        calls.push(`open ${this.getRuntimeContext().getTaskName()}`);
      }
      processElement(v: number, _ctx: ProcessContext, out: Collector<number>): void {
        out.collect(v);
      }
      override close(): void {
        calls.push('close');
      }
    }
    const h = new OneInputOperatorTestHarness(new ProcessOperator(new Lifecycle()), { taskName: 'T' });
    expect(await h.run([1])).toEqual([1]);
    expect(calls).toEqual(['open T', 'close']);
  });
});
