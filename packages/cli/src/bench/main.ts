/**
 * `npm run bench`: every engine figure beside a hand-written baseline doing the same work in the
 * same process run, so the ratio means something on a noisy machine. Prints a table and writes
 * bench-results/latest.json.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runAsyncIoBench } from './async-io-bench';
import { runCheckpointBench } from './checkpoint-bench';
import { runCheckpointedJobsBench } from './checkpointed-jobs-bench';
import { runNexmarkSuite } from './nexmark';
import { runClusterLifecycleBench } from './cluster-lifecycle-bench';
import { runBatchBench } from './batch-bench';
import { runProcessClusterBench } from './process-cluster-bench';
import { runTcpShuffleBench } from './tcp-shuffle-bench';
import { runWordCountBench } from './word-count-bench';
import { runLatencyBench } from './latency-bench';
import { expectedSum, generate, keep, transform, type BenchRecord } from './pipeline-functions';
import { fmtRate, median, REPEATS, REPO_ROOT as repoRoot, runBenchJob as runJob } from './run-job';
import { baselineWindowCount } from './window-functions';

const RECORDS = Number(process.env.FLOTT_BENCH_RECORDS ?? 20_000_000);

interface Row {
  readonly name: string;
  readonly engineRate: number;
  readonly fusedRate: number;
  readonly materialisedRate: number;
  readonly target: string;
}

function timed(n: number, work: (n: number) => number): number {
  const started = performance.now();
  const sum = work(n);
  const ms = performance.now() - started;
  if (sum !== expectedSum(n)) throw new Error(`baseline sum ${sum}, expected ${expectedSum(n)}`);
  return n / (ms / 1000);
}

/** The same work hand-written as one fused loop. V8 may keep the records in registers (no allocation). */
function fusedLoop(n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const r = transform(generate(i));
    if (keep(r)) sum += r.value;
  }
  return sum;
}

/**
 * The same work over materialised records, as any record stream has them: the generator fills a
 * batch (the size the engine's sources emit per poll), then map, filter and sum run over it.
 */
function materialisedLoop(n: number): number {
  const batch: BenchRecord[] = new Array<BenchRecord>(SOURCE_BATCH);
  let sum = 0;
  for (let base = 0; base < n; base += SOURCE_BATCH) {
    const end = Math.min(n, base + SOURCE_BATCH);
    let k = 0;
    for (let i = base; i < end; i++) batch[k++] = generate(i);
    for (let j = 0; j < k; j++) {
      const r = transform(batch[j]);
      if (keep(r)) sum += r.value;
    }
  }
  return sum;
}
const SOURCE_BATCH = 256;

async function runBenchJob(
  jobFile: string,
  slots: number,
  parallelism: number,
  args: readonly string[],
  records: number,
  check: (accumulators: Readonly<Record<string, unknown>>) => void,
): Promise<number> {
  return (await runJob({ jobFile: path.join('packages/cli/bench-jobs', jobFile), slots, parallelism, args, records, check })).rate;
}

function runPipeline(slots: number, parallelism: number, flags: readonly string[]): Promise<number> {
  return runBenchJob('pipeline.ts', slots, parallelism, ['--records', String(RECORDS), ...flags], RECORDS, (acc) => {
    if (acc.sum !== expectedSum(RECORDS)) throw new Error(`pipeline summed ${String(acc.sum)}, expected ${expectedSum(RECORDS)}`);
  });
}

const WINDOW_EVENTS = Number(process.env.FLOTT_BENCH_WINDOW_EVENTS ?? 2_000_000);

