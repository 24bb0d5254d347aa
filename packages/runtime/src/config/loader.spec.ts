import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ConfigurationError, ConfigOptions } from '@flott/core';
import { loadConfiguration, parseDynamicProperties } from './loader';
import { OptionRegistry } from './option-registry';
import { CoreOptions, JobManagerOptions, NetworkOptions, StateOptions, TaskManagerOptions } from './options';

const dirs: string[] = [];

function confDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-conf-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** Runs `fn`, expecting a ConfigurationError, and returns it. */
function configError(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigurationError);
    return e as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

const noEnv = {};

describe('loadConfiguration: sources', () => {
  it('gives defaults only without a configuration directory', () => {
    const config = loadConfiguration({ env: noEnv });
    expect(config.keys()).toEqual([]);
    expect(config.get(TaskManagerOptions.NUM_TASK_SLOTS)).toBe(1);
    expect(config.get(CoreOptions.BUFFER_TIMEOUT)).toBe(100);
  });

  it('flattens nested YAML maps with dots and reads flat keys alike', () => {
    const dir = confDir({
      'config.yaml': [
        'taskmanager:',
        '  numberOfTaskSlots: 4',
        '  memory:',
        '    segment-size: 64 kb',
        'parallelism.default: 3',
        'execution:',
        '  runtime-mode: BATCH',
        '  buffer-timeout.interval: 5 s',
        'plugins: ["@acme/flott-scheduler", "@acme/other"]',
        '',
      ].join('\n'),
    });
    const config = loadConfiguration({ configDir: dir, env: noEnv });
    expect(config.get(TaskManagerOptions.NUM_TASK_SLOTS)).toBe(4);
    expect(config.get(NetworkOptions.SEGMENT_SIZE)).toBe(64 * 1024);
    expect(config.get(CoreOptions.DEFAULT_PARALLELISM)).toBe(3);
    expect(config.get(CoreOptions.RUNTIME_MODE)).toBe('batch');
    expect(config.get(CoreOptions.BUFFER_TIMEOUT)).toBe(5000);
    expect(config.get(CoreOptions.PLUGINS)).toEqual(['@acme/flott-scheduler', '@acme/other']);
    expect(config.toRecord()).toEqual({
      'taskmanager.numberOfTaskSlots': 4,
      'taskmanager.memory.segment-size': 65536,
      'parallelism.default': 3,
      'execution.runtime-mode': 'batch',
      'execution.buffer-timeout.interval': 5000,
      plugins: ['@acme/flott-scheduler', '@acme/other'],
    });
  });

  it('reads a legacy flat flink-conf.yaml', () => {
    const dir = confDir({
      'flink-conf.yaml': '# legacy file\ntaskmanager.numberOfTaskSlots: 2\njobmanager.scheduler: Lazy-From-Sources\nstate.backend.type: hashmap\n',
    });
    const config = loadConfiguration({ configDir: dir, env: noEnv });
    expect(config.toRecord()).toEqual({
      'taskmanager.numberOfTaskSlots': 2,
      'jobmanager.scheduler': 'lazy-from-sources',
      'state.backend.type': 'hashmap',
    });
  });

  it('reads flott-conf.yaml, and a configuration file given directly', () => {
    const dir = confDir({ 'flott-conf.yaml': 'parallelism.default: 7\n' });
    expect(loadConfiguration({ configDir: dir, env: noEnv }).get(CoreOptions.DEFAULT_PARALLELISM)).toBe(7);
    const file = path.join(dir, 'flott-conf.yaml');
    expect(loadConfiguration({ configDir: file, env: noEnv }).get(CoreOptions.DEFAULT_PARALLELISM)).toBe(7);
  });

  it('takes the directory from FLOTT_CONF_DIR when --config is not given, and prefers --config', () => {
    const fromEnv = confDir({ 'config.yaml': 'parallelism.default: 5\n' });
    const fromFlag = confDir({ 'config.yaml': 'parallelism.default: 6\n' });
    expect(loadConfiguration({ env: { FLOTT_CONF_DIR: fromEnv } }).get(CoreOptions.DEFAULT_PARALLELISM)).toBe(5);
    expect(loadConfiguration({ configDir: fromFlag, env: { FLOTT_CONF_DIR: fromEnv } }).get(CoreOptions.DEFAULT_PARALLELISM)).toBe(6);
    expect(loadConfiguration({ env: { FLOTT_CONF_DIR: '' } }).keys()).toEqual([]);
  });

  it('lets -D properties override the file', () => {
    const dir = confDir({ 'config.yaml': 'taskmanager:\n  numberOfTaskSlots: 2\nparallelism.default: 3\n' });
    const config = loadConfiguration({
      configDir: dir,
      env: noEnv,
      dynamicProperties: ['taskmanager.numberOfTaskSlots=8', 'execution.buffer-timeout.interval=0', 'plugins=a;b'],
    });
    expect(config.toRecord()).toEqual({
      'taskmanager.numberOfTaskSlots': 8,
      'parallelism.default': 3,
      'execution.buffer-timeout.interval': 0,
      plugins: ['a', 'b'],
    });
  });

  it('honours deprecated keys, stores them under the current key and warns', () => {
    const dir = confDir({ 'config.yaml': 'execution.buffer-timeout: 20 ms\nstate.backend: LMDB\n' });
    const warnings: string[] = [];
    const config = loadConfiguration({ configDir: dir, env: noEnv, warn: (m) => warnings.push(m) });
    expect(config.get(CoreOptions.BUFFER_TIMEOUT)).toBe(20);
    expect(config.get(StateOptions.STATE_BACKEND)).toBe('lmdb');
    expect(config.toRecord()).toEqual({ 'execution.buffer-timeout.interval': 20, 'state.backend.type': 'lmdb' });
    expect(warnings).toEqual([
      `Configuration key 'execution.buffer-timeout' (${dir}/config.yaml line 1) is deprecated; use 'execution.buffer-timeout.interval'`,
      `Configuration key 'state.backend' (${dir}/config.yaml line 2) is deprecated; use 'state.backend.type'`,
    ]);
  });

  it('lets the current key win over a deprecated one, and -D win over the file whichever key each uses', () => {
    const dir = confDir({ 'config.yaml': 'execution.buffer-timeout.interval: 30 ms\nexecution.buffer-timeout: 20 ms\n' });
    expect(loadConfiguration({ configDir: dir, env: noEnv }).get(CoreOptions.BUFFER_TIMEOUT)).toBe(30);
    const overridden = loadConfiguration({ configDir: dir, env: noEnv, dynamicProperties: ['execution.buffer-timeout=1 s'] });
    expect(overridden.get(CoreOptions.BUFFER_TIMEOUT)).toBe(1000);
  });

  it('accepts YAML scalars for string-typed options', () => {
    const registry = new OptionRegistry().register('Test', [ConfigOptions.string('test.name', { defaultValue: 'x', description: 'd' })]);
    const dir = confDir({ 'config.yaml': 'test.name: 123\n' });
    expect(loadConfiguration({ configDir: dir, env: noEnv, registry }).getRaw('test.name')).toBe('123');
  });
});

