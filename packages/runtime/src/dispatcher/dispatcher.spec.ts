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
import { testingJobGraph, testingJobSubmission } from '../testing/testing-job-submission';
import { TestingRestartBackoffStrategyFactory } from '../testing/testing-restart-backoff-strategy';
import { TestingSchedulingStrategyFactory } from '../testing/testing-scheduling-strategy';
import type { TestingTaskExecutorGateway } from '../testing/testing-task-executor-gateway';
import { SeededRandom } from '../time/random';
import { Dispatcher, InvalidJobSubmissionError } from './dispatcher';


const JOB_A = `${'a'.repeat(31)}1`;
const JOB_B = `${'b'.repeat(31)}2`;

describe('Dispatcher', () => {
  let cp: TestingControlPlane;
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
    dispatcher = new Dispatcher({
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
      resourceManagerAddress: cp.resourceManager.address,
      container,
    });
    client = cp.rpc.connect<DispatcherGateway>(dispatcher.address);
    te = await cp.addTaskExecutor('tm-1', 4);
  });

  afterEach(async () => {
    await dispatcher.close();
    await cp.close();
  });

  const submit = async (submission: JobSubmission): Promise<string> => {
    await client.putBlob(submission.artifact.sha256, new Uint8Array(16));
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

    it('cancels every job that still runs on cancelAll', async () => {
      await submit(testingJobSubmission(testingJobGraph({ jobId: JOB_A, parallelism: 1 })));
      await submit(testingJobSubmission(testingJobGraph({ jobId: JOB_B, parallelism: 1 })));
      for (const id of attemptsOf(JOB_A)) await te.reportTaskState(id, E.FINISHED);
      await dispatcher.cancelAll();
      expect((await client.listJobs()).map((j) => j.status)).toEqual([JobStatus.FINISHED, JobStatus.CANCELLING]);
      await cp.settle();
      expect(te.canceledAttempts).toEqual(attemptsOf(JOB_B));
    });
  });

  describe('blobs', () => {
    it('stores bundles up to blob.server.max-size and names the missing ones', async () => {
      await client.putBlob('small', new Uint8Array([1, 2, 3]));
      expect(Array.from(await client.getBlob('small'))).toEqual([1, 2, 3]);
      const tooLarge = client.putBlob('large', new Uint8Array(2049));
      await expect(tooLarge).rejects.toBeInstanceOf(FlottError);
      await expect(tooLarge).rejects.toMatchObject({
        code: 'BLOB_TOO_LARGE',
        message: 'Job bundle of 2049 bytes exceeds blob.server.max-size (2048 bytes)',
      });
      await expect(client.getBlob('large')).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND', message: 'No job bundle large on the blob server' });
    });
  });
});
