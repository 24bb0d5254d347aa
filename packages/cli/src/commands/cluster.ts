import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Configuration } from '@flott/core';
import { isProcessAlive, ClusterScriptOptions, JobManagerOptions } from '@flott/runtime/common';
import { resolveConfiguration, type CommonOptions } from '../config-resolution';
import { FLOTT_BIN } from './flott-bin';

export interface ClusterCommandOptions extends CommonOptions {
  readonly taskmanagers?: string;
}

export interface ClusterFiles {
  readonly pidDir: string;
  readonly logDir: string;
  /** One pid per line: the JobManager's first, then the TaskManagers'. */
  readonly pidFile: string;
  readonly prefix: string;
}

export interface Ready {
  readonly pid: number;
  readonly rpc?: string;
  readonly rpcPort?: number;
  readonly rest?: string;
  readonly resourceId?: string;
}

/** Waits between looks at a stopping process. */
const POLL_MS = 50;
/** Waits between looks for a starting process's ready file (a stat each: cheap, and the start is ~0.3 s). */
const READY_POLL_MS = 10;
/** After SIGTERM, how long TaskManagers get to deregister before SIGKILL. */
const TASK_MANAGER_STOP_TIMEOUT_MS = 10_000;

export function filesOf(config: Configuration): ClusterFiles {
  const user = os.userInfo().username;
  const pidDir = config.get(ClusterScriptOptions.PID_DIR) ?? os.tmpdir();
  const logDir = config.get(ClusterScriptOptions.LOG_DIR) ?? path.join(pidDir, `flott-${user}-log`);
  const prefix = `flott-${user}`;
  return { pidDir, logDir, prefix, pidFile: path.join(pidDir, `${prefix}-cluster.pid`) };
}


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function livePids(files: ClusterFiles): number[] {
  if (!fs.existsSync(files.pidFile)) return [];
  return fs.readFileSync(files.pidFile, 'utf8').split('\n').map(Number).filter((pid) => Number.isInteger(pid) && pid > 0 && isProcessAlive(pid, files.pidDir));
}

/** env.node.opts.all, then env.node.opts.<role>: the Node.js options a started process runs with. */
export function nodeOptionsOf(config: Configuration, role: 'jobmanager' | 'taskmanager'): string[] {
  const own = role === 'jobmanager' ? ClusterScriptOptions.NODE_OPTS_JOBMANAGER : ClusterScriptOptions.NODE_OPTS_TASKMANAGER;
  return [...config.get(ClusterScriptOptions.NODE_OPTS_ALL), ...config.get(own)];
}

/** A cluster process started in the background. */
export interface StartedClusterProcess {
  readonly pid: number;
  readonly readyFile: string;
  readonly outFile: string;
  /** Its exit code (null: killed by a signal); this process does not end before it while this is awaited. */
  waitForExit(): Promise<number | null>;
}

/**
 * Starts `flott <role> ...` detached, its output appended to `<name>.out`; it writes its addresses to
 * `<name>.ready` once up. `tail` goes after the options this adds (a job file and its arguments).
 */
export function startProcess(files: ClusterFiles, name: string, args: readonly string[], tail: readonly string[] = [], nodeOptions: readonly string[] = []): StartedClusterProcess {
  const readyFile = path.join(files.pidDir, `${files.prefix}-${name}.ready`);
  const outFile = path.join(files.logDir, `${files.prefix}-${name}.out`);
  fs.rmSync(readyFile, { force: true });
  const out = fs.openSync(outFile, 'a');
  try {
    const logFile = path.join(files.logDir, `${files.prefix}-${name}.log`);
    const child = spawn(process.execPath, [...nodeOptions, FLOTT_BIN, ...args, '--ready-file', readyFile, '-D', `log.file=${logFile}`, ...tail], {
      stdio: ['ignore', out, out],
      detached: true,
    });
    child.unref();
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const waitForExit = () => {
      // Unreferenced, the child would not keep this process's event loop alive while it is waited for.
      child.ref();
      return exited;
    };
    return { pid: child.pid as number, readyFile, outFile, waitForExit };
  } finally {
    fs.closeSync(out);
  }
}

/** Resolves with the process's ready file, or fails when it exits first or the timeout passes (its output's end in the error). */
export async function waitReady(name: string, started: { pid: number; readyFile: string; outFile: string }, timeoutMs: number): Promise<Ready> {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(started.readyFile)) {
    const tail = () => fs.readFileSync(started.outFile, 'utf8').split('\n').slice(-15).join('\n');
    if (!isProcessAlive(started.pid)) throw new Error(`The ${name} (pid ${started.pid}) exited during start. Its output (${started.outFile}):\n${tail()}`);
    if (Date.now() > deadline) throw new Error(`The ${name} (pid ${started.pid}) was not ready within ${timeoutMs} ms (cluster.startup-timeout). Its output (${started.outFile}):\n${tail()}`);
    await sleep(READY_POLL_MS);
  }
  return JSON.parse(fs.readFileSync(started.readyFile, 'utf8')) as Ready;
}

