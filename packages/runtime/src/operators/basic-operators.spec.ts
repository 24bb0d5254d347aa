import { RichFlatMapFunction, RichMapFunction, type Collector, type SinkContext, NO_TIMESTAMP } from '@flott/core';
import { StreamFilter, StreamFlatMap, StreamMap, StreamSink } from './basic-operators';
import { OneInputOperatorTestHarness } from './testing';

describe('StreamMap', () => {
  it('maps every record and keeps its timestamp', async () => {
    const h = new OneInputOperatorTestHarness(new StreamMap((x: number) => `v${x * 2}`));
    await h.open();
    h.processElement(1, 10);
    h.processElement(2);
    expect(h.output.records).toEqual([
      { value: 'v2', timestamp: 10 },
      { value: 'v4', timestamp: NO_TIMESTAMP },
    ]);
  });

  it('accepts an object implementing MapFunction and calls it as a method', async () => {
    const mapper = { factor: 3, map(v: number) { return v * this.factor; } };
    expect(await new OneInputOperatorTestHarness(new StreamMap(mapper)).run([1, 2])).toEqual([3, 6]);
  });

  it('forwards watermarks', async () => {
    const h = new OneInputOperatorTestHarness(new StreamMap((x: number) => x));
    await h.open();
    h.processWatermark(5);
    h.processWatermark(9);
    expect(h.output.watermarks).toEqual([5, 9]);
  });

  it('gives a rich function the runtime context, opens it before and closes it after the records', async () => {
    const calls: string[] = [];
    class Tagger extends RichMapFunction<string, string> {
      private prefix = '';
      override open(): void {
        const ctx = this.getRuntimeContext();
        this.prefix = `${ctx.getIndexOfThisSubtask()}/${ctx.getNumberOfParallelSubtasks()}`;
        calls.push('open');
      }
      map(v: string): string {
        calls.push(`map ${v}`);
        return `${this.prefix}:${v}`;
      }
      override close(): void {
        calls.push('close');
      }
    }
    const h = new OneInputOperatorTestHarness(new StreamMap(new Tagger()), { subtaskIndex: 2, parallelism: 4 });
    expect(await h.run(['a', 'b'])).toEqual(['2/4:a', '2/4:b']);
    expect(calls).toEqual(['open', 'map a', 'map b', 'close']);
  });

  it('waits for an asynchronous rich open', async () => {
    let opened = false;
    class SlowOpen extends RichMapFunction<number, number> {
      override async open(): Promise<void> {
        await new Promise((r) => setImmediate(r));
        opened = true;
      }
      map(v: number): number {
        return v;
      }
    }
    const h = new OneInputOperatorTestHarness(new StreamMap(new SlowOpen()));
    await h.open();
    expect(opened).toBe(true);
  });
});

describe('StreamFlatMap', () => {
  it('emits zero or more records per input, each with the input timestamp', async () => {
    const h = new OneInputOperatorTestHarness(
      new StreamFlatMap((line: string, out: Collector<string>) => {
        for (const w of line.split(' ')) if (w) out.collect(w);
      }),
    );
    await h.open();
    h.processElement('a b', 1);
    h.processElement('', 2);
    h.processElement('c', 3);
    expect(h.output.records).toEqual([
      { value: 'a', timestamp: 1 },
      { value: 'b', timestamp: 1 },
      { value: 'c', timestamp: 3 },
    ]);
  });

  it('accepts a RichFlatMapFunction', async () => {
    class Repeat extends RichFlatMapFunction<number, number> {
      flatMap(v: number, out: Collector<number>): void {
        for (let i = 0; i < v; i++) out.collect(v);
      }
    }
    expect(await new OneInputOperatorTestHarness(new StreamFlatMap(new Repeat())).run([1, 0, 3])).toEqual([1, 3, 3, 3]);
  });
});

describe('StreamFilter', () => {
  it('keeps the records the predicate accepts, with their timestamps', async () => {
    const h = new OneInputOperatorTestHarness(new StreamFilter({ filter: (x: number) => x % 2 === 0 }));
    await h.open();
    [1, 2, 3, 4].forEach((x) => h.processElement(x, x * 100));
    expect(h.output.records).toEqual([
      { value: 2, timestamp: 200 },
      { value: 4, timestamp: 400 },
    ]);
  });
});

describe('StreamSink', () => {
  it('invokes the sink function with the record timestamp and current watermark', async () => {
    const seen: Array<[string, number | undefined, number]> = [];
    const h = new OneInputOperatorTestHarness(
      new StreamSink((v: string, ctx: SinkContext) => seen.push([v, ctx.timestamp(), ctx.currentWatermark()])),
    );
    await h.open();
    h.processElement('a');
    h.processWatermark(7);
    h.processElement('b', 8);
    expect(seen).toEqual([
      ['a', undefined, Number.MIN_SAFE_INTEGER],
      ['b', 8, 7],
    ]);
    expect(h.output.records).toEqual([]);
  });
});
