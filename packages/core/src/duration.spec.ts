import { Duration, InvalidDurationError, Time, toMillis, toSignedMillis } from './duration';
import { FlottError } from './errors';

describe('Duration (Flink 2.x java.time.Duration)', () => {
  it('counts whole milliseconds in every unit', () => {
    expect(Duration.ofMillis(250).toMillis()).toBe(250);
    expect(Duration.ofSeconds(5).toMillis()).toBe(5_000);
    expect(Duration.ofMinutes(2).toMillis()).toBe(120_000);
    expect(Duration.ofHours(-8).toMillis()).toBe(-28_800_000);
    expect(Duration.ofDays(1).toMillis()).toBe(86_400_000);
    expect(Duration.ZERO.isZero()).toBe(true);
    expect(Duration.ofSeconds(-1).isNegative()).toBe(true);
    expect(Duration.ofMillis(-1500).getSeconds()).toBe(-2);
    expect(Duration.ofSeconds(1).plus(Duration.ofMillis(500)).minus(Duration.ofMillis(100)).toMillis()).toBe(1_400);
    expect(Duration.ofMinutes(1).equals(Duration.ofSeconds(60))).toBe(true);
  });

  it('prints ISO-8601 as Java does', () => {
    expect([Duration.ZERO, Duration.ofMinutes(5), Duration.ofMillis(250), Duration.ofMillis(3_723_004), Duration.ofHours(-1)].map(String)).toEqual([
      'PT0S',
      'PT5M',
      'PT0.25S',
      'PT1H2M3.004S',
      'PT-1H',
    ]);
  });

  it('takes whole amounts only, as Java takes longs', () => {
    expect(() => Duration.ofSeconds(1.5)).toThrow(new InvalidDurationError('Duration.ofSeconds', 'the amount must be a whole number of seconds', '1.5'));
    expect(() => Duration.ofMillis(NaN)).toThrow('Duration.ofMillis: the amount must be a whole number of milliseconds, got NaN');
    expect(() => Duration.ofDays(Number.MAX_SAFE_INTEGER)).toThrow('the duration is too long to count in milliseconds');
  });
});

describe('Time (Flink 1.x windowing Time)', () => {
  it('counts milliseconds and converts to a Duration', () => {
    expect(Time.milliseconds(7).toMilliseconds()).toBe(7);
    expect(Time.seconds(3).toMilliseconds()).toBe(3_000);
    expect(Time.minutes(1).toMilliseconds()).toBe(60_000);
    expect(Time.hours(1).toDuration().equals(Duration.ofHours(1))).toBe(true);
    expect(Time.days(2).toMilliseconds()).toBe(172_800_000);
    expect(String(Time.seconds(1))).toBe('1000 ms');
  });
});

describe('toMillis / toSignedMillis: one helper for every API that takes a duration', () => {
  it('accepts milliseconds, Durations and Times alike', () => {
    expect([1_500, Duration.ofMillis(1_500), Time.milliseconds(1_500)].map((d) => toMillis(d, 'x'))).toEqual([1_500, 1_500, 1_500]);
    expect(toSignedMillis(Duration.ofHours(-1), 'offset')).toBe(-3_600_000);
    expect(toMillis(Number.MAX_SAFE_INTEGER, 'forever')).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([
    [-1, 'size: must not be negative, got -1 ms'],
    [Duration.ofSeconds(-2), 'size: must not be negative, got PT-2S'],
    [NaN, 'size: must be a whole number of milliseconds, got NaN'],
    [Infinity, 'size: must be a whole number of milliseconds, got Infinity ms'],
    [0.5, 'size: must be a whole number of milliseconds, got 0.5 ms'],
    ['10s', 'size: must be a duration: milliseconds as a number, a Duration (Duration.ofSeconds(5)) or a Time (Time.seconds(5)), got the string "10s"'],
    [undefined, 'got undefined'],
    [{ seconds: 1 }, 'got an object (Object)'],
    [10n, 'got a bigint'],
  ])('rejects %p with a typed error naming the parameter', (value, message) => {
    const call = () => toMillis(value as number, 'size');
    expect(call).toThrow(InvalidDurationError);
    expect(call).toThrow(message);
  });

  it('allows negative durations where asked (offsets, interval-join bounds), nothing else', () => {
    expect(toSignedMillis(-5, 'lower')).toBe(-5);
    expect(() => toSignedMillis(NaN, 'lower')).toThrow('lower: must be a whole number of milliseconds, got NaN');
  });

  it('errors are FlottErrors with a stable code and the parameter in their data', () => {
    try {
      toMillis(-3, 'allowedLateness');
      throw new Error('not thrown');
    } catch (e) {
      expect(FlottError.isFlottError(e)).toBe(true);
      expect((e as FlottError).code).toBe('INVALID_DURATION');
      expect((e as FlottError).data).toEqual({ what: 'allowedLateness', got: '-3 ms' });
    }
  });
});
