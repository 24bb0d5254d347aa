import { Container, ContainerModule } from 'inversify';
import { Configuration, FlottError, JobBuildError, UnknownImplementationError } from '@flott/core';
import { JobNotFoundError } from '../errors';
import { ExecutionState as E, JobStatus } from '../execution/execution-state';
import type { DispatcherGateway, JobSubmission } from '../rpc/gateways';
import { CheckpointStorageFactory } from '../spi/checkpoint-storage';
import { FailoverStrategyFactory } from '../spi/failover-strategy';
import { HighAvailabilityServicesFactory } from '../spi/high-availability-services';
import { RestartBackoffStrategyFactory } from '../spi/restart-backoff-strategy';
import { SchedulingStrategyFactory } from '../spi/scheduling-strategy';
import { StateBackendFactory } from '../spi/state-backend';
import { TestingControlPlane } from '../testing/testing-control-plane';
import { TestingFailoverStrategyFactory } from '../testing/testing-failover-strategy';
import { namedOnlyFactory } from '../testing/testing-named-factory';
import { testingJobGraph, testingJobSubmission, TESTING_BUNDLE, TESTING_BUNDLE_SHA256 } from '../testing/testing-job-submission';
import { BlobStore } from '../blob/blob-store';
import { useTemporaryDirectory } from '../testing/temporary-directory';
import { TestingCheckpointHighAvailability } from '../testing/testing-checkpoint-services';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { TestingRestartBackoffStrategyFactory } from '../testing/testing-restart-backoff-strategy';
import { TestingSchedulingStrategyFactory } from '../testing/testing-scheduling-strategy';
import type { TestingTaskExecutorGateway } from '../testing/testing-task-executor-gateway';
import { SeededRandom } from '../time/random';
import { Dispatcher, InvalidJobSubmissionError } from './dispatcher';


const JOB_A = `${'a'.repeat(31)}1`;
const JOB_B = `${'b'.repeat(31)}2`;

