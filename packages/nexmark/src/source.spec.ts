import { InputStatus, StreamExecutionEnvironment, WatermarkStrategy } from '@flott/api-datastream';
import { TestingSourceWiring, type RecordedElement } from '@flott/runtime/testing';
import { events, eventTime, nexmarkConfig } from './generator';
import type { GeneratorConfig, NexmarkEvent } from './model';
import { NEXMARK_OUT_OF_ORDERNESS_MS, NEXMARK_SPLIT_BLOCK, NexmarkSource, nexmarkSource, nexmarkSubtaskCount } from './source';

const config = nexmarkConfig({ events: 5_500 });
const expected = [...events(config)];

/** The source's coordinator and `parallelism` started readers, wired as in a job. */
async function wired(source: GeneratorConfig, parallelism: number, block?: number): Promise<TestingSourceWiring<NexmarkEvent>> {
  const w = new TestingSourceWiring(new NexmarkSource(source, block), parallelism);
  w.coordinator.start();
  for (let i = 0; i < parallelism; i++) await w.startReader(i);
  return w;
}

async function runAll(parallelism: number, block?: number): Promise<RecordedElement<NexmarkEvent>[][]> {
  const w = await wired(config, parallelism, block);
  await w.pollAll(333);
  return w.readers.map((r) => r!.output.records);
}

/** The multiset check: every event of the sequential stream exactly once. */
function positions(values: readonly NexmarkEvent[]): number[] {
  const position = new Map(expected.map((e, n) => [JSON.stringify(e), n]));
  return values.map((v) => position.get(JSON.stringify(v)) ?? -1).sort((a, b) => a - b);
}