describe('loadConfiguration: plugin options', () => {
  const QUEUE = ConfigOptions.int('acme.queue.capacity', { defaultValue: 10, min: 1, description: 'Queue bound.' });

  it('validates options a plugin registered', () => {
    const registry = new OptionRegistry().register('Acme', { QUEUE });
    expect(loadConfiguration({ env: noEnv, registry, dynamicProperties: ['acme.queue.capacity=64'] }).get(QUEUE)).toBe(64);
    const err = configError(() => loadConfiguration({ env: noEnv, registry, dynamicProperties: ['acme.queue.capacity=0'] }));
    expect(err.message).toBe(
      "Invalid configuration (1 problem):\n  - Invalid value \"0\" for 'acme.queue.capacity' (-D): expected an integer >= 1",
    );
  });

  it('reports a bad value of a command-line flag under the flag, and applies the flag after -D', () => {
    const flag = (value: string) => [{ flag: '-p', key: 'parallelism.default', value }];
    expect(() => loadConfiguration({ env: noEnv, commandLineOptions: flag('abc') })).toThrow(
      "Invalid configuration (1 problem):\n  - Invalid value \"abc\" for 'parallelism.default' (-p): expected an integer from 1 to 32768",
    );
    const config = loadConfiguration({ env: noEnv, dynamicProperties: ['parallelism.default=3'], commandLineOptions: flag('2') });
    expect(config.get(CoreOptions.DEFAULT_PARALLELISM)).toBe(2);
  });

  it('rejects a plugin key when the plugin was not registered', () => {
    const err = configError(() => loadConfiguration({ env: noEnv, dynamicProperties: ['acme.queue.capacity=64'] }));
    expect(err.data.key).toBe('acme.queue.capacity');
  });

  it('supports a lenient first pass that reads plugins before their options are registered', () => {
    const dir = confDir({ 'config.yaml': 'plugins: [acme-plugin]\nacme.queue.capacity: 64\n' });
    const first = loadConfiguration({ configDir: dir, env: noEnv, allowUnknownKeys: true });
    expect(first.get(CoreOptions.PLUGINS)).toEqual(['acme-plugin']);
    expect(first.getRaw('acme.queue.capacity')).toBe('64');
    expect(() => loadConfiguration({ configDir: dir, env: noEnv, allowUnknownKeys: true, dynamicProperties: ['parallelism.default=x'] })).toThrow(
      "Invalid value \"x\" for 'parallelism.default' (-D)",
    );
    const registry = new OptionRegistry().register('Acme', [QUEUE]);
    expect(loadConfiguration({ configDir: dir, env: noEnv, registry }).get(QUEUE)).toBe(64);
  });

  it('accepts keys under a claimed prefix as raw strings, nested or flat', () => {
    const registry = new OptionRegistry().registerPrefix('kubernetes.', 'rm-kubernetes');
    const dir = confDir({ 'config.yaml': 'kubernetes:\n  namespace: flink\n  replicas: 3\n  tolerations: [a, b]\n' });
    const config = loadConfiguration({ configDir: dir, env: noEnv, registry, dynamicProperties: ['kubernetes.cluster-id=c1'] });
    expect(config.toRecord()).toEqual({
      'kubernetes.namespace': 'flink',
      'kubernetes.replicas': '3',
      'kubernetes.tolerations': 'a;b',
      'kubernetes.cluster-id': 'c1',
    });
  });
});

