import { ManualClock, type Cancellable, type Scheduler } from '../../time/clock';
import { InMemoryKeyedStateBackend } from '../testing/in-memory-keyed-state-backend';
import { RecordingOutput } from '../testing/recording-output';
import { GlobalWindow, TimeWindow, type Window } from '@flott/core';
import { windowTimerId } from '../windowing/window-operator';
import { HeapInternalTimeServiceManager } from './heap-internal-time-service-manager';
import type { InternalTimer, TimerFiringControl, Triggerable } from './timer-service';

interface Fired {
  domain: 'event' | 'processing';
  key: unknown;
  namespace: unknown;
  timestamp: number;
  currentKey: unknown;
  watermark: number;
}

function setup(options: { control?: TimerFiringControl; scheduler?: Scheduler; clock?: ManualClock } = {}) {
  const backend = new InMemoryKeyedStateBackend();
  const clock = options.clock ?? new ManualClock(0);
  const manager = new HeapInternalTimeServiceManager({
    keyedStateBackend: backend,
    clock,
    scheduler: options.scheduler ?? clock,
    keyGroupOf: (key) => (typeof key === 'string' ? key.length : 0),
    control: options.control,
  });
  const fired: Fired[] = [];
  const triggerable = (service = 'svc'): Triggerable<unknown> => ({
    onEventTime: (t: InternalTimer<unknown>) =>
      fired.push({ domain: 'event', key: t.key, namespace: t.namespace, timestamp: t.timestamp, currentKey: backend.getCurrentKey(), watermark: manager.currentWatermark() }),
    onProcessingTime: (t: InternalTimer<unknown>) =>
      fired.push({ domain: 'processing', key: t.key, namespace: `${service}:${String(t.namespace)}`, timestamp: t.timestamp, currentKey: backend.getCurrentKey(), watermark: manager.currentWatermark() }),
  });
  return { backend, clock, manager, fired, triggerable };
}

