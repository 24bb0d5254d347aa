import * as fs from 'node:fs';
import { ConfigurationError, type Configuration } from '@flott/core';
import { createProcessLogging, LogOptions, TaskManagerOptions, type MiniCluster, type ProcessLogging, type TaskRecordCounts } from '@flott/runtime';
import { createDistributionContainer, pluginModulesFor, resolveConfiguration, type CommonOptions } from '../distribution';
import { formatError } from '../errors-format';
import { JobInterrupts } from '../job-interrupts';
import { runJob } from '../run-job';
import { localClusterSlots, runsRemotely, type RemoteOptions } from '../config-resolution';
import { remoteCluster } from '../remote-cluster';
import { runRemote } from '../run-remote';
import { LiveStatus } from '../status-line';

/**
 * Samples the network statistics of every result partition, on every TaskManager, while the job runs (peaks are kept by
 * the partitions themselves) and writes the last sample of each partition as JSON.
 */
function sampleNetworkStats(cluster: MiniCluster, file: string): { stop(): Promise<void> } {
  const latest: Record<string, unknown> = {};
  const sample = async () => {
    for (const te of cluster.taskExecutors) for (const slot of await te.slotStats()) Object.assign(latest, slot.partitions);
  };
  const timer = setInterval(() => void sample(), 20);
  return {
    async stop() {
      clearInterval(timer);
      await sample();
      fs.writeFileSync(file, JSON.stringify(latest, null, 2));
    },
  };
}

/** The records the job's running tasks read and wrote so far, summed over the embedded cluster's TaskExecutors (attempt ids start with the job id). */
function jobRecords(cluster: MiniCluster): (jobId: string) => Promise<TaskRecordCounts> {
  return async (jobId) => {
    const total = { in: 0, out: 0 };
    for (const te of cluster.taskExecutors) {
      for (const [attemptId, records] of Object.entries((await te.requestTaskManagerStats()).taskRecords)) {
        if (!attemptId.startsWith(`${jobId}_`)) continue;
        total.in += records.in;
        total.out += records.out;
      }
    }
    return total;
  };
}

/** `flott run -m host:port` (or -t remote): the job runs on a running cluster, reached over its REST API. */
async function runOnCluster(
  job: string,
  jobArgs: string[],
  opts: RemoteOptions & { detached?: boolean; detachOnInterrupt?: boolean },
  config: Configuration,
  interrupts: JobInterrupts,
  log: (line: string) => void,
  status: LiveStatus | undefined,
): Promise<number> {
  const cluster = remoteCluster(opts, config);
  if (!opts.detached) status?.attach(cluster, (jobId) => cluster.requestJobRecords(jobId));
  if (opts.detachOnInterrupt) interrupts.detachOnInterrupt((jobId) => `flott cancel -m ${new URL(cluster.url).host} ${jobId}`);
  const watcher = opts.detached ? undefined : interrupts.watch({ dispatcher: cluster });
  const started = performance.now();
  const failed = await runRemote({
    job,
    args: jobArgs,
    configuration: config,
    cluster,
    detached: opts.detached === true,
    // A remote result is polled over HTTP: a few queries a second, not a busy loop.
    pollIntervalMs: 200,
    onJobSubmitted: (jobId) => {
      log(`Job has been submitted with JobID ${jobId}`);
      if (!opts.detached) interrupts.jobSubmitted(jobId);
      if (!opts.detached) status?.jobSubmitted(jobId);
    },
    onWarning: (message) => process.stderr.write(`Warning: ${message}\n`),
  }).then(
    () => undefined,
    (error: unknown) => ({ error }),
  );
  await status?.stop();
  await watcher?.stop();
  const interrupted = interrupts.finish();
  if (interrupted !== undefined) return interrupted;
  if (failed) throw failed.error;
  if (!opts.detached) log(`Program execution finished in ${Math.round(performance.now() - started)} ms`);
  return 0;
}

/**
 * `flott run`: bundles the job, starts the embedded MiniCluster, runs main in client mode. Ctrl-C or
 * SIGTERM cancels the job (JobInterrupts) and exits 130 / 143.
 */
export async function runCommand(job: string, jobArgs: string[], opts: CommonOptions & RemoteOptions & { quiet?: boolean; networkStats?: string; detached?: boolean; detachOnInterrupt?: boolean }): Promise<number> {
  // On a terminal an attached run shows a live status line (not with -q); messages go above it.
  let embedded: MiniCluster | undefined;
  const status = opts.quiet ? undefined : new LiveStatus({ stream: process.stderr, records: (jobId) => (embedded ? jobRecords(embedded)(jobId) : Promise.resolve(undefined)) });
  const println = (line: string) => (status ? status.println(line) : process.stderr.write(`${line}\n`));
  const log = (line: string) => {
    if (!opts.quiet) println(line);
  };
  const interrupts = new JobInterrupts(println).install();
  let logging: ProcessLogging | undefined;
  try {
    const config = resolveConfiguration(opts);
    if (runsRemotely(opts, config)) return await runOnCluster(job, jobArgs, opts, config, interrupts, log, status);
    if (opts.detachOnInterrupt) {
      throw new ConfigurationError('--detach-on-interrupt needs a running cluster (-m host:port or -t remote): the embedded local cluster ends with this process, so its job cannot keep running');
    }
    config.set(TaskManagerOptions.NUM_TASK_SLOTS, localClusterSlots(config));
    // The operator log; the lines above and below are the user's output. Unless log.level says
    // otherwise only warnings and errors reach the terminal, so a local run does not flood it (a
    // log.file gets log.level's default).
    const toTerminal = !config.contains(LogOptions.FILE);
    logging = createProcessLogging(config, { processName: 'client', defaultLevel: toTerminal ? 'warn' : undefined });
    const started = performance.now();
    // A job cancelled by Ctrl-C ends in an error from execute(); the signal's exit code and message win over it.
    const failed = await runJob({
      job,
      args: jobArgs,
      configuration: config,
      container: createDistributionContainer(config),
      pluginModules: pluginModulesFor(config),
      logging,
      onJobSubmitted: (jobId) => {
        log(`Job has been submitted with JobID ${jobId}`);
        interrupts.jobSubmitted(jobId);
        status?.jobSubmitted(jobId);
      },
      onWarning: (message) => process.stderr.write(`Warning: ${message}\n`),
      whileRunning: (cluster) => {
        embedded = cluster;
        status?.attach(cluster.dispatcher);
        const watchers = [
          { stop: () => status?.stop() ?? Promise.resolve() },
          interrupts.watch(cluster),
          ...(opts.networkStats ? [sampleNetworkStats(cluster, opts.networkStats)] : []),
        ];
        return { stop: async () => void (await Promise.all(watchers.map((w) => w.stop()))) };
      },
    }).then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    const interrupted = interrupts.finish();
    if (interrupted !== undefined) return interrupted;
    if (failed) throw failed.error;
    log(`Program execution finished in ${Math.round(performance.now() - started)} ms`);
    return 0;
  } catch (e) {
    process.stderr.write(`${formatError(e)}\n`);
    return 1;
  } finally {
    await status?.stop();
    interrupts.dispose();
    await logging?.close();
  }
}