describe('loadConfiguration: problems', () => {
  it('names an unknown key and suggests the closest known key', () => {
    const dir = confDir({ 'config.yaml': 'parallelism.default: 2\ntaskmanager.numberOfTaskSlot: 2\n' });
    const err = configError(() => loadConfiguration({ configDir: dir, env: noEnv }));
    expect(err.message).toBe(
      'Invalid configuration (1 problem):\n' +
        `  - Unknown configuration key 'taskmanager.numberOfTaskSlot' (${dir}/config.yaml line 2). Did you mean: taskmanager.numberOfTaskSlots?`,
    );
    expect(err.code).toBe('CONFIGURATION_ERROR');
    expect(err.data.key).toBe('taskmanager.numberOfTaskSlot');
    expect(err.data.problems).toEqual([
      {
        message: `Unknown configuration key 'taskmanager.numberOfTaskSlot' (${dir}/config.yaml line 2). Did you mean: taskmanager.numberOfTaskSlots?`,
        source: `${dir}/config.yaml line 2`,
        line: 2,
        key: 'taskmanager.numberOfTaskSlot',
        value: 2,
        suggestions: ['taskmanager.numberOfTaskSlots'],
      },
    ]);
  });

  it('suggests the current key for a misspelt deprecated key, and says when nothing is close', () => {
    const err = configError(() => loadConfiguration({ env: noEnv, dynamicProperties: ['state.backnd=hashmap', 'zzz=1'] }));
    expect(err.message).toBe(
      'Invalid configuration (2 problems):\n' +
        "  - Unknown configuration key 'state.backnd' (-D). Did you mean: state.backend.type?\n" +
        "  - Unknown configuration key 'zzz' (-D). No similar key is known (see docs/configuration.md).",
    );
  });

  it.each<[string, string, string]>([
    ['parallelism.default: four', 'Invalid value "four" for \'parallelism.default\'', 'an integer from 1 to 32768'],
    ['parallelism.default: 2.5', "Invalid value 2.5 for 'parallelism.default'", 'an integer from 1 to 32768'],
    ['parallelism.default: -2', "Invalid value -2 for 'parallelism.default'", 'an integer from 1 to 32768'],
    ['execution.runtime-mode: sometimes', 'Invalid value "sometimes" for \'execution.runtime-mode\'', 'one of: streaming, batch'],
    [
      'execution.buffer-timeout.interval: 5 parsecs',
      'Invalid value "5 parsecs" for \'execution.buffer-timeout.interval\'',
      'a duration such as "100 ms", "5 s", "1 min" (bare numbers are milliseconds)',
    ],
    [
      'taskmanager.memory.segment-size: 32 parsecs',
      'Invalid value "32 parsecs" for \'taskmanager.memory.segment-size\'',
      'a memory size such as "32 kb", "64 mb" (bare numbers are bytes), at least 256 bytes',
    ],
    [
      'taskmanager.memory.segment-size: 100',
      "Invalid value 100 for 'taskmanager.memory.segment-size'",
      'a memory size such as "32 kb", "64 mb" (bare numbers are bytes), at least 256 bytes',
    ],
    ['pipeline.operator-chaining.enabled: maybe', 'Invalid value "maybe" for \'pipeline.operator-chaining.enabled\'', 'true or false'],
    ['jobmanager.scheduler: [a, b]', 'Invalid value ["a","b"] for \'jobmanager.scheduler\'', 'a registered name (built in: pipelined-region, eager, lazy-from-sources)'],
  ])('rejects %p naming key, value and what is allowed', (line, start, allowed) => {
    const dir = confDir({ 'config.yaml': `${line}\n` });
    const err = configError(() => loadConfiguration({ configDir: dir, env: noEnv }));
    expect(err.message).toBe(`Invalid configuration (1 problem):\n  - ${start} (${dir}/config.yaml line 1): expected ${allowed}`);
    expect(err.data.allowed).toBe(allowed);
    expect(err.data.key).toBe(line.slice(0, line.indexOf(':')));
  });

  it('reports bad values from -D with the raw string', () => {
    const err = configError(() => loadConfiguration({ env: noEnv, dynamicProperties: ['taskmanager.numberOfTaskSlots=-1'] }));
    expect(err.data).toMatchObject({ key: 'taskmanager.numberOfTaskSlots', value: '-1', allowed: 'an integer from 1 to 1024' });
  });

  it('reports every problem of the file and of -D together, one line each', () => {
    const dir = confDir({
      'config.yaml': [
        'taskmanager:',
        '  numberOfTaskSlots: 0',
        '  numberOfTaskSlot: 2',
        'execution.buffer-timeout.interval: 5 parsecs',
        'parallelism.default: 2',
        'taskmanager.numberOfTaskSlots: 3',
        'restart-strategy.type:',
        '',
      ].join('\n'),
    });
    const err = configError(() =>
      loadConfiguration({ configDir: dir, env: noEnv, dynamicProperties: ['jobmanager.scheduler', 'slot.request.timeout=soon'] }),
    );
    const f = `${dir}/config.yaml`;
    expect(err.message.split('\n')).toEqual([
      'Invalid configuration (7 problems):',
      `  - Invalid value 0 for 'taskmanager.numberOfTaskSlots' (${f} line 2): expected an integer from 1 to 1024`,
      `  - Unknown configuration key 'taskmanager.numberOfTaskSlot' (${f} line 3). Did you mean: taskmanager.numberOfTaskSlots?`,
      `  - Invalid value "5 parsecs" for 'execution.buffer-timeout.interval' (${f} line 4): expected a duration such as "100 ms", "5 s", "1 min" (bare numbers are milliseconds)`,
      `  - 'taskmanager.numberOfTaskSlots' is set twice (${f} lines 2 and 6)`,
      `  - 'restart-strategy.type' has no value (${f} line 7)`,
      '  - Malformed dynamic property "jobmanager.scheduler": it has no \'=\' (expected key=value)',
      '  - Invalid value "soon" for \'slot.request.timeout\' (-D): expected a duration such as "100 ms", "5 s", "1 min" (bare numbers are milliseconds)',
    ]);
    expect(err.data.key).toBeUndefined();
    expect((err.data.problems as unknown[]).length).toBe(7);
  });

  it('reports malformed YAML with the file name, line and column', () => {
    const dir = confDir({ 'config.yaml': 'parallelism.default: 2\ntaskmanager:\n  numberOfTaskSlots: 2\n memory: 3\n' });
    expect(configError(() => loadConfiguration({ configDir: dir, env: noEnv })).message).toBe(
      'Invalid configuration (1 problem):\n' +
        `  - Malformed YAML in ${dir}/config.yaml line 4, column 1: All mapping items must start at the same column`,
    );
    const tabs = confDir({ 'config.yaml': 'a: 1\n\tb: 2\n' });
    expect(configError(() => loadConfiguration({ configDir: tabs, env: noEnv, dynamicProperties: ['nope=1'] })).message).toBe(
      'Invalid configuration (2 problems):\n' +
        `  - Malformed YAML in ${tabs}/config.yaml line 2, column 1: Tabs are not allowed as indentation\n` +
        "  - Unknown configuration key 'nope' (-D). No similar key is known (see docs/configuration.md).",
    );
  });

  it('reports YAML duplicate keys and a file that is not a map', () => {
    const dup = confDir({ 'config.yaml': 'a: 1\na: 2\n' });
    expect(configError(() => loadConfiguration({ configDir: dup, env: noEnv })).message).toBe(
      `Invalid configuration (1 problem):\n  - Malformed YAML in ${dup}/config.yaml line 2, column 1: Map keys must be unique`,
    );
    const list = confDir({ 'config.yaml': '- a\n- b\n' });
    expect(configError(() => loadConfiguration({ configDir: list, env: noEnv })).message).toBe(
      `Invalid configuration (1 problem):\n  - ${list}/config.yaml line 1: the configuration must be a map of keys to values`,
    );
  });

  it('accepts an empty configuration file', () => {
    const dir = confDir({ 'config.yaml': '# nothing set yet\n' });
    expect(loadConfiguration({ configDir: dir, env: noEnv }).keys()).toEqual([]);
  });

  it('fails on a missing directory, an empty one, or one with two configuration files', () => {
    const missing = path.join(os.tmpdir(), 'flott-conf-does-not-exist-4711');
    expect(configError(() => loadConfiguration({ configDir: missing, env: noEnv })).message).toBe(
      `Invalid configuration (1 problem):\n  - Configuration directory '${missing}' does not exist`,
    );
    expect(configError(() => loadConfiguration({ env: { FLOTT_CONF_DIR: missing } })).message).toBe(
      `Invalid configuration (1 problem):\n  - Configuration directory '${missing}' does not exist`,
    );
    const empty = confDir({});
    expect(configError(() => loadConfiguration({ configDir: empty, env: noEnv })).message).toBe(
      `Invalid configuration (1 problem):\n  - Configuration directory '${empty}' holds none of config.yaml, flott-conf.yaml, flink-conf.yaml`,
    );
    const two = confDir({ 'config.yaml': 'a: 1\n', 'flink-conf.yaml': 'a: 1\n' });
    expect(configError(() => loadConfiguration({ configDir: two, env: noEnv })).message).toBe(
      `Invalid configuration (1 problem):\n  - Configuration directory '${two}' holds several configuration files (config.yaml, flink-conf.yaml); keep one`,
    );
  });

  it('keeps the loaded values usable by typed reads', () => {
    const config = loadConfiguration({ env: noEnv, dynamicProperties: ['jobmanager.execution.failover-strategy= Region '] });
    expect(config.get(JobManagerOptions.FAILOVER_STRATEGY)).toBe('region');
  });
});

describe('parseDynamicProperties', () => {
  it('splits at the first = and keeps the rest of the value', () => {
    expect(parseDynamicProperties(['a=1', ' b.c =x=y', 'd='])).toEqual([
      ['a', '1'],
      ['b.c', 'x=y'],
      ['d', ''],
    ]);
  });

  it('names every malformed property in one error', () => {
    const err = configError(() => parseDynamicProperties(['ok=1', 'novalue', '=5']));
    expect(err.message).toBe(
      'Invalid configuration (2 problems):\n' +
        '  - Malformed dynamic property "novalue": it has no \'=\' (expected key=value)\n' +
        '  - Malformed dynamic property "=5": the key is empty (expected key=value)',
    );
  });
});