describe('HeapInternalTimeServiceManager', () => {
  it('keeps one timer per (key, namespace, timestamp), comparing composite keys and namespaces by value', () => {
    const { backend, manager, fired, triggerable } = setup();
    const timers = manager.getInternalTimerService('t', triggerable());
    backend.setCurrentKey(['a', 1]);
    timers.registerEventTimeTimer({ start: 0, end: 10 }, 9);
    backend.setCurrentKey(['a', 1]); // a fresh but equal key
    timers.registerEventTimeTimer({ end: 10, start: 0 }, 9);
    timers.registerEventTimeTimer({ start: 0, end: 10 }, 8);
    backend.setCurrentKey(['a', 2]);
    timers.registerEventTimeTimer({ start: 0, end: 10 }, 9);
    expect(manager.numTimers()).toBe(3);
    manager.advanceWatermark(100);
    expect(fired.map((f) => [f.key, f.timestamp])).toEqual([
      [['a', 1], 8],
      [['a', 1], 9],
      [['a', 2], 9],
    ]);
    expect(manager.numTimers()).toBe(0);
  });

  it("dedups window timers by the window operator's ids: a TimeWindow by its start at its own end, by its namespace elsewhere", () => {
    expect(windowTimerId(new TimeWindow(0, 10), 9)).toBe(0);
    expect(windowTimerId(new TimeWindow(0, 10), 99)).toBe('0:10');
    expect(windowTimerId(GlobalWindow.INSTANCE, 9)).toBe('global');
    const { backend, manager, fired, triggerable } = setup();
    const timers = manager.getInternalTimerService<Window>('w', triggerable(), windowTimerId);
    backend.setCurrentKey('k');
    // Equal windows from different objects (a session window is a new object per element): one timer.
    timers.registerEventTimeTimer(new TimeWindow(0, 10), 9);
    timers.registerEventTimeTimer(new TimeWindow(0, 10), 9);
    // Same end, other start: another window.
    timers.registerEventTimeTimer(new TimeWindow(5, 10), 9);
    // At a timestamp that is not their end, [0, 10) and [0, 20) share a start: told apart by namespace.
    timers.registerEventTimeTimer(new TimeWindow(0, 10), 50);
    timers.registerEventTimeTimer(new TimeWindow(0, 20), 50);
    timers.registerEventTimeTimer(new TimeWindow(0, 20), 50);
    // The window whose end is 51 has id 0 there, the one ending at 10 the string '0:10': still two.
    timers.registerEventTimeTimer(new TimeWindow(0, 51), 50);
    expect(manager.numTimers()).toBe(5);
    timers.deleteEventTimeTimer(new TimeWindow(5, 10), 9);
    timers.deleteEventTimeTimer(new TimeWindow(0, 20), 50);
    expect(manager.numTimers()).toBe(3);
    manager.advanceWatermark(100);
    expect(fired.map((f) => [String(f.namespace), f.timestamp])).toEqual([
      ['TimeWindow{start=0, end=10}', 9],
      ['TimeWindow{start=0, end=10}', 50],
      ['TimeWindow{start=0, end=51}', 50],
    ]);
  });

  it('fires event-time timers of all services in timestamp order up to the watermark, with the timer key current', () => {
    const { backend, manager, fired, triggerable } = setup();
    const a = manager.getInternalTimerService('a', triggerable('a'));
    const b = manager.getInternalTimerService('b', triggerable('b'));
    const registrations: Array<[typeof a, string, number]> = [
      [a, 'k1', 30],
      [b, 'k2', 10],
      [a, 'k3', 20],
      [b, 'k1', 25],
      [a, 'k2', 40],
    ];
    for (const [svc, key, ts] of registrations) {
      backend.setCurrentKey(key);
      svc.registerEventTimeTimer('ns', ts);
    }
    backend.setCurrentKey('other');
    manager.advanceWatermark(25);
    const expectedUpTo25 = registrations.filter(([, , ts]) => ts <= 25).sort((x, y) => x[2] - y[2]);
    expect(fired.map((f) => [f.currentKey, f.timestamp])).toEqual(expectedUpTo25.map(([, k, ts]) => [k, ts]));
    expect(fired.every((f) => f.key === f.currentKey && f.watermark === 25)).toBe(true);
    fired.length = 0;
    manager.advanceWatermark(24); // watermarks never go back
    expect(fired).toEqual([]);
    expect(manager.currentWatermark()).toBe(25);
    manager.advanceWatermark(40);
    expect(fired.map((f) => f.timestamp)).toEqual([30, 40]);
  });

  it('deletes timers and fires a timer registered for an already passed time on the next watermark', () => {
    const { backend, manager, fired, triggerable } = setup();
    const t = manager.getInternalTimerService<string>('t', triggerable());
    backend.setCurrentKey('k');
    t.registerEventTimeTimer('w', 5);
    t.registerEventTimeTimer('w', 6);
    t.deleteEventTimeTimer('w', 5);
    t.deleteEventTimeTimer('w', 99); // no such timer: no effect
    expect(manager.numTimers()).toBe(1);
    manager.advanceWatermark(10);
    t.registerEventTimeTimer('w', 3);
    expect(fired.map((f) => f.timestamp)).toEqual([6]);
    manager.advanceWatermark(11);
    expect(fired.map((f) => f.timestamp)).toEqual([6, 3]);
  });

  it('fires timers registered while firing when they are due for the same watermark', () => {
    const { backend, manager, fired } = setup();
    const svc = manager.getInternalTimerService<string>('t', {
      onEventTime: (timer) => {
        fired.push({ domain: 'event', key: timer.key, namespace: timer.namespace, timestamp: timer.timestamp, currentKey: backend.getCurrentKey(), watermark: 0 });
        if (timer.timestamp < 3) svc.registerEventTimeTimer('n', timer.timestamp + 1);
      },
      onProcessingTime: () => undefined,
    });
    backend.setCurrentKey('k');
    svc.registerEventTimeTimer('n', 1);
    manager.advanceWatermark(2);
    expect(fired.map((f) => f.timestamp)).toEqual([1, 2]);
    manager.advanceWatermark(5);
    expect(fired.map((f) => f.timestamp)).toEqual([1, 2, 3]);
  });

  it('fires processing-time timers from the manual clock through a single scheduled wake-up', () => {
    const clock = new ManualClock(1000);
    const scheduled: number[] = [];
    const countingScheduler: Scheduler = {
      schedule: (delay: number, fn: () => void): Cancellable => {
        scheduled.push(delay);
        return clock.schedule(delay, fn);
      },
      scheduleAtFixedRate: (p, fn) => clock.scheduleAtFixedRate(p, fn),
    };
    const { backend, manager, fired, triggerable } = setup({ clock, scheduler: countingScheduler });
    const t = manager.getInternalTimerService<string>('p', triggerable('p'));
    backend.setCurrentKey('x');
    t.registerProcessingTimeTimer('n', 1500);
    t.registerProcessingTimeTimer('n', 1500); // dedup: no new wake-up
    t.registerProcessingTimeTimer('n', 1700); // later than the scheduled wake-up: none either
    backend.setCurrentKey('y');
    t.registerProcessingTimeTimer('n', 1200); // earlier: replaces the wake-up
    t.registerProcessingTimeTimer('n', 1600);
    t.deleteProcessingTimeTimer('n', 1600);
    expect(scheduled).toEqual([500, 200]);
    clock.advance(199);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired.map((f) => [f.currentKey, f.timestamp])).toEqual([['y', 1200]]);
    clock.advance(600);
    expect(fired.map((f) => [f.currentKey, f.timestamp, f.domain])).toEqual([
      ['y', 1200, 'processing'],
      ['x', 1500, 'processing'],
      ['x', 1700, 'processing'],
    ]);
    expect(manager.numTimers()).toBe(0);
    // One wake-up per distinct earliest timer (1200, then 1500, then 1700), never one per timer.
    expect(scheduled).toEqual([500, 200, 300, 200]);
  });

  it('stops firing under back-pressure, holds back the watermark, and continues where it stopped', () => {
    let full = false;
    let pendingSignals = 0;
    const control: TimerFiringControl = { shouldYield: () => full, onPendingWork: () => pendingSignals++ };
    const { backend, manager, triggerable } = setup({ control });
    const out = new RecordingOutput<string>();
    const gated = manager.gateOutput(out);
    const fired: number[] = [];
    const base = triggerable();
    const svc = manager.getInternalTimerService<string>('t', {
      onEventTime: (timer) => {
        base.onEventTime(timer);
        fired.push(timer.timestamp);
        gated.collect(`fired@${timer.timestamp}`, timer.timestamp);
        full = fired.length === 2; // the output fills after the second record
      },
      onProcessingTime: () => undefined,
    });
    for (let ts = 1; ts <= 5; ts++) {
      backend.setCurrentKey(`k${ts}`);
      svc.registerEventTimeTimer('n', ts);
    }
    manager.advanceWatermark(4);
    gated.emitWatermark(4);
    expect(fired).toEqual([1, 2]);
    expect(out.watermarks).toEqual([]);
    expect(manager.hasPendingWork()).toBe(true);
    expect(pendingSignals).toBe(1);
    full = false;
    expect(manager.continueFiring()).toBe(true);
    expect(fired).toEqual([1, 2, 3, 4]);
    expect(out.records.map((r) => r.value)).toEqual(['fired@1', 'fired@2', 'fired@3', 'fired@4']);
    expect(out.watermarks).toEqual([4]);
    expect(manager.hasPendingWork()).toBe(false);
    gated.emitWatermark(5);
    expect(out.watermarks).toEqual([4, 5]);
  });

  it('holds back a watermark status behind a held-back watermark, so IDLE never overtakes it', () => {
    // The valve flushes a watermark and then IDLE in one call; a downstream valve ignores a
    // watermark that arrives after IDLE, so the gated output has to keep their order.
    let full = false;
    const control: TimerFiringControl = { shouldYield: () => full, onPendingWork: () => undefined };
    const { backend, manager } = setup({ control });
    const out = new RecordingOutput<string>();
    const gated = manager.gateOutput(out);
    const svc = manager.getInternalTimerService<string>('t', {
      onEventTime: (timer) => {
        gated.collect(`fired@${timer.timestamp}`, timer.timestamp);
        full = true;
      },
      onProcessingTime: () => undefined,
    });
    for (const ts of [1, 2]) {
      backend.setCurrentKey(`k${ts}`);
      svc.registerEventTimeTimer('n', ts);
    }
    manager.advanceWatermark(2);
    gated.emitWatermark(2);
    gated.emitWatermarkStatus?.(true);
    expect(out.logLines()).toEqual(['fired@1 @1']);
    full = false;
    expect(manager.continueFiring()).toBe(true);
    expect(out.logLines()).toEqual(['fired@1 @1', 'fired@2 @2', 'wm 2', 'IDLE']);
    gated.emitWatermarkStatus?.(false);
    expect(out.logLines().at(-1)).toBe('ACTIVE');
  });

  it('keeps the key group of each timer for per-key-group snapshots', () => {
    const { backend, manager, triggerable } = setup();
    const t = manager.getInternalTimerService<string>('t', triggerable());
    for (const key of ['a', 'bb', 'cc', 'ddd']) {
      backend.setCurrentKey(key);
      t.registerEventTimeTimer('n', 1);
      t.registerProcessingTimeTimer('n', 50);
    }
    const ofGroup2 = (manager.timersByKeyGroup().get(2) ?? []).map((e) => `${e.domain}:${String(e.timer.key)}`).sort();
    expect(ofGroup2).toEqual(['event:bb', 'event:cc', 'processing:bb', 'processing:cc']);
  });

  it('stops processing-time timers after quiesce and dispose', () => {
    const { backend, clock, manager, fired, triggerable } = setup();
    const t = manager.getInternalTimerService<string>('t', triggerable());
    backend.setCurrentKey('k');
    t.registerProcessingTimeTimer('n', 10);
    manager.quiesce();
    clock.advance(100);
    expect(fired).toEqual([]);
    manager.dispose();
    expect(manager.numTimers()).toBe(0);
  });

  it('refuses timers without a current key', () => {
    const { manager, triggerable } = setup();
    const t = manager.getInternalTimerService<string>('t', triggerable());
    expect(() => t.registerEventTimeTimer('n', 1)).toThrow(/without a current key/);
  });
  it('serves processing-time reads from one clock reading for at most `processingTimeReads` reads of one turn', async () => {
    const clock = new ManualClock(100);
    let readings = 0;
    const counting = { currentTimeMillis: () => (readings++, clock.currentTimeMillis()), relativeTimeMillis: () => clock.relativeTimeMillis() };
    const backend = new InMemoryKeyedStateBackend();
    const manager = new HeapInternalTimeServiceManager({ keyedStateBackend: backend, clock: counting, scheduler: clock, processingTimeReads: 3 });
    const fired: number[] = [];
    const reads: number[] = [];
    const t = manager.getInternalTimerService<string>('t', {
      onEventTime: () => undefined,
      // What the operator reads while a timer fires is at least the timer's time.
      onProcessingTime: (timer) => (fired.push(timer.timestamp), reads.push(t.currentProcessingTime())),
    });
    expect([t.currentProcessingTime(), t.currentProcessingTime()]).toEqual([100, 100]);
    clock.advance(5);
    // The third read is still the first reading's; the fourth reads the clock again.
    expect([t.currentProcessingTime(), t.currentProcessingTime()]).toEqual([100, 105]);
    expect(readings).toBe(2);
    clock.advance(2);
    expect(t.currentProcessingTime()).toBe(105);
    // A reading does not outlive its turn.
    await Promise.resolve();
    expect(t.currentProcessingTime()).toBe(107);
    expect(readings).toBe(3);
    backend.setCurrentKey('k');
    t.registerProcessingTimeTimer('n', 110);
    expect(t.currentProcessingTime()).toBe(107);
    clock.advance(3);
    expect(fired).toEqual([110]);
    expect(reads).toEqual([110]);
  });

  it('reads the clock on every processing-time read by default', () => {
    const { manager, triggerable, clock } = setup();
    const t = manager.getInternalTimerService<string>('t', triggerable());
    expect(t.currentProcessingTime()).toBe(0);
    clock.advance(5);
    expect(t.currentProcessingTime()).toBe(5);
  });
});
