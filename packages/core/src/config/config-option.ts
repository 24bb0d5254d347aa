import { z } from 'zod';
import { formatMemorySize, parseDurationMs, parseMemoryBytes } from './units';

// Kept here too: the public index exported them from this module first.
export { parseDurationMs, parseMemoryBytes } from './units';

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
  /** The closed set of values (enums) or the built-in names (implementation names), for the docs. */
  readonly possibleValues?: readonly string[];
}

interface OptionSpec<T> {
  defaultValue: T;
  description: string;
  deprecatedKeys?: string[];
}

function option<T>(
  key: string,
  typeName: string,
  allowed: string,
  schema: z.ZodType<T>,
  spec: OptionSpec<T>,
  possibleValues?: readonly string[],
): ConfigOption<T> {
  const { defaultValue, description, deprecatedKeys = [] } = spec;
  return { key, typeName, allowed, schema, defaultValue, description, deprecatedKeys, ...(possibleValues ? { possibleValues } : {}) };
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

export const ConfigOptions = {
  int(key: string, spec: OptionSpec<number> & { min?: number; max?: number }): ConfigOption<number> {
    const min = spec.min ?? Number.MIN_SAFE_INTEGER;
    const max = spec.max ?? Number.MAX_SAFE_INTEGER;
    const allowed =
      spec.min !== undefined && spec.max !== undefined
        ? `an integer from ${min} to ${max}`
        : spec.min !== undefined
          ? `an integer >= ${min}`
          : spec.max !== undefined
            ? `an integer <= ${max}`
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
      (v) =>
        typeof v === 'string'
          ? v.split(/[;,]/).map((s) => s.trim()).filter(Boolean)
          : Array.isArray(v)
            ? v.map((x: unknown) => (typeof x === 'number' || typeof x === 'boolean' ? String(x) : x))
            : v,
      z.array(z.string()),
    );
    return option(key, 'List<String>', 'a list of strings (YAML list, or separated by ; or ,)', schema, spec);
  },
  /** Matched ignoring case and surrounding blanks (Flink's enums are), read as the value's spelling in `values`. */
  enumOf<const E extends readonly [string, ...string[]]>(key: string, values: E, spec: OptionSpec<E[number]>): ConfigOption<E[number]> {
    const canonical = (v: string) => values.find((value) => value.toLowerCase() === v.trim().toLowerCase()) ?? v;
    const schema = z.preprocess((v) => (typeof v === 'string' ? canonical(v) : v), z.enum(values));
    return option(key, 'Enum', `one of: ${values.join(', ')}`, schema as z.ZodType<E[number]>, spec, values);
  },
  /** A name resolved later by an SPI loader (plugins may add names), so any non-empty string. */
  implementationName(key: string, builtIn: readonly string[], spec: OptionSpec<string>): ConfigOption<string> {
    const schema = z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.string().min(1));
    return option(key, 'String', `a registered name (built in: ${builtIn.join(', ')})`, schema, spec, builtIn);
  },
  /** An implementation name without a default: when unset, the code reading it decides (Flink's `noDefaultValue`). */
  optionalImplementationName(
    key: string,
    builtIn: readonly string[],
    spec: Omit<OptionSpec<string | undefined>, 'defaultValue'>,
  ): ConfigOption<string | undefined> {
    const schema = z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), z.string().min(1)).optional();
    return option(key, 'String', `a registered name (built in: ${builtIn.join(', ')})`, schema, { ...spec, defaultValue: undefined }, builtIn);
  },
  /** A floating-point number; `greaterThan` is an exclusive lower bound (Flink's multipliers must exceed 1). */
  double(key: string, spec: OptionSpec<number> & { min?: number; max?: number; greaterThan?: number }): ConfigOption<number> {
    let number = z.number().finite();
    const bounds: string[] = [];
    if (spec.greaterThan !== undefined) {
      number = number.gt(spec.greaterThan);
      bounds.push(`> ${spec.greaterThan}`);
    }
    if (spec.min !== undefined) {
      number = number.min(spec.min);
      bounds.push(`>= ${spec.min}`);
    }
    if (spec.max !== undefined) {
      number = number.max(spec.max);
      bounds.push(`<= ${spec.max}`);
    }
    const schema = z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v), number);
    return option(key, 'Double', bounds.length > 0 ? `a number ${bounds.join(' and ')}` : 'a number', schema, spec);
  },
  durationMs(key: string, spec: OptionSpec<number>): ConfigOption<number> {
    const schema = z.preprocess((v) => parseDurationMs(v) ?? v, z.number().nonnegative());
    return option(key, 'Duration', 'a duration such as "100 ms", "5 s", "1 min" (bare numbers are milliseconds)', schema, spec);
  },
  /** A duration without a default: unset means the feature it configures is off (Flink's `noDefaultValue`). */
  optionalDurationMs(key: string, spec: Omit<OptionSpec<number | undefined>, 'defaultValue'>): ConfigOption<number | undefined> {
    const schema = z.preprocess((v) => parseDurationMs(v) ?? v, z.number().nonnegative()).optional();
    return option(key, 'Duration', 'a duration such as "100 ms", "5 s", "1 min" (bare numbers are milliseconds)', schema, { ...spec, defaultValue: undefined });
  },
  memoryBytes(key: string, spec: OptionSpec<number> & { min?: number }): ConfigOption<number> {
    const schema = z.preprocess((v) => parseMemoryBytes(v) ?? v, z.number().int().min(spec.min ?? 0));
    return option(key, 'MemorySize', `a memory size such as "32 kb", "64 mb" (bare numbers are bytes)${spec.min ? `, at least ${formatMemorySize(spec.min)}` : ''}`, schema, spec);
  },
};
