import {
  KeyedProcessFunction,
  OutputTag,
  TimeDomain,
  type Collector,
  type KeyedProcessContext,
  type OnTimerContext,
  NO_TIMESTAMP,
} from '@flott/core';
import { KeyedProcessOperator } from './keyed-process-operator';
import { ProcessOperator } from './process-operator';
import { KeyedOneInputOperatorTestHarness, OneInputOperatorTestHarness } from './testing/operator-test-harness';
import { TimersNotSupportedError } from './timers/timer-errors';

type Event = { key: string; ts: number };

/** Registers an event-time timer `delay` after each record; the timer reports key, time and domain. */
class DelayedEcho extends KeyedProcessFunction<string, Event, string> {
  constructor(private readonly delay: number) {
    super();
  }
  processElement(value: Event, ctx: KeyedProcessContext<string>, _out: Collector<string>): void {
    ctx.timerService().registerEventTimeTimer((ctx.timestamp() as number) + this.delay);
  }
  override onTimer(timestamp: number, ctx: OnTimerContext<string>, out: Collector<string>): void {
    out.collect(`${ctx.getCurrentKey()}@${timestamp}:${ctx.timeDomain()}:wm=${ctx.timerService().currentWatermark()}`);
  }
}

describe('KeyedProcessOperator', () => {
  it('fires event-time timers per key in time order, deduplicated, with the timer timestamp on the output', async () => {
    const input: Event[] = [
      { key: 'a', ts: 5 },
      { key: 'b', ts: 3 },
      { key: 'a', ts: 5 },
      { key: 'c', ts: 12 },
      { key: 'a', ts: 1 },
      { key: 'b', ts: 20 },
    ];
    const watermarks = new Map<number, number>([
      [2, 14],
      [5, 100],
    ]); // after input index -> watermark
    const harness = new KeyedOneInputOperatorTestHarness(new KeyedProcessOperator(new DelayedEcho(10)), (e: Event) => e.key);
    await harness.open();
    input.forEach((e, i) => {
      harness.processElement(e, e.ts);
      const wm = watermarks.get(i);
      if (wm !== undefined) harness.processWatermark(wm);
    });

    // Independent expectation: distinct (key, ts + 10), fired by the first watermark that reaches them, in time order.
    const expected: Array<{ value: string; timestamp: number }> = [];
    const pending = new Map<string, { key: string; time: number }>();
    input.forEach((e, i) => {
      pending.set(`${e.key}|${e.ts + 10}`, { key: e.key, time: e.ts + 10 });
      const wm = watermarks.get(i);
      if (wm === undefined) return;
      const due = [...pending.entries()].filter(([, t]) => t.time <= wm).sort((x, y) => x[1].time - y[1].time);
      for (const [id, t] of due) {
        expected.push({ value: `${t.key}@${t.time}:EVENT_TIME:wm=${wm}`, timestamp: t.time });
        pending.delete(id);
      }
    });
    expect(harness.output.records).toEqual(expected);
    expect(harness.output.watermarks).toEqual([14, 100]);
    expect(harness.numTimers()).toBe(0);
    await harness.close();
  });

  it('fires processing-time timers from the manual clock with no output timestamp and supports deletion', async () => {
    const fn = {
      processElement(value: Event, ctx: KeyedProcessContext<string>): void {
        const at = ctx.timerService().currentProcessingTime() + value.ts;
        ctx.timerService().registerProcessingTimeTimer(at);
        if (value.key === 'cancel') ctx.timerService().deleteProcessingTimeTimer(at);
      },
      onTimer(timestamp: number, ctx: OnTimerContext<string>, out: Collector<string>): void {
        out.collect(`${ctx.getCurrentKey()}@${timestamp}:${ctx.timeDomain()}:now=${ctx.currentProcessingTime()}`);
        ctx.output(new OutputTag<number>('late'), timestamp);
      },
    };
    const harness = new KeyedOneInputOperatorTestHarness(new KeyedProcessOperator(fn), (e: Event) => e.key);
    await harness.open();
    harness.setProcessingTime(1000);
    harness.processElement({ key: 'x', ts: 50 }, 7);
    harness.processElement({ key: 'y', ts: 20 }, 8);
    harness.processElement({ key: 'cancel', ts: 30 }, 9);
    harness.advanceProcessingTime(19);
    expect(harness.output.records).toEqual([]);
    harness.advanceProcessingTime(100);
    expect(harness.output.records).toEqual([
      { value: `y@1020:${TimeDomain.PROCESSING_TIME}:now=1020`, timestamp: NO_TIMESTAMP },
      { value: `x@1050:${TimeDomain.PROCESSING_TIME}:now=1050`, timestamp: NO_TIMESTAMP },
    ]);
    expect(harness.output.sideValues('late')).toEqual([1020, 1050]);
    expect(harness.numTimers()).toBe(0);
    await harness.close();
  });

  it('accepts a plain function and passes the record timestamp through', async () => {
    const harness = new KeyedOneInputOperatorTestHarness(
      new KeyedProcessOperator<number, number, string>((v, ctx, out) => out.collect(`${ctx.getCurrentKey()}:${v}`)),
      (v: number) => v % 2,
    );
    await harness.open();
    harness.processElement(3, 30);
    harness.processElement(4, 40);
    expect(harness.output.records).toEqual([
      { value: '1:3', timestamp: 30 },
      { value: '0:4', timestamp: 40 },
    ]);
  });
});

describe('ProcessOperator timers', () => {
  it('reads time but refuses timers on a non-keyed stream, as Flink', async () => {
    const errors: unknown[] = [];
    const harness = new OneInputOperatorTestHarness(
      new ProcessOperator<number, number>((v, ctx, out) => {
        out.collect(ctx.timerService().currentProcessingTime());
        try {
          ctx.timerService().registerEventTimeTimer(v);
        } catch (e) {
          errors.push(e);
        }
        try {
          ctx.timerService().deleteProcessingTimeTimer(v);
        } catch (e) {
          errors.push(e);
        }
      }),
    );
    await harness.open();
    harness.advanceProcessingTime(42);
    harness.processElement(1);
    expect(harness.output.values()).toEqual([42]);
    expect(errors.map((e) => [e instanceof TimersNotSupportedError, (e as Error).message])).toEqual([
      [true, 'Setting timers is only supported on a keyed streams.'],
      [true, 'Deleting timers is only supported on a keyed streams.'],
    ]);
  });
});
