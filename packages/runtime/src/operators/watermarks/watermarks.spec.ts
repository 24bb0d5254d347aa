import {
  Duration,
  Time,
  MAX_WATERMARK,
  AscendingTimestampsWatermarks,
  BoundedOutOfOrdernessWatermarks,
  WatermarksWithIdleness,
  type WatermarkGenerator,
  type WatermarkOutput,
  type WatermarkStrategyLike,
} from '@flott/core';
import { ManualClock } from '../../time/clock';
import { OneInputOperatorTestHarness } from '../testing/operator-test-harness';
import { TimestampsAndWatermarksOperator } from './timestamps-and-watermarks-operator';

class CollectingWatermarkOutput implements WatermarkOutput {
  readonly events: Array<number | 'idle' | 'active'> = [];
  emitWatermark(watermark: number): void {
    this.events.push(watermark);
  }
  markIdle(): void {
    this.events.push('idle');
  }
  markActive(): void {
    this.events.push('active');
  }
}

type Ev = { id: string; ts: number };

function strategy(generator: (clock: ManualClock) => WatermarkGenerator<Ev>, withAssigner = true): WatermarkStrategyLike<Ev> {
  return {
    createWatermarkGenerator: (ctx) => generator(ctx.clock as ManualClock),
    createTimestampAssigner: () => (withAssigner ? (e: Ev) => e.ts : undefined),
  };
}

describe('watermark generators', () => {
  it.each([50, Duration.ofMillis(50), Time.milliseconds(50)])('bounded out-of-orderness (%s) emits max timestamp - bound - 1 on periodic emission', (bound) => {
    const g = new BoundedOutOfOrdernessWatermarks<string>(bound);
    const out = new CollectingWatermarkOutput();
    const timestamps = [100, 300, 120, 250];
    g.onPeriodicEmit(out);
    for (const ts of timestamps) g.onEvent('x', ts, out);
    g.onPeriodicEmit(out);
    expect(out.events).toEqual([Number.MIN_SAFE_INTEGER, Math.max(...timestamps) - 50 - 1]);
  });

  it('monotonous timestamps emit max timestamp - 1', () => {
    const g = new AscendingTimestampsWatermarks<string>();
    const out = new CollectingWatermarkOutput();
    g.onEvent('a', 10, out);
    g.onEvent('b', 20, out);
    g.onPeriodicEmit(out);
    expect(out.events).toEqual([19]);
  });

  it.each([100, Duration.ofMillis(100), Time.milliseconds(100)])('with idleness (%s) marks idle once no event came for longer than the timeout', (timeout) => {
    const clock = new ManualClock(0);
    const g = new WatermarksWithIdleness(new AscendingTimestampsWatermarks<string>(), timeout, clock);
    const out = new CollectingWatermarkOutput();
    g.onEvent('a', 5, out);
    g.onPeriodicEmit(out); // events since last check: active
    clock.advance(60);
    g.onPeriodicEmit(out); // first check without events starts the inactivity
    clock.advance(100);
    g.onPeriodicEmit(out); // exactly the timeout: not yet
    clock.advance(1);
    g.onPeriodicEmit(out);
    g.onEvent('b', 7, out);
    g.onPeriodicEmit(out);
    expect(out.events).toEqual([4, 4, 4, 'idle', 6]);
  });
});

