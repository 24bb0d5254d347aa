import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigOptions } from '@flott/core';
import { formatDefault, generateConfigurationDocs } from './docs';
import { CONFIGURATION_DOCS_PATH, writeConfigurationDocs } from './generate-docs';
import { OptionRegistry } from './option-registry';
import { CoreOptions, JobManagerOptions, NetworkOptions, StateOptions, TaskManagerOptions } from './options';

describe('generated configuration docs', () => {
  it('docs/configuration.md is up to date with the options', () => {
    const expected = generateConfigurationDocs();
    const actual = fs.existsSync(CONFIGURATION_DOCS_PATH) ? fs.readFileSync(CONFIGURATION_DOCS_PATH, 'utf8') : '(missing)';
    if (actual !== expected) {
      const a = actual.split('\n');
      const e = expected.split('\n');
      const differs = e.findIndex((line, n) => line !== a[n]);
      const i = differs >= 0 ? differs : e.length;
      throw new Error(
        `docs/configuration.md is out of date (first difference at line ${i + 1}: expected ${JSON.stringify(e[i])}, ` +
          `found ${JSON.stringify(a[i])}). Run \`npm run build && npm run docs:config\` and commit the result.`,
      );
    }
    expect(actual).toBe(expected);
  });

  it('writes one table per group with Flink-style defaults', () => {
    const registry = new OptionRegistry({ builtIn: false })
      .register('Core', [CoreOptions.BUFFER_TIMEOUT, CoreOptions.RUNTIME_MODE])
      .register('Network', { SEGMENT_SIZE: NetworkOptions.SEGMENT_SIZE });
    const docs = generateConfigurationDocs(registry);
    const tables = docs.slice(docs.indexOf('## Core'));
    expect(tables).toBe(
      [
        '## Core',
        '',
        '| Key | Default | Type | Description |',
        '| --- | --- | --- | --- |',
        `| \`execution.buffer-timeout.interval\` | 100 ms | Duration | ${CoreOptions.BUFFER_TIMEOUT.description} Deprecated keys: \`execution.buffer-timeout\`. |`,
        `| \`execution.runtime-mode\` | streaming | Enum | ${CoreOptions.RUNTIME_MODE.description} Possible values: \`streaming\`, \`batch\`. |`,
        '',
        '## Network',
        '',
        '| Key | Default | Type | Description |',
        '| --- | --- | --- | --- |',
        `| \`taskmanager.memory.segment-size\` | 32 kb | MemorySize | ${NetworkOptions.SEGMENT_SIZE.description} |`,
        '',
      ].join('\n'),
    );
  });

  it('escapes table syntax in descriptions and lists claimed prefixes', () => {
    const odd = ConfigOptions.optionalString('acme.mode', { description: 'Either a|b\nor c.' });
    const docs = generateConfigurationDocs(new OptionRegistry({ builtIn: false }).register('Acme', [odd]).registerPrefix('kubernetes.', 'rm-kubernetes'));
    expect(docs).toContain('| `acme.mode` | (none) | String | Either a\\|b<br>or c. |\n');
    expect(docs.endsWith('## Plugin key prefixes\n\nKeys under these prefixes are passed to the plugin that claims them as strings.\n\n| Prefix | Claimed by |\n| --- | --- |\n| `kubernetes.` | rm-kubernetes |\n')).toBe(true);
  });

  it.each<[string, string]>([
    ['parallelism.default', '1'],
    ['pipeline.max-parallelism', '-1'],
    ['pipeline.operator-chaining.enabled', 'true'],
    ['plugins', '(none)'],
    ['slot.request.timeout', '5 min'],
    ['task.cancellation.timeout', '3 min'],
    ['taskmanager.memory.task.heap.size', '1 gb'],
    ['jobmanager.scheduler', '"pipelined-region"'],
  ])('formats the default of %s as %s', (key, text) => {
    const option = new OptionRegistry().find(key);
    expect(option && formatDefault(option)).toBe(text);
  });

  it('formats a non-empty list default with Flink separators', () => {
    expect(formatDefault(ConfigOptions.stringList('x', { defaultValue: ['a', 'b'], description: '' }))).toBe('a;b');
  });

  it('writeConfigurationDocs writes the file and reports whether it changed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-docs-'));
    try {
      const file = path.join(dir, 'sub', 'configuration.md');
      expect(writeConfigurationDocs(file)).toBe(true);
      expect(fs.readFileSync(file, 'utf8')).toBe(generateConfigurationDocs());
      expect(writeConfigurationDocs(file)).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('documents every option of the built-in groups', () => {
    const docs = generateConfigurationDocs();
    for (const o of [TaskManagerOptions.NUM_TASK_SLOTS, JobManagerOptions.FAILOVER_STRATEGY, StateOptions.STATE_BACKEND]) {
      expect(docs).toContain(`| \`${o.key}\` |`);
    }
    expect(new OptionRegistry().all().every((o) => docs.includes(`| \`${o.key}\` |`))).toBe(true);
  });
});
