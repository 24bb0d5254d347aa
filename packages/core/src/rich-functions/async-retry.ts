import { toMillis, type DurationLike } from '../duration';
import { FlottError } from '../errors';

/**
 * When an async request is tried again (Flink's AsyncRetryPredicate): on a result the result
 * predicate accepts, or on an error the exception predicate accepts. An absent predicate never retries.
 */
export interface AsyncRetryPredicate<OUT> {
  readonly resultPredicate?: (results: readonly OUT[]) => boolean;
  readonly exceptionPredicate?: (error: unknown) => boolean;
}

/**
 * How often and how late an async request is tried again (Flink's AsyncRetryStrategy).
 * `currentAttempts` counts the attempts made so far, the first call included (1 after it):
 * `canRetry(n)` says whether attempt n + 1 may follow, `getBackoffTimeMillis(n)` how long after
 * attempt n's result it starts. Called on the task's thread; must be pure (one strategy serves every
 * request of the operator).
 */
export interface AsyncRetryStrategy<OUT> {
  canRetry(currentAttempts: number): boolean;
  getBackoffTimeMillis(currentAttempts: number): number;
  getRetryPredicate(): AsyncRetryPredicate<OUT>;
}

/** A retry strategy's parameters are out of range. */
export class InvalidAsyncRetryStrategyError extends FlottError {
  constructor(parameter: string, requirement: string, value: unknown) {
    super('INVALID_ASYNC_RETRY_STRATEGY', `Async retry strategy: ${parameter} ${requirement}, got ${String(value)}`, { parameter, value: String(value) });
  }
}

/** Upper bound of `maxAttempts`: every retry is a request more against the service. */
export const MAX_ASYNC_RETRY_ATTEMPTS = 1_000_000;

function checkMaxAttempts(maxAttempts: number): number {
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > MAX_ASYNC_RETRY_ATTEMPTS) {
    throw new InvalidAsyncRetryStrategyError('maxAttempts', `must be an integer from 1 to ${MAX_ASYNC_RETRY_ATTEMPTS}`, maxAttempts);
  }
  return maxAttempts;
}

function positiveMillis(value: DurationLike, what: string): number {
  const millis = toMillis(value, what);
  if (millis <= 0) throw new InvalidAsyncRetryStrategyError(what, 'must be greater than zero', millis);
  return millis;
}

abstract class PredicateBuilder<OUT, SELF> {
  protected resultPredicate?: (results: readonly OUT[]) => boolean;
  protected exceptionPredicate?: (error: unknown) => boolean;

  /** Retries when the results satisfy `predicate` (e.g. AsyncRetryPredicates.EMPTY_RESULT_PREDICATE). */
  ifResult(predicate: (results: readonly OUT[]) => boolean): SELF {
    this.resultPredicate = predicate;
    return this as unknown as SELF;
  }

  /** Retries when the request failed with an error `predicate` accepts (e.g. AsyncRetryPredicates.HAS_EXCEPTION_PREDICATE). */
  ifException(predicate: (error: unknown) => boolean): SELF {
    this.exceptionPredicate = predicate;
    return this as unknown as SELF;
  }

  protected predicate(): AsyncRetryPredicate<OUT> {
    return { resultPredicate: this.resultPredicate, exceptionPredicate: this.exceptionPredicate };
  }
}

class FixedDelayRetryStrategy<OUT> implements AsyncRetryStrategy<OUT> {
  constructor(
    private readonly maxAttempts: number,
    private readonly backoffMillis: number,
    private readonly predicate: AsyncRetryPredicate<OUT>,
  ) {}
  canRetry(currentAttempts: number): boolean {
    return currentAttempts <= this.maxAttempts;
  }
  getBackoffTimeMillis(): number {
    return this.backoffMillis;
  }
  getRetryPredicate(): AsyncRetryPredicate<OUT> {
    return this.predicate;
  }
}