describe('NexmarkSource', () => {
  it.each([1, 2, 3])('readers of parallelism %i together emit every event exactly once, each stamped with its dateTime', async (p) => {
    // Blocks of 1 000 so that every reader gets several of the 5 500 events' blocks.
    const parts = await runAll(p, 1000);
    parts.forEach((part, i) => expect(part.length).toBe(nexmarkSubtaskCount(config.events, i, p, 1000)));
    const merged = parts.flat();
    expect(merged.filter((r) => r.timestamp !== eventTime(r.value))).toEqual([]);
    expect(positions(merged.map((r) => r.value))).toEqual(expected.map((_, n) => n));
  });

  it('gives reader i the blocks i, i + p, ...: contiguous runs on one event-time line', async () => {
    const [first, second] = await runAll(2, 100);
    expect(first.slice(0, 100).map((r) => r.value)).toEqual(expected.slice(0, 100));
    expect(first.slice(100, 200).map((r) => r.value)).toEqual(expected.slice(200, 300));
    expect(second.slice(0, 100).map((r) => r.value)).toEqual(expected.slice(100, 200));
    // 55 blocks: the last one (54) is reader 0's.
    expect(first.at(-1)?.value).toEqual(expected[5499]);
    expect(second.at(-1)?.value).toEqual(expected[5399]);
    expect(first.every((r, i) => i === 0 || r.timestamp >= first[i - 1].timestamp)).toBe(true);
  });

  it('a checkpoint keeps each split at its next event: restored at another parallelism, every event is generated once', async () => {
    const w = await wired(config, 2, 1000);
    for (const r of w.readers) r!.pollNext(1500);
    const before = w.readers.flatMap((r) => r!.output.values());
    expect(before.length).toBe(3000);
    const cp = await w.checkpoint(1);
    const restored = new TestingSourceWiring(new NexmarkSource(config, 1000), 3);
    await restored.coordinator.resetToCheckpoint(1, cp.coordinator);
    restored.coordinator.start();
    for (let i = 0; i < 3; i++) await restored.startReader(i, cp.readers);
    await restored.pollAll(333);
    const after = restored.readers.flatMap((r) => r!.output.values());
    expect(positions([...before, ...after])).toEqual(expected.map((_, n) => n));
  });

  it('counts each reader share exactly, including a partial last block and empty shares', () => {
    expect([0, 1, 2].map((i) => nexmarkSubtaskCount(55_000, i, 3))).toEqual([20_000, 20_000, 15_000]);
    expect([0, 1, 2].map((i) => nexmarkSubtaskCount(25_000, i, 3))).toEqual([10_000, 10_000, 5_000]);
    expect([0, 1].map((i) => nexmarkSubtaskCount(7_000, i, 2))).toEqual([7_000, 0]);
    expect([0, 1, 2].map((i) => nexmarkSubtaskCount(5_500, i, 3, 1000))).toEqual([2000, 2000, 1500]);
  });

  it('keeps recent ids mostly within one reader: per-reader counts of (2 s slice, auction) barely grow with p', async () => {
    // What a per-subtask pre-aggregation (q5's local phase) sends on: one count per distinct
    // (reader, slice, auction) among the bids each reader emits.
    const source = nexmarkConfig({ events: 200_000 });
    const partials = async (p: number, block: number) => {
      const w = await wired(source, p, block);
      await w.pollAll(10_000);
      const seen = new Set<string>();
      w.readers.forEach((r, i) => {
        for (const e of r!.output.values()) if (e.type === 'bid') seen.add(`${i}/${Math.floor(e.bid.dateTime / 2000)}/${e.bid.auction}`);
      });
      return seen.size;
    };
    const one = await partials(1, NEXMARK_SPLIT_BLOCK);
    expect(one).toBeGreaterThan(10_000);
    expect((await partials(2, NEXMARK_SPLIT_BLOCK)) / one).toBeLessThan(1.1);
    // Blocks of 1 000 events would deal each reader nearly every recent auction.
    expect((await partials(2, 1000)) / one).toBeGreaterThan(1.8);
  });

  it('is bounded with a finite event count, and refuses a block that is not a positive integer', () => {
    expect(new NexmarkSource(nexmarkConfig({ events: 10 })).getBoundedness()).toBe('BOUNDED');
    expect(new NexmarkSource(nexmarkConfig({ events: Infinity })).getBoundedness()).toBe('CONTINUOUS_UNBOUNDED');
    expect(() => new NexmarkSource(nexmarkConfig({ events: 10 }), 0)).toThrow('Nexmark split block must be an integer >= 1, got 0');
  });

  it('a reader with no block ends at once', async () => {
    const w = await wired(nexmarkConfig({ events: 700 }), 2);
    expect(w.readers[1]!.pollNext(10)).toBe(InputStatus.END_OF_INPUT);
    expect(w.readers[1]!.output.values()).toEqual([]);
  });

  it('is endless with events = Infinity, at the same event numbers as a bounded stream', async () => {
    const w = await wired(nexmarkConfig({ events: Infinity }), 2);
    const reader = w.readers[1]!;
    for (let i = 0; i < 12; i++) expect(reader.pollNext(1000)).toBe(InputStatus.MORE_AVAILABLE);
    const got = reader.output.values();
    expect(got.length).toBe(12_000);
    // Reader 1 of 2 owns blocks 1, 3, 5, ... of 10 000 events.
    expect(got.slice(0, 10)).toEqual([...events(config, 10_000, 10_010)]);
    expect(got.slice(10_000, 10_010)).toEqual([...events(config, 30_000, 30_010)]);
  });

  it('limits the rate through the task clock, sharing targetRate among the readers', async () => {
    const w = await wired(nexmarkConfig({ events: 1000, targetRate: 200 }), 2);
    const reader = w.readers[0]!;
    // 100 events/s for this reader: the first at once, then one per 10 ms.
    expect(reader.pollNext(50)).toBe(InputStatus.NOTHING_AVAILABLE);
    expect(reader.output.values().length).toBe(1);
    let woken = false;
    void reader.operator.available().then(() => (woken = true));
    w.clock.advance(9);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(woken).toBe(false);
    w.clock.advance(1);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(woken).toBe(true);
    w.clock.advance(490);
    expect(reader.pollNext(1000)).toBe(InputStatus.NOTHING_AVAILABLE);
    expect(reader.output.values()).toEqual(expected.slice(0, 51));
  });
});

describe('nexmarkSource', () => {
  it('reads a NexmarkSource whose watermark trails the largest dateTime by 4 s (Flink: − 4000 − 1 ms), generated at the readers', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    nexmarkSource(env, config).print();
    const nodes = [...env.getStreamGraph().nodes.values()];
    expect(nodes.map((n) => [n.name, n.kind])).toEqual([['Source: Nexmark', 'Source'], ['Sink: Print to Std. Out', 'PrintSink']]);
    expect(nodes[0].unifiedSource).toBeInstanceOf(NexmarkSource);

    const strategy = WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(NEXMARK_OUT_OF_ORDERNESS_MS).withTimestampAssigner((_e, stamp) => stamp);
    const w = new TestingSourceWiring(new NexmarkSource(config), 1, { strategy, autoWatermarkIntervalMs: 1000 });
    w.coordinator.start();
    const reader = await w.startReader(0);
    reader.pollNext(2500);
    w.clock.advance(1000);
    expect(reader.output.watermarks.at(-1)).toBe(eventTime(expected[2499]) - 4000 - 1);
    expect(reader.output.records.map((r) => r.timestamp)).toEqual(expected.slice(0, 2500).map(eventTime));
  });
});
