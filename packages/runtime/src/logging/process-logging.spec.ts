import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Configuration } from '@flott/core';
import { configuredLogLevel, createProcessLogging, SILENT_PROCESS_LOGGING } from './process-logging';
import { createThreadLogger } from './thread-logger';

describe('process logging', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-log-spec-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const readLines = (file: string) =>
    fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

  it('appends JSON lines with the child context to log.file, at log.level and above', async () => {
    const file = path.join(dir, 'nested', 'flott.log');
    const logging = createProcessLogging(Configuration.fromRecord({ 'log.file': file, 'log.level': 'INFO' }), { processName: 'taskexecutor' });
    const task = logging.logger.child({ jobId: 'j1', task: 'Map', subtask: 1, attempt: 2 });
    task.debug('not written');
    task.info('switched to RUNNING');
    task.warn({ err: new Error('boom') }, 'a failure');
    await logging.close();

    const lines = readLines(file);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: 30, process: 'taskexecutor', jobId: 'j1', task: 'Map', subtask: 1, attempt: 2, msg: 'switched to RUNNING' });
    expect(typeof lines[0].time).toBe('string');
    expect(lines[1]).toMatchObject({ level: 40, msg: 'a failure', err: { message: 'boom', type: 'Error' } });
  });

  it('writes the lines of a thread logger through the sink, filtered on the thread', async () => {
    const file = path.join(dir, 'flott.log');
    const logging = createProcessLogging(Configuration.fromRecord({ 'log.file': file, 'log.level': 'warn' }), { processName: 'taskexecutor' });
    const thread = createThreadLogger(logging.threadSink.level, { slot: 3 }, (line) => logging.threadSink.write(line));
    thread.info('filtered on the thread');
    thread.child({ attemptId: 'a-1' }).error('from the slot');
    logging.logger.warn('from the main thread');
    await logging.close();
    logging.threadSink.write('{"after":"close"}\n');

    expect(readLines(file).map((l) => [l.msg, l.slot, l.attemptId])).toEqual([
      ['from the slot', 3, 'a-1'],
      ['from the main thread', undefined, undefined],
    ]);
  });

  it('takes the default level of the caller only when log.level is not set; off is silent', () => {
    expect(configuredLogLevel(Configuration.fromRecord({}), 'warn')).toBe('warn');
    expect(configuredLogLevel(Configuration.fromRecord({}))).toBe('info');
    expect(configuredLogLevel(Configuration.fromRecord({ 'log.level': 'DEBUG' }), 'warn')).toBe('debug');
    expect(createProcessLogging(Configuration.fromRecord({ 'log.level': 'off' }), { processName: 'x' })).toBe(SILENT_PROCESS_LOGGING);
    expect(() => configuredLogLevel(Configuration.fromRecord({ 'log.level': 'loud' }))).toThrow(/log\.level/);
  });
});

describe('process logging to stderr (built package, in a child process)', () => {
  const run = (logs: boolean) =>
    spawnSync(process.execPath, ['-e', `
      const { Configuration } = require('@flott/core');
      const { createProcessLogging } = require('@flott/runtime');
      const logging = createProcessLogging(new Configuration(), { processName: 'client', defaultLevel: 'warn', colorize: false });
      const loaded = (name) => Object.keys(require.cache).some((f) => f.includes('/node_modules/' + name + '/'));
      const before = [loaded('pino'), loaded('pino-pretty')];
      logging.logger.child({ task: 't1' }).info('below the level');
      if (${logs}) logging.logger.warn({ job: 'j1' }, 'slot lost');
      process.stdout.write(JSON.stringify({ before, after: [loaded('pino'), loaded('pino-pretty')] }));`], { cwd: path.resolve(__dirname, '../../../..'), encoding: 'utf8', timeout: 60_000 });

  it('loads pino and pino-pretty with the first line at the level, and writes that line human-readable', () => {
    const quiet = run(false);
    expect(JSON.parse(quiet.stdout)).toEqual({ before: [false, false], after: [false, false] });
    expect(quiet.stderr).toBe('');
    const logged = run(true);
    expect(JSON.parse(logged.stdout)).toEqual({ before: [false, false], after: [true, true] });
    expect(logged.stderr).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] WARN: slot lost \{"job":"j1"\}\n$/);
  });
});