class ExponentialBackoffDelayRetryStrategy<OUT> implements AsyncRetryStrategy<OUT> {
  constructor(
    private readonly maxAttempts: number,
    private readonly initialDelayMillis: number,
    private readonly maxRetryDelayMillis: number,
    private readonly multiplier: number,
    private readonly predicate: AsyncRetryPredicate<OUT>,
  ) {}
  canRetry(currentAttempts: number): boolean {
    return currentAttempts <= this.maxAttempts;
  }
  /** initialDelay × multiplier^(n − 1), at most maxRetryDelay: a function of the attempt alone, per request. */
  getBackoffTimeMillis(currentAttempts: number): number {
    const delay = this.initialDelayMillis * Math.pow(this.multiplier, Math.max(0, currentAttempts - 1));
    return Math.min(Math.round(delay), this.maxRetryDelayMillis);
  }
  getRetryPredicate(): AsyncRetryPredicate<OUT> {
    return this.predicate;
  }
}

/** Retries after the same delay each time (build it with AsyncRetryStrategies.FixedDelayRetryStrategyBuilder). */
export class FixedDelayRetryStrategyBuilder<OUT> extends PredicateBuilder<OUT, FixedDelayRetryStrategyBuilder<OUT>> {
  private readonly maxAttempts: number;
  private readonly backoffMillis: number;
  constructor(maxAttempts: number, backoffTime: DurationLike) {
    super();
    this.maxAttempts = checkMaxAttempts(maxAttempts);
    this.backoffMillis = positiveMillis(backoffTime, 'backoffTime');
  }
  build(): AsyncRetryStrategy<OUT> {
    return new FixedDelayRetryStrategy(this.maxAttempts, this.backoffMillis, this.predicate());
  }
}

/**
 * Retries after initialDelay, then multiplier times longer each time, at most maxRetryDelay. Unlike
 * Flink's (which keeps the last delay in the shared strategy object), the delay depends only on the
 * request's own attempt count, so concurrent requests do not stretch each other's delays.
 */
export class ExponentialBackoffDelayRetryStrategyBuilder<OUT> extends PredicateBuilder<OUT, ExponentialBackoffDelayRetryStrategyBuilder<OUT>> {
  private readonly maxAttempts: number;
  private readonly initialDelayMillis: number;
  private readonly maxRetryDelayMillis: number;
  constructor(
    maxAttempts: number,
    initialDelay: DurationLike,
    maxRetryDelay: DurationLike,
    private readonly multiplier: number,
  ) {
    super();
    this.maxAttempts = checkMaxAttempts(maxAttempts);
    this.initialDelayMillis = positiveMillis(initialDelay, 'initialDelay');
    this.maxRetryDelayMillis = positiveMillis(maxRetryDelay, 'maxRetryDelay');
    if (this.maxRetryDelayMillis < this.initialDelayMillis) {
      throw new InvalidAsyncRetryStrategyError('maxRetryDelay', `must be at least initialDelay (${this.initialDelayMillis} ms)`, this.maxRetryDelayMillis);
    }
    if (!(multiplier >= 1) || !Number.isFinite(multiplier)) throw new InvalidAsyncRetryStrategyError('multiplier', 'must be a finite number >= 1', multiplier);
  }
  build(): AsyncRetryStrategy<OUT> {
    return new ExponentialBackoffDelayRetryStrategy(this.maxAttempts, this.initialDelayMillis, this.maxRetryDelayMillis, this.multiplier, this.predicate());
  }
}

/**
 * Retry strategies of async I/O (Flink's AsyncRetryStrategies). `maxAttempts` counts retries, as in
 * Flink: a request is invoked at most maxAttempts + 1 times. A retry starts only when a predicate set
 * with `ifResult`/`ifException` asks for it; the operator's timeout covers all attempts together.
 */
export const AsyncRetryStrategies = {
  /** Never retries. */
  NO_RETRY_STRATEGY: {
    canRetry: () => false,
    getBackoffTimeMillis: () => -1,
    getRetryPredicate: () => ({}),
  } as AsyncRetryStrategy<never>,
  FixedDelayRetryStrategyBuilder,
  ExponentialBackoffDelayRetryStrategyBuilder,
};

/** Ready-made retry predicates (Flink's AsyncRetryPredicates / RetryPredicates). */
export const AsyncRetryPredicates = {
  /** The request produced no record. */
  EMPTY_RESULT_PREDICATE: (results: readonly unknown[] | undefined): boolean => results === undefined || results.length === 0,
  /** The request failed, with any error. */
  HAS_EXCEPTION_PREDICATE: (error: unknown): boolean => error !== undefined,
};
