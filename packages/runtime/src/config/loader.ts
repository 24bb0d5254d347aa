import { Configuration, ConfigurationError, type ConfigOption } from '@flott/core';
import { OptionRegistry } from './option-registry';
import { suggestKeys } from './suggest';
import { locateConfigFile, readConfigFile, type ConfigurationProblem, type RawConfigEntry } from './yaml-source';

/** Environment variable naming the configuration directory when `--config` is not given. */
export const CONFIG_DIR_ENV = 'FLOTT_CONF_DIR';

export interface LoadConfigurationOptions {
  /** Directory holding config.yaml (or flott-conf.yaml / legacy flink-conf.yaml), or the file itself. */
  configDir?: string;
  /** `-D key=value` strings; they override the file. */
  dynamicProperties?: readonly string[];
  /**
   * Command-line flags that set one option (`-p 2` sets `parallelism.default`), applied after `-D`;
   * a bad value is reported under the flag's name.
   */
  commandLineOptions?: ReadonlyArray<{ readonly flag: string; readonly key: string; readonly value: string }>;
  /** Where FLOTT_CONF_DIR is looked up; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Known options; defaults to a registry holding the runtime's own options. */
  registry?: OptionRegistry;
  /** Receives warnings (deprecated keys); defaults to ignoring them. */
  warn?: (message: string) => void;
  /**
   * Keep unknown keys as raw strings instead of failing. Meant for a first pass that only reads
   * `plugins`: the caller imports those packages, lets them register their options, then loads
   * again strictly. Bad values of known keys still fail.
   */
  allowUnknownKeys?: boolean;
}

const DYNAMIC_SOURCE = '-D';

/**
 * Loads the configuration as Flink does: the YAML file from `configDir` or FLOTT_CONF_DIR (no
 * directory means defaults only), then `-D` properties on top. Every key is validated against the
 * registry; all problems are collected and thrown as one ConfigurationError whose message has one line
 * per problem and whose `data.problems` lists them (a single problem also puts its key, value and
 * allowed values at the top of `data`). Deprecated keys are stored under their current key, and in
 * one source the current key wins over a deprecated one.
 */
