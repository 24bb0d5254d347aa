import { Duration, Time } from '../duration';
import type { StateDescriptor } from '../state/state-descriptors';
import {
  ContinuousEventTimeTrigger,
  ContinuousProcessingTimeTrigger,
  CountTrigger,
  EndOfStreamTrigger,
  EventTimeTrigger,
  NeverTrigger,
  ProcessingTimeTrigger,
  PurgingTrigger,
  TriggerResult,
  type OnMergeContext,
  type TriggerState,
} from './triggers';
import { GlobalWindow, TimeWindow, type Window } from './windows';

/** A hand-written trigger context: timers and state per window namespace, watermark and clock set by the test. */
class TestingTriggerContext implements OnMergeContext {
  watermark = Number.MIN_SAFE_INTEGER;
  processingTime = 0;
  window: Window = new TimeWindow(0, 10);
  mergedWindows: Window[] = [];
  readonly eventTimers = new Set<string>();
  readonly processingTimers = new Set<string>();
  readonly state = new Map<string, unknown>();

  getCurrentProcessingTime(): number {
    return this.processingTime;
  }
  getCurrentWatermark(): number {
    return this.watermark;
  }
  registerProcessingTimeTimer(time: number): void {
    this.processingTimers.add(`${this.window.namespace}@${time}`);
  }
  registerEventTimeTimer(time: number): void {
    this.eventTimers.add(`${this.window.namespace}@${time}`);
  }
  deleteProcessingTimeTimer(time: number): void {
    this.processingTimers.delete(`${this.window.namespace}@${time}`);
  }
  deleteEventTimeTimer(time: number): void {
    this.eventTimers.delete(`${this.window.namespace}@${time}`);
  }
  getPartitionedState<S>(d: StateDescriptor<S>): TriggerState<S> {
    const id = `${d.name}/${this.window.namespace}`;
    return {
      get: () => this.state.get(id) as S | undefined,
      update: (v) => void this.state.set(id, v),
      add: (v) => {
        const cur = this.state.get(id) as S | undefined;
        this.state.set(id, cur === undefined ? v : (d.combine as (a: S, b: S) => S)(cur, v));
      },
      clear: () => void this.state.delete(id),
    };
  }
  mergePartitionedState<S>(d: StateDescriptor<S>): void {
    let acc = this.state.get(`${d.name}/${this.window.namespace}`) as S | undefined;
    for (const w of this.mergedWindows) {
      const v = this.state.get(`${d.name}/${w.namespace}`) as S | undefined;
      this.state.delete(`${d.name}/${w.namespace}`);
      if (v !== undefined) acc = acc === undefined ? v : (d.combine as (a: S, b: S) => S)(acc, v);
    }
    if (acc !== undefined) this.state.set(`${d.name}/${this.window.namespace}`, acc);
  }
}

describe('EventTimeTrigger', () => {
  it('registers a timer at the window end and fires on it; fires at once for a window the watermark passed', () => {
    const t = EventTimeTrigger.create();
    const ctx = new TestingTriggerContext();
    const w = new TimeWindow(0, 10);
    expect(t.onElement(1, 3, w, ctx)).toBe(TriggerResult.CONTINUE);
    expect([...ctx.eventTimers]).toEqual(['0:10@9']);
    expect(t.onEventTime(8, w, ctx)).toBe(TriggerResult.CONTINUE);
    expect(t.onEventTime(9, w, ctx)).toBe(TriggerResult.FIRE);
    expect(t.onProcessingTime(9, w, ctx)).toBe(TriggerResult.CONTINUE);
    ctx.watermark = 9;
    expect(t.onElement(1, 3, w, ctx)).toBe(TriggerResult.FIRE);
    t.clear(w, ctx);
    expect(ctx.eventTimers.size).toBe(0);
  });
  it('on merge registers the merged window end only if the watermark has not passed it', () => {
    const t = EventTimeTrigger.create();
    const ctx = new TestingTriggerContext();
    ctx.window = new TimeWindow(0, 20);
    ctx.watermark = 19;
    t.onMerge(ctx.window, ctx);
    expect(ctx.eventTimers.size).toBe(0);
    ctx.watermark = 18;
    t.onMerge(ctx.window, ctx);
    expect([...ctx.eventTimers]).toEqual(['0:20@19']);
  });
});

describe('ProcessingTimeTrigger', () => {
  it('registers a processing-time timer at the window end and fires on any processing-time timer', () => {
    const t = ProcessingTimeTrigger.create();
    const ctx = new TestingTriggerContext();
    const w = new TimeWindow(100, 200);
    ctx.window = w;
    expect(t.onElement(1, 0, w, ctx)).toBe(TriggerResult.CONTINUE);
    expect([...ctx.processingTimers]).toEqual(['100:200@199']);
    expect(t.onEventTime(199, w, ctx)).toBe(TriggerResult.CONTINUE);
    expect(t.onProcessingTime(199, w, ctx)).toBe(TriggerResult.FIRE);
    t.clear(w, ctx);
    expect(ctx.processingTimers.size).toBe(0);
  });
});

describe('CountTrigger', () => {
  it('fires every n elements per window and merges counts', () => {
    const t = CountTrigger.of(3);
    const ctx = new TestingTriggerContext();
    const w = GlobalWindow.INSTANCE;
    const results = [1, 2, 3, 4, 5, 6, 7].map((e) => t.onElement(e, 0, w, ctx));
    expect(results).toEqual([0, 0, 1, 0, 0, 1, 0]);
    const a = new TimeWindow(0, 5);
    const b = new TimeWindow(3, 8);
    ctx.window = a;
    t.onElement(1, 0, a, ctx);
    ctx.window = b;
    t.onElement(1, 0, b, ctx);
    ctx.window = new TimeWindow(0, 8);
    ctx.mergedWindows = [a, b];
    t.onMerge(ctx.window, ctx);
    expect(t.onElement(1, 0, ctx.window, ctx)).toBe(TriggerResult.FIRE);
    expect(() => CountTrigger.of(0)).toThrow();
  });
});

