import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isProcessAlive } from '@flott/runtime';
import { runFlott, waitFor } from './run-cli';

export interface ReadyFile {
  readonly pid: number;
  readonly rest?: string;
  readonly rpc?: string;
  readonly rpcPort?: number;
  readonly resourceId?: string;
}

/**
 * A session cluster started by the real `flott cluster start` in a temp folder (pid, ready and log
 * files there; every port picked free), for e2e tests; `stop` runs `flott cluster stop`, and `kill`
 * makes sure nothing is left whatever the test did.
 */
export class LocalCluster {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-local-cluster-'));
  private readonly options: string[];

  constructor(extra: readonly string[] = []) {
    this.options = [
      '-D', `env.pid.dir=${this.dir}`,
      '-D', 'jobmanager.rpc.port=0',
      '-D', 'rest.port=0',
      '-D', 'rest.bind-address=127.0.0.1',
      ...extra,
    ];
  }

  async start(taskManagers: number): Promise<void> {
    const r = await runFlott(['cluster', 'start', '-n', String(taskManagers), ...this.options], 90_000);
    if (r.code !== 0) throw new Error(`flott cluster start failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  }

  private readyFiles(): string[] {
    return fs.readdirSync(this.dir).filter((f) => f.endsWith('.ready'));
  }

  ready(name: string): ReadyFile {
    return JSON.parse(fs.readFileSync(path.join(this.dir, `flott-${os.userInfo().username}-${name}.ready`), 'utf8')) as ReadyFile;
  }

  /** `-m host:port` of the REST endpoint. */
  get m(): string[] {
    return ['-m', new URL(this.ready('jobmanager').rest as string).host];
  }

  get restUrl(): string {
    return this.ready('jobmanager').rest as string;
  }

  /** Every pid the cluster script recorded (JobManager first). */
  pids(): number[] {
    const file = path.join(this.dir, `flott-${os.userInfo().username}-cluster.pid`);
    if (!fs.existsSync(file)) return [];
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number);
  }

  async rest<T>(pathAndQuery: string): Promise<T> {
    const res = await fetch(`${this.restUrl}${pathAndQuery}`);
    if (!res.ok) throw new Error(`GET ${pathAndQuery}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** Each job vertex's name and its subtasks' current attempt numbers, through the REST API. */
  async vertexAttempts(jobId: string): Promise<Array<{ name: string; attempts: number[] }>> {
    const job = await this.rest<{ vertices: Array<{ id: string; name: string }> }>(`/jobs/${jobId}`);
    return Promise.all(
      job.vertices.map(async (v) => ({
        name: v.name,
        attempts: (await this.rest<{ subtasks: Array<{ attempt: number }> }>(`/jobs/${jobId}/vertices/${v.id}`)).subtasks.map((s) => s.attempt),
      })),
    );
  }

  log(name: string): string {
    const file = path.join(this.dir, `flott-${os.userInfo().username}-log`, `flott-${os.userInfo().username}-${name}.log`);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  }

  async stop(): Promise<string> {
    const r = await runFlott(['cluster', 'stop', ...this.options], 120_000);
    if (r.code !== 0) throw new Error(`flott cluster stop failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  /** Kills whatever is still running and removes the folder (afterAll, whatever happened). */
  async kill(): Promise<void> {
    // Only processes of this cluster (their command line names this folder): a recorded pid may belong to another process by now.
    const pids = [...this.pids(), ...this.readyFiles().map((f) => (JSON.parse(fs.readFileSync(path.join(this.dir, f), 'utf8')) as ReadyFile).pid)].filter((p) =>
      isProcessAlive(p, this.dir),
    );
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await waitFor(() => pids.every((p) => !isProcessAlive(p)), 'the cluster processes to die', 10_000);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

