import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputTag, RichMapFunction, type Collector } from '@flott/core';
import { setExecutionContext } from '@flott/runtime/internal';
import { StreamExecutionEnvironment } from './stream-execution-environment';
import { LocalTestContext } from './testing-fixtures/local-test-context';

let ctx: LocalTestContext;
beforeEach(() => {
  ctx = new LocalTestContext();
  setExecutionContext(ctx);
});
afterEach(() => setExecutionContext(undefined));

const env = (parallelism = 1) => StreamExecutionEnvironment.getExecutionEnvironment().setParallelism(parallelism);
const byNumber = (a: number, b: number) => a - b;

describe('pipelines run end to end (in-process test context)', () => {
  it('word count at parallelism 2 emits a rolling count per word', async () => {
    const counts = await env(2)
      .fromElements('to be or', 'not to be')
      .flatMap<string>((line, out: Collector<string>) => line.split(' ').forEach((w) => out.collect(w)))
      .map((word) => ({ word, count: 1 }))
      .keyBy((wc) => wc.word)
      .sum('count')
      .executeAndCollect();
    const finalCounts = new Map<string, number>();
    for (const c of counts) finalCounts.set(c.word, Math.max(finalCounts.get(c.word) ?? 0, c.count));
    expect(counts.length).toBe(6);
    expect([...finalCounts].sort()).toEqual([
      ['be', 2],
      ['not', 1],
      ['or', 1],
      ['to', 2],
    ]);
  });

  it('fromSequence at parallelism 3 emits every number once', async () => {
    expect((await env(3).fromSequence(-5, 20).executeAndCollect()).sort(byNumber)).toEqual(Array.from({ length: 26 }, (_, i) => i - 5));
  });

  it('fromGenerator splits its indexes over the subtasks', async () => {
    const out = await env(2).fromGenerator(5, (i) => `e${i}`).executeAndCollect();
    expect(out.sort()).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
  });

  it('executeAndCollect(limit) returns at most limit records and cancels an unbounded source', async () => {
    const out = await env(1).fromGenerator(Infinity, (i) => i).executeAndCollect(250);
    expect(out).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(ctx.options[0].collectLimit).toBe(250);
  });

  it('process with side outputs and union', async () => {
    const small = new OutputTag<number>('small');
    const e = env(1);
    const main = e.fromElements(1, 20, 3, 40).process<string>((v, c, out) => (v < 10 ? c.output(small, v) : out.collect(`big ${v}`)));
    const out = await main.getSideOutput(small).map((v) => `small ${v}`).union(main).executeAndCollect();
    expect(out.sort()).toEqual(['big 20', 'big 40', 'small 1', 'small 3']);
  });

  it('keyed reduce, min, minBy and maxBy', async () => {
    const data = [
      { k: 'a', v: 3, tag: 'first' },
      { k: 'a', v: 1, tag: 'second' },
      { k: 'a', v: 1, tag: 'third' },
      { k: 'a', v: 5, tag: 'fourth' },
    ];
    const e = env(1);
    const reduced = e.fromCollection(data).keyBy((d) => d.k).reduce((x, y) => ({ ...x, v: x.v + y.v }));
    expect((await reduced.executeAndCollect()).map((d) => d.v)).toEqual([3, 4, 5, 10]);
    expect(await env(1).fromCollection(data).keyBy((d) => d.k).min('v').executeAndCollect()).toEqual([
      { k: 'a', v: 3, tag: 'first' },
      { k: 'a', v: 1, tag: 'first' },
      { k: 'a', v: 1, tag: 'first' },
      { k: 'a', v: 1, tag: 'first' },
    ]);
    expect((await env(1).fromCollection(data).keyBy((d) => d.k).minBy('v').executeAndCollect()).map((d) => d.tag)).toEqual([
      'first', 'second', 'second', 'second',
    ]);
    expect((await env(1).fromCollection(data).keyBy((d) => d.k).maxBy((d) => d.v).executeAndCollect()).map((d) => d.tag)).toEqual([
      'first', 'first', 'first', 'fourth',
    ]);
  });

  it('a key selector that gives undefined fails the job, as on a cluster', async () => {
    const run = env(2)
      .fromElements({ k: 'a' }, {} as { k: string }, { k: 'b' })
      .keyBy((r) => r.k)
      .reduce((a) => a)
      .executeAndCollect();
    await expect(run).rejects.toThrow(/keys must not be null or undefined/);
  });

  it('print writes Flink-formatted lines through the task stdout', async () => {
    const e = env(2);
    e.fromElements('x').print('tag');
    e.fromElements('y').print().setParallelism(1);
    await e.execute();
    expect(ctx.stdout.sort()).toEqual(['tag:1> x', 'y']);
  });

  it('rich functions get their subtask context', async () => {
    class Where extends RichMapFunction<number, string> {
      map(v: number): string {
        const c = this.getRuntimeContext();
        return `${v}@${c.getIndexOfThisSubtask()}/${c.getNumberOfParallelSubtasks()}`;
      }
    }
    expect(await env(1).fromElements(7).map(new Where()).executeAndCollect()).toEqual(['7@0/1']);
  });

  it('addSink receives every record', async () => {
    const seen: number[] = [];
    const e = env(1);
    e.fromSequence(1, 4).filter((x) => x % 2 === 0).addSink((v) => seen.push(v));
    await e.execute();
    expect(seen).toEqual([2, 4]);
  });

  describe('files', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'flott-api-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('readTextFile at parallelism 3 reads every line once; writeAsText at parallelism 2 writes files 1 and 2', async () => {
      const input = join(dir, 'in.txt');
      const lines = Array.from({ length: 50 }, (_, i) => `line ${i}`);
      writeFileSync(input, lines.join('\r\n'));
      const out = join(dir, 'out');
      const e = env(3);
      e.readTextFile(input).map((l) => l.toUpperCase()).writeAsText(out).setParallelism(2);
      await e.execute();
      expect(readdirSync(out).sort()).toEqual(['1', '2']);
      const written = ['1', '2'].flatMap((f) => readFileSync(join(out, f), 'utf8').split('\n').filter((l) => l !== ''));
      expect(written.sort()).toEqual(lines.map((l) => l.toUpperCase()).sort());
    });
  });
});
