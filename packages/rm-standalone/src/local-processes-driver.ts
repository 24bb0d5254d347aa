import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FlottError } from '@flott/core';
import { isProcessAlive, SystemScheduler, type Cancellable, type Scheduler } from '@flott/runtime/common';
import type { ResourceEventHandler, ResourceManagerDriver, WorkerNode, WorkerResourceSpec } from '@flott/runtime/spi';

export interface LocalProcessesDriverOptions {
  /** The TaskManager command: executable and leading arguments (e.g. node, the flott bin, `taskmanager`); `--config <worker dir>` is appended. */
  readonly command: readonly string[];
  /** The configuration every TaskManager gets (the JobManager's: its address, the internal secret...), written to its config.yaml. */
  readonly configuration: Readonly<Record<string, unknown>>;
  /** One folder per worker (config.yaml, pid, log), and what a later attempt recovers workers from. */
  readonly workingDirectory: string;
  /** Resource ids of new workers. */
  readonly nextId: () => string;
  /** A released worker that has not exited after SIGTERM for this long is killed. */
  readonly stopTimeoutMs: number;
  /** How often workers of a previous attempt (not children of this process) are checked for being alive. */
  readonly pollIntervalMs: number;
  readonly scheduler?: Scheduler;
  /** Environment of the TaskManager processes (default: this process's). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

interface Worker {
  readonly node: WorkerNode;
  readonly pid: number;
  readonly child?: ChildProcess;
  released: boolean;
}

const SPEC_FILE = 'worker.json';

/**
 * `resourcemanager.type: local-processes`: starts TaskManager processes on this host on demand (the
 * reference for the Kubernetes and YARN drivers). Each worker gets a folder with its configuration
 * (the JobManager's plus its resource id and slots; the file is readable by the user only, as it may
 * hold the internal secret), its pid and its log. Workers are detached: like pods, they survive a
 * JobManager that dies, and the next attempt's driver recovers the live ones from the folders.
 * Released workers get SIGTERM, then SIGKILL after the stop timeout; `terminate` (the cluster shutting
 * down) stops them all.
 */
export class LocalProcessesDriver implements ResourceManagerDriver {
  private readonly workers = new Map<string, Worker>();
  private handler: ResourceEventHandler | undefined;
  private poller: Cancellable | undefined;
  private terminated = false;
  private readonly scheduler: Scheduler;

  constructor(private readonly opts: LocalProcessesDriverOptions) {
    if (opts.command.length === 0) throw new FlottError('LOCAL_PROCESSES_NO_COMMAND', 'The local-processes driver needs the TaskManager command');
    this.scheduler = opts.scheduler ?? new SystemScheduler();
  }

