import { ConfigurationError } from '../errors';
import type { ConfigOption } from './config-option';

/**
 * Validated configuration values by key. Plain data inside (`toRecord` is structured-cloneable), so
 * it ships to TaskManagers and worker threads as is. Reading an option that was not set gives its
 * default; deprecated keys are honoured.
 */
export class Configuration {
  private readonly values = new Map<string, unknown>();

  constructor(entries?: Iterable<readonly [string, unknown]>) {
    if (entries) for (const [k, v] of entries) this.values.set(k, v);
  }

  static fromRecord(record: Readonly<Record<string, unknown>>): Configuration {
    return new Configuration(Object.entries(record));
  }

  get<T>(option: ConfigOption<T>): T {
    for (const key of [option.key, ...option.deprecatedKeys]) {
      if (this.values.has(key)) return this.parse(option, key, this.values.get(key));
    }
    return option.defaultValue;
  }

  contains(option: ConfigOption<unknown>): boolean {
    return [option.key, ...option.deprecatedKeys].some((k) => this.values.has(k));
  }

  /** Sets a value, validating it (raw strings such as "5 s" are parsed as in a config file). */
  set<T>(option: ConfigOption<T>, value: T | string): this {
    this.values.set(option.key, this.parse(option, option.key, value));
    return this;
  }

  /** Raw entry access for keys that have no registered option (plugin-specific prefixes). */
  getRaw(key: string): unknown {
    return this.values.get(key);
  }

  keys(): string[] {
    return [...this.values.keys()];
  }

  /** Layers `other`'s entries on top of this configuration's, in place (Flink's addAll). */
  addAll(other: Configuration): this {
    for (const [k, v] of other.values) this.values.set(k, v);
    return this;
  }

  /** A copy with `other`'s entries layered on top. */
  merge(other: Configuration): Configuration {
    const c = new Configuration(this.values);
    for (const [k, v] of other.values) c.values.set(k, v);
    return c;
  }

  toRecord(): Record<string, unknown> {
    return Object.fromEntries(this.values);
  }

  private parse<T>(option: ConfigOption<T>, key: string, raw: unknown): T {
    const r = option.schema.safeParse(raw);
    if (!r.success) {
      throw new ConfigurationError(
        `Invalid value ${JSON.stringify(raw)} for '${key}': expected ${option.allowed}`,
        { key, value: raw, allowed: option.allowed },
      );
    }
    return r.data;
  }
}
