import { Duration, InvalidDurationError, Time } from '../duration';
import { NO_TIMESTAMP } from '../time/timestamps';
import {
  EventTimeSessionWindows,
  GlobalWindows,
  ProcessingTimeSessionWindows,
  SlidingEventTimeWindows,
  SlidingProcessingTimeWindows,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  mergeTimeWindows,
} from './assigners';
import { EndOfStreamTrigger, EventTimeTrigger, NeverTrigger, ProcessingTimeTrigger } from './triggers';
import { InvalidWindowParameterError, MissingTimestampError } from './window-errors';
import { GlobalWindow, TimeWindow, getWindowStartWithOffset } from './windows';

const spans = (ws: TimeWindow[]): [number, number][] => ws.map((w) => [w.start, w.end]);

/** Every window [offset + k*slide, +size) that contains ts, by enumeration (independent of the assigner's arithmetic). */
function bruteForce(ts: number, size: number, slide: number, offset: number): [number, number][] {
  const out: [number, number][] = [];
  for (let k = -2000; k <= 2000; k++) {
    const start = offset + k * slide;
    if (start <= ts && ts < start + size) out.push([start, start + size]);
  }
  return out.sort((a, b) => b[0] - a[0]);
}

describe('getWindowStartWithOffset', () => {
  it.each([
    [0, 0, 10, 0],
    [9, 0, 10, 0],
    [10, 0, 10, 10],
    [-1, 0, 10, -10],
    [-10, 0, 10, -10],
    [-11, 0, 10, -20],
    [3, 2, 10, 2],
    [1, 2, 10, -8],
    [-7, -3, 10, -13],
  ])('ts %d offset %d size %d -> %d', (ts, offset, size, start) => {
    expect(getWindowStartWithOffset(ts, offset, size)).toBe(start);
  });
});

describe('TumblingEventTimeWindows', () => {
  it('assigns the one window containing the timestamp, also for negative timestamps and offsets', () => {
    for (const offset of [0, 3, -4]) {
      const a = TumblingEventTimeWindows.of(10, offset);
      for (let ts = -35; ts <= 35; ts++) expect(spans(a.assignWindows(null, ts))).toEqual(bruteForce(ts, 10, 10, offset));
      // The assigner skips the arithmetic while timestamps stay in its last window: any order gives the same answers.
      for (let i = 0; i < 200; i++) {
        const ts = ((i * 7919) % 71) - 35;
        expect(spans(a.assignWindows(null, ts))).toEqual(bruteForce(ts, 10, 10, offset));
      }
    }
  });
  it('assigns epoch-millisecond and fractional timestamps as the arithmetic does, in any order', () => {
    const a = TumblingEventTimeWindows.of(10_000, 3);
    const epoch = 1_764_979_200_123;
    for (const ts of [epoch, epoch + 1, epoch - 120, epoch + 9_879, epoch + 9_880, epoch - 0.5, epoch + 9_879.5, epoch + 9_880.25, epoch]) {
      const start = getWindowStartWithOffset(ts, 3, 10_000);
      expect(spans(a.assignWindows(null, ts))).toEqual([[start, start + 10_000]]);
    }
    expect(spans(a.assignWindows(null, epoch + 9_879.5))).toEqual([[epoch - 120, epoch + 9_880]]);
  });
  it('uses the event-time trigger and rejects bad parameters and records without timestamps', () => {
    expect(TumblingEventTimeWindows.of(5).getDefaultTrigger()).toBeInstanceOf(EventTimeTrigger);
    expect(TumblingEventTimeWindows.of(5).isEventTime()).toBe(true);
    expect(() => TumblingEventTimeWindows.of(0)).toThrow(InvalidWindowParameterError);
    expect(() => TumblingEventTimeWindows.of(10, 10)).toThrow(InvalidWindowParameterError);
    expect(() => TumblingEventTimeWindows.of(10).assignWindows(null, NO_TIMESTAMP)).toThrow(MissingTimestampError);
  });
});

describe('SlidingEventTimeWindows', () => {
  it.each([
    [10, 2, 0],
    [10, 3, 1],
    [10, 5, -2],
    [6, 4, 0],
    [3, 5, 0],
  ])('size %d slide %d offset %d: every window that contains ts, newest first', (size, slide, offset) => {
    const a = SlidingEventTimeWindows.of(size, slide, offset);
    for (let ts = -23; ts <= 23; ts++) expect(spans(a.assignWindows(null, ts))).toEqual(bruteForce(ts, size, slide, offset));
    // The assigner reuses the windows of the latest start: any order of timestamps gives the same answers.
    for (let i = 0; i < 200; i++) {
      const ts = ((i * 7919) % 47) - 23;
      expect(spans(a.assignWindows(null, ts))).toEqual(bruteForce(ts, size, slide, offset));
    }
  });
  it('builds each window once while records fall into it (its namespace string too), and hands out a fresh array each time', () => {
    const tumbling = TumblingEventTimeWindows.of(10);
    const [first, second] = [tumbling.assignWindows(null, 3), tumbling.assignWindows(null, 7)];
    expect(first[0]).toBe(second[0]);
    expect(first).not.toBe(second);
    expect(tumbling.assignWindows(null, 12)[0]).not.toBe(first[0]);
    const sliding = SlidingEventTimeWindows.of(10, 5);
    const [a, b] = [sliding.assignWindows(null, 6), sliding.assignWindows(null, 8)];
    expect(a.map((w, i) => w === b[i])).toEqual([true, true]);
    a.pop();
    expect(spans(sliding.assignWindows(null, 9))).toEqual(bruteForce(9, 10, 5, 0));
  });
  it('rejects abs(offset) >= slide', () => {
    expect(() => SlidingEventTimeWindows.of(10, 2, 2)).toThrow(InvalidWindowParameterError);
    expect(() => SlidingEventTimeWindows.of(10, 0)).toThrow(InvalidWindowParameterError);
  });
});

