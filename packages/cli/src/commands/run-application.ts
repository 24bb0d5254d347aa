import * as fs from 'node:fs';
import * as path from 'node:path';
import { Configuration, ConfigurationError } from '@flott/core';
import { RestClusterClient } from '@flott/client';
import { ClusterScriptOptions, CoreOptions, DeploymentOptions, isProcessAlive, JobManagerOptions, RestOptions, SystemScheduler } from '@flott/runtime';
import type { ApplicationEnd } from '../application-runner';
import { resolveConfiguration, type CommonOptions } from '../distribution';
import { formatError } from '../errors-format';
import { filesOf, nodeOptionsOf, passThrough, startProcess, waitReady, type StartedClusterProcess } from './cluster';

/** The deployment targets of `flott run-application` (Flink: yarn-application, kubernetes-application; here: processes on this host). */
export const APPLICATION_TARGETS = ['local-application'] as const;

export interface RunApplicationOptions extends CommonOptions {
  readonly target?: string;
  readonly detached?: boolean;
  readonly quiet?: boolean;
  readonly fromSavepoint?: string;
  readonly allowNonRestoredState?: boolean;
}

/** Waits between looks at the application cluster while its job is being submitted. */
const POLL_MS = 100;
const EXIT_CODES: Readonly<Record<'SIGINT' | 'SIGTERM', number>> = { SIGINT: 130, SIGTERM: 143 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** -p, -s and -n as the configuration keys they stand for, for the JobManager process. */
function jobOptionsAsConfig(opts: RunApplicationOptions): string[] {
  return [
    ...(opts.parallelism !== undefined ? [`${CoreOptions.DEFAULT_PARALLELISM.key}=${opts.parallelism}`] : []),
    ...(opts.fromSavepoint !== undefined ? [`execution.state-recovery.path=${opts.fromSavepoint}`] : []),
    ...(opts.allowNonRestoredState ? ['execution.state-recovery.ignore-unclaimed-state=true'] : []),
  ];
}

function readEnd(resultFile: string): ApplicationEnd | undefined {
  return fs.existsSync(resultFile) ? (JSON.parse(fs.readFileSync(resultFile, 'utf8')) as ApplicationEnd) : undefined;
}

/**
 * The job's id once it was submitted (over REST at `restUrl`, or from the result of an application
 * that already ended); undefined when the JobManager exited without one. Each look is one request
 * without retries: a JobManager that ends between two looks would otherwise hold this for
 * rest.retry.max-attempts × rest.retry.delay (a minute by default).
 */
export async function awaitJobId(restUrl: string, config: Configuration, jm: { readonly pid: number }, resultFile: string): Promise<string | undefined> {
  const rest = new RestClusterClient({ url: restUrl, configuration: config.merge(new Configuration().set(RestOptions.RETRY_MAX_ATTEMPTS, 0)), scheduler: new SystemScheduler() });
  for (;;) {
    const end = readEnd(resultFile);
    if (end) return end.jobId;
    const jobs = await rest.listJobs().catch(() => []);
    if (jobs.length > 0) return jobs[0].jobId;
    if (!isProcessAlive(jm.pid)) return readEnd(resultFile)?.jobId;
    await sleep(POLL_MS);
  }
}

/**
 * `flott run-application [-t local-application] job.ts [args]` (Flink's run-application): deploys an
 * application cluster for the job on this host: a `flott jobmanager --application` process in the
 * background with the local-processes driver (it starts TaskManager processes for the job's slots
 * and they stop with it), pid, ready and log files in env.pid.dir / env.log.dir as flott cluster start.
 * Attached it follows the job and exits with its result once the cluster is gone (0: FINISHED); Ctrl-C
 * cancels the job (the cluster shuts down after it). Detached (-d) it returns once the job was submitted.
 */
export async function runApplicationCommand(job: string, jobArgs: string[], opts: RunApplicationOptions): Promise<number> {
  const log = (line: string) => {
    if (!opts.quiet) process.stderr.write(`${line}\n`);
  };
  let jm: StartedClusterProcess | undefined;
  let jobId: string | undefined;
  let received: 'SIGINT' | 'SIGTERM' | undefined;
  let rest: RestClusterClient | undefined;
  const onSignal = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (received || !jm) {
      process.stderr.write(`Received ${signal} again: exiting${jm ? `; the application cluster (pid ${jm.pid}) shuts down by itself once its job ended` : ''}.\n`);
      process.exit(EXIT_CODES[signal]);
    }
    received = signal;
    if (jobId && rest) {
      process.stderr.write(`Received ${signal}: cancelling job ${jobId}; the application cluster shuts down after it (send it again to exit at once).\n`);
      rest.cancelJob(jobId).catch((e: unknown) => process.stderr.write(`Could not cancel job ${jobId}: ${(e as Error).message}\n`));
    } else {
      process.stderr.write(`Received ${signal} before the job was submitted: stopping the application cluster (pid ${jm.pid}).\n`);
      try {
        process.kill(jm.pid, 'SIGTERM');
      } catch {
        // It ended by itself already (its job's main failed): nothing to stop.
      }
    }
  };
  try {
    const config = resolveConfiguration(opts);
    const target = opts.target ?? config.get(DeploymentOptions.TARGET) ?? 'local-application';
    if (!(APPLICATION_TARGETS as readonly string[]).includes(target)) {
      throw new ConfigurationError(`Unknown target '${target}' for flott run-application (-t / execution.target). Known: ${APPLICATION_TARGETS.join(', ')}`, { key: 'execution.target' });
    }
    const jobFile = path.resolve(job);
    if (!fs.existsSync(jobFile)) throw new ConfigurationError(`The job file ${jobFile} does not exist`);
    const files = filesOf(config);
    fs.mkdirSync(files.pidDir, { recursive: true });
    fs.mkdirSync(files.logDir, { recursive: true });
    // This process's pid names the cluster's files: unique among the applications started at a time.
    const name = `application-${process.pid}`;
    const resultFile = path.join(files.pidDir, `${files.prefix}-${name}.result`);
    const pidFile = path.join(files.pidDir, `${files.prefix}-${name}.pid`);
    fs.rmSync(resultFile, { force: true });
    const deployment = [
      ...(config.contains(JobManagerOptions.RESOURCE_MANAGER_TYPE) ? [] : [`${JobManagerOptions.RESOURCE_MANAGER_TYPE.key}=local-processes`]),
      ...jobOptionsAsConfig(opts),
    ];
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    jm = startProcess(files, name, ['jobmanager', ...passThrough(opts, deployment), '--result-file', resultFile], ['--application', jobFile, ...jobArgs], nodeOptionsOf(config, 'jobmanager'));
    fs.writeFileSync(pidFile, `${jm.pid}\n`);
    const ready = await waitReady('application JobManager', jm, config.get(ClusterScriptOptions.STARTUP_TIMEOUT));
    rest = new RestClusterClient({ url: ready.rest as string, configuration: config, scheduler: new SystemScheduler() });
    log(`Application cluster is up: JobManager (pid ${jm.pid}) with REST at ${ready.rest}. Logs: ${files.logDir} (${files.prefix}-${name}.*)`);
    jobId = await awaitJobId(ready.rest as string, config, jm, resultFile);
    if (jobId !== undefined) {
      log(`Job has been submitted with JobID ${jobId}`);
      if (received) await rest.cancelJob(jobId).catch(() => undefined);
    }
    if (opts.detached && jobId !== undefined) {
      process.stdout.write(`Job ${jobId} runs on the application cluster at ${ready.rest} (JobManager pid ${jm.pid}); it shuts down when the job ends. Cancel it with: flott cancel -m ${new URL(ready.rest as string).host} ${jobId}\n`);
      return 0;
    }
    const code = await jm.waitForExit();
    fs.rmSync(pidFile, { force: true });
    const end = readEnd(resultFile);
    fs.rmSync(resultFile, { force: true });
    fs.rmSync(jm.readyFile, { force: true });
    if (!end && received) {
      log(`The application cluster (pid ${jm.pid}) stopped before its job was submitted.`);
      return EXIT_CODES[received];
    }
    if (!end) throw new Error(`The application JobManager (pid ${jm.pid}) exited with code ${code} and no result. Its output (${jm.outFile}):\n${tail(jm.outFile)}`);
    if (end.error) process.stderr.write(`${end.error}\n`);
    log(end.jobId ? `Job ${end.jobId} has ${end.status}.` : end.cause);
    if (received) return EXIT_CODES[received];
    return end.code;
  } catch (e) {
    process.stderr.write(`${formatError(e)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function tail(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').slice(-15).join('\n') : '';
}
