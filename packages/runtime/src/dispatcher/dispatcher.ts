import 'reflect-metadata';
import { inject, injectable, type Container } from 'inversify';
import { Configuration, FlottError, type Clock } from '@flott/core';
import { BlobOptions } from '../config/options';
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
import type { Scheduler } from '../time/clock';
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
  readonly resourceManagerAddress: string;
  /** Root container holding the plugin modules; each job gets a child container. */
  readonly container: Container;
  /** Silent by default; each JobMaster gets a child bound to its jobId. */
  readonly logger?: Logger;
  /** Completed-checkpoint stores and checkpoint id counters of the jobs; jobs that checkpoint need it. */
  readonly highAvailability?: () => HighAvailabilityServices;
}
/** The Dispatcher's collaborators, as the cluster's container resolves them (wiring/cluster-container.ts). */
export const DispatcherOptions = Symbol.for('flott.DispatcherOptions');

interface JobEntry {
  readonly jobName: string;
  readonly master: JobMaster;
  result?: JobResultInfo;
}

/**
 * Entry point for jobs (Flink's Dispatcher): accepts submissions with their bundle, starts one
 * JobMaster per job from the job's own child container (jobmaster/job-container.ts), and answers
 * status and result queries.
 */
@injectable()
export class Dispatcher implements DispatcherGateway {
  readonly address: string;
  private readonly jobs = new Map<string, JobEntry>();
  private readonly blobs = new Map<string, Uint8Array>();
  private readonly log: Logger;
  private readonly random: Random;
  private readonly ids: IdGenerator;

  constructor(@inject(DispatcherOptions) private readonly opts: DispatcherOptions) {
    this.address = opts.rpc.register('dispatcher', this as DispatcherGateway);
    this.log = opts.logger ?? SILENT_LOGGER;
    this.random = opts.random ?? new SystemRandom();
    this.ids = opts.ids ?? new SystemIdGenerator();
  }

  async putBlob(sha256: string, data: Uint8Array): Promise<void> {
    const max = this.opts.configuration.get(BlobOptions.MAX_BLOB_SIZE);
    if (data.byteLength > max) {
      throw new FlottError('BLOB_TOO_LARGE', `Job bundle of ${data.byteLength} bytes exceeds blob.server.max-size (${max} bytes)`, { size: data.byteLength, max });
    }
    this.blobs.set(sha256, data);
  }

  async getBlob(sha256: string): Promise<Uint8Array> {
    const b = this.blobs.get(sha256);
    if (!b) throw new FlottError('BLOB_NOT_FOUND', `No job bundle ${sha256} on the blob server`, { sha256 });
    return b;
  }

  async submitJob(submission: JobSubmission): Promise<string> {
    const { jobGraph } = submission;
    if (!jobGraph || !Array.isArray(jobGraph.vertices) || jobGraph.vertices.length === 0) {
      throw new InvalidJobSubmissionError('The job graph has no vertices');
    }
    if (this.jobs.has(jobGraph.jobId)) throw new InvalidJobSubmissionError(`Job ${jobGraph.jobId} was already submitted`);
    if (!this.blobs.has(submission.artifact.sha256)) {
      throw new InvalidJobSubmissionError(`The job's bundle ${submission.artifact.sha256} was not uploaded`);
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
        resourceManagerAddress: this.opts.resourceManagerAddress,
        highAvailability: this.opts.highAvailability,
        jobArtifact: (sha256) => this.getBlob(sha256),
      },
      onTerminal: (result) => {
        const entry = this.jobs.get(jobGraph.jobId);
        if (entry) entry.result = result;
      },
    });
    checkImplementationChoices(jobContainer, config, 'cluster');
    const master = jobContainer.get(JobMaster);
    this.jobs.set(jobGraph.jobId, { jobName: jobGraph.jobName, master });
    master.start();
    return jobGraph.jobId;
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
    const metadata = decodeCheckpointMetadata(await storage.readMetadata(path), path);
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

  /** Cancels all running jobs (cluster shutdown). */
  async cancelAll(): Promise<void> {
    for (const e of this.jobs.values()) if (!isGloballyTerminal(e.master.graph.state)) e.master.cancel();
  }

  async close(): Promise<void> {
    // Ended jobs finish their clean-up (checkpoint files they do not retain) before the Dispatcher goes.
    await Promise.all([...this.jobs.values()].map((e) => e.master.whenCleanedUp()));
    this.opts.rpc.unregister(this.address);
  }
}
