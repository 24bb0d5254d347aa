import * as api from './index';

// The one package a job imports: every name it exports must resolve to something (a re-export of a name
// its source no longer has compiles to undefined under isolated transpilation), and the names job
// authors reach for first must be there.
describe('@flott/api-datastream exports', () => {
  it('exports no undefined name', () => {
    const undefinedNames = Object.entries(api).filter(([, value]) => value === undefined).map(([name]) => name);
    expect(undefinedNames).toEqual([]);
    expect(Object.keys(api).length).toBeGreaterThan(100);
  });

  it('has the entry points of a streaming job with checkpoints, unified sources and exactly-once sinks', () => {
    for (const name of ['StreamExecutionEnvironment', 'WatermarkStrategy', 'KeyedProcessFunction', 'TumblingEventTimeWindows',
      'NumberSequenceSource', 'DataGeneratorSource', 'RateLimiterStrategy', 'ValueStateDescriptor']) {
      expect(typeof (api as Record<string, unknown>)[name]).toBe('function');
    }
    expect(Object.values(api.CheckpointingMode)).toEqual(expect.arrayContaining(['EXACTLY_ONCE', 'AT_LEAST_ONCE']));
  });
});