describe('PurgingTrigger', () => {
  it('turns FIRE into FIRE_AND_PURGE and passes CONTINUE through', () => {
    const t = PurgingTrigger.of(CountTrigger.of(2));
    const ctx = new TestingTriggerContext();
    const w = GlobalWindow.INSTANCE;
    expect([t.onElement(1, 0, w, ctx), t.onElement(1, 0, w, ctx)]).toEqual([TriggerResult.CONTINUE, TriggerResult.FIRE_AND_PURGE]);
    const et = PurgingTrigger.of(EventTimeTrigger.create());
    expect(et.onEventTime(9, new TimeWindow(0, 10), ctx)).toBe(TriggerResult.FIRE_AND_PURGE);
    expect(et.canMerge()).toBe(true);
  });
});

describe('ContinuousEventTimeTrigger', () => {
  it('fires every interval of event time and at the window end', () => {
    const t = ContinuousEventTimeTrigger.of(10);
    const ctx = new TestingTriggerContext();
    const w = new TimeWindow(0, 35);
    ctx.window = w;
    expect(t.onElement(1, 13, w, ctx)).toBe(TriggerResult.CONTINUE);
    expect([...ctx.eventTimers].sort()).toEqual(['0:35@20', '0:35@34']);
    expect(t.onEventTime(20, w, ctx)).toBe(TriggerResult.FIRE);
    expect([...ctx.eventTimers].sort()).toEqual(['0:35@20', '0:35@30', '0:35@34']);
    expect(t.onEventTime(25, w, ctx)).toBe(TriggerResult.CONTINUE);
    expect(t.onEventTime(30, w, ctx)).toBe(TriggerResult.FIRE);
    // The next fire time is capped at the window's max timestamp.
    expect(ctx.eventTimers.has('0:35@34')).toBe(true);
    expect(t.onEventTime(34, w, ctx)).toBe(TriggerResult.FIRE);
    t.clear(w, ctx);
    expect(ctx.state.size).toBe(0);
  });
});

describe('ContinuousProcessingTimeTrigger', () => {
  it('fires every interval of processing time, aligned to the interval', () => {
    const t = ContinuousProcessingTimeTrigger.of(100);
    const ctx = new TestingTriggerContext();
    const w = GlobalWindow.INSTANCE;
    ctx.window = w;
    ctx.processingTime = 1234;
    expect(t.onElement(1, 0, w, ctx)).toBe(TriggerResult.CONTINUE);
    expect([...ctx.processingTimers]).toEqual(['global@1300']);
    expect(t.onElement(1, 0, w, ctx)).toBe(TriggerResult.CONTINUE);
    expect(ctx.processingTimers.size).toBe(1);
    expect(t.onProcessingTime(1300, w, ctx)).toBe(TriggerResult.FIRE);
    expect(ctx.processingTimers.has('global@1400')).toBe(true);
    expect(t.onProcessingTime(1350, w, ctx)).toBe(TriggerResult.CONTINUE);
  });
});

describe('NeverTrigger', () => {
  it('never fires', () => {
    const t = NeverTrigger.create();
    const ctx = new TestingTriggerContext();
    expect([t.onElement(1, 0, GlobalWindow.INSTANCE, ctx), t.onEventTime(0, GlobalWindow.INSTANCE, ctx), t.onProcessingTime(0, GlobalWindow.INSTANCE, ctx)]).toEqual([0, 0, 0]);
  });
});

describe('EndOfStreamTrigger', () => {
  it('registers an event-time timer at the window end (MAX_WATERMARK for the global window) and fires only there', () => {
    const t = EndOfStreamTrigger.create();
    const ctx = new TestingTriggerContext();
    const w = GlobalWindow.INSTANCE;
    ctx.window = w;
    expect(t.onElement(1, 0, w, ctx)).toBe(TriggerResult.CONTINUE);
    expect([...ctx.eventTimers]).toEqual([`global@${Number.MAX_SAFE_INTEGER}`]);
    expect(t.onEventTime(1_000, w, ctx)).toBe(TriggerResult.CONTINUE);
    expect(t.onProcessingTime(Number.MAX_SAFE_INTEGER, w, ctx)).toBe(TriggerResult.CONTINUE);
    expect(t.onEventTime(Number.MAX_SAFE_INTEGER, w, ctx)).toBe(TriggerResult.FIRE);
    t.clear(w, ctx);
    expect(ctx.eventTimers.size).toBe(0);
    expect(t.canMerge()).toBe(false);
    expect(String(t)).toBe('EndOfStreamTrigger()');
  });
});

describe('continuous triggers take durations', () => {
  it('as milliseconds, Duration or Time', () => {
    expect([10, Duration.ofMillis(10), Time.milliseconds(10)].map((d) => ContinuousEventTimeTrigger.of(d).interval)).toEqual([10, 10, 10]);
    expect(ContinuousProcessingTimeTrigger.of(Duration.ofSeconds(1)).interval).toBe(1_000);
    expect(() => ContinuousProcessingTimeTrigger.of(Duration.ZERO)).toThrow('interval must be > 0');
  });
});
