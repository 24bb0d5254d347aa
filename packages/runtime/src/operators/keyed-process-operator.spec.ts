import {
  KeyedProcessFunction,
  ListStateDescriptor,
  MapStateDescriptor,
  ValueStateDescriptor,
  type CheckpointedFunction,
  type FunctionInitializationContext,
  type ListState,
  type MapState,
  type ValueState,
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
import { differencesAcrossRestores, runUninterrupted, type HarnessScript, type HarnessStep } from './testing/scripted-runs';
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

/**
 * Per key: buffers records by timestamp (map state) and emits them, in time order, when the watermark
 * passes them + 5 (event-time timers, the previous one deleted); counts records (value state) and
 * reports the count after 100 ms without records (processing-time timers). The records this subtask
 * saw are operator list state, checkpointed and restored through the CheckpointedFunction hooks.
 */
class BufferAndTimeout extends KeyedProcessFunction<string, Event, string> implements CheckpointedFunction {
  private buffer!: MapState<number, string[]>;
  private count!: ValueState<number>;
  private pendingTimer!: ValueState<number>;
  private seenState!: ListState<number>;
  private seen = 0;

  override open(): void {
    const ctx = this.getRuntimeContext();
    this.buffer = ctx.getMapState(new MapStateDescriptor<number, string[]>('buffer'));
    this.count = ctx.getState(new ValueStateDescriptor<number>('count'));
    this.pendingTimer = ctx.getState(new ValueStateDescriptor<number>('pending-timer'));
  }
  initializeState(context: FunctionInitializationContext): void {
    this.seenState = context.getOperatorStateStore().getListState(new ListStateDescriptor<number>('seen'));
    this.seen = [...this.seenState.get()].reduce((a, b) => a + b, 0);
  }
  snapshotState(): void {
    this.seenState.update([this.seen]);
  }
  processElement(value: Event, ctx: KeyedProcessContext<string>): void {
    this.seen++;
    const ts = ctx.timestamp() as number;
    this.buffer.put(ts, [...(this.buffer.get(ts) ?? []), `${value.key}${ts}#${this.seen}`]);
    this.count.update((this.count.value() ?? 0) + 1);
    const timers = ctx.timerService();
    const previous = this.pendingTimer.value();
    if (previous !== undefined && previous < ts + 5) timers.deleteEventTimeTimer(previous);
    if (previous === undefined || previous < ts + 5) {
      timers.registerEventTimeTimer(ts + 5);
      this.pendingTimer.update(ts + 5);
    }
    timers.registerProcessingTimeTimer(timers.currentProcessingTime() + 100);
  }
  override onTimer(timestamp: number, ctx: OnTimerContext<string>, out: Collector<string>): void {
    if (ctx.timeDomain() === TimeDomain.PROCESSING_TIME) {
      out.collect(`timeout ${ctx.getCurrentKey()}: ${this.count.value() ?? 0}`);
      return;
    }
    const due = [...this.buffer.keys()].filter((t) => t + 5 <= timestamp).sort((a, b) => a - b);
    for (const t of due) {
      out.collect(`${ctx.getCurrentKey()}: ${(this.buffer.get(t) ?? []).join(',')}`);
      this.buffer.remove(t);
    }
    this.pendingTimer.clear();
  }
}

describe('KeyedProcessOperator restored from a mid-run snapshot', () => {
  it('keyed value and map state, event- and processing-time timers (with deletions) and operator state continue in a new operator', async () => {
    const keys = ['a', 'b', 'c'];
    const steps: Array<HarnessStep<Event>> = [];
    for (let i = 0; i < 30; i++) {
      const e = { key: keys[(i * 5) % 3], ts: i * 3 - ((i * 7) % 5) };
      steps.push({ element: e, timestamp: e.ts });
      if (i % 4 === 3) steps.push({ watermark: i * 3 - 6 });
      if (i % 7 === 6) steps.push({ processingTime: i * 30 });
    }
    steps.push({ processingTime: 2000 }, { watermark: 1000 });
    const script: HarnessScript<Event> = {
      create: (subtaskIndex, parallelism) =>
        new KeyedOneInputOperatorTestHarness(new KeyedProcessOperator(new BufferAndTimeout()), (e: Event) => e.key, { subtaskIndex, parallelism }) as OneInputOperatorTestHarness<Event, unknown>,
      steps,
    };
    const out = await runUninterrupted(script);
    expect(out.filter((l) => l.startsWith('timeout')).length).toBeGreaterThan(2);
    expect(out.filter((l) => l.includes('#')).length).toBeGreaterThan(8);
    expect(await differencesAcrossRestores(script)).toEqual([]);
  });
});