describe('Dispatcher', () => {
  const dir = useTemporaryDirectory('flott-dispatcher-');
  let cp: TestingControlPlane;
  let blobStore: BlobStore;
  let ha: TestingCheckpointHighAvailability;
  let dispatcher: Dispatcher;
  let client: DispatcherGateway;
  let te: TestingTaskExecutorGateway;
  let restarts: TestingRestartBackoffStrategyFactory;
  let fixedDelay: TestingRestartBackoffStrategyFactory;

  beforeEach(async () => {
    cp = new TestingControlPlane();
    restarts = new TestingRestartBackoffStrategyFactory();
    fixedDelay = new TestingRestartBackoffStrategyFactory((strategy) => strategy.withMaxRestarts(3), 'fixed-delay');
    const container = new Container();
    container.loadSync(
      new ContainerModule(({ bind }) => {
        bind(SchedulingStrategyFactory).toConstantValue(new TestingSchedulingStrategyFactory());
        bind(FailoverStrategyFactory).toConstantValue(new TestingFailoverStrategyFactory());
        bind(RestartBackoffStrategyFactory).toConstantValue(restarts);
        bind(RestartBackoffStrategyFactory).toConstantValue(fixedDelay);
        bind(StateBackendFactory).toConstantValue(namedOnlyFactory('hashmap'));
        bind(CheckpointStorageFactory).toConstantValue(namedOnlyFactory('jobmanager'));
        bind(HighAvailabilityServicesFactory).toConstantValue(namedOnlyFactory('none'));
      }),
    );
    blobStore = new BlobStore({ directory: path.join(dir(), 'blobs'), maxBytes: 2048, cleanupIntervalMs: 3_600_000, clock: cp.clock, scheduler: cp.clock });
    ha = new TestingCheckpointHighAvailability();
    dispatcher = new Dispatcher({
      blobStore,
      highAvailability: () => ha,
      rpc: cp.rpc,
      clock: cp.clock,
      scheduler: cp.clock,
      random: new SeededRandom(7),
      configuration: Configuration.fromRecord({
        'jobmanager.scheduler': 'testing',
        'jobmanager.execution.failover-strategy': 'testing',
        'restart-strategy.type': 'testing',
        'blob.server.max-size': 2048,
      }),
      resourceManager: cp.resourceManagerLeader(),
      container,
    });
    dispatcher.grantLeadership('dispatcher-session');
    client = cp.rpc.connect<DispatcherGateway>(dispatcher.address, { fencingToken: 'dispatcher-session' });
    te = await cp.addTaskExecutor('tm-1', 4);
  });

  afterEach(async () => {
    await dispatcher.close();
    await cp.close();
  });

  const submit = async (submission: JobSubmission): Promise<string> => {
    await client.putBlob(TESTING_BUNDLE_SHA256, TESTING_BUNDLE);
    const jobId = await client.submitJob(submission);
    await cp.settle();
    return jobId;
  };

  const attemptsOf = (jobId: string): string[] => te.submittedTasks.filter((t) => t.jobId === jobId).map((t) => t.attemptId);

  describe('submission', () => {
    it('starts a JobMaster for the job, which deploys its tasks and runs it to the end', async () => {
      expect(await submit(testingJobSubmission(testingJobGraph({ jobId: JOB_A, jobName: 'job a' })))).toBe(JOB_A);
      expect(await client.requestJobStatus(JOB_A)).toBe(JobStatus.RUNNING);
      expect(await client.listJobs()).toEqual([{ jobId: JOB_A, jobName: 'job a', status: JobStatus.RUNNING }]);
      expect(attemptsOf(JOB_A)).toHaveLength(4);

      const running = await client.requestJobResult(JOB_A);
      expect(running.status).toBe(JobStatus.RUNNING);
      await cp.advance(2_500);
      for (const id of attemptsOf(JOB_A)) await te.reportTaskState(id, E.FINISHED);

      expect(await client.requestJobResult(JOB_A)).toEqual({
        jobId: JOB_A,
        jobName: 'job a',
        status: JobStatus.FINISHED,
        netRuntimeMs: 2_500,
        accumulators: {},
      });
      expect(await client.requestJobDetails(JOB_A)).toMatchObject({ status: JobStatus.FINISHED, startTime: 1_000, endTime: 3_500 });
      expect(await client.listJobs()).toEqual([{ jobId: JOB_A, jobName: 'job a', status: JobStatus.FINISHED }]);
    });

    it('rejects a second submission of the same job id, also after the job ended', async () => {
      const submission = testingJobSubmission(testingJobGraph({ jobId: JOB_A }));
      await submit(submission);
      const duplicate = client.submitJob(submission);
      await expect(duplicate).rejects.toBeInstanceOf(InvalidJobSubmissionError);
      await expect(duplicate).rejects.toMatchObject({ code: 'INVALID_JOB_SUBMISSION', message: `Job ${JOB_A} was already submitted` });

      await client.cancelJob(JOB_A);
      for (const id of attemptsOf(JOB_A)) await te.reportTaskState(id, E.CANCELED);
      expect(await client.requestJobStatus(JOB_A)).toBe(JobStatus.CANCELED);
      await expect(client.submitJob(submission)).rejects.toMatchObject({ code: 'INVALID_JOB_SUBMISSION' });
      expect(attemptsOf(JOB_A)).toHaveLength(4);
    });

    it('rejects a job without vertices and a job whose bundle was not uploaded', async () => {
      const empty = testingJobSubmission({ ...testingJobGraph({ jobId: JOB_A }), vertices: [] });
      await expect(client.submitJob(empty)).rejects.toMatchObject({ code: 'INVALID_JOB_SUBMISSION', message: 'The job graph has no vertices' });
      const notUploaded = testingJobSubmission(testingJobGraph({ jobId: JOB_A }), { artifact: { sha256: 'cd'.repeat(32), size: 1 } });
      await expect(client.submitJob(notUploaded)).rejects.toMatchObject({ message: `The job's bundle ${'cd'.repeat(32)} was not uploaded` });
      expect(await client.listJobs()).toEqual([]);
    });

    it('rejects a job graph the JobMaster cannot build, and accepts the corrected graph under the same job id', async () => {
      const graph = testingJobGraph({ jobId: JOB_A });
      const reversed = testingJobSubmission({ ...graph, vertices: [...graph.vertices].reverse() });
      const rejected = submit(reversed);
      await expect(rejected).rejects.toBeInstanceOf(JobBuildError);
      await expect(rejected).rejects.toThrow(/^Invalid job graph: vertex 'Sink' comes before its input data set/);
      await expect(client.requestJobStatus(JOB_A)).rejects.toBeInstanceOf(JobNotFoundError);

      expect(await submit(testingJobSubmission(graph))).toBe(JOB_A);
      expect(await client.requestJobStatus(JOB_A)).toBe(JobStatus.RUNNING);
    });

    it('rejects a job configuration naming an implementation the cluster does not have, listing the known ones', async () => {
      const submission = testingJobSubmission(testingJobGraph({ jobId: JOB_A }), { configuration: { 'jobmanager.scheduler': 'lazy' } });
      const rejected = submit(submission);
      await expect(rejected).rejects.toBeInstanceOf(UnknownImplementationError);
      await expect(rejected).rejects.toThrow("Unknown scheduling strategy 'lazy' for 'jobmanager.scheduler'. Known: testing");
      await expect(client.requestJobStatus(JOB_A)).rejects.toBeInstanceOf(JobNotFoundError);
    });

    it('gives each job its own restart strategy, from the job configuration over the cluster one', async () => {
      await submit(testingJobSubmission(testingJobGraph({ jobId: JOB_A, parallelism: 1 })));
      await submit(testingJobSubmission(testingJobGraph({ jobId: JOB_B, parallelism: 1 }), { configuration: { 'restart-strategy.type': 'fixed-delay' } }));
      expect(restarts.instances).toHaveLength(1);
      expect(fixedDelay.instances).toHaveLength(1);
      expect(fixedDelay.instances[0].describe()).toBe('testing(maxRestarts=3, backoff=0 ms)');
      expect(attemptsOf(JOB_A)).toHaveLength(2);
      expect(attemptsOf(JOB_B)).toHaveLength(2);
    });
  });

  describe('unknown jobs', () => {
    it('answers every query about a job it does not know with JobNotFoundError', async () => {
      const calls: Array<() => Promise<unknown>> = [
        () => client.requestJobStatus('nope'),
        () => client.requestJobResult('nope'),
        () => client.requestJobDetails('nope'),
        () => client.cancelJob('nope'),
        () => client.pollCollected('nope'),
      ];
      for (const call of calls) {
        const result = call();
        await expect(result).rejects.toBeInstanceOf(JobNotFoundError);
        await expect(result).rejects.toMatchObject({ code: 'JOB_NOT_FOUND', message: 'Job nope not found', data: { jobId: 'nope' } });
      }
    });
  });

  describe('cancel', () => {
    it('cancels the job: CANCELLING while its tasks are canceled, CANCELED in the result after', async () => {
      await submit(testingJobSubmission(testingJobGraph({ jobId: JOB_A })));
      await client.cancelJob(JOB_A);
      await cp.settle();
      expect(await client.requestJobStatus(JOB_A)).toBe(JobStatus.CANCELLING);
      expect(te.canceledAttempts).toEqual(attemptsOf(JOB_A));
      expect((await client.requestJobResult(JOB_A)).status).toBe(JobStatus.CANCELLING);

      for (const id of attemptsOf(JOB_A)) await te.reportTaskState(id, E.CANCELED);
      expect(await client.requestJobResult(JOB_A)).toMatchObject({ jobId: JOB_A, status: JobStatus.CANCELED, error: undefined });
      await client.cancelJob(JOB_A);
      expect(await client.requestJobStatus(JOB_A)).toBe(JobStatus.CANCELED);
    });

    it('cancels every job that still runs on cancelAll, and waits until they ended', async () => {
      await submit(testingJobSubmission(testingJobGraph({ jobId: JOB_A, parallelism: 1 })));
      await submit(testingJobSubmission(testingJobGraph({ jobId: JOB_B, parallelism: 1 })));
      for (const id of attemptsOf(JOB_A)) await te.reportTaskState(id, E.FINISHED);
      let done = false;
      const cancelled = dispatcher.cancelAll().then(() => (done = true));
      await cp.settle();
      expect((await client.listJobs()).map((j) => j.status)).toEqual([JobStatus.FINISHED, JobStatus.CANCELLING]);
      expect(te.canceledAttempts).toEqual(attemptsOf(JOB_B));
      expect(done).toBe(false);
      for (const id of attemptsOf(JOB_B)) await te.reportTaskState(id, E.CANCELED);
      await cancelled;
      expect((await client.listJobs()).map((j) => j.status)).toEqual([JobStatus.FINISHED, JobStatus.CANCELED]);
    });

    it('stops waiting for a job whose tasks do not confirm their cancellation after the bound', async () => {
      await submit(testingJobSubmission(testingJobGraph({ jobId: JOB_A, parallelism: 1 })));
      let done = false;
      const cancelled = dispatcher.cancelAll(5_000).then(() => (done = true));
      await cp.settle();
      cp.clock.advance(4_999);
      await cp.settle();
      expect(done).toBe(false);
      cp.clock.advance(1);
      await cancelled;
      expect(await client.requestJobStatus(JOB_A)).toBe(JobStatus.CANCELLING);
    });
  });

  describe('blobs', () => {
    const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

    it('stores bundles up to blob.server.max-size, verified against their key, and names the missing ones', async () => {
      const small = new Uint8Array([1, 2, 3]);
      await client.putBlob(sha(small), small);
      expect(Array.from(await client.getBlob(sha(small)))).toEqual([1, 2, 3]);
      const large = new Uint8Array(2049);
      const tooLarge = client.putBlob(sha(large), large);
      await expect(tooLarge).rejects.toBeInstanceOf(FlottError);
      await expect(tooLarge).rejects.toMatchObject({
        code: 'BLOB_TOO_LARGE',
        message: 'Job bundle of 2049 bytes or more exceeds blob.server.max-size (2048 bytes)',
      });
      await expect(client.getBlob(sha(large))).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND', message: `No job bundle ${sha(large)} on the blob server` });
      await expect(client.putBlob(sha(large), small)).rejects.toMatchObject({ code: 'BLOB_CORRUPT' });
      await expect(client.getBlob('../../etc/passwd')).rejects.toMatchObject({ code: 'BAD_BLOB_KEY' });
    });

    it('keeps a job\'s bundle and job graph while the job runs and drops both when it ends', async () => {
      const jobId = await submit(testingJobSubmission(testingJobGraph({ jobId: JOB_A })));
      expect(await ha.getJobGraphStore().getJobIds()).toEqual([JOB_A]);
      expect(blobStore.has(TESTING_BUNDLE_SHA256)).toBe(true);
      await client.cancelJob(jobId);
      await cp.settle();
      for (const id of attemptsOf(jobId)) await te.reportTaskState(id, E.CANCELED);
      await cp.settle();
      expect(await client.requestJobStatus(jobId)).toBe(JobStatus.CANCELED);
      expect(blobStore.has(TESTING_BUNDLE_SHA256)).toBe(false);
      expect(await ha.getJobGraphStore().getJobIds()).toEqual([]);
    });

    it('refuses a submission whose bundle was not uploaded, or whose key is not a SHA-256', async () => {
      await expect(client.submitJob(testingJobSubmission())).rejects.toMatchObject({ code: 'INVALID_JOB_SUBMISSION', message: `The job's bundle ${TESTING_BUNDLE_SHA256} was not uploaded` });
      await expect(client.submitJob(testingJobSubmission(undefined, { artifact: { sha256: '../x', size: 1 } }))).rejects.toMatchObject({ code: 'INVALID_JOB_SUBMISSION' });
    });
  });
});
