import * as path from 'node:path';
import { Configuration } from '@flott/core';
import { bundleJob, createClientExecutionContext } from '@flott/client';
import {
  ArtifactCache,
  extractStreamGraph,
  MiniCluster,
  SystemScheduler,
  TaskManagerOptions,
} from '@flott/runtime';
import type { DispatcherGateway, JobDetailsInfo } from '@flott/runtime';
import { createDistributionContainer, pluginModulesFor } from '../distribution';
import { median } from './stats';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const REPEATS = Number(process.env.FLOTT_BENCH_REPEATS ?? 3);
/** Extra configuration for every bench cluster and job (experiments): FLOTT_BENCH_CONFIG='{"key": value}'. */
const EXTRA_CONFIG = JSON.parse(process.env.FLOTT_BENCH_CONFIG ?? '{}') as Record<string, unknown>;

export { median };

export interface RunSize {
  readonly args: readonly string[];
  readonly records: number;
}

export interface BenchJobOptions {
  /** Job file (absolute, or relative to the repository root). */
  readonly jobFile: string;
  readonly slots: number;
  readonly parallelism: number;
  readonly args: readonly string[];
  /** Records (events) one run processes; the rate is records / the job's net runtime. */
  readonly records: number;
  readonly repeats?: number;
  /**
   * Copies of the job run side by side, each at `parallelism` (default 1): a measured run submits them
   * together and its rate is copies × records / the slowest copy's net runtime.
   */
  readonly copies?: number;
  readonly check?: (accumulators: Readonly<Record<string, unknown>>) => void;
  /** Called with each finished job's details (its checkpoint statistics, for instance). */
  readonly details?: (details: JobDetailsInfo) => void;
  /** Configuration of this job's cluster and job on top of FLOTT_BENCH_CONFIG (state backend, checkpointing). */
  readonly config?: Readonly<Record<string, unknown>>;
  /**
   * A first, unmeasured run on the same cluster (the slot threads' shared runtime code gets
   * optimised; the job's own code is compiled again each run, as each run is a new job).
   */
  readonly warmup?: RunSize;
  /**
   * Sizes the measured runs from a warm-up run's rate and records (instead of `records`/`args`);
   * `warmAgain` makes that size one more warm-up run first, to be sized from in turn (at most 3 times).
   */
  readonly sizeFromWarmup?: (warmupRate: number, warmupRecords: number) => RunSize & { readonly warmAgain?: boolean };
  /** Pause between two queries of a job's result (a remote cluster's are HTTP requests: not a busy loop); the client's default otherwise. */
  readonly pollIntervalMs?: number;
}

/**
 * Runs a job `repeats` times on one MiniCluster (after an optional warm-up run); returns every
 * measured run's rate (records / net runtime: RUNNING → FINISHED, so deployment counts), their
 * median and the records per measured run.
 */
export async function runBenchJob(opts: BenchJobOptions): Promise<{ rate: number; rates: number[]; records: number }> {
  const config = benchConfiguration(opts);
  const cluster = await MiniCluster.start({ configuration: config, container: createDistributionContainer(config), pluginModules: pluginModulesFor(config) });
  try {
    return await runBenchJobOn(cluster.dispatcher, opts);
  } finally {
    await cluster.close();
  }
}

function benchConfiguration(opts: BenchJobOptions): Configuration {
  return Configuration.fromRecord({ ...EXTRA_CONFIG, ...opts.config }).set(TaskManagerOptions.NUM_TASK_SLOTS, opts.slots);
}

/** As runBenchJob, on a cluster that runs already (a MiniCluster's Dispatcher, or a cluster of processes through its REST API). */
export async function runBenchJobOn(dispatcher: DispatcherGateway, opts: BenchJobOptions): Promise<{ rate: number; rates: number[]; records: number }> {
  const extra = { ...EXTRA_CONFIG, ...opts.config };
  const config = benchConfiguration(opts);
  const artifact = await bundleJob(path.resolve(REPO_ROOT, opts.jobFile));
  const file = new ArtifactCache(path.join(REPO_ROOT, 'node_modules/.cache/flott-bench')).put(artifact.sha256, artifact.code);
  const clientContext = (args: readonly string[]) =>
    createClientExecutionContext({
      dispatcher,
      artifact,
      args,
      configuration: config,
      jobConfiguration: { ...extra, 'parallelism.default': opts.parallelism },
      scheduler: new SystemScheduler(),
      ...(opts.pollIntervalMs === undefined ? {} : { pollIntervalMs: opts.pollIntervalMs }),
    });
  /**
   * One measured run: each copy's graph is built by running the job's main in plan mode (mains run
   * one at a time), then all copies are submitted together.
   */
  const runOnce = async (args: readonly string[], records: number): Promise<number> => {
    const copies = opts.copies ?? 1;
    const plans = [];
    for (let i = 0; i < copies; i++) plans.push(await extractStreamGraph(file, { mode: 'plan', args, defaultParallelism: opts.parallelism, configuration: config }));
    const clients = await Promise.all(plans.map((plan) => clientContext(args).executeAsync(plan.graph, plan.options)));
    const results = await Promise.all(clients.map((client) => client.getJobExecutionResult()));
    for (const result of results) opts.check?.(result.accumulators);
    if (opts.details) for (const client of clients) opts.details(await dispatcher.requestJobDetails(client.getJobID()));
    return (copies * records) / (Math.max(...results.map((r) => r.netRuntimeMs)) / 1000);
  };
  let { args, records } = opts;
  for (let warm = opts.warmup, i = 0; warm && i < 4; i++) {
    const size = opts.sizeFromWarmup?.(await runOnce(warm.args, warm.records), warm.records);
    if (size) ({ args, records } = size);
    warm = size?.warmAgain && i < 3 ? size : undefined;
  }
  const rates: number[] = [];
  for (let r = 0; r < (opts.repeats ?? REPEATS); r++) rates.push(await runOnce(args, records));
  return { rate: median(rates), rates, records };
}

export function fmtRate(r: number): string {
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)} M/s` : `${(r / 1e3).toFixed(0)} K/s`;
}