/** SIGTERM, then SIGKILL after `timeoutMs`; resolves when the process is gone. */
export async function stopProcess(pid: number, timeoutMs: number, files: ClusterFiles): Promise<'stopped' | 'killed'> {
  // Only a process started here (its --ready-file is in the pid folder), never one that got its pid later.
  if (!isProcessAlive(pid, files.pidDir)) return 'stopped';
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'stopped';
  }
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      while (isProcessAlive(pid)) await sleep(POLL_MS);
      return 'killed';
    }
    await sleep(POLL_MS);
  }
  return 'stopped';
}

/** What a process started by the cluster script is given: the user's --config and -D, then `extra`. */
export function passThrough(opts: CommonOptions, extra: readonly string[] = []): string[] {
  return [...(opts.config ? ['--config', opts.config] : []), ...(opts.D ?? []).flatMap((d) => ['-D', d]), ...extra.flatMap((d) => ['-D', d])];
}

/**
 * `flott cluster start`: a local session cluster (Flink's start-cluster.sh): a JobManager and
 * `--taskmanagers` (cluster.taskmanagers) TaskManagers as background processes, their pids in
 * env.pid.dir and their logs in env.log.dir. Returns once every one is ready; if one fails to start,
 * the ones already started are stopped again.
 */
export async function clusterStartCommand(opts: ClusterCommandOptions): Promise<number> {
  try {
    const config = resolveConfiguration(opts);
    const files = filesOf(config);
    const running = livePids(files);
    if (running.length > 0) {
      process.stderr.write(`A cluster is already running (pids ${running.join(', ')}, ${files.pidFile}); stop it first with: flott cluster stop\n`);
      return 1;
    }
    fs.mkdirSync(files.pidDir, { recursive: true });
    fs.mkdirSync(files.logDir, { recursive: true });
    const count = opts.taskmanagers !== undefined ? Number(opts.taskmanagers) : config.get(ClusterScriptOptions.NUM_TASK_MANAGERS);
    if (!Number.isInteger(count) || count < 0) throw new Error(`--taskmanagers must be a whole number ≥ 0, not ${opts.taskmanagers}`);
    const timeoutMs = config.get(ClusterScriptOptions.STARTUP_TIMEOUT);
    const pids: number[] = [];
    const writePids = () => fs.writeFileSync(files.pidFile, pids.map((p) => `${p}\n`).join(''));
    try {
      const jm = startProcess(files, 'jobmanager', ['jobmanager', ...passThrough(opts)], [], nodeOptionsOf(config, 'jobmanager'));
      pids.push(jm.pid);
      writePids();
      const startTaskManagers = (rpcPort: number) => {
        const tmArgs = passThrough(opts, [`${JobManagerOptions.RPC_PORT.key}=${rpcPort}`]);
        const started = Array.from({ length: count }, (_, i) => startProcess(files, `taskmanager-${i}`, ['taskmanager', ...tmArgs], [], nodeOptionsOf(config, 'taskmanager')));
        pids.push(...started.map((t) => t.pid));
        writePids();
        return started;
      };
      // With a known port the TaskManagers start beside the JobManager (they wait for it to answer);
      // with port 0 they learn the one it picked from its ready file.
      const configuredPort = config.get(JobManagerOptions.RPC_PORT);
      let tms = configuredPort !== 0 ? startTaskManagers(configuredPort) : [];
      const jmReady = await waitReady('JobManager', jm, timeoutMs);
      if (configuredPort === 0) tms = startTaskManagers(jmReady.rpcPort as number);
      await Promise.all(tms.map((t, i) => waitReady(`TaskManager ${i}`, t, timeoutMs)));
      process.stdout.write(
        `Started a session cluster: JobManager (pid ${jm.pid}) with REST at ${jmReady.rest} and RPC at ${jmReady.rpc}, ` +
          `${count} TaskManager(s) (pids ${tms.map((t) => t.pid).join(', ') || 'none'}). Logs: ${files.logDir}\n`,
      );
      return 0;
    } catch (e) {
      for (const pid of [...pids].reverse()) await stopProcess(pid, TASK_MANAGER_STOP_TIMEOUT_MS, files);
      fs.rmSync(files.pidFile, { force: true });
      throw e;
    }
  } catch (e) {
    process.stderr.write(`${await formattedError(e)}\n`);
    return 1;
  }
}

