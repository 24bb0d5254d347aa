import { pathToFileURL } from 'node:url';
import { FlottError, JobBuildError, type Configuration } from '@flott/core';
import { ProgramMissingJobError } from '../errors';
import type { StreamGraph } from '../graph/stream-graph';
import { setExecutionContext, type CollectingJobClient, type ExecuteOptions, type ExecutionContext } from './execution-context';

/** Thrown by `execute()` in plan and task mode, once the graph was captured (as Flink's ProgramAbortException). */
export class PlanCapturedSignal extends FlottError {
  constructor() {
    super('PLAN_CAPTURED', 'The job graph was captured; the rest of main does not run in plan or task mode.');
  }
}

/** A real ESM `import()`: TypeScript's CommonJS output would turn a plain one into require(). */
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

let runCounter = 0;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs a bundled job's main with `ctx` installed, as `node job.js <args>` would run it: while main
 * runs, `process.argv` is `[node, <bundle>, ...ctx.args]` in this thread (client, plan and task
 * mode alike), so `process.argv.slice(2)` are the job arguments everywhere. Runs are serialised per
 * thread: the context and argv are thread-global while main runs (main may await before execute()).
 */
export function runJobMain(file: string, ctx: ExecutionContext): Promise<void> {
  const run = queue.then(async () => {
    setExecutionContext(ctx);
    const argv = process.argv;
    process.argv = [argv[0], file, ...ctx.args];
    try {
      // Job code's stack traces point at the user's sources (the bundle carries a source map). Turned
      // on here, not at start: modules loaded before (the runtime's) then have no map read and parsed.
      process.setSourceMapsEnabled(true);
      // A query string gives every run a fresh module instance (fresh closures and user objects).
      const mod = (await importModule(`${pathToFileURL(file).href}?run=${++runCounter}`)) as { default?: unknown };
      if (typeof mod.default === 'function') await (mod.default as (args: readonly string[]) => unknown)(ctx.args);
      await ctx.mainReturned?.();
    } finally {
      process.argv = argv;
      setExecutionContext(undefined);
    }
  });
  // Not swallowed: the caller gets `run` and its rejection; the queue only orders the next main after this one.
  queue = run.catch(() => undefined);
  return run;
}

export interface ExtractOptions {
  readonly mode: 'plan' | 'task';
  readonly args: readonly string[];
  readonly defaultParallelism?: number;
  readonly configuration?: Configuration;
}

export interface ExtractedPlan {
  readonly graph: StreamGraph;
  readonly options: ExecuteOptions;
}

/** Runs main until it calls execute() (or executeAsync()) and returns the graph it built. */
export async function extractStreamGraph(file: string, opts: ExtractOptions): Promise<ExtractedPlan> {
  let captured: ExtractedPlan | undefined;
  const ctx: ExecutionContext = {
    mode: opts.mode,
    args: opts.args,
    defaultParallelism: opts.defaultParallelism,
    configuration: opts.configuration,
    executeAsync(graph: StreamGraph, options: ExecuteOptions): Promise<CollectingJobClient> {
      if (!captured) captured = { graph, options };
      return Promise.reject(new PlanCapturedSignal());
    },
  };
  try {
    await runJobMain(file, ctx);
  } catch (e) {
    if (captured) return captured;
    if (e instanceof PlanCapturedSignal) throw e;
    throw new JobBuildError(`The job's main threw while building its graph: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }
  if (captured) return captured;
  throw new ProgramMissingJobError();
}
