import { randomBytes } from 'node:crypto';
import { ConfigurationError, deserializeError, FlottError, type Configuration, type SerializedError } from '@flott/core';
import {
  RestOptions,
  type CollectedBatch,
  type DispatcherGateway,
  type ExecutionGraphInfo,
  type JobDetailsInfo,
  type JobResultInfo,
  type JobStatus,
  type JobSubmission,
  type Scheduler,
} from '@flott/runtime';
import { RestTransport } from './rest-transport';

/**
 * The REST endpoint's base URL: `-m host:port` (or a full http(s):// URL) when given, else
 * rest.address (localhost when unset) and rest.port; https when security.ssl.rest.enabled.
 */
export function restBaseUrl(configuration: Configuration, jobmanager?: string): string {
  const scheme = configuration.get(RestOptions.SSL_ENABLED) ? 'https' : 'http';
  if (jobmanager !== undefined) {
    if (/^https?:\/\//.test(jobmanager)) return jobmanager.replace(/\/+$/, '');
    const m = /^(\[[^\]]+\]|[^:/\s]+)(?::(\d{1,5}))?$/.exec(jobmanager);
    if (!m) throw new ConfigurationError(`-m/--jobmanager: '${jobmanager}' is not host:port`, { jobmanager });
    return `${scheme}://${m[1]}:${m[2] ?? configuration.get(RestOptions.PORT)}`;
  }
  return `${scheme}://${configuration.get(RestOptions.ADDRESS) ?? 'localhost'}:${configuration.get(RestOptions.PORT)}`;
}

type OperationStatus = { status: { id: 'IN_PROGRESS' | 'COMPLETED' }; operation?: Record<string, unknown> & { 'failure-cause'?: { 'flott-error'?: SerializedError; class?: string; 'stack-trace'?: string } } };

export interface RestClusterClientOptions {
  /** From restBaseUrl(). */
  readonly url: string;
  readonly configuration: Configuration;
  readonly scheduler: Scheduler;
  /** Longest pause between two status queries of a savepoint, stop or checkpoint (the pause doubles from 5 ms up to it). */
  readonly maxPollIntervalMs?: number;
}

/**
 * The DispatcherGateway over a cluster's REST API (Flink's RestClusterClient), so the client's
 * ClusterJobClient and the CLI drive a remote cluster as they drive the embedded one. A submission
 * is one multipart POST /jobs carrying the job graph file and the bundle (putBlob only holds the
 * bundle until then); savepoints, stops and checkpoints are triggered, then polled by trigger id.
 */
export class RestClusterClient implements DispatcherGateway {
  private readonly transport: RestTransport;
  /** The bundle of the next submission: at most one is held. */
  private pendingBundle?: { sha256: string; data: Uint8Array };

  constructor(private readonly opts: RestClusterClientOptions) {
    this.transport = new RestTransport(opts.url, opts.configuration, opts.scheduler);
  }

  get url(): string {
    return this.opts.url;
  }

  private job(jobId: string, suffix = ''): string {
    return `/jobs/${encodeURIComponent(jobId)}${suffix}`;
  }

  async putBlob(sha256: string, data: Uint8Array): Promise<void> {
    this.pendingBundle = { sha256, data };
  }

  async getBlob(sha256: string): Promise<Uint8Array> {
    throw new FlottError('BLOB_NOT_FOUND', `The REST client does not download job bundles (${sha256})`, { sha256 });
  }

  /** TaskManagers' concern: a client uploads the bundle with its submission (POST /jobs), never fetches one. */
  async getBlobServerAddress(): Promise<string | undefined> {
    return undefined;
  }

