import {
  AsyncRetryPredicates,
  AsyncRetryStrategies,
  RichAsyncFunction,
  type AsyncFunctionLike,
  type AsyncRetryStrategy,
  type ResultFuture,
} from '@flott/core';
import { ManualClock, type Cancellable, type Scheduler } from '../../time/clock';
import { OneInputOperatorTestHarness } from '../testing';
import { AsyncOperationTimeoutError, InvalidAsyncOptionsError } from './async-errors';
import { AsyncWaitOperator, type AsyncOutputMode } from './async-wait-operator';

/** Keeps every request so the test completes them when and how it wants; counts open/close. */
class TestingAsyncFunction extends RichAsyncFunction<string, string> {
  readonly calls: Array<{ input: string; future: ResultFuture<string> }> = [];
  opened = 0;
  closed = 0;
  constructor(private readonly onTimeout?: (input: string, future: ResultFuture<string>) => void) {
    super();
    if (onTimeout) this.timeout = (input, future) => onTimeout(input, future);
  }
  timeout?: (input: string, future: ResultFuture<string>) => void;
  override open(): void {
    this.opened++;
  }
  override close(): void {
    this.closed++;
  }
  asyncInvoke(input: string, future: ResultFuture<string>): void {
    this.calls.push({ input, future });
  }
  /** The latest request for `input`. */
  request(input: string): ResultFuture<string> {
    const found = [...this.calls].reverse().find((c) => c.input === input);
    if (!found) throw new Error(`no request for ${input}`);
    return found.future;
  }
}

/** A ManualClock that also counts the timers still scheduled (not fired, not cancelled). */
class CountingClock extends ManualClock implements Scheduler {
  live = 0;
  override schedule(delayMs: number, fn: () => void): Cancellable {
    this.live++;
    let done = false;
    const c = super.schedule(delayMs, () => {
      if (!done) this.live--;
      done = true;
      fn();
    });
    return {
      cancel: () => {
        if (!done) this.live--;
        done = true;
        c.cancel();
      },
    };
  }
}

function harness(fn: AsyncFunctionLike<string, string>, mode: AsyncOutputMode, capacity = 10, retryStrategy?: AsyncRetryStrategy<string>, clock = new CountingClock(0)) {
  const op = new AsyncWaitOperator<string, string>(fn, { timeoutMs: 1000, capacity, outputMode: mode, retryStrategy });
  return new OneInputOperatorTestHarness(op, { clock, operatorName: 'enrich' });
}

