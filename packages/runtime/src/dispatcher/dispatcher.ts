import 'reflect-metadata';
import { inject, injectable, type Container } from 'inversify';
import { Configuration, FlottError, type Clock } from '@flott/core';
import { isBlobKey, type BlobStore } from '../blob/blob-store';
import { JobNotFoundError } from '../errors';
import { JobStatus, isGloballyTerminal } from '../execution/execution-state';
import { JobMaster } from '../jobmaster/job-master';
import type {
  CollectedBatch,
  DispatcherGateway,
  ExecutionGraphInfo,
  JobDetailsInfo,
  JobResultInfo,
  JobSubmission,
} from '../rpc/gateways';
import { SILENT_LOGGER, type Logger } from '../logging/logger';
import type { RpcService } from '../rpc/rpc-service';
import { createJobContainer } from '../jobmaster/job-container';
import { checkImplementationChoices } from '../spi/implementation-check';
import { loadCheckpointStorageFactory } from '../spi/loaders';
import { decodeCheckpointMetadata } from '../checkpoint/format';
import type { HighAvailabilityServices } from '../spi/high-availability-services';
import { LeaderSession, type LeaderTracker } from '../leader/leader-tracker';
import type { Cancellable, Scheduler } from '../time/clock';
import { SystemIdGenerator, type IdGenerator } from '../time/ids';
import { SystemRandom, type Random } from '../time/random';

export class InvalidJobSubmissionError extends FlottError {
  constructor(message: string) {
    super('INVALID_JOB_SUBMISSION', message);
  }
}

export interface DispatcherOptions {
  readonly rpc: RpcService;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  /** Randomness of per-job strategies (restart jitter); the process's own when not given. */
  readonly random?: Random;
  /** Ids the jobs hand out (slot allocations); the process's own randomness when not given. */
  readonly ids?: IdGenerator;
  readonly configuration: Configuration;
  /** The ResourceManager's leader, which the jobs' JobMasters declare their slots to. */
  readonly resourceManager: LeaderTracker;
  /** Root container holding the plugin modules; each job gets a child container. */
  readonly container: Container;
  /** Silent by default; each JobMaster gets a child bound to its jobId. */
  readonly logger?: Logger;
  /** The job graph store (every submitted job), completed-checkpoint stores and checkpoint id counters of the jobs. */
  readonly highAvailability?: () => HighAvailabilityServices;
  /** Where the job bundles are kept (the blob server's storage); a job retains its bundle while it runs. */
  readonly blobStore: BlobStore;
}
/** The Dispatcher's collaborators, as the cluster's container resolves them (wiring/cluster-container.ts). */
export const DispatcherOptions = Symbol.for('flott.DispatcherOptions');

interface JobEntry {
  readonly jobName: string;
  readonly master: JobMaster;
  result?: JobResultInfo;
  /** Resolves when the job is globally terminal. */
  readonly ended: Promise<void>;
  readonly markEnded: () => void;
}

/**
 * How long a cluster that shuts down waits for the jobs it cancelled to end (their tasks cancel while
 * the TaskManagers are still up); a job still running then is left behind, its clean-up skipped.
 */
