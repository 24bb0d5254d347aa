/**
 * End to end through the real `flott` binary: bundle → plan → MiniCluster → slot threads →
 * results, at parallelism 1 and 2 with 4 slots. Expected results are computed here independently.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lastJsonLine, runFlott } from './run-cli';

const PIPELINES = 'packages/cli/test-jobs/pipelines.ts';
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const numeric = (a: number, b: number) => a - b;

function runCase(name: string, parallelism: number, n = 1000, extra: string[] = []) {
  return runFlott(['run', '-q', '-p', String(parallelism), '-D', 'taskmanager.numberOfTaskSlots=4', ...extra, PIPELINES, '--case', name, '--n', String(n)]);
}

describe.each([1, 2])('pipelines at parallelism %i (4 slots)', (p) => {
  it('chains map and filter', async () => {
    const r = await runCase('chain', p);
    expect(r.code).toBe(0);
    const expected = range(1, 1000).map((x) => x * 3).filter((x) => x % 2 === 0);
    expect(lastJsonLine<number[]>(r).sort(numeric)).toEqual(expected);
  });

  it('rebalances between threads', async () => {
    const r = await runCase('rebalance', p, 5000);
    expect(r.code).toBe(0);
    const expected = range(1, 5000).map((x) => x + 1).filter((x) => x % 5 !== 0);
    expect(lastJsonLine<number[]>(r).sort(numeric)).toEqual(expected);
  });

  it('reduces per key in BATCH mode: one final value per key', async () => {
    const r = await runCase('keyed-batch', p, 1000);
    expect(r.code).toBe(0);
    const sums = new Map<string, number>();
    for (let i = 0; i < 1000; i++) sums.set(`k${i % 7}`, (sums.get(`k${i % 7}`) ?? 0) + i);
    const got = lastJsonLine<Array<{ key: string; value: number }>>(r).sort((a, b) => a.key.localeCompare(b.key));
    expect(got).toEqual([...sums].sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => ({ key, value })));
  });

  it('emits every rolling sum per key in STREAMING mode', async () => {
    const r = await runCase('keyed-rolling', p, 500);
    expect(r.code).toBe(0);
    const got = lastJsonLine<Array<[string, number]>>(r);
    // Per key k the rolling sums are exactly 1..count(k), whatever the interleaving of keys.
    const expected: Array<[string, number]> = [];
    for (let k = 0; k < 5; k++) for (let c = 1; c <= 100; c++) expected.push([`k${k}`, c]);
    const order = (a: [string, number], b: [string, number]) => a[0].localeCompare(b[0]) || a[1] - b[1];
    expect(got.sort(order)).toEqual(expected.sort(order));
  });

  it('routes side outputs and unions them back', async () => {
    const r = await runCase('side-output', p, 200);
    expect(r.code).toBe(0);
    const expected = range(1, 200).map((v) => (v % 2 === 0 ? `even:${v}` : `odd:${v}`));
    expect(lastJsonLine<string[]>(r).sort()).toEqual(expected.sort());
  });

  it('serialises records leaving a task with the serializer set by returns(), not chained records or side outputs', async () => {
    const r = await runCase('serializer', p, 100);
    expect(r.code).toBe(0);
    const expected = [
      ...range(3, 100).map((v) => (v + 0.5) * 10),
      ...range(3, 100).map((v) => v * 100),
      ...[1, 2].map((v) => v * 1000),
    ];
    expect(lastJsonLine<number[]>(r).sort(numeric)).toEqual(expected.sort(numeric));
  });

  it('gives each consumer records of its own: a function that changes its input does not change what another subtask sees', async () => {
    const r = await runCase('object-reuse', p, 20_000);
    expect(r.code).toBe(0);
    const expected = range(1, 20_000).flatMap((id) => [`orig-${id}`, `orig-${id}`]);
    expect(lastJsonLine<string[]>(r).sort()).toEqual(expected.sort());
  });

  it('sums accumulators over subtasks', async () => {
    const r = await runCase('accumulators', p, 777);
    expect(r.code).toBe(0);
    expect(lastJsonLine<Record<string, number>>(r)).toEqual({ seen: 777 });
  });
});

describe('object reuse (pipeline.object-reuse) between subtasks of one slot thread', () => {
  // At p=1 both consumers run in the producer's thread: with object reuse they share each record
  // handed over, so for such an id exactly one of the two sees the original and the other the first
  // one's change. Records written before both consumers connected went as bytes (the producer did not
  // know where they were yet): with one-KiB buffers and one queued per channel, the producer is
  // back-pressured after ~2 KiB plus one source poll (256 records), so most of the 20 000 are shared.
  const n = 20_000;
  const smallQueues = ['-D', 'taskmanager.memory.segment-size=1kb', '-D', 'taskmanager.network.memory.max-buffers-per-channel=1'];
  const shared = (got: string[]) => {
    const byId = new Map<number, string[]>();
    for (const v of got) {
      const id = v.startsWith('orig-') ? Number(v.slice(5)) : undefined;
      if (id !== undefined) byId.set(id, [...(byId.get(id) ?? []), v]);
    }
    const changed = got.filter((v) => v.startsWith('changed-by-')).length;
    expect(got).toHaveLength(2 * n);
    expect(byId.size).toBe(n); // every id's original seen at least once
    expect(changed).toBe(2 * n - [...byId.values()].reduce((s, l) => s + l.length, 0));
    expect(changed).toBeGreaterThan(n / 2);
  };

  it('enableObjectReuse() hands the producer\'s objects over themselves', async () => {
    const reused = await runFlott(['run', '-q', '-p', '1', ...smallQueues, PIPELINES, '--case', 'object-reuse', '--n', String(n), '--reuse']);
    expect(reused.code).toBe(0);
    shared(lastJsonLine<string[]>(reused));
  });

  it('-D pipeline.object-reuse=true does the same; with the local hand-over off, records are serialised all the same', async () => {
    const reused = await runCase('object-reuse', 1, n, ['-D', 'pipeline.object-reuse=true', ...smallQueues]);
    expect(reused.code).toBe(0);
    shared(lastJsonLine<string[]>(reused));
    const serialised = await runCase('object-reuse', 1, n, ['-D', 'pipeline.object-reuse=true', '-D', 'taskmanager.network.local-hand-over.enabled=false', ...smallQueues]);
    expect(serialised.code).toBe(0);
    expect(lastJsonLine<string[]>(serialised).sort()).toEqual(range(1, n).flatMap((id) => [`orig-${id}`, `orig-${id}`]).sort());
  });
});

describe('partitioners', () => {
  it('broadcast sends every record to every subtask', async () => {
    const r = await runCase('broadcast', 2);
    expect(r.code).toBe(0);
    const got = lastJsonLine<Array<[number, number, number]>>(r).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(got).toEqual([[1, 0, 2], [1, 1, 2], [2, 0, 2], [2, 1, 2], [3, 0, 2], [3, 1, 2]]);
  });

  it('global sends every record to subtask 0', async () => {
    const r = await runCase('global', 2, 100);
    expect(r.code).toBe(0);
    const got = lastJsonLine<Array<[number, number, number]>>(r);
    expect(got.map(([v]) => v).sort(numeric)).toEqual(range(1, 100));
    expect(new Set(got.map(([, s]) => s))).toEqual(new Set([0]));
  });

  it('shuffle delivers every record once, to both subtasks', async () => {
    const r = await runCase('shuffle', 2, 2000);
    expect(r.code).toBe(0);
    const got = lastJsonLine<Array<[number, number, number]>>(r);
    expect(got.map(([v]) => v).sort(numeric)).toEqual(range(1, 2000));
    expect(new Set(got.map(([, s]) => s))).toEqual(new Set([0, 1]));
  });

  it('rescale from 2 to 4 subtasks feeds each consumer from one producer', async () => {
    const r = await runCase('rescale', 2, 400);
    expect(r.code).toBe(0);
    const got = lastJsonLine<Array<[number, number, number]>>(r);
    expect(got.map(([v]) => v).sort(numeric)).toEqual(range(1, 400));
    // fromSequence splits 1..400 into halves, which the enumerator hands to the readers as they ask (which
    // producer reads which half depends on start order); producer 0 feeds consumers 0,1 and producer 1
    // feeds 2,3, so all of one half lands in one of those pairs.
    expect(new Set(got.map(([, , par]) => par))).toEqual(new Set([4]));
    const pairOf = (s: number) => (s < 2 ? 'consumers 0,1' : 'consumers 2,3');
    for (const half of [got.filter(([v]) => v <= 200), got.filter(([v]) => v > 200)]) {
      expect(new Set(half.map(([, s]) => pairOf(s))).size).toBe(1);
    }
  });
});

describe('limits and failures', () => {
  it('executeAndCollect(limit) stops an unbounded job after the limit', async () => {
    const r = await runCase('limit', 1);
    expect(r.code).toBe(0);
    expect(lastJsonLine<number[]>(r)).toEqual([0, 1, 2, 3, 4]);
  });

  it('a user function that throws fails the job with its error and the subtask', async () => {
    const r = await runCase('throws', 2, 100, ['-D', 'restart-strategy.type=none']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('boom at 42');
    expect(r.stderr).toMatch(/Task Source: Sequence Source -> Map \(\d\/2\)#0 failed/);
    expect(r.stderr).toMatch(/pipelines\.ts:\d+/);
  });

  it.each([1, 2])('a key selector that gives undefined fails the job naming the keyed task, at parallelism %i', async (p) => {
    const r = await runCase('undefined-key', p, 100, ['-D', 'restart-strategy.type=none']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('keys must not be null or undefined');
    expect(r.stderr).toMatch(new RegExp(`Task Keyed Reduce(?: -> [^(]+)? \\(\\d/${p}\\)#0 failed`));
  });

  it('restarts with the fixed-delay strategy before failing', async () => {
    const r = await runCase('throws', 1, 100, [
      '-D', 'restart-strategy.type=fixed-delay',
      '-D', 'restart-strategy.fixed-delay.attempts=2',
      '-D', 'restart-strategy.fixed-delay.delay=10 ms',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('FixedDelay(attempts=2');
    expect(r.stderr).toMatch(/\(1\/1\)#2 failed/);
  });

  it('restarts with the failure-rate strategy until more failures than allowed fall within the interval', async () => {
    const r = await runCase('throws', 1, 100, [
      '-D', 'restart-strategy.type=failure-rate',
      '-D', 'restart-strategy.failure-rate.max-failures-per-interval=2',
      '-D', 'restart-strategy.failure-rate.failure-rate-interval=10 min',
      '-D', 'restart-strategy.failure-rate.delay=10 ms',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('FailureRate(max-failures-per-interval=2');
    // Two restarts: the third failure within the 10 minutes (attempt #2) failed the job.
    expect(r.stderr).toMatch(/\(1\/1\)#2 failed/);
    expect(r.stderr).not.toMatch(/\(1\/1\)#3/);
  });

  it('without checkpointing a failing job is not restarted: the default restart strategy is none, as in Flink', async () => {
    const r = await runCase('throws', 1, 100);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('boom at 42');
    // One attempt only: the first (#0) failed and no second one ran.
    expect(r.stderr).toMatch(/\(1\/1\)#0 failed/);
    expect(r.stderr).not.toMatch(/\(1\/1\)#[1-9]/);
    expect(r.stderr).toContain('restart strategy NoRestart, the default when checkpointing is disabled');
  });

  it('with checkpointing enabled (execution.checkpointing.interval) a failing job restarts with exponential-delay', async () => {
    const r = await runCase('throws', 1, 100, [
      '-D', 'execution.checkpointing.interval=10 s',
      '-D', 'restart-strategy.exponential-delay.initial-backoff=1 ms',
      '-D', 'restart-strategy.exponential-delay.max-backoff=10 ms',
      '-D', 'restart-strategy.exponential-delay.attempts-before-reset-backoff=3',
    ]);
    expect(r.code).toBe(1);
    // Three restarts: attempts #0..#3 ran and the fourth failure failed the job.
    expect(r.stderr).toMatch(/\(1\/1\)#3 failed/);
    expect(r.stderr).toContain('ExponentialDelay(');
    expect(r.stderr).toContain('the default when checkpointing is enabled');
  });

  it("a main that throws while building the graph fails with the user's stack trace", async () => {
    const r = await runCase('build-throws', 1);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the pipeline cannot be built');
    expect(r.stderr).toMatch(/pipelines\.ts:\d+/);
  });

  it('a main that builds a different graph in the task fails naming the operator', async () => {
    const r = await runCase('nondeterministic', 1, 10, ['-D', 'restart-strategy.type=none']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("operator 'only-in-the-client'");
    expect(r.stderr).toContain('must build the same pipeline on every run');
  });

  it('reads config.yaml from --config, with -D on top', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-conf-'));
    fs.writeFileSync(path.join(dir, 'config.yaml'), 'taskmanager:\n  numberOfTaskSlots: 3\nparallelism.default: 3\n');
    const r = await runFlott(['run', '-q', '--config', dir, PIPELINES, '--case', 'shuffle', '--n', '300']);
    expect(r.code).toBe(0);
    const got = lastJsonLine<Array<[number, number, number]>>(r);
    expect(got.map(([v]) => v).sort(numeric)).toEqual(range(1, 300));
    expect(new Set(got.map(([, , par]) => par))).toEqual(new Set([3]));
    const over = await runFlott(['run', '-q', '--config', dir, '-D', 'parallelism.default=4', PIPELINES, '--case', 'shuffle', '--n', '10']);
    expect(over.code).toBe(1);
    expect(over.stderr).toContain('needs 4 slot(s) but the cluster has 3');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a slot thread that runs out of memory fails its task, is replaced, and the restart runs in it', async () => {
    const r = await runCase('out-of-memory', 1, 10, [
      '-D', 'taskmanager.memory.task.heap.size=64mb',
      '-D', 'restart-strategy.type=fixed-delay',
      '-D', 'restart-strategy.fixed-delay.attempts=1',
      '-D', 'restart-strategy.fixed-delay.delay=10 ms',
    ]);
    expect(r.code).toBe(1);
    // The second attempt ran (in the replacement thread) and died the same way.
    expect(r.stderr).toMatch(/Task Source: Sequence Source -> Map[^\n]*\(1\/1\)#1 failed/);
    expect(r.stderr).toMatch(/Slot 0 of TaskManager \S+ died/);
    expect(r.stderr).toMatch(/memory limit/i);
  });

  it('a missing job file is a clear error', async () => {
    const r = await runFlott(['run', 'no/such/job.ts']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Job file not found: no/such/job.ts');
  });

  it('a misspelt option names the key and suggests the right one', async () => {
    const r = await runFlott(['run', '-D', 'taskmanager.numberOfTaskSlot=2', PIPELINES, '--case', 'chain']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('taskmanager.numberOfTaskSlot');
    expect(r.stderr).toContain('taskmanager.numberOfTaskSlots');
  });

  it('a bad value names the key, the value and what is allowed', async () => {
    const r = await runFlott(['run', '-p', 'zero', PIPELINES, '--case', 'chain']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('parallelism.default');
    expect(r.stderr).toContain('zero');
    expect(r.stderr).toMatch(/integer/);
  });

  it('without a configured slot count the embedded cluster gets one slot per degree of default parallelism', async () => {
    const r = await runFlott(['run', '-q', '-p', '3', PIPELINES, '--case', 'rebalance', '--n', '3000']);
    expect(r.code).toBe(0);
    const expected = range(1, 3000).map((x) => x + 1).filter((x) => x % 5 !== 0);
    expect(lastJsonLine<number[]>(r).sort(numeric)).toEqual(expected);
  });

  it('a job needing more slots than the cluster has fails fast also when checkpointing would restart without end', async () => {
    const r = await runFlott(['run', '-q', '-p', '3', '-D', 'taskmanager.numberOfTaskSlots=2', '-D', 'execution.checkpointing.interval=1 s', PIPELINES, '--case', 'chain']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('a restart cannot fix this, so none was tried');
    expect(r.stderr).toContain('needs 3 slot(s) but the cluster has 2');
  });

  it('more parallelism than slots fails fast with the numbers', async () => {
    const r = await runFlott(['run', '-q', '-p', '3', '-D', 'taskmanager.numberOfTaskSlots=2', '-D', 'restart-strategy.type=none', PIPELINES, '--case', 'chain']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('needs 3 slot(s) but the cluster has 2');
  });
});

describe('back-pressure', () => {
  it('a slow sink bounds the buffers of a fast source', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-bp-'));
    const statsFile = path.join(dir, 'stats.json');
    const n = 20000;
    const r = await runFlott([
      'run', '-q', '--network-stats', statsFile,
      '-D', 'taskmanager.numberOfTaskSlots=2',
      '-D', 'taskmanager.memory.segment-size=1kb',
      '-D', 'taskmanager.network.memory.buffers-per-channel=2',
      '-D', 'taskmanager.network.memory.floating-buffers-per-gate=0',
      '-D', 'taskmanager.network.memory.max-buffers-per-channel=3',
      'packages/cli/test-jobs/back-pressure.ts', '--n', String(n),
    ]);
    expect(r.code).toBe(0);
    expect(lastJsonLine<Record<string, number>>(r)).toEqual({ records: n, sum: (n * (n + 1)) / 2 });
    const stats = JSON.parse(fs.readFileSync(statsFile, 'utf8')) as Record<string, {
      perSubpartition: Array<{ maxQueuedBuffers: number; maxInFlightBuffers: number }>;
      maxBuffersAllocated: number;
    }>;
    const partitions = Object.values(stats);
    expect(partitions).toHaveLength(1);
    const [sp] = partitions[0].perSubpartition;
    // 20 000 records of ~10 bytes need ~200 one-KiB buffers; the source may hold at most
    // credits (2) in flight + 3 queued + overdraft (5) + the one being written.
    expect(sp.maxInFlightBuffers).toBe(2);
    expect(sp.maxQueuedBuffers).toBeGreaterThanOrEqual(3);
    expect(partitions[0].maxBuffersAllocated).toBeLessThanOrEqual(2 + 3 + 5 + 1);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('flott info', () => {
  it('prints the JobGraph as text', async () => {
    const r = await runFlott(['info', '-p', '2', PIPELINES, '--case', 'rebalance']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Source: Sequence Source -> Map');
    expect(r.stdout).toMatch(/rebalance/i);
    expect(r.stdout).toMatch(/parallelism[^\n]*2/i);
  });

  it('prints the JobGraph as JSON with --json', async () => {
    const r = await runFlott(['info', '--json', '-p', '2', PIPELINES, '--case', 'rebalance']);
    expect(r.code).toBe(0);
    const graph = JSON.parse(r.stdout) as { vertices: Array<{ name: string; parallelism: number; inputs: Array<{ partitioner: string }> }> };
    // As in Flink, the collect sink runs with parallelism 1, so it cannot chain to the filter.
    expect(graph.vertices.map((v) => v.name)).toEqual(['Source: Sequence Source -> Map', 'Filter', 'Sink: Data stream collect sink']);
    expect(graph.vertices.map((v) => v.parallelism)).toEqual([2, 2, 1]);
    expect(graph.vertices[1].inputs.map((e) => e.partitioner)).toEqual(['rebalance']);
    expect(graph.vertices[2].inputs.map((e) => e.partitioner)).toEqual(['rebalance']);
  });
});
