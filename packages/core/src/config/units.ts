/**
 * Flink's textual durations and memory sizes. The accepted unit labels and the rule that the amount
 * is a whole number ("1.5 s" is rejected) follow Flink's TimeUtils and MemorySize, so values from a
 * Flink config file mean the same here. Durations are carried as milliseconds, sizes as bytes.
 */

interface Unit {
  /** The first label is the one used when formatting. */
  readonly labels: readonly string[];
  readonly factor: number;
}

// Ordered from the largest unit down, which formatting relies on.
const DURATION_UNITS: readonly Unit[] = [
  { labels: ['d', 'day', 'days'], factor: 86_400_000 },
  { labels: ['h', 'hour', 'hours'], factor: 3_600_000 },
  { labels: ['min', 'm', 'minute', 'minutes'], factor: 60_000 },
  { labels: ['s', 'sec', 'secs', 'second', 'seconds'], factor: 1000 },
  { labels: ['ms', 'milli', 'millis', 'millisecond', 'milliseconds'], factor: 1 },
  { labels: ['µs', 'micro', 'micros', 'microsecond', 'microseconds'], factor: 1e-3 },
  { labels: ['ns', 'nano', 'nanos', 'nanosecond', 'nanoseconds'], factor: 1e-6 },
];

const MEMORY_UNITS: readonly Unit[] = [
  { labels: ['tb', 't', 'tebibytes'], factor: 1024 ** 4 },
  { labels: ['gb', 'g', 'gibibytes'], factor: 1024 ** 3 },
  { labels: ['mb', 'm', 'mebibytes'], factor: 1024 ** 2 },
  { labels: ['kb', 'k', 'kibibytes'], factor: 1024 },
  { labels: ['bytes', 'b'], factor: 1 },
];

function unitFactors(units: readonly Unit[]): ReadonlyMap<string, number> {
  const m = new Map<string, number>();
  for (const u of units) for (const l of u.labels) m.set(l, u.factor);
  return m;
}

const DURATION_FACTORS = unitFactors(DURATION_UNITS);
const MEMORY_FACTORS = unitFactors(MEMORY_UNITS);
const AMOUNT_AND_UNIT = /^\s*(\d+)\s*(\S*)\s*$/u;

function parseAmount(v: string, factors: ReadonlyMap<string, number>, defaultUnit: string): number | undefined {
  const m = AMOUNT_AND_UNIT.exec(v);
  if (!m) return undefined;
  const factor = factors.get(m[2].toLowerCase() || defaultUnit);
  if (factor === undefined) return undefined;
  const amount = Number(m[1]) * factor;
  return Number.isSafeInteger(Math.ceil(amount)) ? amount : undefined;
}

/**
 * Parses a Flink duration ("100 ms", "1s", "5 min", "2 h", "1 d"; a bare number is milliseconds) into
 * milliseconds. Sub-millisecond units give fractional milliseconds rather than rounding to 0, because
 * 0 often means something special (for example "flush after every record").
 */
export function parseDurationMs(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  return parseAmount(v, DURATION_FACTORS, 'ms');
}

/** Parses a Flink memory size ("32kb", "1 gb", "64m"; a bare number is bytes) into bytes. */
export function parseMemoryBytes(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  return parseAmount(v, MEMORY_FACTORS, 'b');
}

function formatWithHighestUnit(value: number, units: readonly Unit[]): string | undefined {
  for (const u of units) {
    const amount = value / u.factor;
    // Rounding guards against float noise of the sub-millisecond factors (0.5 / 1e-3).
    const rounded = Math.round(amount);
    if (Math.abs(amount - rounded) < 1e-9 && rounded !== 0) return `${rounded} ${u.labels[0]}`;
  }
  return undefined;
}

/** Formats milliseconds as Flink does: the largest unit that divides the value exactly ("5 min", "100 ms"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0 ms';
  return formatWithHighestUnit(ms, DURATION_UNITS) ?? `${ms} ms`;
}

/** Formats bytes as Flink does: the largest unit that divides the value exactly ("32 kb", "1 gb", "100 bytes"). */
export function formatMemorySize(bytes: number): string {
  if (bytes === 0) return '0 bytes';
  return formatWithHighestUnit(bytes, MEMORY_UNITS) ?? `${bytes} bytes`;
}