/**
 * `flott cluster stop` (Flink's stop-cluster.sh): ends the running jobs over REST first (cancels them,
 * or waits for them, jobmanager.shutdown.running-jobs and .timeout), then stops the TaskManagers,
 * which deregister at the ResourceManager, then the JobManager; any process that does not exit in time
 * is killed. Nothing is left running and the pid file is removed.
 */
export async function clusterStopCommand(opts: ClusterCommandOptions): Promise<number> {
  try {
    const config = resolveConfiguration(opts);
    const files = filesOf(config);
    if (!fs.existsSync(files.pidFile)) {
      process.stdout.write(`No cluster to stop (no ${files.pidFile}).\n`);
      return 0;
    }
    const [jm, ...tms] = fs.readFileSync(files.pidFile, 'utf8').split('\n').map(Number).filter((p) => Number.isInteger(p) && p > 0);
    const jmTimeout = config.get(JobManagerOptions.SHUTDOWN_TIMEOUT) + TASK_MANAGER_STOP_TIMEOUT_MS;
    // Jobs first (cancelled or waited for, over REST), so the TaskManagers can stop before the JobManager and
    // deregister at its ResourceManager, as Flink's stop-cluster.sh stops them first. A JobManager that does
    // not answer drains its jobs itself on SIGTERM, and is then stopped first (its TaskManagers cannot deregister).
    const drained = jm !== undefined && isProcessAlive(jm, files.pidDir) ? await drainJobs(files, config) : false;
    const stopJobManager = async () => (jm !== undefined ? [`JobManager (pid ${jm}) ${await stopProcess(jm, jmTimeout, files)}`] : []);
    const stopTaskManagers = () => Promise.all(tms.map(async (pid) => `TaskManager (pid ${pid}) ${await stopProcess(pid, TASK_MANAGER_STOP_TIMEOUT_MS, files)}`));
    let results: string[];
    let tmResults: string[];
    if (drained) {
      tmResults = await stopTaskManagers();
      results = await stopJobManager();
    } else {
      results = await stopJobManager();
      tmResults = await stopTaskManagers();
    }
    fs.rmSync(files.pidFile, { force: true });
    for (const f of fs.readdirSync(files.pidDir)) if (f.startsWith(`${files.prefix}-`) && f.endsWith('.ready')) fs.rmSync(path.join(files.pidDir, f), { force: true });
    process.stdout.write(`Stopped the cluster: ${[...results, ...tmResults].join(', ')}.\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`${await formattedError(e)}\n`);
    return 1;
  }
}

/**
 * Ends the running jobs of the cluster's JobManager over its REST API as jobmanager.shutdown.running-jobs
 * says (cancel them, or wait for them to end by themselves, at most jobmanager.shutdown.timeout, then
 * cancel), and waits until none runs. False when the JobManager's REST API does not answer.
 */
async function drainJobs(files: ClusterFiles, config: Configuration): Promise<boolean> {
  const readyFile = path.join(files.pidDir, `${files.prefix}-jobmanager.ready`);
  if (!fs.existsSync(readyFile)) return false;
  const { rest } = JSON.parse(fs.readFileSync(readyFile, 'utf8')) as Ready;
  if (rest === undefined) return false;
  // Loaded only here: `cluster start` stays light.
  const [{ RestClusterClient }, { Configuration: ConfigurationClass }, { RestOptions, SystemScheduler }] = await Promise.all([import('@flott/client'), import('@flott/core'), import('@flott/runtime')]);
  const client = new RestClusterClient({ url: rest, configuration: config.merge(new ConfigurationClass().set(RestOptions.RETRY_MAX_ATTEMPTS, 0)), scheduler: new SystemScheduler() });
  const running = async () => (await client.listJobs()).filter((j) => !['FINISHED', 'CANCELED', 'FAILED', 'SUSPENDED'].includes(j.status));
  let jobs: Awaited<ReturnType<typeof running>>;
  try {
    jobs = await running();
  } catch {
    return false;
  }
  const cancelAll = async () => {
    for (const job of await running()) await client.cancelJob(job.jobId).catch(() => undefined);
  };
  if (config.get(JobManagerOptions.SHUTDOWN_RUNNING_JOBS) === 'cancel') await cancelAll();
  const deadline = Date.now() + config.get(JobManagerOptions.SHUTDOWN_TIMEOUT);
  let cancelled = config.get(JobManagerOptions.SHUTDOWN_RUNNING_JOBS) === 'cancel';
  while (jobs.length > 0) {
    if (Date.now() > deadline) {
      if (cancelled) return false;
      await cancelAll();
      cancelled = true;
    }
    await sleep(POLL_MS);
    try {
      jobs = await running();
    } catch {
      return false;
    }
  }
  return true;
}

/** The error as the CLI prints it; its formatter (which knows the client's errors) loads only when there is one. */
async function formattedError(e: unknown): Promise<string> {
  return (await import('../errors-format')).formatError(e);
}
