import { FlottError } from './errors';

/**
 * Durations as job authors pass them (user-facing contract, no runtime machinery): a number of
 * milliseconds, a `Duration` (Flink 2.x APIs take java.time.Duration) or a legacy `Time` (Flink 1.x's
 * windowing Time). Every API that takes a duration accepts all three through `toMillis`.
 */

/** A duration that is not one: wrong type, not a whole number of milliseconds, or negative where that is not allowed. */
export class InvalidDurationError extends FlottError {
  constructor(what: string, problem: string, got: string) {
    super('INVALID_DURATION', `${what}: ${problem}, got ${got}`, { what, got });
  }
}

const MILLIS_PER = { millisecond: 1, second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
type Unit = keyof typeof MILLIS_PER;

function millisOf(amount: number, unit: Unit, factory: string): number {
  if (!Number.isSafeInteger(amount)) throw new InvalidDurationError(factory, `the amount must be a whole number of ${unit}s`, String(amount));
  const millis = amount * MILLIS_PER[unit];
  if (!Number.isSafeInteger(millis)) throw new InvalidDurationError(factory, 'the duration is too long to count in milliseconds', String(amount));
  return millis;
}

/**
 * A length of time in whole milliseconds (Flink 2.x APIs take java.time.Duration, e.g.
 * `TumblingEventTimeWindows.of(Duration.ofMinutes(5))`). Immutable. It may be negative (window
 * offsets, interval-join bounds); each API checks the sign it needs.
 */
export class Duration {
  static readonly ZERO = new Duration(0);

  private constructor(private readonly millis: number) {}

  static ofMillis(millis: number): Duration {
    return new Duration(millisOf(millis, 'millisecond', 'Duration.ofMillis'));
  }
  static ofSeconds(seconds: number): Duration {
    return new Duration(millisOf(seconds, 'second', 'Duration.ofSeconds'));
  }
  static ofMinutes(minutes: number): Duration {
    return new Duration(millisOf(minutes, 'minute', 'Duration.ofMinutes'));
  }
  static ofHours(hours: number): Duration {
    return new Duration(millisOf(hours, 'hour', 'Duration.ofHours'));
  }
  static ofDays(days: number): Duration {
    return new Duration(millisOf(days, 'day', 'Duration.ofDays'));
  }

  toMillis(): number {
    return this.millis;
  }
  /** Whole seconds, rounded towards negative infinity (java.time.Duration#getSeconds). */
  getSeconds(): number {
    return Math.floor(this.millis / 1000);
  }
  isNegative(): boolean {
    return this.millis < 0;
  }
  isZero(): boolean {
    return this.millis === 0;
  }
  plus(other: Duration): Duration {
    return Duration.ofMillis(this.millis + other.millis);
  }
  minus(other: Duration): Duration {
    return Duration.ofMillis(this.millis - other.millis);
  }
  equals(other: unknown): boolean {
    return other instanceof Duration && other.millis === this.millis;
  }
  /** ISO-8601 as java.time.Duration prints it: `PT5M`, `PT0.25S`, `PT-1H`. */
  toString(): string {
    if (this.millis === 0) return 'PT0S';
    const sign = this.millis < 0 ? '-' : '';
    let rest = Math.abs(this.millis);
    const hours = Math.floor(rest / MILLIS_PER.hour);
    rest -= hours * MILLIS_PER.hour;
    const minutes = Math.floor(rest / MILLIS_PER.minute);
    rest -= minutes * MILLIS_PER.minute;
    const seconds = rest / 1000;
    return `PT${hours ? `${sign}${hours}H` : ''}${minutes ? `${sign}${minutes}M` : ''}${seconds ? `${sign}${seconds}S` : ''}`;
  }
}

/**
 * Flink 1.x's windowing `Time` (`Time.seconds(5)`), kept so Flink 1.x jobs port unchanged; new code
 * uses `Duration`. Accepted wherever a duration is.
 */
export class Time {
  private constructor(private readonly millis: number) {}

  static milliseconds(milliseconds: number): Time {
    return new Time(millisOf(milliseconds, 'millisecond', 'Time.milliseconds'));
  }
  static seconds(seconds: number): Time {
    return new Time(millisOf(seconds, 'second', 'Time.seconds'));
  }
  static minutes(minutes: number): Time {
    return new Time(millisOf(minutes, 'minute', 'Time.minutes'));
  }
  static hours(hours: number): Time {
    return new Time(millisOf(hours, 'hour', 'Time.hours'));
  }
  static days(days: number): Time {
    return new Time(millisOf(days, 'day', 'Time.days'));
  }

  toMilliseconds(): number {
    return this.millis;
  }
  toDuration(): Duration {
    return Duration.ofMillis(this.millis);
  }
  toString(): string {
    return `${this.millis} ms`;
  }
}

/** What an API taking a duration accepts: milliseconds, a `Duration` or a legacy `Time`. */
export type DurationLike = number | Duration | Time;

/**
 * The milliseconds of a duration argument that must not be negative; `what` names the parameter in
 * the error (`'allowedLateness'`). Throws InvalidDurationError for anything that is not a duration,
 * NaN, ±Infinity, fractions of a millisecond and negative durations.
 */
export function toMillis(value: DurationLike, what: string): number {
  const millis = toSignedMillis(value, what);
  if (millis < 0) throw new InvalidDurationError(what, 'must not be negative', describe(value));
  return millis;
}

/** As `toMillis`, negative durations allowed (window offsets, interval-join bounds). */
export function toSignedMillis(value: DurationLike, what: string): number {
  let millis: number;
  if (typeof value === 'number') millis = value;
  else if (value instanceof Duration) millis = value.toMillis();
  else if (value instanceof Time) millis = value.toMilliseconds();
  else throw new InvalidDurationError(what, 'must be a duration: milliseconds as a number, a Duration (Duration.ofSeconds(5)) or a Time (Time.seconds(5))', describe(value));
  // Number.MAX_SAFE_INTEGER stands for Flink's Long.MAX_VALUE ("forever"); beyond it time is not exact.
  if (!Number.isSafeInteger(millis)) throw new InvalidDurationError(what, 'must be a whole number of milliseconds', describe(value));
  return millis;
}

function describe(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : `${value} ms`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (value instanceof Duration || value instanceof Time) return String(value);
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return `a ${typeof value}`;
}
