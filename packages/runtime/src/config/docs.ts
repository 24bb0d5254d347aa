import { formatDuration, formatMemorySize, type ConfigOption } from '@flott/core';
import { OptionRegistry } from './option-registry';

const HEADER = `# Configuration

<!-- Generated from packages/runtime/src/config/options.ts by \`npm run build && npm run docs:config\`; do not edit by hand. -->

Flott reads its configuration from \`config.yaml\` (Flink 2.x format) in the directory given by
\`--config <dir>\` or the \`FLOTT_CONF_DIR\` environment variable; \`flott-conf.yaml\` and Flink's legacy
flat \`flink-conf.yaml\` are read too (a directory must hold exactly one of them). Without a directory
the defaults below apply. Nested maps are flattened with dots, so

\`\`\`yaml
taskmanager:
  numberOfTaskSlots: 2
\`\`\`

is the same as \`taskmanager.numberOfTaskSlots: 2\`. Dynamic properties (\`-D key=value\`) override the
file. Unknown keys and invalid values are errors; all of them are reported together.

Durations are written as \`100 ms\`, \`5 s\`, \`1 min\`, \`2 h\`, \`1 d\` (a bare number is milliseconds);
memory sizes as \`32 kb\`, \`64 mb\`, \`1 gb\` (a bare number is bytes). Deprecated keys are still
accepted.
`;

/**
 * The configuration reference in Markdown: one table per option group, defaults written as Flink's
 * docs write them ("100 ms", "32 kb", "(none)"). Pure, so a test can compare it with the checked-in file.
 */
export function generateConfigurationDocs(registry: OptionRegistry = new OptionRegistry()): string {
  const parts = [HEADER];
  for (const [group, options] of registry.groupEntries()) {
    const rows = options.map(
      (o) => `| \`${cell(o.key)}\` | ${cell(formatDefault(o))} | ${cell(o.typeName)} | ${cell(describe(o))} |`,
    );
    parts.push(`## ${group}\n\n| Key | Default | Type | Description |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n`);
  }
  const prefixes = registry.prefixes();
  if (prefixes.length > 0) {
    const rows = prefixes.map(([prefix, owner]) => `| \`${cell(prefix)}\` | ${cell(owner)} |`);
    parts.push(`## Plugin key prefixes\n\nKeys under these prefixes are passed to the plugin that claims them as strings.\n\n| Prefix | Claimed by |\n| --- | --- |\n${rows.join('\n')}\n`);
  }
  return parts.join('\n');
}

/** A default as Flink's generated docs show it. */
export function formatDefault(option: ConfigOption<unknown>): string {
  const v = option.defaultValue;
  if (v === undefined || v === null) return '(none)';
  if (option.typeName === 'Duration' && typeof v === 'number') return formatDuration(v);
  if (option.typeName === 'MemorySize' && typeof v === 'number') return formatMemorySize(v);
  if (Array.isArray(v)) return v.length === 0 ? '(none)' : v.map(String).join(';');
  // Flink quotes free-text strings but not enum constants.
  if (typeof v === 'string') return option.typeName === 'Enum' ? v : `"${v}"`;
  return String(v);
}

function describe(option: ConfigOption<unknown>): string {
  const parts = [option.description];
  const values = option.possibleValues?.map((v) => `\`${v}\``).join(', ');
  if (values && option.typeName === 'Enum') parts.push(`Possible values: ${values}.`);
  else if (values) parts.push(`Built-in values: ${values}; plugins may register more.`);
  if (option.deprecatedKeys.length > 0) {
    parts.push(`Deprecated keys: ${option.deprecatedKeys.map((k) => `\`${k}\``).join(', ')}.`);
  }
  return parts.join(' ');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}