describe('TimestampsAndWatermarksOperator', () => {
  it('assigns timestamps and emits monotonic periodic watermarks from the scheduler', async () => {
    const harness = new OneInputOperatorTestHarness<Ev, Ev>(
      new TimestampsAndWatermarksOperator(strategy(() => new BoundedOutOfOrdernessWatermarks<Ev>(10)), 200),
    );
    await harness.open();
    harness.processElement({ id: 'a', ts: 1000 }, 5);
    harness.processElement({ id: 'b', ts: 980 }, 6);
    harness.advanceProcessingTime(199);
    expect(harness.output.watermarks).toEqual([]);
    harness.advanceProcessingTime(1);
    harness.processElement({ id: 'c', ts: 1500 });
    harness.advanceProcessingTime(200);
    harness.advanceProcessingTime(200); // no new event: same watermark, not emitted again
    harness.processWatermark(5000); // upstream watermarks are ignored...
    expect(harness.output.records.map((r) => [r.value.id, r.timestamp])).toEqual([
      ['a', 1000],
      ['b', 980],
      ['c', 1500],
    ]);
    expect(harness.output.watermarks).toEqual([1000 - 10 - 1, 1500 - 10 - 1]);
    harness.processWatermark(MAX_WATERMARK); // ...except the one that ends event time
    expect(harness.output.watermarks).toEqual([989, 1489, MAX_WATERMARK]);
    await harness.close();
  });

  it('keeps record timestamps without an assigner and never emits a lower watermark', async () => {
    let next = 0;
    const emitted = [50, 40, 60];
    const harness = new OneInputOperatorTestHarness<Ev, Ev>(
      new TimestampsAndWatermarksOperator(
        strategy(
          () => ({
            onEvent: () => undefined,
            onPeriodicEmit: (out: WatermarkOutput) => out.emitWatermark(emitted[next++]),
          }),
          false,
        ),
        10,
      ),
    );
    await harness.open();
    harness.processElement({ id: 'a', ts: 1 }, 77);
    harness.advanceProcessingTime(30);
    expect(harness.output.records[0].timestamp).toBe(77);
    expect(harness.output.watermarks).toEqual([50, 60]);
  });

  it('emits periodically while the outputs are full, but at most once until the next record', async () => {
    let outputAvailable = true;
    const harness = new OneInputOperatorTestHarness<Ev, Ev>(
      // A generator that advances with the clock alone: under back-pressure it must not pile up watermarks.
      new TimestampsAndWatermarksOperator(
        strategy((clock) => ({ onEvent: () => undefined, onPeriodicEmit: (out: WatermarkOutput) => out.emitWatermark(clock.currentTimeMillis()) })),
        10,
      ),
      { isOutputAvailable: () => outputAvailable },
    );
    await harness.open();
    harness.advanceProcessingTime(20);
    expect(harness.output.watermarks).toEqual([10, 20]);
    outputAvailable = false;
    harness.advanceProcessingTime(50);
    expect(harness.output.watermarks).toEqual([10, 20, 30]);
    harness.processElement({ id: 'a', ts: 1 });
    harness.advanceProcessingTime(20);
    expect(harness.output.watermarks).toEqual([10, 20, 30, 80]);
    outputAvailable = true;
    harness.advanceProcessingTime(20);
    expect(harness.output.watermarks).toEqual([10, 20, 30, 80, 100, 110]);
  });

  it('goes idle without events (withIdleness) and active again with the next record', async () => {
    const harness = new OneInputOperatorTestHarness<Ev, Ev>(
      new TimestampsAndWatermarksOperator(strategy((clock) => new WatermarksWithIdleness(new AscendingTimestampsWatermarks<Ev>(), 50, clock)), 20),
    );
    await harness.open();
    harness.processElement({ id: 'a', ts: 100 });
    harness.advanceProcessingTime(100);
    expect(harness.output.watermarkStatuses).toEqual([true]);
    expect(harness.output.watermarks).toEqual([99]);
    harness.processElement({ id: 'b', ts: 200 });
    expect(harness.output.watermarkStatuses).toEqual([true, false]);
    harness.advanceProcessingTime(20);
    expect(harness.output.watermarks).toEqual([99, 199]);
    await harness.close();
    harness.advanceProcessingTime(1000); // closed: periodic emission stopped
    expect(harness.output.watermarks).toEqual([99, 199]);
  });

  it('marks itself active before the watermark that ends event time, since a valve drops watermarks of an idle channel', async () => {
    const harness = new OneInputOperatorTestHarness<Ev, Ev>(
      new TimestampsAndWatermarksOperator(strategy((clock) => new WatermarksWithIdleness(new AscendingTimestampsWatermarks<Ev>(), 50, clock)), 20),
    );
    await harness.open();
    harness.processElement({ id: 'a', ts: 100 });
    harness.advanceProcessingTime(100);
    harness.processWatermark(MAX_WATERMARK);
    expect(harness.output.logLines()).toEqual(['{"id":"a","ts":100} @100', 'wm 99', 'IDLE', 'ACTIVE', `wm ${MAX_WATERMARK}`]);
    await harness.close();
  });
});