/** Keyed window count: engine rate and, for the same aggregation, the hand-written baseline's rate. */
async function windowRow(name: string, parallelism: number, size: number, slide: number): Promise<{ name: string; engineRate: number; baselineRate: number }> {
  const expected = baselineWindowCount(WINDOW_EVENTS, size, slide);
  const engineRate = await runBenchJob(
    'window-count.ts',
    2,
    parallelism,
    ['--events', String(WINDOW_EVENTS), '--size', String(size), '--slide', String(slide)],
    WINDOW_EVENTS,
    (acc) => {
      if (acc.results !== expected.results || acc.sum !== expected.sum) {
        throw new Error(`${name}: engine gave ${String(acc.results)} results summing to ${String(acc.sum)}, expected ${expected.results} / ${expected.sum}`);
      }
    },
  );
  baselineWindowCount(WINDOW_EVENTS, size, slide);
  const baselineRate = median(
    Array.from({ length: 3 }, () => {
      const t = performance.now();
      baselineWindowCount(WINDOW_EVENTS, size, slide);
      return WINDOW_EVENTS / ((performance.now() - t) / 1000);
    }),
  );
  return { name, engineRate, baselineRate };
}

async function idleMiniClusterRssMb(): Promise<{ rss: number; baseline: number }> {
  const script = `
    const { Configuration } = require('@flott/core');
    const { MiniCluster, TaskManagerOptions } = require('@flott/runtime');
    const { createDistributionContainer, pluginModulesFor } = require('@flott/cli');
    const before = process.memoryUsage().rss;
    (async () => {
      const config = new Configuration().set(TaskManagerOptions.NUM_TASK_SLOTS, 2);
      const c = await MiniCluster.start({ configuration: config, container: createDistributionContainer(config), pluginModules: pluginModulesFor(config) });
      await new Promise((r) => setTimeout(r, 500));
      global.gc && global.gc();
      process.stdout.write(JSON.stringify({ rss: process.memoryUsage().rss, before }));
      await c.close();
    })();`;
  const out = spawnSync(process.execPath, ['-e', script], { cwd: repoRoot, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`The idle MiniCluster probe failed (exit ${out.status}):\n${out.stderr}`);
  const { rss, before } = JSON.parse(out.stdout) as { rss: number; before: number };
  return { rss: rss / 2 ** 20, baseline: before / 2 ** 20 };
}

function wordCountWallMs(): { flott: number; node: number } {
  const bin = path.join(repoRoot, 'packages/cli/bin/flott.js');
  const times: number[] = [];
  const nodeTimes: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    let t = performance.now();
    const r = spawnSync(process.execPath, [bin, 'run', '-q', 'examples/word-count/word-count.ts', '--input', 'README.md'], { cwd: repoRoot, encoding: 'utf8' });
    times.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`word count failed: ${r.stderr}`);
    t = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { cwd: repoRoot });
    nodeTimes.push(performance.now() - t);
  }
  return { flott: median(times), node: median(nodeTimes) };
}

