import {
  KeyedProcessFunction,
  OutputTag,
  type Collector,
  type KeyedProcessContext,
  type OnTimerContext,
  NO_TIMESTAMP,
} from '@flott/core';
import { KeyedProcessOperator } from '../keyed-process-operator';
import { KeyedOneInputOperatorTestHarness } from './operator-test-harness';
import { OutputEvent, RecordingOutput } from './recording-output';

type Event = { key: string; ts: number };

const LATE = new OutputTag<string>('late');

/** Echoes on-time records and sets a timer 10 after each; a record at or behind the watermark goes to the side output. */
class EchoWithTimer extends KeyedProcessFunction<string, Event, string> {
  processElement(value: Event, ctx: KeyedProcessContext<string>, out: Collector<string>): void {
    if (value.ts <= ctx.timerService().currentWatermark()) {
      ctx.output(LATE, value.key);
      return;
    }
    out.collect(value.key);
    ctx.timerService().registerEventTimeTimer(value.ts + 10);
  }
  override onTimer(timestamp: number, ctx: OnTimerContext<string>, out: Collector<string>): void {
    out.collect(`timer ${ctx.getCurrentKey()}`);
  }
}

describe('operator test harness output log', () => {
  it('keeps records, side-output records, watermarks and statuses in the order the operator emitted them', async () => {
    const h = new KeyedOneInputOperatorTestHarness(new KeyedProcessOperator(new EchoWithTimer()), (e: Event) => e.key);
    await h.open();
    h.processElement({ key: 'a', ts: 1 }, 1);
    h.processElement({ key: 'b', ts: 4 }, 4);
    h.processWatermark(12); // fires a's timer (11) before the watermark goes on
    h.processElement({ key: 'c', ts: 3 }, 3); // behind the watermark: side output
    h.processWatermark(20); // fires b's timer (14)
    h.processWatermarkStatus(true);
    h.processWatermarkStatus(false);

    expect(h.output.logLines()).toEqual([
      'a @1',
      'b @4',
      'timer a @11',
      'wm 12',
      'side:late c @3',
      'timer b @14',
      'wm 20',
      'IDLE',
      'ACTIVE',
    ]);
    expect(h.output.log.slice(2, 5)).toEqual([OutputEvent.record('timer a', 11), OutputEvent.watermark(12), OutputEvent.side('late', 'c', 3)]);
    expect(h.output.log.slice(-2)).toEqual([OutputEvent.idle(), OutputEvent.active()]);
    // The views by kind stay as they were.
    expect(h.output.values()).toEqual(['a', 'b', 'timer a', 'timer b']);
    expect(h.output.watermarks).toEqual([12, 20]);
    expect(h.output.watermarkStatuses).toEqual([true, false]);
    expect(h.output.sideValues('late')).toEqual(['c']);
    await h.close();
  });

  it('writes records without a timestamp without one, values that are not strings as JSON, and clears everything', () => {
    const out = new RecordingOutput<{ n: number } | bigint>();
    out.collect({ n: 1 }, NO_TIMESTAMP);
    out.collect(5n, 7);
    out.collectSide('tag', [1, 2], NO_TIMESTAMP);
    expect(out.logLines()).toEqual(['{"n":1}', '5n @7', 'side:tag [1,2]']);
    expect(out.log[0]).toEqual(OutputEvent.record({ n: 1 }));
    out.clear();
    expect([out.log, out.records, out.sideRecords, out.watermarks, out.watermarkStatuses]).toEqual([[], [], [], [], []]);
  });
});
