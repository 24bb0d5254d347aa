import { RestRequestError } from '@flott/client';
import { JobStatus, isGloballyTerminal } from '@flott/runtime';
import { formatError } from '../errors-format';
import type { RemoteOptions } from '../config-resolution';
import { remoteCluster } from '../remote-cluster';

const out = (line: string) => process.stdout.write(`${line}\n`);

async function guarded(body: () => Promise<void>): Promise<number> {
  try {
    await body();
    return 0;
  } catch (e) {
    process.stderr.write(`${formatError(e)}\n`);
    return 1;
  }
}

const pad = (n: number) => String(n).padStart(2, '0');
/** Flink's CLI date format, dd.MM.yyyy HH:mm:ss, in local time. */
function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getDate())}.${pad(d.getMonth() + 1)}.${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const SCHEDULED = new Set<string>([JobStatus.CREATED, JobStatus.INITIALIZING]);

/** `flott list [-r] [-s] [-a]`: the cluster's jobs, grouped as Flink's CLI prints them. */
export function listCommand(opts: RemoteOptions & { running?: boolean; scheduled?: boolean; all?: boolean }): Promise<number> {
  return guarded(async () => {
    const details = await remoteCluster(opts).jobsOverview();
    details.sort((a, b) => a.startTime - b.startTime);
    const line = (j: (typeof details)[number]) => `${formatDate(j.startTime)} : ${j.jobId} : ${j.jobName} (${j.status})`;
    const section = (title: string, empty: string, list: typeof details) => {
      if (list.length === 0) return out(empty);
      out(`${'-'.repeat(Math.floor((62 - title.length - 2) / 2))} ${title} ${'-'.repeat(Math.ceil((62 - title.length - 2) / 2))}`);
      for (const j of list) out(line(j));
      out('-'.repeat(62));
    };
    const running = details.filter((j) => !isGloballyTerminal(j.status) && !SCHEDULED.has(j.status));
    const scheduled = details.filter((j) => SCHEDULED.has(j.status));
    const terminated = details.filter((j) => isGloballyTerminal(j.status));
    const showAll = opts.all === true;
    const onlySome = opts.running === true || opts.scheduled === true;
    if (showAll || !onlySome || opts.running) section('Running/Restarting Jobs', 'No running jobs.', running);
    if (showAll || !onlySome || opts.scheduled) section('Scheduled Jobs', 'No scheduled jobs.', scheduled);
    if (showAll) section('Terminated Jobs', 'No terminated jobs.', terminated);
  });
}

/** `flott cancel <jobId>`. */
export function cancelCommand(jobId: string, opts: RemoteOptions): Promise<number> {
  return guarded(async () => {
    const client = remoteCluster(opts);
    const status = await client.requestJobStatus(jobId);
    if (isGloballyTerminal(status)) throw new RestRequestError(409, `Job ${jobId} has already ended (${status}); there is nothing to cancel.`, client.url);
    out(`Cancelling job ${jobId}.`);
    await client.cancelJob(jobId);
    out(`Cancelled job ${jobId}.`);
  });
}

/** `flott stop [--savepointPath DIR] [--drain] <jobId>`: stop-with-savepoint. */
export function stopCommand(jobId: string, opts: RemoteOptions & { savepointPath?: string; drain?: boolean }): Promise<number> {
  return guarded(async () => {
    out(`${opts.drain ? 'Draining' : 'Suspending'} job "${jobId}" with a savepoint.`);
    const path = await remoteCluster(opts).stopWithSavepoint(jobId, opts.savepointPath, opts.drain === true);
    out(`Savepoint completed. Path: ${path}`);
  });
}

/** `flott savepoint --dispose <path>`: deletes a savepoint through the cluster (its checkpoint storage). */
export function disposeSavepointCommand(savepointPath: string, opts: RemoteOptions): Promise<number> {
  return guarded(async () => {
    out(`Disposing savepoint '${savepointPath}'.`);
    await remoteCluster(opts).disposeSavepoint(savepointPath);
    out(`Savepoint '${savepointPath}' disposed.`);
  });
}

/** `flott savepoint <jobId> [DIR]`. */
export function savepointCommand(jobId: string, directory: string | undefined, opts: RemoteOptions): Promise<number> {
  return guarded(async () => {
    out(`Triggering savepoint for job ${jobId}.`);
    const path = await remoteCluster(opts).triggerSavepoint(jobId, directory);
    out(`Savepoint completed. Path: ${path}`);
    out('You can resume your program from this savepoint with the run command (flott run -s <path>).');
  });
}

/** `flott checkpoint <jobId> [--full]` (Flink 1.19). */
export function checkpointCommand(jobId: string, opts: RemoteOptions & { full?: boolean }): Promise<number> {
  return guarded(async () => {
    out(`Triggering checkpoint for job ${jobId}.`);
    const id = await remoteCluster(opts).triggerCheckpoint(jobId, opts.full === true);
    out(`Checkpoint(${opts.full ? 'FULL' : 'CONFIGURED'}) ${id} for job ${jobId} completed.`);
  });
}
