import 'reflect-metadata';
import type { Container } from 'inversify';
import { childContainer } from '../plugins/plugin-loader';
import { Clock, Configuration } from '@flott/core';
import { Logger } from '../logging/logger';
import { JobSubmission, type JobResultInfo } from '../rpc/gateways';
import { RpcService } from '../rpc/rpc-service';
import { RestartBackoffStrategy } from '../spi/restart-backoff-strategy';
import type { CheckpointStorageAccess } from '../spi/checkpoint-storage';
import type { HighAvailabilityServices } from '../spi/high-availability-services';
import { RestartStrategyChoice, chooseRestartBackoffStrategyFactory, loadCheckpointStorageFactory, loadFailoverStrategyFactory, loadSchedulingStrategyFactory } from '../spi/loaders';
import { Scheduler } from '../time/clock';
import { IdGenerator } from '../time/ids';
import { Random } from '../time/random';
import { isCheckpointingEnabled } from '../checkpoint/checkpointing-settings';
import type { CheckpointServices } from './job-checkpointing';
import { JobMaster, JobMasterOptions } from './job-master';
import { ArtifactCache, defaultBlobStorageDirectory } from '../client/job-artifact';
import { BlobOptions, CoreOptions } from '../config/options';
import { CoordinatorThread } from './coordinator-thread';
import type { OperatorCoordinatorProvider } from './job-coordinators';
import type { LeaderTracker } from '../leader/leader-tracker';

/** The ResourceManager's leader (a LeaderTracker) in the cluster's and the jobs' containers. */
export const ResourceManagerLeader = Symbol.for('flott.ResourceManagerLeader');

/** Called once with the job's result when it reaches a globally terminal state (the Dispatcher records it). */
export type JobTerminationListener = (result: JobResultInfo) => void;
export const JobTerminationListener = Symbol.for('flott.JobTerminationListener');


/** The JobManager-wide services a job's objects use, handed down by the Dispatcher. */
export interface JobManagerServices {
  readonly rpc: RpcService;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly random: Random;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  /** The ResourceManager's leader, which the job's JobMaster declares its slots to. */
  readonly resourceManager: LeaderTracker;
  /** Where completed checkpoints and checkpoint ids are kept; asked for only by jobs that checkpoint. */
  readonly highAvailability?: () => HighAvailabilityServices;
  /** The bytes of a job's bundle (the blob server's), for jobs whose coordinators run user code (unified sources). */
  readonly jobArtifact?: (sha256: string) => Promise<Uint8Array>;
}

export interface JobContainerParameters {
  /** Holds the plugin factories the job's strategies are chosen from (the cluster's container). */
  readonly parent: Container;
  readonly submission: JobSubmission;
  /** The job's configuration: the cluster's with the submission's on top. */
  readonly configuration: Configuration;
  readonly services: JobManagerServices;
  readonly onTerminal: JobTerminationListener;
}

/**
 * Jobs with operator coordinators (unified sources) get a coordinator thread that re-runs their main
 * from the bundle; other jobs start none.
 */
function coordinatorProviderFor(submission: JobSubmission, configuration: Configuration, services: JobManagerServices, log: Logger): OperatorCoordinatorProvider | undefined {
  const jobArtifact = services.jobArtifact;
  const coordinated = submission.jobGraph.vertices.some((v) => v.operators.some((op) => op.hasCoordinator));
  if (!coordinated || !jobArtifact) return undefined;
  const { sha256 } = submission.artifact;
  const thread = new CoordinatorThread({
    artifactPath: async () => {
      const cache = new ArtifactCache(defaultBlobStorageDirectory(configuration.get(BlobOptions.STORAGE_DIRECTORY)));
      if (!cache.has(sha256)) cache.put(sha256, await jobArtifact(sha256));
      return cache.pathOf(sha256);
    },
    args: submission.args,
    defaultParallelism: configuration.get(CoreOptions.DEFAULT_PARALLELISM),
    configuration: configuration.toRecord(),
    log,
  });
  return thread.provider;
}