export function loadConfiguration(opts: LoadConfigurationOptions = {}): Configuration {
  const registry = opts.registry ?? new OptionRegistry();
  const env = opts.env ?? process.env;
  const location = opts.configDir ?? (env[CONFIG_DIR_ENV] || undefined);
  // One list per source, reported in order: the file's problems by line, then those of -D.
  const sources: Array<{ entries: RawConfigEntry[]; problems: ConfigurationProblem[] }> = [];

  if (location !== undefined) {
    const located = locateConfigFile(location);
    if (located.problem) sources.push({ entries: [], problems: [located.problem] });
    if (located.file !== undefined) sources.push(readConfigFile(located.file));
  }
  const dynamic = splitDynamicProperties(opts.dynamicProperties ?? []);
  sources.push({ entries: dynamic.entries.map(([key, value]) => ({ key, value, source: DYNAMIC_SOURCE })), problems: dynamic.problems });
  if (opts.commandLineOptions?.length) {
    sources.push({ entries: opts.commandLineOptions.map(({ flag, key, value }) => ({ key, value, source: flag })), problems: [] });
  }

  const values = new Map<string, unknown>();
  for (const { entries, problems } of sources) {
    const validated = entries.flatMap((entry) => validateEntry(entry, registry, problems, opts));
    // Deprecated keys first, so that the current key of the same option wins within one source.
    for (const v of validated.filter((x) => x.deprecated)) values.set(v.key, v.value);
    for (const v of validated.filter((x) => !x.deprecated)) values.set(v.key, v.value);
  }
  const problems = sources.flatMap((s) => [...s.problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  if (problems.length > 0) throw configurationProblemsError(problems);
  return new Configuration(values);
}

/** Splits `-D` strings at the first '='; throws one ConfigurationError naming every malformed entry. */
export function parseDynamicProperties(props: readonly string[]): Array<[string, string]> {
  const { entries, problems } = splitDynamicProperties(props);
  if (problems.length > 0) throw configurationProblemsError(problems);
  return entries;
}

function splitDynamicProperties(props: readonly string[]): { entries: Array<[string, string]>; problems: ConfigurationProblem[] } {
  const entries: Array<[string, string]> = [];
  const problems: ConfigurationProblem[] = [];
  for (const prop of props) {
    const eq = prop.indexOf('=');
    const key = eq < 0 ? '' : prop.slice(0, eq).trim();
    if (key === '') {
      const why = eq < 0 ? "it has no '='" : 'the key is empty';
      problems.push({ message: `Malformed dynamic property ${JSON.stringify(prop)}: ${why} (expected key=value)`, source: DYNAMIC_SOURCE, value: prop });
      continue;
    }
    entries.push([key, prop.slice(eq + 1)]);
  }
  return { entries, problems };
}

interface ValidatedEntry {
  readonly key: string;
  readonly value: unknown;
  readonly deprecated: boolean;
}

function validateEntry(
  entry: RawConfigEntry,
  registry: OptionRegistry,
  problems: ConfigurationProblem[],
  { warn, allowUnknownKeys }: LoadConfigurationOptions,
): ValidatedEntry[] {
  const option = registry.find(entry.key);
  if (option) {
    const parsed = parseOptionValue(option, entry.value);
    if (!parsed.ok) {
      problems.push({
        message: `Invalid value ${JSON.stringify(entry.value)} for '${entry.key}' (${entry.source}): expected ${option.allowed}`,
        source: entry.source,
        ...lineOf(entry),
        key: entry.key,
        value: entry.value,
        allowed: option.allowed,
      });
      return [];
    }
    const deprecated = entry.key !== option.key;
    if (deprecated) warn?.(`Configuration key '${entry.key}' (${entry.source}) is deprecated; use '${option.key}'`);
    return [{ key: option.key, value: parsed.value, deprecated }];
  }
  if (registry.isClaimed(entry.key) || allowUnknownKeys) return [{ key: entry.key, value: toRawString(entry.value), deprecated: false }];

  const suggestions = dedupe(suggestKeys(entry.key, registry.knownKeys(), 6).map((k) => registry.find(k)?.key ?? k)).slice(0, 3);
  const hint = suggestions.length > 0 ? `Did you mean: ${suggestions.join(', ')}?` : 'No similar key is known (see docs/configuration.md).';
  problems.push({
    message: `Unknown configuration key '${entry.key}' (${entry.source}). ${hint}`,
    source: entry.source,
    ...lineOf(entry),
    key: entry.key,
    value: entry.value,
    suggestions,
  });
  return [];
}

/**
 * YAML types scalars (`cluster-id: 123` is a number), while every option parses strings, as Flink's
 * do; so a typed scalar an option rejects gets a second try as text.
 */
function parseOptionValue(option: ConfigOption<unknown>, raw: unknown): { ok: true; value: unknown } | { ok: false } {
  const first = option.schema.safeParse(raw);
  if (first.success) return { ok: true, value: first.data };
  if (typeof raw === 'number' || typeof raw === 'boolean') {
    const second = option.schema.safeParse(String(raw));
    if (second.success) return { ok: true, value: second.data };
  }
  return { ok: false };
}

/** Plugin-claimed keys stay strings; lists use Flink's legacy `a;b` form. */
function toRawString(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))).join(';');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function lineOf(entry: RawConfigEntry): { line?: number } {
  return entry.line === undefined ? {} : { line: entry.line };
}

function dedupe(keys: readonly string[]): string[] {
  return [...new Set(keys)];
}

function configurationProblemsError(problems: readonly ConfigurationProblem[]): ConfigurationError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const message = `Invalid configuration (${count}):\n${problems.map((p) => `  - ${p.message}`).join('\n')}`;
  const single = problems.length === 1 ? pickValueFields(problems[0]) : {};
  return new ConfigurationError(message, { ...single, problems: problems.map((p) => ({ ...p })) });
}

function pickValueFields(p: ConfigurationProblem): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (p.key !== undefined) out.key = p.key;
  if ('value' in p) out.value = p.value;
  if (p.allowed !== undefined) out.allowed = p.allowed;
  return out;
}