  async submitJob(submission: JobSubmission): Promise<string> {
    const bundle = this.pendingBundle;
    if (!bundle || bundle.sha256 !== submission.artifact.sha256) {
      throw new FlottError('INVALID_JOB_SUBMISSION', `The job's bundle ${submission.artifact.sha256} was not put before the submission`);
    }
    const graphFile = Buffer.from(JSON.stringify({ jobGraph: submission.jobGraph, args: submission.args, configuration: submission.configuration }));
    const request = Buffer.from(JSON.stringify({ jobGraphFileName: 'job-graph.json', jobJarFileNames: ['job.js'], jobArtifactFileNames: [] }));
    const boundary = `flott-${randomBytes(16).toString('hex')}`;
    const body = multipart(boundary, [
      { name: 'request', data: request },
      { name: 'file_0', filename: 'job-graph.json', data: graphFile },
      { name: 'file_1', filename: 'job.js', data: Buffer.from(bundle.data) },
    ]);
    const answer = await this.transport.call<{ jobUrl: string }>({ method: 'POST', path: '/jobs', body, contentType: `multipart/form-data; boundary=${boundary}` });
    this.pendingBundle = undefined;
    return answer.jobUrl.replace(/^\/jobs\//, '');
  }

  async requestJobStatus(jobId: string): Promise<JobStatus> {
    return (await this.transport.call<{ status: JobStatus }>({ method: 'GET', path: this.job(jobId, '/status') })).status;
  }

  requestJobResult(jobId: string): Promise<JobResultInfo> {
    return this.transport.call({ method: 'GET', path: `/flott${this.job(jobId, '/result')}` });
  }

  async requestJobDetails(jobId: string): Promise<JobDetailsInfo> {
    return this.requestExecutionGraphInfo(jobId);
  }

  requestExecutionGraphInfo(jobId: string): Promise<ExecutionGraphInfo> {
    return this.transport.call({ method: 'GET', path: `/flott${this.job(jobId, '/info')}` });
  }

  /**
   * The records the job's running tasks read and wrote so far: the sums of the vertices' IO metrics
   * of /jobs/:jobid (what the live status line shows as rates); undefined when no task reported.
   */
  async requestJobRecords(jobId: string): Promise<{ in: number; out: number } | undefined> {
    type Metrics = { 'read-records'?: number; 'write-records'?: number; 'read-records-complete'?: boolean; 'write-records-complete'?: boolean };
    const { vertices } = await this.transport.call<{ vertices: Array<{ metrics?: Metrics }> }>({ method: 'GET', path: this.job(jobId) });
    const metrics = vertices.map((v) => v.metrics ?? {});
    const counts = { in: 0, out: 0 };
    for (const m of metrics) {
      counts.in += m['read-records'] ?? 0;
      counts.out += m['write-records'] ?? 0;
    }
    const reported = counts.in + counts.out > 0 || metrics.some((m) => m['read-records-complete'] || m['write-records-complete']);
    return reported ? counts : undefined;
  }

  async listJobs(): Promise<Array<{ jobId: string; jobName: string; status: JobStatus }>> {
    return (await this.jobsOverview()).map(({ jobId, jobName, status }) => ({ jobId, jobName, status }));
  }

  /** Every job with its start time (/jobs/overview), in one call: what `flott list` prints. */
  async jobsOverview(): Promise<Array<{ jobId: string; jobName: string; status: JobStatus; startTime: number }>> {
    const { jobs } = await this.transport.call<{ jobs: Array<{ jid: string; name: string; state: JobStatus; 'start-time': number }> }>({ method: 'GET', path: '/jobs/overview' });
    return jobs.map((j) => ({ jobId: j.jid, jobName: j.name, status: j.state, startTime: j['start-time'] }));
  }

  /** Cancels the job; as the in-process Dispatcher, canceling a job that already ended is no error. */
  async cancelJob(jobId: string): Promise<void> {
    try {
      await this.transport.call({ method: 'PATCH', path: `${this.job(jobId)}?mode=cancel` });
    } catch (e) {
      if ((e as { httpStatus?: number }).httpStatus !== 409) throw e;
    }
  }

  pollCollected(jobId: string): Promise<CollectedBatch> {
    return this.transport.call({ method: 'POST', path: `/flott${this.job(jobId, '/collect')}` });
  }

  async triggerSavepoint(jobId: string, targetDirectory?: string): Promise<string> {
    const body = targetDirectory !== undefined ? { 'target-directory': targetDirectory } : {};
    return this.operation(this.job(jobId, '/savepoints'), body, (id) => this.job(jobId, `/savepoints/${id}`), 'location');
  }

  async stopWithSavepoint(jobId: string, targetDirectory?: string, drain = false): Promise<string> {
    const body = { drain, ...(targetDirectory !== undefined ? { targetDirectory } : {}) };
    return this.operation(this.job(jobId, '/stop'), body, (id) => this.job(jobId, `/savepoints/${id}`), 'location');
  }

  async triggerCheckpoint(jobId: string, full = false): Promise<number> {
    return this.operation(this.job(jobId, '/checkpoints'), { checkpointType: full ? 'FULL' : 'CONFIGURED' }, (id) => this.job(jobId, `/checkpoints/${id}`), 'checkpointId');
  }

  async disposeSavepoint(path: string): Promise<void> {
    await this.operation('/savepoint-disposal', { 'savepoint-path': path }, (id) => `/savepoint-disposal/${id}`, 'location');
  }

  /** Triggers an asynchronous operation and polls its status until it completed; a failure rejects with the server's typed error. */
  private async operation<T>(triggerPath: string, body: object, statusPath: (triggerId: string) => string, field: string): Promise<T> {
    const { 'request-id': triggerId } = await this.transport.call<{ 'request-id': string }>({ method: 'POST', path: triggerPath, body: Buffer.from(JSON.stringify(body)) });
    let pause = 5;
    for (;;) {
      const status = await this.transport.call<OperationStatus>({ method: 'GET', path: statusPath(triggerId) });
      if (status.status.id === 'COMPLETED') {
        const cause = status.operation?.['failure-cause'];
        if (cause) throw cause['flott-error'] ? deserializeError(cause['flott-error']) : new FlottError('OPERATION_FAILED', cause['stack-trace'] ?? String(cause.class));
        return status.operation?.[field] as T;
      }
      await new Promise<void>((resolve) => this.opts.scheduler.schedule(pause, resolve));
      pause = Math.min(pause * 2, this.opts.maxPollIntervalMs ?? 500);
    }
  }
}

/** A multipart/form-data body (RFC 7578); the random boundary does not occur in JSON or a text bundle by chance. */
function multipart(boundary: string, parts: ReadonlyArray<{ name: string; filename?: string; data: Buffer }>): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const file = p.filename !== undefined ? `; filename="${p.filename}"` : '';
    const type = p.filename !== undefined ? 'application/octet-stream' : 'application/json';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${file}\r\nContent-Type: ${type}\r\n\r\n`), p.data, Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
