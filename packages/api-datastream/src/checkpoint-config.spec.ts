import { Configuration, Duration, InvalidDurationError, JobBuildError, Time, type ConfigOption } from '@flott/core';
import { CheckpointingOptions, CoreOptions, StateOptions } from '@flott/runtime';
import { setExecutionContext } from '@flott/runtime/internal';
import { CheckpointConfig, CheckpointingMode, ExternalizedCheckpointCleanup, ExternalizedCheckpointRetention } from './index';
import { StreamExecutionEnvironment } from './stream-execution-environment';
import { LocalTestContext } from './testing-fixtures/local-test-context';

afterEach(() => setExecutionContext(undefined));

const newEnv = () => StreamExecutionEnvironment.getExecutionEnvironment();

/** The configuration entries the job ships with (what the client submits on top of the file and -D). */
function shipped(env: StreamExecutionEnvironment): Readonly<Record<string, unknown>> {
  env.fromElements(1).print();
  return env.getStreamGraph().config.jobConfiguration ?? {};
}

type Case = [string, (c: CheckpointConfig) => unknown, Record<string, unknown>, Record<string, string>];

// [setter, call, the entry it ships, the same setting as -D strings]
const SETTERS: Case[] = [
  ['setCheckpointInterval', (c) => c.setCheckpointInterval(Duration.ofSeconds(5)), { 'execution.checkpointing.interval': 5000 }, { 'execution.checkpointing.interval': '5 s' }],
  ['setCheckpointingConsistencyMode', (c) => c.setCheckpointingConsistencyMode(CheckpointingMode.AT_LEAST_ONCE), { 'execution.checkpointing.mode': 'AT_LEAST_ONCE' }, { 'execution.checkpointing.mode': 'AT_LEAST_ONCE' }],
  ['setCheckpointingMode (1.x)', (c) => c.setCheckpointingMode(CheckpointingMode.EXACTLY_ONCE), { 'execution.checkpointing.mode': 'EXACTLY_ONCE' }, { 'execution.checkpointing.mode': 'exactly_once' }],
  ['setCheckpointTimeout', (c) => c.setCheckpointTimeout(Time.minutes(2)), { 'execution.checkpointing.timeout': 120_000 }, { 'execution.checkpointing.timeout': '2 min' }],
  ['setMinPauseBetweenCheckpoints', (c) => c.setMinPauseBetweenCheckpoints(500), { 'execution.checkpointing.min-pause': 500 }, { 'execution.checkpointing.min-pause': '500 ms' }],
  ['setMaxConcurrentCheckpoints', (c) => c.setMaxConcurrentCheckpoints(3), { 'execution.checkpointing.max-concurrent-checkpoints': 3 }, { 'execution.checkpointing.max-concurrent-checkpoints': '3' }],
  ['setTolerableCheckpointFailureNumber', (c) => c.setTolerableCheckpointFailureNumber(2), { 'execution.checkpointing.tolerable-failed-checkpoints': 2 }, { 'execution.checkpointing.tolerable-failed-checkpoints': '2' }],
  ['setExternalizedCheckpointRetention', (c) => c.setExternalizedCheckpointRetention(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION), { 'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION' }, { 'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION' }],
  ['setExternalizedCheckpointCleanup (1.x)', (c) => c.setExternalizedCheckpointCleanup(ExternalizedCheckpointCleanup.DELETE_ON_CANCELLATION), { 'execution.checkpointing.externalized-checkpoint-retention': 'DELETE_ON_CANCELLATION' }, { 'execution.checkpointing.externalized-checkpoint-retention': 'DELETE_ON_CANCELLATION' }],
  ['enableUnalignedCheckpoints', (c) => c.enableUnalignedCheckpoints(), { 'execution.checkpointing.unaligned.enabled': true }, { 'execution.checkpointing.unaligned.enabled': 'true' }],
  ['enableUnalignedCheckpoints(false)', (c) => c.enableUnalignedCheckpoints(false), { 'execution.checkpointing.unaligned.enabled': false }, { 'execution.checkpointing.unaligned.enabled': 'false' }],
  ['setAlignedCheckpointTimeout', (c) => c.setAlignedCheckpointTimeout(Duration.ofMillis(250)), { 'execution.checkpointing.aligned-checkpoint-timeout': 250 }, { 'execution.checkpointing.aligned-checkpoint-timeout': '250 ms' }],
  ['setAlignmentTimeout (1.x)', (c) => c.setAlignmentTimeout(30), { 'execution.checkpointing.aligned-checkpoint-timeout': 30 }, { 'execution.checkpointing.aligned-checkpoint-timeout': '30 ms' }],
  ['disableCheckpointing', (c) => c.setCheckpointInterval(1000).disableCheckpointing(), { 'execution.checkpointing.interval': 0 }, { 'execution.checkpointing.interval': '0' }],
  ['setCheckpointStorage', (c) => c.setCheckpointStorage('s3://bucket/checkpoints'), { 'execution.checkpointing.storage': 'filesystem', 'execution.checkpointing.dir': 's3://bucket/checkpoints' }, { 'execution.checkpointing.storage': 'filesystem', 'execution.checkpointing.dir': 's3://bucket/checkpoints' }],
];