describe('processing-time assigners', () => {
  it('assign by the current processing time, not the record timestamp', () => {
    const ctx = { currentProcessingTime: () => 1234 };
    expect(spans(TumblingProcessingTimeWindows.of(100).assignWindows(null, 5, ctx))).toEqual([[1200, 1300]]);
    expect(spans(SlidingProcessingTimeWindows.of(100, 50).assignWindows(null, 5, ctx))).toEqual([
      [1200, 1300],
      [1150, 1250],
    ]);
    expect(spans(ProcessingTimeSessionWindows.withGap(10).assignWindows(null, 5, ctx))).toEqual([[1234, 1244]]);
    expect(TumblingProcessingTimeWindows.of(100).getDefaultTrigger()).toBeInstanceOf(ProcessingTimeTrigger);
    expect(TumblingProcessingTimeWindows.of(100).isEventTime()).toBe(false);
  });
});

describe('session windows', () => {
  it('assign [ts, ts + gap), with a static or dynamic gap', () => {
    expect(spans(EventTimeSessionWindows.withGap(5).assignWindows(null, -3))).toEqual([[-3, 2]]);
    const dyn = EventTimeSessionWindows.withDynamicGap<{ gap: number }>((e) => e.gap);
    expect(spans(dyn.assignWindows({ gap: 7 }, 10))).toEqual([[10, 17]]);
    expect(() => dyn.assignWindows({ gap: 0 }, 10)).toThrow(InvalidWindowParameterError);
    expect(() => EventTimeSessionWindows.withGap(0)).toThrow(InvalidWindowParameterError);
  });

  it('merge overlapping and touching windows into their cover', () => {
    const merges: [number, number][][] = [];
    const results: [number, number][] = [];
    const ws = [new TimeWindow(20, 25), new TimeWindow(0, 5), new TimeWindow(4, 9), new TimeWindow(9, 12), new TimeWindow(30, 31)];
    mergeTimeWindows(ws, (group, r) => {
      merges.push(spans([...group]));
      results.push([r.start, r.end]);
    });
    expect(results).toEqual([[0, 12]]);
    expect(merges).toEqual([
      [
        [0, 5],
        [4, 9],
        [9, 12],
      ],
    ]);
  });
});

describe('GlobalWindows', () => {
  it('puts everything into the one global window that never fires by default', () => {
    const a = GlobalWindows.create();
    expect(a.assignWindows()).toEqual([GlobalWindow.INSTANCE]);
    expect(a.getDefaultTrigger()).toBeInstanceOf(NeverTrigger);
    expect(GlobalWindow.INSTANCE.maxTimestamp()).toBe(Number.MAX_SAFE_INTEGER);
  });
  it('createWithEndOfStreamTrigger: the same window, fired at the end of input', () => {
    const a = GlobalWindows.createWithEndOfStreamTrigger();
    expect(a.assignWindows()).toEqual([GlobalWindow.INSTANCE]);
    expect(a.getDefaultTrigger()).toBeInstanceOf(EndOfStreamTrigger);
    expect(a.isEventTime()).toBe(false);
  });
});

describe('assigners take durations as milliseconds, Duration or Time', () => {
  const at = (now: number) => ({ currentProcessingTime: () => now });
  it('processing-time assigners: the same windows for every form', () => {
    for (const [size, slide, offset] of [
      [1_000, 500, -200],
      [Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMillis(-200)],
      [Time.seconds(1), Time.milliseconds(500), Time.milliseconds(-200)],
    ] as const) {
      expect(spans(TumblingProcessingTimeWindows.of(size, offset).assignWindows(null, NO_TIMESTAMP, at(1_234)))).toEqual([[800, 1_800]]);
      expect(spans(SlidingProcessingTimeWindows.of(size, slide, offset).assignWindows(null, NO_TIMESTAMP, at(1_234)))).toEqual([
        [800, 1_800],
        [300, 1_300],
      ]);
      expect(spans(ProcessingTimeSessionWindows.withGap(slide).assignWindows(null, NO_TIMESTAMP, at(1_234)))).toEqual([[1_234, 1_734]]);
    }
  });
  it('event-time assigners keep their sizes in milliseconds', () => {
    expect(TumblingEventTimeWindows.of(Duration.ofMinutes(1), Time.seconds(-5))).toMatchObject({ size: 60_000, offset: -5_000 });
    expect(SlidingEventTimeWindows.of(Time.hours(1), Duration.ofMinutes(5))).toMatchObject({ size: 3_600_000, slide: 300_000, offset: 0 });
  });
  it('reject negative sizes with a duration error and keep their own checks', () => {
    expect(() => TumblingProcessingTimeWindows.of(Duration.ofSeconds(-1))).toThrow(InvalidDurationError);
    expect(() => SlidingEventTimeWindows.of(10, Duration.ZERO)).toThrow(InvalidWindowParameterError);
    expect(() => ProcessingTimeSessionWindows.withGap(Time.milliseconds(0))).toThrow(InvalidWindowParameterError);
  });
});

describe('TimeWindow', () => {
  it('has maxTimestamp end - 1 and a namespace that round-trips, negative bounds included', () => {
    const w = new TimeWindow(-20, -10);
    expect(w.maxTimestamp()).toBe(-11);
    const back = TimeWindow.fromNamespace(w.namespace);
    expect([back.start, back.end]).toEqual([-20, -10]);
  });
});
