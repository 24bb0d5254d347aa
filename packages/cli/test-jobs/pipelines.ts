/**
 * End-to-end fixture: one job file, many pipelines (`--case NAME`), each collecting its result
 * with executeAndCollect() and printing it as one JSON line, so tests assert exact output.
 */
import {
  IntCounter,
  OutputTag,
  ParameterTool,
  ProcessFunction,
  RichMapFunction,
  StreamExecutionEnvironment,
  binaryCodecSerializer,
  type BinaryCodec,
  type Collector,
  type ProcessContext,
} from '@flott/api-datastream';
import { isMainThread } from 'node:worker_threads';
import { runCase } from './run-case';

type Env = StreamExecutionEnvironment;

class SubtaskTagger extends RichMapFunction<number, [number, number, number]> {
  map(value: number): [number, number, number] {
    const ctx = this.getRuntimeContext();
    return [value, ctx.getIndexOfThisSubtask(), ctx.getNumberOfParallelSubtasks()];
  }
}

const odd = new OutputTag<number>('odd');

class EvenOddSplitter extends ProcessFunction<number, string> {
  processElement(value: number, ctx: ProcessContext, out: Collector<string>): void {
    if (value % 2 === 0) out.collect(`even:${value}`);
    else ctx.output(odd, value);
  }
}

class CountingMap extends RichMapFunction<number, number> {
  private readonly sum = new IntCounter();
  override open(): void {
    this.getRuntimeContext().addAccumulator('seen', this.sum);
  }
  map(v: number): number {
    this.sum.add(1);
    return v;
  }
}

/** A codec that marks what it decoded (+0.5), so results show which records crossed between tasks with it. */
const marking: BinaryCodec<number> = {
  maxEncodedLength: () => 8,
  write: (v, t, o) => t.writeDoubleLE(v, o),
  read: (s, o) => s.readDoubleLE(o) + 0.5,
};

const small = new OutputTag<number>('small');

class SmallToSide extends ProcessFunction<number, number> {
  processElement(value: number, ctx: ProcessContext, out: Collector<number>): void {
    if (value <= 2) ctx.output(small, value);
    else out.collect(value);
  }
}

const cases: Record<string, (env: Env, n: number) => Promise<unknown>> = {
  chain: (env, n) =>
    env
      .fromSequence(1, n)
      .map((x) => x * 3)
      .filter((x) => x % 2 === 0)
      .executeAndCollect(),
  rebalance: (env, n) =>
    env
      .fromSequence(1, n)
      .map((x) => x + 1)
      .rebalance()
      .filter((x) => x % 5 !== 0)
      .executeAndCollect(),
  'keyed-batch': (env, n) => {
    env.setRuntimeMode('BATCH');
    return env
      .fromSequence(0, n - 1)
      .map((i) => ({ key: `k${i % 7}`, value: i }))
      .keyBy((r) => r.key)
      .reduce((a, b) => ({ key: a.key, value: a.value + b.value }))
      .executeAndCollect();
  },
  'keyed-rolling': (env, n) =>
    env
      .fromSequence(0, n - 1)
      .map((i) => [`k${i % 5}`, 1] as [string, number])
      .keyBy(([k]) => k)
      .sum(1)
      .executeAndCollect(),
  'side-output': async (env, n) => {
    const split = env.fromSequence(1, n).process(new EvenOddSplitter());
    const odds = split.getSideOutput(odd).map((v) => `odd:${v}`);
    return split.union(odds).executeAndCollect();
  },
  // The main output crosses with the serializer set by returns(); chained records and side outputs do not use it.
  serializer: async (env, n) => {
    const split = env.fromSequence(1, n).process(new SmallToSide()).returns(binaryCodecSerializer(marking));
    const crossed = split.rebalance().map((v) => v * 10);
    const chained = split.map((v) => v * 100);
    const side = split.getSideOutput(small).rebalance().map((v) => v * 1000);
    return crossed.union(chained, side).executeAndCollect();
  },
  // One object, emitted to two consumers (two tasks in the producer's slot thread, at p=1): each
  // returns the value it saw and then changes its input. Without object reuse each has a copy of its
  // own, so both see every original; with it (the job's `--reuse`, or -D pipeline.object-reuse=true)
  // they share the object, and of the two the second sees the first's change.
  'object-reuse': (env, n) => {
    if (reuseObjects) env.getConfig().enableObjectReuse();
    const records = env.fromSequence(1, n).map((id) => ({ id, v: `orig-${id}` }));
    const touch = (name: string) => (r: { id: number; v: string }): string => {
      const seen = r.v;
      r.v = `changed-by-${name}`;
      return seen;
    };
    const a = records.keyBy((r) => r.id).map(touch('a'));
    const b = records.keyBy((r) => r.id).map(touch('b'));
    return a.union(b).executeAndCollect();
  },
  broadcast: (env) => env.fromElements(1, 2, 3).broadcast().map(new SubtaskTagger()).executeAndCollect(),
  global: (env, n) => env.fromSequence(1, n).global().map(new SubtaskTagger()).setParallelism(2).executeAndCollect(),
  shuffle: (env, n) => env.fromSequence(1, n).shuffle().map(new SubtaskTagger()).executeAndCollect(),
  rescale: (env, n) => env.fromSequence(1, n).setParallelism(2).rescale().map(new SubtaskTagger()).setParallelism(4).executeAndCollect(),
  accumulators: async (env, n) => {
    env.fromSequence(1, n).map(new CountingMap()).addSink(() => undefined);
    const result = await env.execute('accumulators');
    return result.accumulators;
  },
  limit: (env) => env.fromGenerator(Number.POSITIVE_INFINITY, (i) => i).executeAndCollect(5),
  throws: (env, n) =>
    env
      .fromSequence(1, n)
      .map((x) => {
        if (x === 42) throw new Error(`boom at ${x}`);
        return x;
      })
      .executeAndCollect(),
  'undefined-key': (env, n) =>
    env
      .fromSequence(1, n)
      .keyBy((x) => (x === 42 ? undefined : x % 7))
      .reduce((a, b) => a + b)
      .executeAndCollect(),
  // The client (main thread) builds one more operator than the slot threads do.
  nondeterministic: (env, n) => {
    const base = env.fromSequence(1, n);
    const maybeMapped = isMainThread ? base.map((x) => x + 1).name('only-in-the-client') : base;
    return maybeMapped.filter((x) => x > 0).executeAndCollect();
  },
  // Holds on to memory until the slot thread's heap limit ends it.
  'out-of-memory': (env) => {
    const hog: number[][] = [];
    return env
      .fromSequence(1, 1_000_000_000)
      .map((x) => {
        hog.push(new Array<number>(100_000).fill(x));
        return x;
      })
      .executeAndCollect();
  },
  'build-throws': () => {
    throw new Error('the pipeline cannot be built');
  },
};

/** The `object-reuse` case's `--reuse` (main runs in every slot thread too, with the same arguments). */
let reuseObjects = false;

export default function main(args: readonly string[]): Promise<void> {
  reuseObjects = args.includes('--reuse');
  return runCase(cases, args);
}
