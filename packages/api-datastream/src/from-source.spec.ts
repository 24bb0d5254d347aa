import { DataGeneratorSource, NumberSequenceSource, TumblingEventTimeWindows, type Source, type SourceSplit } from '@flott/core';
import { setExecutionContext } from '@flott/runtime/internal';
import { StreamExecutionEnvironment } from './stream-execution-environment';
import { LocalTestContext } from './testing-fixtures/local-test-context';
import { WatermarkStrategy } from './watermark-strategy';

beforeEach(() => setExecutionContext(new LocalTestContext()));
afterEach(() => setExecutionContext(undefined));

const env = (parallelism = 1) => StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(parallelism);

describe('env.fromSource (in-process test context)', () => {
  it('reads a NumberSequenceSource at parallelism 3: every number once', async () => {
    const out = await env(3).fromSource(new NumberSequenceSource(-5, 20), WatermarkStrategy.noWatermarks<number>(), 'numbers').executeAndCollect();
    expect(out.sort((a, b) => a - b)).toEqual(Array.from({ length: 26 }, (_, i) => i - 5));
  });

  it('assigns timestamps and generates watermarks at the readers: event-time windows over generated records', async () => {
    const strategy = WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((v) => v);
    const sums = await env(2)
      .fromSource(new DataGeneratorSource((i) => i, 30), strategy, 'generated')
      .windowAll(TumblingEventTimeWindows.of(10))
      .reduce((a, b) => a + b)
      .executeAndCollect();
    expect(sums.sort((a, b) => a - b)).toEqual([45, 145, 245]);
  });

  it('the built-in methods read unified sources: fromData (elements, an array, an iterable), fromSequence, fromGenerator', async () => {
    expect(await env(2).fromData(3, 1, 2).executeAndCollect()).toEqual([3, 1, 2]);
    expect(await env(2).fromData([[1], [2]]).executeAndCollect()).toEqual([[1], [2]]);
    expect(await env(2).fromData(new Set(['x', 'y'])).executeAndCollect()).toEqual(['x', 'y']);
    expect(await env(2).fromData('ab').executeAndCollect()).toEqual(['ab']);
    const seq = await env(3).fromSequence(1, 1000).executeAndCollect();
    expect(seq.sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    const gen = await env(2).fromGenerator(700, (i) => `g${i}`).executeAndCollect();
    expect(gen.sort()).toEqual(Array.from({ length: 700 }, (_, i) => `g${i}`).sort());
    const graph = env(2);
    graph.fromData(1).print();
    graph.fromGenerator(Infinity, (i) => i, { recordsPerSecond: 10 }).print();
    const nodes = [...graph.getStreamGraph().nodes.values()].filter((n) => n.isSource);
    expect(nodes.map((n) => [n.kind, n.parallelism, n.unifiedSource?.getBoundedness()])).toEqual([
      ['FromElementsSource', 1, 'BOUNDED'],
      ['DataGeneratorSource', -1, 'CONTINUOUS_UNBOUNDED'],
    ]);
  });

  it('names the source operator and rejects what is not a unified source', () => {
    const e = env();
    const stream = e.fromSource(new NumberSequenceSource(1, 2), WatermarkStrategy.noWatermarks<number>(), 'numbers');
    expect(stream.getName()).toBe('numbers');
    expect(() => e.fromSource({} as Source<number, SourceSplit, unknown>, WatermarkStrategy.noWatermarks<number>(), 'x')).toThrow(
      'fromSource(): the source must implement the unified Source API',
    );
  });
});