const CHECKPOINTING_OPTIONS = Object.values(CheckpointingOptions) as Array<ConfigOption<unknown>>;

describe('CheckpointConfig', () => {
  it.each(SETTERS)('%s ships exactly its configuration entry, read as the same -D setting would be', (_, call, entry, dashD) => {
    const env = newEnv();
    call(env.getCheckpointConfig());
    const record = shipped(env);
    expect(record).toEqual(entry);
    const fromProgram = Configuration.fromRecord(record);
    const fromDashD = Configuration.fromRecord(dashD);
    for (const option of CHECKPOINTING_OPTIONS) expect([option.key, fromProgram.get(option)]).toEqual([option.key, fromDashD.get(option)]);
    expect(fromProgram.get(StateOptions.CHECKPOINT_STORAGE)).toBe(fromDashD.get(StateOptions.CHECKPOINT_STORAGE));
  });

  it("reads back what the setters set; the getters give the options' defaults when nothing is set", () => {
    const config = newEnv().getCheckpointConfig();
    expect(config.isCheckpointingEnabled()).toBe(false);
    expect(config.getCheckpointInterval()).toBe(-1);
    expect(config.getCheckpointingConsistencyMode()).toBe(CheckpointingOptions.CHECKPOINTING_MODE.defaultValue);
    expect(config.getCheckpointingMode()).toBe(CheckpointingMode.EXACTLY_ONCE);
    expect(config.getCheckpointTimeout()).toBe(CheckpointingOptions.CHECKPOINTING_TIMEOUT.defaultValue);
    expect(config.getMinPauseBetweenCheckpoints()).toBe(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS.defaultValue);
    expect(config.getMaxConcurrentCheckpoints()).toBe(CheckpointingOptions.MAX_CONCURRENT_CHECKPOINTS.defaultValue);
    expect(config.getTolerableCheckpointFailureNumber()).toBe(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER.defaultValue);
    expect(config.getExternalizedCheckpointRetention()).toBe(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION.defaultValue);
    expect(config.isExternalizedCheckpointsEnabled()).toBe(false);
    expect(config.isUnalignedCheckpointsEnabled()).toBe(CheckpointingOptions.ENABLE_UNALIGNED.defaultValue);
    expect(config.getAlignedCheckpointTimeout()).toBe(CheckpointingOptions.ALIGNED_CHECKPOINT_TIMEOUT.defaultValue);

    config
      .setCheckpointInterval(2000)
      .setCheckpointingConsistencyMode(CheckpointingMode.AT_LEAST_ONCE)
      .setCheckpointTimeout(60_000)
      .setMinPauseBetweenCheckpoints(100)
      .setMaxConcurrentCheckpoints(2)
      .setTolerableCheckpointFailureNumber(4)
      .setExternalizedCheckpointRetention(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION)
      .enableUnalignedCheckpoints()
      .setAlignedCheckpointTimeout(Duration.ofSeconds(1));
    expect([
      config.isCheckpointingEnabled(),
      config.getCheckpointInterval(),
      config.getCheckpointingConsistencyMode(),
      config.getCheckpointTimeout(),
      config.getMinPauseBetweenCheckpoints(),
      config.getMaxConcurrentCheckpoints(),
      config.getTolerableCheckpointFailureNumber(),
      config.getExternalizedCheckpointCleanup(),
      config.isExternalizedCheckpointsEnabled(),
      config.isUnalignedCheckpointsEnabled(),
      config.getAlignmentTimeout(),
    ]).toEqual([true, 2000, 'AT_LEAST_ONCE', 60_000, 100, 2, 4, 'RETAIN_ON_CANCELLATION', true, true, 1000]);
  });

  it.each<[string, (c: CheckpointConfig) => unknown, string]>([
    ['a negative interval', (c) => c.setCheckpointInterval(-1), 'CheckpointConfig.setCheckpointInterval: interval: must not be negative, got -1 ms'],
    ['an interval under 10 ms', (c) => c.setCheckpointInterval(5), 'CheckpointConfig.setCheckpointInterval: the checkpoint interval must be at least 10 ms (0 disables checkpointing), got 5 ms'],
    ['a timeout under 10 ms', (c) => c.setCheckpointTimeout(Duration.ZERO), 'CheckpointConfig.setCheckpointTimeout: timeout must be at least 10 ms, got 0 ms'],
    ['a negative min pause', (c) => c.setMinPauseBetweenCheckpoints(-5), 'CheckpointConfig.setMinPauseBetweenCheckpoints: minPause: must not be negative, got -5 ms'],
    ['max concurrent 0', (c) => c.setMaxConcurrentCheckpoints(0), "CheckpointConfig.setMaxConcurrentCheckpoints: Invalid value 0 for 'execution.checkpointing.max-concurrent-checkpoints': expected an integer >= 1"],
    ['max concurrent 1.5', (c) => c.setMaxConcurrentCheckpoints(1.5), "CheckpointConfig.setMaxConcurrentCheckpoints: Invalid value 1.5 for 'execution.checkpointing.max-concurrent-checkpoints': expected an integer >= 1"],
    ['negative tolerable failures', (c) => c.setTolerableCheckpointFailureNumber(-1), "CheckpointConfig.setTolerableCheckpointFailureNumber: Invalid value -1 for 'execution.checkpointing.tolerable-failed-checkpoints': expected an integer >= 0"],
    ['an unknown mode', (c) => c.setCheckpointingConsistencyMode('ONCE' as CheckpointingMode), "CheckpointConfig.setCheckpointingConsistencyMode: Invalid value \"ONCE\" for 'execution.checkpointing.mode': expected one of: EXACTLY_ONCE, AT_LEAST_ONCE"],
    ['an empty checkpoint directory', (c) => c.setCheckpointStorage(' '), 'CheckpointConfig.setCheckpointStorage: the checkpoint directory must be a non-empty path, got " "'],
  ])('rejects %s with an error naming the setter, and sets nothing', (_, call, message) => {
    const env = newEnv();
    expect(() => call(env.getCheckpointConfig())).toThrow(message);
    expect(shipped(env)).toEqual({});
  });

  it('the enums are the options\' values', () => {
    expect(Object.values(CheckpointingMode)).toEqual(CheckpointingOptions.CHECKPOINTING_MODE.possibleValues);
    expect([...Object.values(ExternalizedCheckpointRetention)].sort()).toEqual([...CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION.possibleValues!].sort());
    expect(ExternalizedCheckpointCleanup).toBe(ExternalizedCheckpointRetention);
  });
});

