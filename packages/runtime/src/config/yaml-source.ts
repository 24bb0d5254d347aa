import * as fs from 'fs';
import * as path from 'path';
import type { Document, Node } from 'yaml';

type YamlModule = typeof import('yaml');
let yamlModule: YamlModule | undefined;
/** `yaml` (72 files) loads when a configuration file is parsed, not in every process and slot thread that never reads one. */
const yaml = (): YamlModule => (yamlModule ??= require('yaml') as YamlModule);

/**
 * File names looked up in a configuration directory: Flink 2.x's standard YAML file, Flott's own
 * name, and Flink's legacy flat file (flat `key: value` lines are valid YAML, so one reader serves all).
 */
export const CONFIG_FILE_NAMES = ['config.yaml', 'flott-conf.yaml', 'flink-conf.yaml'] as const;

/** One key as written by the user, before validation. */
export interface RawConfigEntry {
  readonly key: string;
  readonly value: unknown;
  /** Where it came from, for messages: "/etc/flott/config.yaml line 3" or "-D". */
  readonly source: string;
  /** Line in the file, when it came from one. */
  readonly line?: number;
}

/** One thing wrong with the configuration; the loader reports all of them in one error. */
export interface ConfigurationProblem {
  readonly message: string;
  readonly source: string;
  readonly line?: number;
  readonly key?: string;
  readonly value?: unknown;
  readonly allowed?: string;
  readonly suggestions?: readonly string[];
}

export interface ConfigSourceResult {
  readonly file?: string;
  readonly entries: RawConfigEntry[];
  readonly problems: ConfigurationProblem[];
}

/**
 * Finds the configuration file in `location` (a directory, or a file given directly). The location
 * was given explicitly, so a missing directory, a directory without a configuration file, or one
 * with several (which one wins would be a guess) are all problems.
 */
export function locateConfigFile(location: string): { file?: string; problem?: ConfigurationProblem } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(location);
  } catch {
    return { problem: { message: `Configuration directory '${location}' does not exist`, source: location } };
  }
  if (stat.isFile()) return { file: location };
  const present = CONFIG_FILE_NAMES.filter((name) => fs.existsSync(path.join(location, name)));
  if (present.length === 0) {
    return {
      problem: {
        message: `Configuration directory '${location}' holds none of ${CONFIG_FILE_NAMES.join(', ')}`,
        source: location,
      },
    };
  }
  if (present.length > 1) {
    return {
      problem: {
        message: `Configuration directory '${location}' holds several configuration files (${present.join(', ')}); keep one`,
        source: location,
      },
    };
  }
  return { file: path.join(location, present[0]) };
}

/** Reads and flattens one YAML configuration file. */
export function readConfigFile(file: string): ConfigSourceResult {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { file, entries: [], problems: [{ message: `Cannot read configuration file '${file}': ${(e as Error).message}`, source: file }] };
  }
  return { file, ...parseConfigYaml(text, file) };
}

/**
 * Parses YAML text into flat entries: nested maps join their keys with dots, as Flink 2.x does
 * (`taskmanager: {numberOfTaskSlots: 2}` is `taskmanager.numberOfTaskSlots: 2`). Lists and scalars are
 * leaves. Malformed YAML gives one problem per YAML error, with its line and column.
 */
export function parseConfigYaml(text: string, fileName: string): { entries: RawConfigEntry[]; problems: ConfigurationProblem[] } {
  const { LineCounter, isMap, isScalar, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: ConfigurationProblem[] = [];
  if (doc.errors.length > 0) {
    for (const err of doc.errors) {
      const { line, col } = lineCounter.linePos(err.pos[0]);
      problems.push({ message: `Malformed YAML in ${fileName} line ${line}, column ${col}: ${err.message}`, source: `${fileName} line ${line}`, line });
    }
    return { entries: [], problems };
  }
  const entries: RawConfigEntry[] = [];
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { entries, problems };
  if (!isMap(root)) {
    const line = lineCounter.linePos(root.range?.[0] ?? 0).line;
    problems.push({ message: `${fileName} line ${line}: the configuration must be a map of keys to values`, source: `${fileName} line ${line}`, line });
    return { entries, problems };
  }
  const firstLine = new Map<string, number>();
  const flatten = (map: Node, prefix: string): void => {
    if (!isMap(map)) return;
    for (const pair of map.items) {
      const keyNode = pair.key;
      const line = isScalar(keyNode) && keyNode.range ? lineCounter.linePos(keyNode.range[0]).line : 0;
      const source = `${fileName} line ${line}`;
      if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
        problems.push({ message: `${source}: keys must be plain strings`, source, line });
        continue;
      }
      const key = prefix + String(keyNode.value);
      const valueNode = resolveAlias(pair.value, doc);
      if (isMap(valueNode)) {
        flatten(valueNode, `${key}.`);
        continue;
      }
      const value: unknown = valueNode === null || valueNode === undefined ? null : (valueNode as Node).toJS(doc);
      const seenAt = firstLine.get(key);
      if (seenAt !== undefined) {
        problems.push({ message: `'${key}' is set twice (${fileName} lines ${seenAt} and ${line})`, source, line, key });
        continue;
      }
      firstLine.set(key, line);
      if (value === null) {
        problems.push({ message: `'${key}' has no value (${source})`, source, line, key, value: null });
        continue;
      }
      entries.push({ key, value, source, line });
    }
  };
  flatten(root, '');
  return { entries, problems };
}

function resolveAlias(value: unknown, doc: Document): unknown {
  let v = value;
  // Bounded: an alias can only point at an earlier anchor, but guard against pathological chains.
  for (let hops = 0; hops < 100 && yaml().isAlias(v); hops++) v = v.resolve(doc);
  return v;
}
