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

  it('names the source operator and rejects what is not a unified source', () => {
    const e = env();
    const stream = e.fromSource(new NumberSequenceSource(1, 2), WatermarkStrategy.noWatermarks<number>(), 'numbers');
    expect(stream.getName()).toBe('numbers');
    expect(() => e.fromSource({} as Source<number, SourceSplit, unknown>, WatermarkStrategy.noWatermarks<number>(), 'x')).toThrow(
      'fromSource(): the source must implement the unified Source API',
    );
  });
});
