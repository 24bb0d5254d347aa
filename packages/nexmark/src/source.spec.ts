import { StreamExecutionEnvironment } from '@flott/api-datastream';
import { ManualClock } from '@flott/runtime';
import { InputStatus, type OneInputStreamOperator } from '@flott/runtime/internal';
import { OneInputOperatorTestHarness, SourceOperatorTestHarness, type RecordedElement } from '@flott/runtime/testing';
import { events, eventTime, nexmarkConfig } from './generator';
import type { NexmarkEvent } from './model';
import { NEXMARK_SPLIT_BLOCK, NexmarkSourceOperator, nexmarkSource, nexmarkSubtaskCount } from './source';

const config = nexmarkConfig({ events: 5_500 });
const expected = [...events(config)];

async function runSubtask(index: number, parallelism: number, block?: number): Promise<RecordedElement<NexmarkEvent>[]> {
  const h = new SourceOperatorTestHarness(new NexmarkSourceOperator(config, block), { subtaskIndex: index, parallelism });
  await h.run(333);
  return h.output.records;
}

describe('NexmarkSourceOperator', () => {
  it.each([1, 2, 3])('subtasks of parallelism %i together emit every event exactly once, each stamped with its dateTime', async (p) => {
    // Blocks of 1 000 so that every subtask gets several of the 5 500 events' blocks.
    const parts = await Promise.all(Array.from({ length: p }, (_, i) => runSubtask(i, p, 1000)));
    parts.forEach((part, i) => expect(part.length).toBe(nexmarkSubtaskCount(config.events, i, p, 1000)));
    const merged = parts.flat();
    expect(merged.filter((r) => r.timestamp !== eventTime(r.value))).toEqual([]);
    // Same multiset as the sequential stream: sort by (dateTime, position in the expected stream).
    const position = new Map(expected.map((e, n) => [JSON.stringify(e), n]));
    const order = merged.map((r) => position.get(JSON.stringify(r.value)) ?? -1).sort((a, b) => a - b);
    expect(order).toEqual(expected.map((_, n) => n));
  });

  it('gives subtask i the blocks i, i + p, ...: contiguous runs on one event-time line', async () => {
    const [first, second] = await Promise.all([runSubtask(0, 2, 100), runSubtask(1, 2, 100)]);
    expect(first.slice(0, 100).map((r) => r.value)).toEqual(expected.slice(0, 100));
    expect(first.slice(100, 200).map((r) => r.value)).toEqual(expected.slice(200, 300));
    expect(second.slice(0, 100).map((r) => r.value)).toEqual(expected.slice(100, 200));
    // 55 blocks: the last one (54) is subtask 0's.
    expect(first.at(-1)?.value).toEqual(expected[5499]);
    expect(second.at(-1)?.value).toEqual(expected[5399]);
    // Timestamps never decrease within a subtask.
    expect(first.every((r, i) => i === 0 || r.timestamp >= first[i - 1].timestamp)).toBe(true);
  });

  it('counts each subtask share exactly, including a partial last block and empty shares', () => {
    expect([0, 1, 2].map((i) => nexmarkSubtaskCount(55_000, i, 3))).toEqual([20_000, 20_000, 15_000]);
    expect([0, 1, 2].map((i) => nexmarkSubtaskCount(25_000, i, 3))).toEqual([10_000, 10_000, 5_000]);
    expect([0, 1].map((i) => nexmarkSubtaskCount(7_000, i, 2))).toEqual([7_000, 0]);
    expect([0, 1, 2].map((i) => nexmarkSubtaskCount(5_500, i, 3, 1000))).toEqual([2000, 2000, 1500]);
  });

  it('keeps recent ids mostly within one subtask: per-subtask counts of (2 s slice, auction) barely grow with p', async () => {
    // What a per-subtask pre-aggregation (q5's local phase) sends on: one count per distinct
    // (subtask, slice, auction) among the bids each subtask of the source emits.
    const source = nexmarkConfig({ events: 200_000 });
    const partials = async (p: number, block: number) => {
      const seen = new Set<string>();
      for (let i = 0; i < p; i++) {
        const h = new SourceOperatorTestHarness(new NexmarkSourceOperator(source, block), { subtaskIndex: i, parallelism: p });
        await h.run(10_000);
        for (const e of h.output.values()) if (e.type === 'bid') seen.add(`${i}/${Math.floor(e.bid.dateTime / 2000)}/${e.bid.auction}`);
      }
      return seen.size;
    };
    const one = await partials(1, NEXMARK_SPLIT_BLOCK);
    expect(one).toBeGreaterThan(10_000);
    expect((await partials(2, NEXMARK_SPLIT_BLOCK)) / one).toBeLessThan(1.1);
    // Blocks of 1 000 events would deal each subtask nearly every recent auction.
    expect((await partials(2, 1000)) / one).toBeGreaterThan(1.8);
  });

  it('a subtask with no block ends at once', async () => {
    const h = new SourceOperatorTestHarness(new NexmarkSourceOperator(nexmarkConfig({ events: 700 })), { subtaskIndex: 1, parallelism: 2 });
    await h.open();
    expect(h.pollNext(10)).toBe(InputStatus.END_OF_INPUT);
    expect(h.output.values()).toEqual([]);
  });

  it('is endless with events = Infinity, at the same event numbers as a bounded stream', async () => {
    const h = new SourceOperatorTestHarness(new NexmarkSourceOperator(nexmarkConfig({ events: Infinity })), { subtaskIndex: 1, parallelism: 2 });
    await h.open();
    for (let i = 0; i < 12; i++) expect(h.pollNext(1000)).toBe(InputStatus.MORE_AVAILABLE);
    const got = h.output.values();
    expect(got.length).toBe(12_000);
    // Subtask 1 of 2 owns blocks 1, 3, 5, ... of 10 000 events.
    expect(got.slice(0, 10)).toEqual([...events(config, 10_000, 10_010)]);
    expect(got.slice(10_000, 10_010)).toEqual([...events(config, 30_000, 30_010)]);
  });

  it('limits the rate through the injected clock, sharing targetRate among the subtasks', async () => {
    const clock = new ManualClock(0);
    const h = new SourceOperatorTestHarness(new NexmarkSourceOperator(nexmarkConfig({ events: 1000, targetRate: 200 })), {
      clock, subtaskIndex: 0, parallelism: 2,
    });
    await h.open();
    // 100 events/s for this subtask: the first at once, then one per 10 ms.
    expect(h.pollNext(50)).toBe(InputStatus.NOTHING_AVAILABLE);
    expect(h.output.values().length).toBe(1);
    let woken = false;
    void h.operator.available().then(() => (woken = true));
    clock.advance(9);
    await Promise.resolve();
    expect(woken).toBe(false);
    clock.advance(1);
    await Promise.resolve();
    expect(woken).toBe(true);
    clock.advance(490);
    expect(h.pollNext(1000)).toBe(InputStatus.NOTHING_AVAILABLE);
    expect(h.output.values()).toEqual(expected.slice(0, 51));
  });
});

describe('nexmarkSource', () => {
  it('chains a timestamp/watermark operator whose watermark trails the largest dateTime by 4 s (Flink: − 4000 − 1 ms)', async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment();
    nexmarkSource(env, config).print();
    const nodes = [...env.getStreamGraph().nodes.values()];
    expect(nodes.map((n) => n.kind)).toEqual(['NexmarkSource', 'TimestampsAndWatermarks', 'PrintSink']);
    expect(nodes[1].chainingStrategy).toBe('ALWAYS');
    const operator = nodes[1].operatorFactory() as OneInputStreamOperator<NexmarkEvent, NexmarkEvent>;
    const h = new OneInputOperatorTestHarness(operator);
    await h.open();
    const source = await runSubtask(0, 1);
    for (const r of source.slice(0, 2500)) h.processElement(r.value, r.timestamp);
    h.advanceProcessingTime(1000);
    const maxTime = eventTime(expected[2499]);
    expect(h.output.watermarks.at(-1)).toBe(maxTime - 4000 - 1);
    expect(h.output.records.map((r) => r.timestamp)).toEqual(expected.slice(0, 2500).map(eventTime));
  });
});
