import { z } from 'zod';

/**
 * A typed configuration option with Flink's key name, default and description. `schema` parses the
 * raw value (a YAML scalar or a `-D` string) into T and rejects bad values.
 */
export interface ConfigOption<T> {
  readonly key: string;
  readonly defaultValue: T;
  readonly description: string;
  /** Short type name for docs and errors ("Integer", "Duration", "MemorySize", "Enum"...). */
  readonly typeName: string;
  /** What is allowed, for error messages ("an integer >= 1", "one of: full, region"). */
  readonly allowed: string;
  readonly schema: z.ZodType<T>;
  /** Older names still accepted (Flink's deprecated keys). */
  readonly deprecatedKeys: readonly string[];
}

interface OptionSpec<T> {
  defaultValue: T;
  description: string;
  deprecatedKeys?: string[];
}

function option<T>(key: string, typeName: string, allowed: string, schema: z.ZodType<T>, spec: OptionSpec<T>): ConfigOption<T> {
  return { key, typeName, allowed, schema, deprecatedKeys: spec.deprecatedKeys ?? [], ...spec };
}

const intFromString = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : v),
    z.number().int().min(min).max(max),
  );

const boolFromString = z.preprocess(
  (v) => (typeof v === 'string' ? ({ true: true, false: false } as Record<string, boolean>)[v.trim().toLowerCase()] ?? v : v),
  z.boolean(),
);

const DURATION_UNITS: Record<string, number> = {
  ms: 1, milli: 1, millis: 1, millisecond: 1, milliseconds: 1,
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  min: 60_000, m: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
};

/** Parses Flink durations: "100 ms", "1s", "5 min", or a bare number of milliseconds. */
export function parseDurationMs(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(v);
  if (!m) return undefined;
  const unit = m[2].toLowerCase() || 'ms';
  const factor = DURATION_UNITS[unit];
  return factor === undefined ? undefined : Math.round(Number(m[1]) * factor);
}

const MEMORY_UNITS: Record<string, number> = {
  b: 1, bytes: 1, k: 1024, kb: 1024, kibibytes: 1024, m: 1024 ** 2, mb: 1024 ** 2, mebibytes: 1024 ** 2,
  g: 1024 ** 3, gb: 1024 ** 3, gibibytes: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4,
};

/** Parses Flink memory sizes: "32kb", "1 gb", "64m", or a bare number of bytes. */
export function parseMemoryBytes(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(v);
  if (!m) return undefined;
  const factor = MEMORY_UNITS[m[2].toLowerCase() || 'b'];
  return factor === undefined ? undefined : Math.round(Number(m[1]) * factor);
}

export const ConfigOptions = {
  int(key: string, spec: OptionSpec<number> & { min?: number; max?: number }): ConfigOption<number> {
    const min = spec.min ?? Number.MIN_SAFE_INTEGER;
    const max = spec.max ?? Number.MAX_SAFE_INTEGER;
    const allowed =
      spec.min !== undefined && spec.max !== undefined
        ? `an integer from ${min} to ${max}`
        : spec.min !== undefined
          ? `an integer >= ${min}`
          : 'an integer';
    return option(key, 'Integer', allowed, intFromString(min, max), spec);
  },
  bool(key: string, spec: OptionSpec<boolean>): ConfigOption<boolean> {
    return option(key, 'Boolean', 'true or false', boolFromString, spec);
  },
  string(key: string, spec: OptionSpec<string>): ConfigOption<string> {
    return option(key, 'String', 'a string', z.string(), spec);
  },
  optionalString(key: string, spec: Omit<OptionSpec<string | undefined>, 'defaultValue'>): ConfigOption<string | undefined> {
    return option(key, 'String', 'a string', z.string().optional(), { ...spec, defaultValue: undefined });
  },
  stringList(key: string, spec: OptionSpec<string[]>): ConfigOption<string[]> {
    const schema = z.preprocess(
      (v) => (typeof v === 'string' ? v.split(/[;,]/).map((s) => s.trim()).filter(Boolean) : v),
      z.array(z.string()),
    );
    return option(key, 'List<String>', 'a list of strings (YAML list, or separated by ; or ,)', schema, spec);
  },
  enumOf<const E extends readonly [string, ...string[]]>(key: string, values: E, spec: OptionSpec<E[number]>): ConfigOption<E[number]> {
    const schema = z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.enum(values));
    return option(key, 'Enum', `one of: ${values.join(', ')}`, schema as z.ZodType<E[number]>, spec);
  },
  /** A name resolved later by an SPI loader (plugins may add names), so any non-empty string. */
  implementationName(key: string, builtIn: readonly string[], spec: OptionSpec<string>): ConfigOption<string> {
    const schema = z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.string().min(1));
    return option(key, 'String', `a registered name (built in: ${builtIn.join(', ')})`, schema, spec);
  },
  durationMs(key: string, spec: OptionSpec<number>): ConfigOption<number> {
    const schema = z.preprocess((v) => parseDurationMs(v) ?? v, z.number().nonnegative());
    return option(key, 'Duration', 'a duration such as "100 ms", "5 s", "1 min" (bare numbers are milliseconds)', schema, spec);
  },
  memoryBytes(key: string, spec: OptionSpec<number> & { min?: number }): ConfigOption<number> {
    const schema = z.preprocess((v) => parseMemoryBytes(v) ?? v, z.number().int().min(spec.min ?? 0));
    return option(key, 'MemorySize', `a memory size such as "32 kb", "64 mb"${spec.min ? ` (at least ${spec.min} bytes)` : ''}`, schema, spec);
  },
};