/** Lets pending promise reactions run (a promise function's results arrive through them). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('AsyncWaitOperator', () => {
  it('ordered: emits in input order, each result with its input timestamp, and only from the mailbox', async () => {
    const fn = new TestingAsyncFunction();
    const h = harness(fn, 'ORDERED');
    await h.open();
    expect(fn.opened).toBe(1);
    h.processElement('a', 1);
    h.processElement('b', 2);
    h.processElement('c', 3);
    fn.request('c').complete(['C']);
    fn.request('b').complete(['B1', 'B2']);
    expect(h.output.logLines()).toEqual([]); // nothing emitted from the completing callback itself
    h.processMail();
    expect(h.output.logLines()).toEqual([]); // 'a' still pending: nothing may overtake it
    fn.request('a').complete([]);
    h.processMail();
    expect(h.output.logLines()).toEqual(['B1 @2', 'B2 @2', 'C @3']);
  });

  it('ordered: a watermark waits for the records before it and goes out at once when none are', async () => {
    const fn = new TestingAsyncFunction();
    const h = harness(fn, 'ORDERED');
    await h.open();
    h.processWatermark(5);
    expect(h.output.logLines()).toEqual(['wm 5']);
    h.processElement('a', 6);
    h.processWatermark(7);
    h.processElement('b', 8);
    fn.request('b').complete(['B']);
    h.processMail();
    expect(h.output.logLines()).toEqual(['wm 5']);
    fn.request('a').complete(['A']);
    h.processMail();
    expect(h.output.logLines()).toEqual(['wm 5', 'A @6', 'wm 7', 'B @8']);
  });

  it('unordered: emits as results arrive, but never moves a record across a watermark', async () => {
    const fn = new TestingAsyncFunction();
    const h = harness(fn, 'UNORDERED');
    await h.open();
    h.processElement('a', 1);
    h.processElement('b', 2);
    h.processWatermark(10);
    h.processElement('c', 11);
    h.processWatermark(20);
    h.processElement('d', 21);
    fn.request('d').complete(['D']);
    fn.request('c').complete(['C']);
    fn.request('b').complete(['B']);
    h.processMail();
    expect(h.output.logLines()).toEqual(['B @2']);
    fn.request('a').complete(['A']);
    h.processMail();
    expect(h.output.logLines()).toEqual(['B @2', 'A @1', 'wm 10', 'C @11', 'wm 20', 'D @21']);
  });

  it('capacity: a full queue makes the operator unavailable; more input waits un-started until a slot frees', async () => {
    const fn = new TestingAsyncFunction();
    const h = harness(fn, 'ORDERED', 2);
    await h.open();
    h.processElement('a');
    expect(h.isAvailable()).toBe(true);
    h.processElement('b');
    expect(h.isAvailable()).toBe(false);
    const available = h.availabilityProviders[0].whenAvailable();
    // A chained upstream operator may still emit: the record waits, no third request starts.
    h.processElement('c');
    expect(fn.calls.map((c) => c.input)).toEqual(['a', 'b']);
    fn.request('a').complete(['A']);
    h.processMail();
    expect(fn.calls.map((c) => c.input)).toEqual(['a', 'b', 'c']);
    expect(h.isAvailable()).toBe(false);
    fn.request('b').complete(['B']);
    h.processMail();
    expect(h.isAvailable()).toBe(true);
    await available;
    fn.request('c').complete(['C']);
    h.processMail();
    expect(h.output.values()).toEqual(['A', 'B', 'C']);
  });

  it('a promise function: an array is that many records, undefined none, anything else one record', async () => {
    const answers: Record<string, unknown> = { many: ['x', 'y'], none: undefined, one: 'single', empty: [], obj: { k: 1 } };
    const h = harness(async (input) => answers[input] as string, 'ORDERED');
    await h.open();
    for (const k of Object.keys(answers)) h.processElement(k);
    await settle();
    h.processMail();
    expect(h.output.values()).toEqual(['x', 'y', 'single', { k: 1 }]);
  });

  it('a rejected promise fails the task with the user error itself (its stack kept)', async () => {
    const boom = new Error('service said no');
    const h = harness(async () => {
      throw boom;
    }, 'UNORDERED');
    await h.open();
    h.processElement('a');
    await settle();
    expect(() => h.processMail()).toThrow(boom);
  });

  it('asyncInvoke returning a rejected promise, or completeExceptionally, fails the task', async () => {
    const h = harness({ asyncInvoke: () => Promise.reject(new TypeError('bad input')) }, 'ORDERED');
    await h.open();
    h.processElement('a');
    await settle();
    expect(() => h.processMail()).toThrow(TypeError);

    const fn = new TestingAsyncFunction();
    const h2 = harness(fn, 'ORDERED');
    await h2.open();
    h2.processElement('a');
    fn.request('a').completeExceptionally(new RangeError('nope'));
    expect(() => h2.processMail()).toThrow(RangeError);
  });

  it('timeout without a timeout() of the function fails with an error naming the operator', async () => {
    const fn = new TestingAsyncFunction();
    const h = harness(fn, 'ORDERED');
    await h.open();
    h.processElement('slow');
    h.advanceProcessingTime(999);
    expect(h.processMail()).toBe(0);
    h.advanceProcessingTime(1);
    let error: unknown;
    try {
      h.processMail();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AsyncOperationTimeoutError);
    expect((error as Error).message).toContain("operator 'enrich' timed out: no result within 1000 ms for input slow");
  });

  it("timeout calls the function's timeout(), whose result counts; the late answer is ignored", async () => {
    const fn = new TestingAsyncFunction((input, future) => future.complete([`${input}:fallback`]));
    const h = harness(fn, 'ORDERED');
    await h.open();
    h.processElement('slow');
    const late = fn.request('slow');
    h.advanceProcessingTime(1000);
    late.complete(['too late']);
    late.complete(['twice']);
    h.processMail();
    expect(h.output.values()).toEqual(['slow:fallback']);
  });

  it('fixed-delay retry on empty results: tries again after the delay, at most maxAttempts more times', async () => {
    const fn = new TestingAsyncFunction();
    const strategy = new AsyncRetryStrategies.FixedDelayRetryStrategyBuilder<string>(2, 100).ifResult(AsyncRetryPredicates.EMPTY_RESULT_PREDICATE).build();
    const clock = new CountingClock(0);
    const h = harness(fn, 'ORDERED', 10, strategy, clock);
    await h.open();
    h.processElement('a');
    h.processElement('b');
    fn.request('a').complete([]);
    fn.request('b').complete([]);
    h.processMail();
    h.advanceProcessingTime(99);
    expect(fn.calls.length).toBe(2);
    h.advanceProcessingTime(1);
    expect(fn.calls.map((c) => c.input)).toEqual(['a', 'b', 'a', 'b']);
    fn.request('b').complete(['B']);
    fn.request('a').complete([]);
    h.processMail();
    h.advanceProcessingTime(100);
    fn.request('a').complete([]); // the third attempt: no retry left, its empty result is final
    h.processMail();
    expect(fn.calls.map((c) => c.input)).toEqual(['a', 'b', 'a', 'b', 'a']);
    expect(h.output.values()).toEqual(['B']);
    expect(clock.live).toBe(0);
  });

  it('exponential-backoff retry on exceptions: delays grow by the multiplier up to the maximum', async () => {
    const fn = new TestingAsyncFunction();
    const strategy = new AsyncRetryStrategies.ExponentialBackoffDelayRetryStrategyBuilder<string>(5, 10, 30, 2)
      .ifException(AsyncRetryPredicates.HAS_EXCEPTION_PREDICATE)
      .build();
    expect([1, 2, 3, 4].map((n) => strategy.getBackoffTimeMillis(n))).toEqual([10, 20, 30, 30]);
    const clock = new CountingClock(0);
    const op = new AsyncWaitOperator<string, string>(fn, { timeoutMs: 10_000, capacity: 10, outputMode: 'ORDERED', retryStrategy: strategy });
    const h = new OneInputOperatorTestHarness(op, { clock });
    await h.open();
    h.processElement('a');
    const startTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      startTimes.push(clock.currentTimeMillis());
      fn.request('a').completeExceptionally(new Error('503'));
      h.processMail();
      while (fn.calls.length === i + 1) h.advanceProcessingTime(1);
    }
    startTimes.push(clock.currentTimeMillis());
    expect(startTimes).toEqual([0, 10, 30, 60]);
    fn.request('a').complete(['A']);
    h.processMail();
    expect(h.output.values()).toEqual(['A']);
  });

  it('the timeout covers all retries: a retry waiting when it fires is dropped', async () => {
    const fn = new TestingAsyncFunction((input, future) => future.complete([`${input}:gave up`]));
    const strategy = new AsyncRetryStrategies.FixedDelayRetryStrategyBuilder<string>(100, 450).ifResult(AsyncRetryPredicates.EMPTY_RESULT_PREDICATE).build();
    const clock = new CountingClock(0);
    const h = harness(fn, 'ORDERED', 10, strategy, clock);
    await h.open();
    h.processElement('a');
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(fn.calls.length).toBe(attempt);
      fn.request('a').complete([]);
      h.processMail();
      if (attempt < 3) h.advanceProcessingTime(450); // attempts at 0, 450, 900; the next would start at 1350
    }
    h.advanceProcessingTime(100); // the timeout at 1000
    h.processMail();
    expect(h.output.values()).toEqual(['a:gave up']);
    h.advanceProcessingTime(1000);
    expect(fn.calls.length).toBe(3);
    expect(clock.live).toBe(0);
  });

  it('checkpoints the elements in flight (records with timestamps, watermarks, the backlog) and issues them again on restore', async () => {
    const fn = new TestingAsyncFunction();
    const h = harness(fn, 'UNORDERED', 2);
    await h.open();
    h.processElement('a', 1);
    h.processWatermark(5);
    h.processElement('b', 6); // backlog: the queue holds 'a' and the watermark
    fn.request('a').complete(['A']); // completed but not emitted yet: still part of the checkpoint
    const snapshot = h.snapshot(7);
    await h.close();

    const fn2 = new TestingAsyncFunction();
    const restored = harness(fn2, 'UNORDERED', 2);
    await restored.initializeState({ from: snapshot });
    await restored.open();
    expect(fn2.calls.map((c) => c.input)).toEqual(['a']);
    fn2.request('a').complete(['A again']);
    restored.processMail();
    expect(fn2.calls.map((c) => c.input)).toEqual(['a', 'b']);
    fn2.request('b').complete(['B']);
    restored.processMail();
    expect(restored.output.logLines()).toEqual(['A again @1', 'wm 5', 'B @6']);
  });

  it('finish waits for every request in flight, retries included, and emits their results', async () => {
    const fn = new TestingAsyncFunction();
    const strategy = new AsyncRetryStrategies.FixedDelayRetryStrategyBuilder<string>(3, 500).ifResult((r) => r.includes('retry')).build();
    const clock = new CountingClock(0);
    const h = harness(fn, 'ORDERED', 10, strategy, clock);
    await h.open();
    h.processElement('a');
    h.processElement('b');
    h.processWatermark(9);
    fn.request('b').complete(['retry']);
    h.processMail();
    let finished = false;
    const finishing = h.finish().then(() => (finished = true));
    await settle();
    expect(finished).toBe(false);
    fn.request('a').complete(['A']);
    await settle();
    expect(finished).toBe(false);
    h.advanceProcessingTime(500);
    expect(fn.calls.map((c) => c.input)).toEqual(['a', 'b', 'b']);
    fn.request('b').complete(['B']);
    await finishing;
    expect(h.output.logLines()).toEqual(['A', 'B', 'wm 9']);
    await h.close();
    expect(fn.closed).toBe(1);
    expect(clock.live).toBe(0);
  });

  it('close cancels the timers of requests still in flight and ignores their late results', async () => {
    const fn = new TestingAsyncFunction();
    const clock = new CountingClock(0);
    const h = harness(fn, 'UNORDERED', 10, undefined, clock);
    await h.open();
    h.processElement('a');
    h.processElement('b');
    expect(clock.live).toBe(1); // one timer serves every request's deadline
    await h.close();
    expect(clock.live).toBe(0);
    fn.request('a').complete(['A']);
    expect(h.processMail()).toBe(0);
    expect(h.output.values()).toEqual([]);
  });

  it('rejects a capacity or timeout out of range with a typed error', () => {
    const fn = new TestingAsyncFunction();
    expect(() => new AsyncWaitOperator(fn, { timeoutMs: 0, capacity: 1, outputMode: 'ORDERED' })).toThrow(InvalidAsyncOptionsError);
    expect(() => new AsyncWaitOperator(fn, { timeoutMs: 10, capacity: 0, outputMode: 'ORDERED' })).toThrow(InvalidAsyncOptionsError);
    expect(() => new AsyncWaitOperator(fn, { timeoutMs: 10, capacity: 1.5, outputMode: 'ORDERED' })).toThrow(/capacity must be an integer/);
  });
});
