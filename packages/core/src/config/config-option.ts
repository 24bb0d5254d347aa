import { formatMemorySize, parseDurationMs, parseMemoryBytes } from './units';

// Kept here too: the public index exported them from this module first.
export { parseDurationMs, parseMemoryBytes } from './units';

/** The outcome of parsing a raw option value. */
export type ParseResult<T> = { readonly success: true; readonly data: T } | { readonly success: false };

/** Parses a raw value (a YAML scalar or a `-D` string) into T, or rejects it. */
export interface ValueSchema<T> {
  safeParse(raw: unknown): ParseResult<T>;
}

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
  readonly schema: ValueSchema<T>;
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
  schema: ValueSchema<T>,
  spec: OptionSpec<T>,
  possibleValues?: readonly string[],
): ConfigOption<T> {
  const { defaultValue, description, deprecatedKeys = [] } = spec;
  return { key, typeName, allowed, schema, defaultValue, description, deprecatedKeys, ...(possibleValues ? { possibleValues } : {}) };
}

// The checks are plain predicates behind each option's own parsing of strings (durations, memory
// sizes, lists): a schema library (zod, 95 modules) cost ~50 ms of every process's and slot thread's start.
const FAILED: ParseResult<never> = { success: false };

/** `coerce` turns a string (or YAML's typing of it) into the option's type; `valid` checks the result. */
function schemaOf<T>(coerce: (raw: unknown) => unknown, valid: (v: unknown) => v is T): ValueSchema<T> {
  return {
    safeParse(raw) {
      const v = coerce(raw);
      return valid(v) ? { success: true, data: v } : FAILED;
    },
  };
}

/** As `schema`, and undefined is allowed too (an option without a default). */
function optional<T>(schema: ValueSchema<T>): ValueSchema<T | undefined> {
  return { safeParse: (raw) => (raw === undefined ? { success: true, data: undefined } : schema.safeParse(raw)) };
}

const same = (v: unknown) => v;
const isString = (v: unknown): v is string => typeof v === 'string';
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

const intFromString = (min: number, max: number) =>
  schemaOf(
    (v) => (typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v.trim()) : v),
    (v): v is number => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max,
  );

const boolFromString = schemaOf(
  (v) => (typeof v === 'string' ? ({ true: true, false: false } as Record<string, boolean>)[v.trim().toLowerCase()] ?? v : v),
  (v): v is boolean => typeof v === 'boolean',
);

const implementationNameSchema = schemaOf((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v), (v): v is string => isString(v) && v.length > 0);

const durationSchema = schemaOf((v) => parseDurationMs(v) ?? v, (v): v is number => isFiniteNumber(v) && v >= 0);

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
    return option(key, 'String', 'a string', schemaOf(same, isString), spec);
  },
  optionalString(key: string, spec: Omit<OptionSpec<string | undefined>, 'defaultValue'>): ConfigOption<string | undefined> {
    return option(key, 'String', 'a string', optional(schemaOf(same, isString)), { ...spec, defaultValue: undefined });
  },
  stringList(key: string, spec: OptionSpec<string[]>): ConfigOption<string[]> {
    const schema = schemaOf(
      (v) =>
        typeof v === 'string'
          ? v.split(/[;,]/).map((s) => s.trim()).filter(Boolean)
          : Array.isArray(v)
            ? v.map((x: unknown) => (typeof x === 'number' || typeof x === 'boolean' ? String(x) : x))
            : v,
      (v): v is string[] => Array.isArray(v) && v.every(isString),
    );
    return option(key, 'List<String>', 'a list of strings (YAML list, or separated by ; or ,)', schema, spec);
  },
  /** Matched ignoring case and surrounding blanks (Flink's enums are), read as the value's spelling in `values`. */
  enumOf<const E extends readonly [string, ...string[]]>(key: string, values: E, spec: OptionSpec<E[number]>): ConfigOption<E[number]> {
    const canonical = (v: string) => values.find((value) => value.toLowerCase() === v.trim().toLowerCase()) ?? v;
    const schema = schemaOf((v) => (typeof v === 'string' ? canonical(v) : v), (v): v is E[number] => (values as readonly unknown[]).includes(v));
    return option(key, 'Enum', `one of: ${values.join(', ')}`, schema, spec, values);
  },
  /** A name resolved later by an SPI loader (plugins may add names), so any non-empty string. */
  implementationName(key: string, builtIn: readonly string[], spec: OptionSpec<string>): ConfigOption<string> {
    return option(key, 'String', `a registered name (built in: ${builtIn.join(', ')})`, implementationNameSchema, spec, builtIn);
  },
  /** An implementation name without a default: when unset, the code reading it decides (Flink's `noDefaultValue`). */
  optionalImplementationName(
    key: string,
    builtIn: readonly string[],
    spec: Omit<OptionSpec<string | undefined>, 'defaultValue'>,
  ): ConfigOption<string | undefined> {
    return option(key, 'String', `a registered name (built in: ${builtIn.join(', ')})`, optional(implementationNameSchema), { ...spec, defaultValue: undefined }, builtIn);
  },
  /** A floating-point number; `greaterThan` is an exclusive lower bound (Flink's multipliers must exceed 1). */
  double(key: string, spec: OptionSpec<number> & { min?: number; max?: number; greaterThan?: number }): ConfigOption<number> {
    const { greaterThan, min, max } = spec;
    const bounds: string[] = [];
    if (greaterThan !== undefined) bounds.push(`> ${greaterThan}`);
    if (min !== undefined) bounds.push(`>= ${min}`);
    if (max !== undefined) bounds.push(`<= ${max}`);
    const schema = schemaOf(
      (v) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v),
      (v): v is number => isFiniteNumber(v) && (greaterThan === undefined || v > greaterThan) && (min === undefined || v >= min) && (max === undefined || v <= max),
    );
    return option(key, 'Double', bounds.length > 0 ? `a number ${bounds.join(' and ')}` : 'a number', schema, spec);
  },
  durationMs(key: string, spec: OptionSpec<number>): ConfigOption<number> {
    return option(key, 'Duration', 'a duration such as "100 ms", "5 s", "1 min" (bare numbers are milliseconds)', durationSchema, spec);
  },
  /** A duration without a default: unset means the feature it configures is off (Flink's `noDefaultValue`). */
  optionalDurationMs(key: string, spec: Omit<OptionSpec<number | undefined>, 'defaultValue'>): ConfigOption<number | undefined> {
    return option(key, 'Duration', 'a duration such as "100 ms", "5 s", "1 min" (bare numbers are milliseconds)', optional(durationSchema), { ...spec, defaultValue: undefined });
  },
  memoryBytes(key: string, spec: OptionSpec<number> & { min?: number }): ConfigOption<number> {
    const least = spec.min ?? 0;
    const schema = schemaOf((v) => parseMemoryBytes(v) ?? v, (v): v is number => Number.isSafeInteger(v) && (v as number) >= least);
    return option(key, 'MemorySize', `a memory size such as "32 kb", "64 mb" (bare numbers are bytes)${spec.min ? `, at least ${formatMemorySize(spec.min)}` : ''}`, schema, spec);
  },
};
