import { Duration } from '../duration';
import { asyncResultRecords } from './async-functions';
import {
  AsyncRetryPredicates,
  AsyncRetryStrategies,
  ExponentialBackoffDelayRetryStrategyBuilder,
  FixedDelayRetryStrategyBuilder,
  InvalidAsyncRetryStrategyError,
} from './async-retry';

describe('async retry strategies', () => {
  it('fixed delay: maxAttempts retries (as Flink: canRetry(n) while n <= maxAttempts), the same delay each time, its predicates', () => {
    const isEmpty = AsyncRetryPredicates.EMPTY_RESULT_PREDICATE;
    const s = new AsyncRetryStrategies.FixedDelayRetryStrategyBuilder<number>(3, Duration.ofMillis(250)).ifResult(isEmpty).build();
    expect([1, 2, 3, 4].map((n) => s.canRetry(n))).toEqual([true, true, true, false]);
    expect([1, 3].map((n) => s.getBackoffTimeMillis(n))).toEqual([250, 250]);
    expect(s.getRetryPredicate().resultPredicate).toBe(isEmpty);
    expect(s.getRetryPredicate().exceptionPredicate).toBeUndefined();
  });

  it('exponential backoff: initialDelay × multiplier^(n-1), capped, per request', () => {
    const s = new ExponentialBackoffDelayRetryStrategyBuilder<number>(10, 100, 1000, 3).ifException(AsyncRetryPredicates.HAS_EXCEPTION_PREDICATE).build();
    expect([1, 2, 3, 4, 1].map((n) => s.getBackoffTimeMillis(n))).toEqual([100, 300, 900, 1000, 100]);
    expect(s.canRetry(10)).toBe(true);
    expect(s.canRetry(11)).toBe(false);
    expect(s.getRetryPredicate().exceptionPredicate?.(new Error('x'))).toBe(true);
  });

  it('no retry strategy never retries', () => {
    expect(AsyncRetryStrategies.NO_RETRY_STRATEGY.canRetry(1)).toBe(false);
  });

  it('predicates: empty results, any error', () => {
    expect(AsyncRetryPredicates.EMPTY_RESULT_PREDICATE([])).toBe(true);
    expect(AsyncRetryPredicates.EMPTY_RESULT_PREDICATE(undefined)).toBe(true);
    expect(AsyncRetryPredicates.EMPTY_RESULT_PREDICATE([0])).toBe(false);
    expect(AsyncRetryPredicates.HAS_EXCEPTION_PREDICATE(new Error('x'))).toBe(true);
  });

  it('rejects parameters out of range with a typed error', () => {
    expect(() => new FixedDelayRetryStrategyBuilder(0, 10)).toThrow(InvalidAsyncRetryStrategyError);
    expect(() => new FixedDelayRetryStrategyBuilder(1.5, 10)).toThrow(/maxAttempts must be an integer/);
    expect(() => new FixedDelayRetryStrategyBuilder(3, 0)).toThrow(/backoffTime must be greater than zero/);
    expect(() => new ExponentialBackoffDelayRetryStrategyBuilder(3, 100, 50, 2)).toThrow(/maxRetryDelay must be at least initialDelay/);
    expect(() => new ExponentialBackoffDelayRetryStrategyBuilder(3, 100, 500, 0.5)).toThrow(/multiplier/);
  });

  it("a promise function's value: an array is its records, undefined none, anything else one", () => {
    expect(asyncResultRecords([1, 2])).toEqual([1, 2]);
    expect(asyncResultRecords(undefined)).toEqual([]);
    expect(asyncResultRecords(7)).toEqual([7]);
    expect(asyncResultRecords([[1, 2]])).toEqual([[1, 2]]);
  });
});
