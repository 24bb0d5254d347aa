import { formatDuration, formatMemorySize, parseDurationMs, parseMemoryBytes } from './units';

describe('parseDurationMs', () => {
  it.each<[unknown, number]>([
    ['100 ms', 100],
    ['100ms', 100],
    ['1s', 1000],
    ['5 sec', 5000],
    ['10 seconds', 10_000],
    ['5 min', 300_000],
    ['1m', 60_000],
    ['3 MINUTES', 180_000],
    ['2 h', 7_200_000],
    ['1 hour', 3_600_000],
    ['1 d', 86_400_000],
    ['2 days', 172_800_000],
    ['250', 250],
    ['  7 ms  ', 7],
    ['0', 0],
    ['500 µs', 0.5],
    ['2000000 ns', 2],
    ['3 millis', 3],
    [250, 250],
    [0, 0],
  ])('parses %p as %p ms', (input, expected) => {
    expect(parseDurationMs(input)).toBe(expected);
  });

  it.each<[unknown]>([['5 parsecs'], [''], ['-1 s'], ['1.5 s'], ['s'], ['1 s 2 ms'], ['5 mins'], [-1], [Number.NaN], [true], [null], [['1 s']]])(
    'rejects %p',
    (input) => {
      expect(parseDurationMs(input)).toBeUndefined();
    },
  );
});

describe('parseMemoryBytes', () => {
  it.each<[unknown, number]>([
    ['32kb', 32 * 1024],
    ['32 kb', 32 * 1024],
    ['32 k', 32 * 1024],
    ['64m', 64 * 1024 ** 2],
    ['64 MB', 64 * 1024 ** 2],
    ['1 gb', 1024 ** 3],
    ['2 gibibytes', 2 * 1024 ** 3],
    ['1 tb', 1024 ** 4],
    ['1 tebibytes', 1024 ** 4],
    ['100 bytes', 100],
    ['100b', 100],
    ['4096', 4096],
    [4096, 4096],
    [0, 0],
  ])('parses %p as %p bytes', (input, expected) => {
    expect(parseMemoryBytes(input)).toBe(expected);
  });

  it.each<[unknown]>([['12 parsecs'], ['1.5 gb'], ['-1 mb'], ['mb'], [''], [1.5], [-1], [false]])('rejects %p', (input) => {
    expect(parseMemoryBytes(input)).toBeUndefined();
  });
});

describe('formatting as Flink docs show values', () => {
  it.each<[number, string]>([
    [0, '0 ms'],
    [100, '100 ms'],
    [1000, '1 s'],
    [1500, '1500 ms'],
    [300_000, '5 min'],
    [180_000, '3 min'],
    [90_000, '90 s'],
    [7_200_000, '2 h'],
    [86_400_000, '1 d'],
    [0.5, '500 µs'],
  ])('formatDuration(%p) = %p', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it.each<[number, string]>([
    [0, '0 bytes'],
    [100, '100 bytes'],
    [32 * 1024, '32 kb'],
    [1536, '1536 bytes'],
    [5 * 1024 ** 2, '5 mb'],
    [1024 ** 3, '1 gb'],
    [3 * 1024 ** 4, '3 tb'],
  ])('formatMemorySize(%p) = %p', (bytes, text) => {
    expect(formatMemorySize(bytes)).toBe(text);
  });

  it('round-trips every formatted value through the parser', () => {
    for (const ms of [0, 1, 999, 1000, 61_000, 300_000, 86_400_000]) expect(parseDurationMs(formatDuration(ms))).toBe(ms);
    for (const b of [0, 1, 1023, 1024, 32 * 1024, 5 * 1024 ** 2, 1024 ** 4]) expect(parseMemoryBytes(formatMemorySize(b))).toBe(b);
  });
});