export const CANCEL_ON_SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * Entry point for jobs (Flink's Dispatcher): accepts submissions with their bundle, starts one
 * JobMaster per job from the job's own child container (jobmaster/job-container.ts), and answers
 * status and result queries.
 */
@injectable()
export class Dispatcher implements DispatcherGateway {
  readonly address: string;
  private readonly jobs = new Map<string, JobEntry>();
  private blobServerAddress: string | undefined;
  /** Closed: what the Dispatcher used (HA services, blob store) may be gone. */
  private closed = false;
  private readonly log: Logger;
  private readonly random: Random;
  private readonly ids: IdGenerator;
  /** The leader session id the HA services granted: the fencing token of this gateway (Flink's DispatcherId). */
  private readonly leadership = new LeaderSession('Dispatcher', () => this.address, () => this.log);

  constructor(@inject(DispatcherOptions) private readonly opts: DispatcherOptions) {
    this.address = opts.rpc.register('dispatcher', this as DispatcherGateway, { fencingToken: this.leadership.token });
    this.log = opts.logger ?? SILENT_LOGGER;
    this.random = opts.random ?? new SystemRandom();
    this.ids = opts.ids ?? new SystemIdGenerator();
  }

  /** The leader session id clients fence their calls with (Flink's DispatcherId). */
  get fencingToken(): string | undefined {
    return this.leadership.token();
  }

  /** The HA services made this Dispatcher the leader: calls carrying `sessionId` are accepted from now on. */
  grantLeadership(sessionId: string): void {
    this.leadership.grant(sessionId);
  }

  /** Leadership lost: every call over RPC is refused (UNKNOWN_FENCING_TOKEN) until it is granted again. */
  revokeLeadership(): void {
    this.leadership.revoke();
  }

  async putBlob(sha256: string, data: Uint8Array): Promise<void> {
    await this.opts.blobStore.put(sha256, data);
  }

  async getBlob(sha256: string): Promise<Uint8Array> {
    return this.opts.blobStore.read(sha256);
  }

  /** The blob server's HTTP address once the JobManager serves one (a process of its own); none in the embedded cluster. */
  async getBlobServerAddress(): Promise<string | undefined> {
    return this.blobServerAddress;
  }

  /** The JobManager started its blob server: TaskManagers fetch bundles from it. */
  setBlobServerAddress(address: string): void {
    this.blobServerAddress = address;
  }

  async submitJob(submission: JobSubmission): Promise<string> {
    const { jobGraph } = submission;
    if (!jobGraph || !Array.isArray(jobGraph.vertices) || jobGraph.vertices.length === 0) {
      throw new InvalidJobSubmissionError('The job graph has no vertices');
    }
    if (this.jobs.has(jobGraph.jobId)) throw new InvalidJobSubmissionError(`Job ${jobGraph.jobId} was already submitted`);
    if (!isBlobKey(submission.artifact?.sha256) || !this.opts.blobStore.has(submission.artifact.sha256)) {
      throw new InvalidJobSubmissionError(`The job's bundle ${String(submission.artifact?.sha256)} was not uploaded`);
    }
    // Per-job objects live in a child container (DESIGN.md §2): the job's configuration overrides the cluster's.
    this.log.info({ jobId: jobGraph.jobId }, `Received JobGraph submission '${jobGraph.jobName}' (${jobGraph.jobId}).`);
    const config = this.opts.configuration.merge(Configuration.fromRecord(submission.configuration));
    const jobContainer = createJobContainer({
      parent: this.opts.container,
      submission,
      configuration: config,
      services: {
        rpc: this.opts.rpc,
        clock: this.opts.clock,
        scheduler: this.opts.scheduler,
        random: this.random,
        ids: this.ids,
        logger: this.log,
        resourceManager: this.opts.resourceManager,
        highAvailability: this.opts.highAvailability,
        jobArtifact: (sha256) => this.getBlob(sha256),
      },
      onTerminal: (result) => {
        const entry = this.jobs.get(jobGraph.jobId);
        if (entry) {
          entry.result = result;
          entry.markEnded();
        }
        this.jobEnded(jobGraph.jobId);
      },
    });
    checkImplementationChoices(jobContainer, config, 'cluster');
    const master = jobContainer.get(JobMaster);
    // The HA services hold what a new leader would recover the job from (with `none`, in this process).
    await this.opts.highAvailability?.().getJobGraphStore().putJobGraph(jobGraph);
    this.opts.blobStore.retain(jobGraph.jobId, submission.artifact.sha256);
    let markEnded!: () => void;
    const ended = new Promise<void>((resolve) => (markEnded = resolve));
    this.jobs.set(jobGraph.jobId, { jobName: jobGraph.jobName, master, ended, markEnded });
    master.start();
    return jobGraph.jobId;
  }

  /** The job is globally terminal: nothing recovers it any more, and its bundle is no longer needed. */
  private jobEnded(jobId: string): void {
    this.opts.blobStore.releaseJob(jobId);
    if (this.closed) {
      // A job that ended after the cluster shut down (it outlived the cancellation's bound): the HA services are gone.
      this.log.warn({ jobId }, `Job ${jobId} ended after the Dispatcher closed; it stays in the job graph store.`);
      return;
    }
    this.opts.highAvailability?.().getJobGraphStore().removeJobGraph(jobId).catch((err: unknown) => {
      this.log.warn({ err, jobId }, `Could not remove job ${jobId} from the job graph store.`);
    });
  }

  private entry(jobId: string): JobEntry {
    const e = this.jobs.get(jobId);
    if (!e) throw new JobNotFoundError(jobId);
    return e;
  }

  async requestJobStatus(jobId: string): Promise<JobStatus> {
    return this.entry(jobId).master.graph.state;
  }

  /** The job's result; `status` is not terminal while it still runs (clients poll). */
  async requestJobResult(jobId: string): Promise<JobResultInfo> {
    const e = this.entry(jobId);
    return e.result ?? e.master.result();
  }

  async requestJobDetails(jobId: string): Promise<JobDetailsInfo> {
    return this.entry(jobId).master.details();
  }

  async listJobs(): Promise<Array<{ jobId: string; jobName: string; status: JobStatus }>> {
    return [...this.jobs].map(([jobId, e]) => ({ jobId, jobName: e.jobName, status: e.master.graph.state }));
  }

  async cancelJob(jobId: string): Promise<void> {
    this.entry(jobId).master.cancel();
  }

  async triggerSavepoint(jobId: string, targetDirectory?: string): Promise<string> {
    return this.entry(jobId).master.triggerSavepoint(targetDirectory);
  }

  async stopWithSavepoint(jobId: string, targetDirectory?: string, drain = false): Promise<string> {
    return this.entry(jobId).master.stopWithSavepoint(drain, targetDirectory);
  }

  async requestExecutionGraphInfo(jobId: string): Promise<ExecutionGraphInfo> {
    return this.entry(jobId).master.executionGraphInfo();
  }

  async triggerCheckpoint(jobId: string, full = false): Promise<number> {
    return this.entry(jobId).master.triggerCheckpoint(full);
  }

  async disposeSavepoint(path: string): Promise<void> {
    const config = this.opts.configuration;
    const storage = loadCheckpointStorageFactory(this.opts.container, config).create(config).createCheckpointStorageAccess('savepoint-disposal');
    const metadata = decodeCheckpointMetadata(await storage.readMetadata(path), path, await storage.directoryUri?.(path));
    if (metadata.type !== 'SAVEPOINT') {
      throw new FlottError('NOT_A_SAVEPOINT', `${path} is checkpoint ${metadata.checkpointId} of job ${metadata.jobId}, not a savepoint; checkpoints are removed with their job's retention`, { path });
    }
    // The location is the savepoint's directory; a user may name its _metadata file instead.
    const pointer = path.replace(/\/+_metadata\/*$/, '').replace(/\/+$/, '');
    this.log.info({ path: pointer }, `Disposing savepoint ${pointer} (checkpoint ${metadata.checkpointId} of job ${metadata.jobId}).`);
    await storage.discard({ checkpointId: metadata.checkpointId, pointer });
  }

  async pollCollected(jobId: string): Promise<CollectedBatch> {
    return this.entry(jobId).master.pollCollected();
  }

  /**
   * Cancels all running jobs (cluster shutdown) and waits until they ended, at most `timeoutMs`: their
   * tasks must hear it before the TaskManagers go, or the jobs would end later, by heartbeat timeout.
   */
  async cancelAll(timeoutMs = CANCEL_ON_SHUTDOWN_TIMEOUT_MS): Promise<void> {
    for (const e of this.jobs.values()) if (!isGloballyTerminal(e.master.graph.state)) e.master.cancel();
    const left = await this.awaitJobsEnded(timeoutMs);
    if (left.length > 0) this.log.warn({ jobIds: left }, `${left.length} job(s) did not end within ${timeoutMs} ms of their cancellation; the cluster shuts down without them.`);
  }

  /** Waits until every job is globally terminal, at most `timeoutMs`; returns the ids of those still running then. */
  async awaitJobsEnded(timeoutMs: number): Promise<string[]> {
    const running = () => [...this.jobs.values()].filter((e) => !isGloballyTerminal(e.master.graph.state));
    const waiting = running();
    if (waiting.length > 0) {
      let timer: Cancellable | undefined;
      const timedOut = new Promise<void>((resolve) => (timer = this.opts.scheduler.schedule(timeoutMs, resolve)));
      await Promise.race([Promise.all(waiting.map((e) => e.ended)), timedOut]);
      timer?.cancel();
    }
    return running().map((e) => e.master.jobId);
  }

  async close(): Promise<void> {
    // Ended jobs finish their clean-up (checkpoint files they do not retain) before the Dispatcher goes.
    await Promise.all([...this.jobs.values()].map((e) => e.master.whenCleanedUp()));
    this.opts.rpc.unregister(this.address);
    this.opts.blobStore.close();
    this.closed = true;
  }
}