/**
 * The per-job child container (DESIGN.md §2): binds the job's submission and configuration, the
 * JobManager services it uses, its strategies (scheduling and failover factories chosen by name,
 * its own restart backoff strategy) and the JobMaster built from them, each once per job. Resolving
 * `JobMaster` builds the job's object graph; the checkpoint coordinator joins it here.
 *
 * The services are bound in the job's container, not looked up in the parent, so a Dispatcher wired
 * by hand over a container that holds only plugins still runs jobs. The job's `Configuration`
 * shadows the cluster's for everything resolved from this container.
 */
export function createJobContainer(params: JobContainerParameters): Container {
  const { submission, configuration, services } = params;
  const job = childContainer(params.parent);
  job.bind(JobSubmission).toConstantValue(submission);
  job.bind(Configuration).toConstantValue(configuration);
  job.bind(RpcService).toConstantValue(services.rpc);
  job.bind(Clock).toConstantValue(services.clock);
  job.bind(Scheduler).toConstantValue(services.scheduler);
  job.bind(Random).toConstantValue(services.random);
  job.bind(IdGenerator).toConstantValue(services.ids);
  job.bind(Logger).toConstantValue(services.logger);
  job.bind(ResourceManagerLeader).toConstantValue(services.resourceManager);
  job.bind(JobTerminationListener).toConstantValue(params.onTerminal);
  // Made when the job first needs them (it checkpoints, restores or takes a savepoint), so a storage
  // that needs settings (a directory) fails only those jobs, with an error naming the key.
  const checkpointServices = (): CheckpointServices => {
    const highAvailability = services.highAvailability?.();
    if (!highAvailability) throw new Error('Assertion failed: checkpoints need the high-availability services');
    const storage: CheckpointStorageAccess = loadCheckpointStorageFactory(job, configuration).create(configuration).createCheckpointStorageAccess(submission.jobGraph.jobId);
    return { storage, highAvailability };
  };

  // Loaders read the plugin factories through `job`, which sees the parent's bindings.
  job
    .bind(RestartStrategyChoice)
    .toDynamicValue(() => chooseRestartBackoffStrategyFactory(job, configuration, isCheckpointingEnabled(configuration, submission.jobGraph.jobType)))
    .inSingletonScope();
  job
    .bind(RestartBackoffStrategy)
    .toResolvedValue(
      (choice: RestartStrategyChoice, clock: Clock, random: Random) => choice.factory.create(configuration, clock, random),
      [RestartStrategyChoice, Clock, Random],
    )
    .inSingletonScope();
  job
    .bind(JobMasterOptions)
    .toDynamicValue(
      (ctx): JobMasterOptions => ({
        submission: ctx.get<JobSubmission>(JobSubmission),
        configuration: ctx.get(Configuration),
        rpc: ctx.get<RpcService>(RpcService),
        clock: ctx.get<Clock>(Clock),
        scheduler: ctx.get<Scheduler>(Scheduler),
        logger: ctx.get<Logger>(Logger),
        resourceManager: ctx.get<LeaderTracker>(ResourceManagerLeader),
        jobMasterId: ctx.get<IdGenerator>(IdGenerator).nextId(),
        schedulingStrategyFactory: loadSchedulingStrategyFactory(job, configuration),
        failoverStrategyFactory: loadFailoverStrategyFactory(job, configuration),
        restartBackoffStrategy: ctx.get<RestartBackoffStrategy>(RestartBackoffStrategy),
        restartStrategyDefaultReason: ctx.get<RestartStrategyChoice>(RestartStrategyChoice).defaultReason,
        onTerminal: ctx.get<JobTerminationListener>(JobTerminationListener),
        checkpointServices,
        operatorCoordinatorProvider: coordinatorProviderFor(submission, configuration, services, ctx.get<Logger>(Logger)),
      }),
    )
    .inSingletonScope();
  job.bind(JobMaster).toSelf().inSingletonScope();
  return job;
}