  async initialize(handler: ResourceEventHandler): Promise<void> {
    if (this.handler) throw new FlottError('DRIVER_INITIALIZED', 'The local-processes driver was initialised twice');
    this.handler = handler;
    fs.mkdirSync(this.opts.workingDirectory, { recursive: true, mode: 0o700 });
    const recovered: WorkerNode[] = [];
    for (const id of fs.readdirSync(this.opts.workingDirectory)) {
      const dir = path.join(this.opts.workingDirectory, id);
      const found = readWorker(dir);
      if (found && isProcessAlive(found.pid, dir)) {
        this.workers.set(id, { node: found.node, pid: found.pid, released: false });
        recovered.push(found.node);
      } else {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    handler.onPreviousAttemptWorkersRecovered(recovered);
    this.schedulePoll();
  }

  async requestResource(spec: WorkerResourceSpec): Promise<WorkerNode> {
    const handler = this.checkRunning();
    const resourceId = this.opts.nextId();
    const dir = path.join(this.opts.workingDirectory, resourceId);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const config = { ...this.opts.configuration, 'taskmanager.resource-id': resourceId, 'taskmanager.numberOfTaskSlots': spec.numberOfSlots };
    fs.writeFileSync(path.join(dir, 'config.yaml'), Object.entries(config).map(([k, v]) => `${k}: ${JSON.stringify(v)}\n`).join(''), { mode: 0o600 });
    const log = fs.openSync(path.join(dir, 'taskmanager.log'), 'a');
    const [executable, ...args] = this.opts.command;
    let child: ChildProcess;
    try {
      child = spawn(executable, [...args, '--config', dir], { stdio: ['ignore', log, log], detached: true, env: { ...(this.opts.env ?? process.env) } });
      await new Promise<void>((resolve, reject) => {
        child.once('spawn', resolve);
        child.once('error', reject);
      });
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new FlottError('WORKER_START_FAILED', `Could not start TaskManager ${resourceId} (${executable}): ${(e as Error).message}`, { resourceId }, { cause: e });
    } finally {
      fs.closeSync(log);
    }
    child.unref();
    const node: WorkerNode = { resourceId, spec };
    const pid = child.pid as number;
    fs.writeFileSync(path.join(dir, SPEC_FILE), JSON.stringify({ pid, spec }));
    const worker: Worker = { node, pid, child, released: false };
    this.workers.set(resourceId, worker);
    child.once('exit', (code, signal) => {
      if (this.workers.get(resourceId) !== worker) return;
      this.workers.delete(resourceId);
      if (worker.released || this.terminated) return;
      handler.onWorkerTerminated(resourceId, `TaskManager process ${pid} exited (${signal ? `signal ${signal}` : `code ${code}`}); its log: ${path.join(dir, 'taskmanager.log')}`);
    });
    return node;
  }

  async releaseResource(worker: WorkerNode): Promise<void> {
    this.checkRunning();
    const w = this.workers.get(worker.resourceId);
    if (!w) return;
    await this.stop(w);
  }

  async terminate(): Promise<void> {
    this.terminated = true;
    this.poller?.cancel();
    await Promise.all([...this.workers.values()].map((w) => this.stop(w)));
  }

  /** SIGTERM, then SIGKILL after the stop timeout; resolves when the process is gone. */
  private async stop(w: Worker): Promise<void> {
    w.released = true;
    const dir = path.join(this.opts.workingDirectory, w.node.resourceId);
    // A worker of a previous attempt that is gone may have left its pid to another process: that one is not signalled.
    if (!w.child && !isProcessAlive(w.pid, dir)) {
      this.workers.delete(w.node.resourceId);
      fs.rmSync(dir, { recursive: true, force: true });
      return;
    }
    signal(w.pid, 'SIGTERM');
    const deadline = this.scheduler.schedule(this.opts.stopTimeoutMs, () => signal(w.pid, 'SIGKILL'));
    try {
      await new Promise<void>((resolve) => {
        if (w.child && w.child.exitCode === null && w.child.signalCode === null) w.child.once('exit', () => resolve());
        else this.waitForExit(w.pid, dir, resolve);
      });
    } finally {
      deadline.cancel();
    }
    this.workers.delete(w.node.resourceId);
    fs.rmSync(dir, { recursive: true, force: true });
  }

  private waitForExit(pid: number, dir: string, done: () => void): void {
    if (!isProcessAlive(pid, dir)) return done();
    this.scheduler.schedule(Math.min(this.opts.pollIntervalMs, 50), () => this.waitForExit(pid, dir, done));
  }

  /** Workers of a previous attempt are no children of this process: their exit is noticed by polling. */
  private schedulePoll(): void {
    this.poller = this.scheduler.schedule(this.opts.pollIntervalMs, () => {
      for (const [id, w] of this.workers) {
        if (w.child || w.released || isProcessAlive(w.pid, path.join(this.opts.workingDirectory, id))) continue;
        this.workers.delete(id);
        fs.rmSync(path.join(this.opts.workingDirectory, id), { recursive: true, force: true });
        this.handler?.onWorkerTerminated(id, `TaskManager process ${w.pid} (of a previous attempt) is gone`);
      }
      if (!this.terminated) this.schedulePoll();
    });
  }

  private checkRunning(): ResourceEventHandler {
    if (!this.handler) throw new FlottError('DRIVER_NOT_INITIALIZED', 'The local-processes driver was used before initialize');
    if (this.terminated) throw new FlottError('DRIVER_TERMINATED', 'The local-processes driver was used after terminate');
    return this.handler;
  }
}

function readWorker(dir: string): { node: WorkerNode; pid: number } | undefined {
  try {
    const { pid, spec } = JSON.parse(fs.readFileSync(path.join(dir, SPEC_FILE), 'utf8')) as { pid: number; spec: WorkerResourceSpec };
    return Number.isInteger(pid) && pid > 0 ? { node: { resourceId: path.basename(dir), spec }, pid } : undefined;
  } catch {
    return undefined; // a folder without a readable worker file is no worker of ours
  }
}


function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}