/** The earlier micro-benchmarks: chained and rebalanced pipelines, windowed counts, idle RSS, run command wall time. */
async function microBenchmarks(): Promise<Record<string, unknown>> {
  const rows: Row[] = [];
  process.stderr.write(`bench: ${RECORDS} records per run, median of ${REPEATS}\n`);
  // Baselines: warmed up once (so the JIT has optimised them), then the median of five runs.
  timed(RECORDS, fusedLoop);
  timed(RECORDS, materialisedLoop);
  const fused = () => median(Array.from({ length: 5 }, () => timed(RECORDS, fusedLoop)));
  const materialised = () => median(Array.from({ length: 5 }, () => timed(RECORDS, materialisedLoop)));
  const row = async (name: string, slots: number, p: number, flags: string[], target: string): Promise<Row> => {
    const engineRate = await runPipeline(slots, p, flags);
    return { name, engineRate, fusedRate: fused(), materialisedRate: materialised(), target };
  };
  rows.push(await row('chained generator→map→filter→sink, p=1', 1, 1, [], '≥ 60 % of loop'));
  rows.push(await row('rebalance map→filter across threads, p=1', 2, 1, ['--rebalance', '--split-slots'], ''));
  rows.push(await row('rebalance map→filter, p=2 (2 slots)', 2, 2, ['--rebalance'], '≥ 1 M rec/s'));

  const pct = (a: number, b: number) => `${((a / b) * 100).toFixed(1)} %`;
  const header =
    '| benchmark | Flott | loop over materialised records | ratio | fused loop | ratio | target |\n|---|---|---|---|---|---|---|';
  const lines = rows.map(
    (r) =>
      `| ${r.name} | ${fmtRate(r.engineRate)} | ${fmtRate(r.materialisedRate)} | ${pct(r.engineRate, r.materialisedRate)} | ` +
      `${fmtRate(r.fusedRate)} | ${pct(r.engineRate, r.fusedRate)} | ${r.target} |`,
  );
  const windowRows = [];
  for (const p of [1, 2]) {
    windowRows.push(await windowRow(`keyed tumbling 10 s count, p=${p}`, p, 10_000, 10_000));
    windowRows.push(await windowRow(`keyed sliding 10 s / 2 s count, p=${p}`, p, 10_000, 2_000));
    windowRows.push(await windowRow(`keyed sliding 10 s / 100 ms count, p=${p}`, p, 10_000, 100));
  }
  const windowLines = windowRows.map(
    (r) => `| ${r.name} | ${fmtRate(r.engineRate)} | ${fmtRate(r.baselineRate)} | ${pct(r.engineRate, r.baselineRate)} |`,
  );
  const rss = await idleMiniClusterRssMb();
  const wc = wordCountWallMs();
  process.stdout.write(`${header}\n${lines.join('\n')}\n\n`);
  process.stdout.write(`| windowed count (${WINDOW_EVENTS / 1e6} M events, ${100} keys) | Flott | hand-written sliced loop | ratio |\n|---|---|---|---|\n`);
  process.stdout.write(`${windowLines.join('\n')}\n\n`);
  process.stdout.write(`| measurement | Flott | baseline | target |\n|---|---|---|---|\n`);
  process.stdout.write(`| MiniCluster with 2 idle slots, RSS | ${rss.rss.toFixed(0)} MB | ${rss.baseline.toFixed(0)} MB (process before start) | ≤ 150 MB |\n`);
  process.stdout.write(`| word count run command, wall | ${wc.flott.toFixed(0)} ms | ${wc.node.toFixed(0)} ms (node -e 0) | ≤ 1500 ms |\n`);
  return { records: RECORDS, rows, windowRows, rss, wordCountWallMs: wc };
}

/** Where the figures come from, for the JSON and the README (ratios only compare within one machine). */
function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` };
}

/** FLOTT_BENCH_ONLY=micro, =word-count, =latency, =tcp-shuffle, =process-cluster, =cluster-lifecycle, =batch, =nexmark, =checkpoints, =checkpointed-jobs or =async-io runs one part (the JSON then holds only that part). */
async function main(): Promise<void> {
  const only = process.env.FLOTT_BENCH_ONLY;
  const micro = only === undefined || only === 'micro' ? await microBenchmarks() : undefined;
  const wordCount = only === undefined || only === 'word-count' ? await runWordCountBench() : undefined;
  const latency = only === undefined || only === 'latency' ? await runLatencyBench() : undefined;
  const tcpShuffle = only === undefined || only === 'tcp-shuffle' ? await runTcpShuffleBench() : undefined;
  const processCluster = only === undefined || only === 'process-cluster' ? await runProcessClusterBench() : undefined;
  const clusterLifecycle = only === undefined || only === 'cluster-lifecycle' ? await runClusterLifecycleBench() : undefined;
  const batch = only === undefined || only === 'batch' ? await runBatchBench() : undefined;
  const nexmark = only === undefined || only === 'nexmark' ? await runNexmarkSuite() : undefined;
  const checkpoints = only === undefined || only === 'checkpoints' ? await runCheckpointBench() : undefined;
  const checkpointedJobs = only === undefined || only === 'checkpointed-jobs' ? await runCheckpointedJobsBench() : undefined;
  const asyncIo = only === undefined || only === 'async-io' ? await runAsyncIoBench() : undefined;
  const out = path.join(repoRoot, 'bench-results');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'latest.json'), `${JSON.stringify({ date: new Date().toISOString(), machine: machine(), ...micro, ...wordCount, ...latency, ...tcpShuffle, ...processCluster, ...clusterLifecycle, ...batch, nexmark, ...checkpoints, ...checkpointedJobs, ...asyncIo }, null, 2)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = 1;
});