describe('StreamExecutionEnvironment: checkpointing and configure()', () => {
  it('enableCheckpointing(interval, mode?) sets the interval (and the mode); 0 disables checkpointing', () => {
    const env = newEnv().enableCheckpointing(Duration.ofSeconds(10), CheckpointingMode.AT_LEAST_ONCE);
    expect(env.getCheckpointConfig().isCheckpointingEnabled()).toBe(true);
    expect(env.getCheckpointInterval()).toBe(10_000);
    expect(env.getCheckpointingConsistencyMode()).toBe(CheckpointingMode.AT_LEAST_ONCE);
    expect(env.getCheckpointingMode()).toBe(CheckpointingMode.AT_LEAST_ONCE);
    expect(shipped(env)).toEqual({ 'execution.checkpointing.interval': 10_000, 'execution.checkpointing.mode': 'AT_LEAST_ONCE' });

    const disabled = newEnv().enableCheckpointing(0);
    expect(disabled.getCheckpointConfig().isCheckpointingEnabled()).toBe(false);
    expect(shipped(disabled)).toEqual({ 'execution.checkpointing.interval': 0 });
  });

  it('enableCheckpointing rejects a negative or too short interval, naming itself', () => {
    expect(() => newEnv().enableCheckpointing(-1000)).toThrow(
      new InvalidDurationError('StreamExecutionEnvironment.enableCheckpointing: interval', 'must not be negative', '-1000 ms'),
    );
    expect(() => newEnv().enableCheckpointing(9)).toThrow(JobBuildError);
    expect(() => newEnv().enableCheckpointing(9)).toThrow('StreamExecutionEnvironment.enableCheckpointing: the checkpoint interval must be at least 10 ms');
  });

  it('reads the configuration file and -D; what the program sets overrides them and ships with the job', () => {
    const fromCli = Configuration.fromRecord({ 'execution.checkpointing.interval': '1 min', 'execution.checkpointing.timeout': '30 s' });
    setExecutionContext(new LocalTestContext([], undefined, fromCli));
    const env = newEnv();
    expect(env.getCheckpointInterval()).toBe(60_000);
    expect(env.getCheckpointConfig().getCheckpointTimeout()).toBe(30_000);
    env.getCheckpointConfig().disableCheckpointing();
    expect(env.getCheckpointConfig().isCheckpointingEnabled()).toBe(false);
    expect(shipped(env)).toEqual({ 'execution.checkpointing.interval': 0 });
    expect(fromCli.get(CheckpointingOptions.INTERVAL)).toBe(60_000);
  });

  it('configure() ships every entry and changes the environment\'s own settings only where it has them', () => {
    const env = newEnv().setParallelism(3);
    env.configure(
      Configuration.fromRecord({
        'execution.checkpointing.num-retained': '3',
        'state.backend.type': 'lmdb',
        'execution.checkpointing.interval': '2 s',
        'execution.buffer-timeout.interval': '5 ms',
        'pipeline.auto-watermark-interval': '1 s',
      }),
    );
    expect(env.getParallelism()).toBe(3);
    expect(env.getBufferTimeout()).toBe(5);
    expect(env.getConfig().getAutoWatermarkInterval()).toBe(1000);
    expect(env.getCheckpointInterval()).toBe(2000);
    expect(env.configuration.get(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS)).toBe(3);
    env.configure(Configuration.fromRecord({ 'parallelism.default': 5, 'execution.runtime-mode': 'batch' }));
    expect([env.getParallelism(), env.getRuntimeMode()]).toEqual([5, 'BATCH']);
    env.fromElements(1).print();
    const graph = env.getStreamGraph();
    expect(graph.config.parallelism).toBe(5);
    expect(graph.config.jobConfiguration).toEqual({
      'execution.checkpointing.num-retained': '3',
      'state.backend.type': 'lmdb',
      'execution.checkpointing.interval': '2 s',
      'execution.buffer-timeout.interval': '5 ms',
      'pipeline.auto-watermark-interval': '1 s',
      'parallelism.default': 5,
      'execution.runtime-mode': 'batch',
    });
  });

  it('the configuration given to getExecutionEnvironment ships with the job too', () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration().set(CoreOptions.OPERATOR_CHAINING, false));
    env.enableCheckpointing(1000);
    expect(shipped(env)).toEqual({ 'pipeline.operator-chaining.enabled': false, 'execution.checkpointing.interval': 1000 });
  });

  it('the entries reach the context with the graph on execute()', async () => {
    const ctx = new LocalTestContext();
    setExecutionContext(ctx);
    const env = newEnv().enableCheckpointing(500);
    env.getCheckpointConfig().setCheckpointStorage('/tmp/checkpoints');
    env.fromElements(1).print();
    await env.execute();
    expect(ctx.graphs[0].config.jobConfiguration).toEqual({
      'execution.checkpointing.interval': 500,
      'execution.checkpointing.storage': 'filesystem',
      'execution.checkpointing.dir': '/tmp/checkpoints',
    });
  });
});
