/**
 * End-to-end fixture for env.executeAsync() and its JobClient (`--case NAME`, `--n N`); each case
 * prints one JSON line. `bounded-execute` and `bounded-async` run the same job, one with execute(),
 * one with executeAsync() and the client's result; `cancel` cancels an unbounded job through the
 * client; `async-not-awaited` returns from main while its job still runs; `throw-while-deploying`
 * throws from main after a stop with a savepoint was refused while its unbounded job was being deployed.
 */
import {
  IntCounter,
  JobStatus,
  RichMapFunction,
  StreamExecutionEnvironment,
  type JobClient,
  type JobExecutionResult,
} from '@flott/api-datastream';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCase } from './run-case';

class Summing extends RichMapFunction<number, number> {
  private readonly sum = new IntCounter();
  override open(): void {
    this.getRuntimeContext().addAccumulator('sum', this.sum);
  }
  map(v: number): number {
    this.sum.add(v);
    return v;
  }
}

function bounded(env: StreamExecutionEnvironment, n: number): void {
  env.fromSequence(1, n).rebalance().map(new Summing()).addSink(() => {});
}

const summary = (r: JobExecutionResult) => ({ jobName: r.jobName, accumulators: r.accumulators });

async function waitForStatus(client: JobClient, wanted: JobStatus, seen: JobStatus[]): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const status = await client.getJobStatus();
    if (seen[seen.length - 1] !== status) seen.push(status);
    if (status === wanted) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`job never reached ${wanted}; saw ${seen.join(' → ')}`);
}

export default function main(args: readonly string[]): Promise<void> {
  return runCase(
    {
      'bounded-execute': async (env, n) => {
        bounded(env, n);
        return summary(await env.execute('bounded'));
      },
      'bounded-async': async (env, n) => {
        bounded(env, n);
        const client = await env.executeAsync('bounded');
        const result = await client.getJobExecutionResult();
        return { ...summary(result), sameJobId: result.jobId === client.getJobID(), status: await client.getJobStatus() };
      },
      cancel: async (env) => {
        env.fromGenerator(Infinity, (i) => i, { recordsPerSecond: 1000 }).map((i) => i + 1).addSink(() => {});
        const client = await env.executeAsync('unbounded');
        const statuses: JobStatus[] = [];
        await waitForStatus(client, JobStatus.RUNNING, statuses);
        await client.cancel();
        const error = await client.getJobExecutionResult().then(
          () => 'finished',
          (e: Error) => e.message,
        );
        await waitForStatus(client, JobStatus.CANCELED, statuses);
        return { statuses, error: error.replace(client.getJobID(), '<id>') };
      },
      'throw-while-deploying': async (env) => {
        env.enableCheckpointing(200);
        env.fromGenerator(Infinity, (i) => i, { recordsPerSecond: 100 }).addSink(() => {});
        const client = await env.executeAsync('unbounded');
        // Refused while the tasks are still being deployed ("task … is SCHEDULED"), which a stop then left running.
        const stopped = await client.stopWithSavepoint(false, path.join(os.tmpdir(), 'flott-job-client-never')).then(
          () => 'stopped',
          (e: Error) => e.message,
        );
        if (stopped === 'stopped') return stopped;
        throw new Error(`main gave up: ${stopped}`);
      },
      'async-not-awaited': async (env, n) => {
        env.fromSequence(1, n).map(new Summing()).print();
        void env.executeAsync('not awaited');
        return 'main returned';
      },
    },
    args,
  );
}
