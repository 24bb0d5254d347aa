import * as path from 'node:path';
import {
  ArtifactCache,
  bundleJob,
  Configuration,
  createClientExecutionContext,
  MiniCluster,
  runJobMain,
  SystemScheduler,
  TaskManagerOptions,
  type CollectingJobExecutionResult,
  type ExecutionContext,
} from '@flott/runtime';
import { createDistributionContainer, pluginModulesFor } from '../distribution';

export const REPO_ROOT = path.resolve(__dirname, '../../../..');
export const REPEATS = Number(process.env.FLOTT_BENCH_REPEATS ?? 3);
/** Extra configuration for every bench cluster and job (experiments): FLOTT_BENCH_CONFIG='{"key": value}'. */
const EXTRA_CONFIG = JSON.parse(process.env.FLOTT_BENCH_CONFIG ?? '{}') as Record<string, unknown>;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
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
  readonly check?: (accumulators: Readonly<Record<string, unknown>>) => void;
}

/**
 * Runs a job `repeats` times on one warm MiniCluster; returns every run's rate (records / net runtime:
 * RUNNING → FINISHED, so deployment counts) and their median.
 */
export async function runBenchJob(opts: BenchJobOptions): Promise<{ rate: number; rates: number[] }> {
  const config = Configuration.fromRecord(EXTRA_CONFIG).set(TaskManagerOptions.NUM_TASK_SLOTS, opts.slots);
  const cluster = await MiniCluster.start({ configuration: config, container: createDistributionContainer(config), pluginModules: pluginModulesFor(config) });
  try {
    const artifact = await bundleJob(path.resolve(REPO_ROOT, opts.jobFile));
    const file = new ArtifactCache(path.join(REPO_ROOT, 'node_modules/.cache/flott-bench')).put(artifact.sha256, artifact.code);
    const rates: number[] = [];
    for (let r = 0; r < (opts.repeats ?? REPEATS); r++) {
      let result: CollectingJobExecutionResult | undefined;
      const inner = createClientExecutionContext({
        dispatcher: cluster.dispatcher,
        artifact,
        args: opts.args,
        configuration: config,
        jobConfiguration: { ...EXTRA_CONFIG, 'parallelism.default': opts.parallelism },
        scheduler: new SystemScheduler(),
      });
      const ctx: ExecutionContext = {
        ...inner,
        defaultParallelism: opts.parallelism,
        execute: async (graph, options) => (result = await inner.execute(graph, options)),
      };
      await runJobMain(file, ctx);
      if (!result) throw new Error(`${opts.jobFile} did not call execute()`);
      opts.check?.(result.accumulators);
      rates.push(opts.records / (result.netRuntimeMs / 1000));
    }
    return { rate: median(rates), rates };
  } finally {
    await cluster.close();
  }
}

export function fmtRate(r: number): string {
  return r >= 1e6 ? `${(r / 1e6).toFixed(2)} M/s` : `${(r / 1e3).toFixed(0)} K/s`;
}
