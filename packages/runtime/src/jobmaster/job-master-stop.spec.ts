import { Configuration, FlottError, serializeError } from '@flott/core';
import { ExecutionState as E, JobStatus } from '../execution/execution-state';
import type { JobMasterGateway } from '../rpc/gateways';
import { TestingCheckpointHighAvailability, TestingCheckpointStorage } from '../testing/testing-checkpoint-services';
import { TestingControlPlane } from '../testing/testing-control-plane';
import { TestingJobMasterRun } from '../testing/testing-job-master';
import { testingJobGraph } from '../testing/testing-job-submission';
import { TestingRestartBackoffStrategy } from '../testing/testing-restart-backoff-strategy';
import type { TestingTaskExecutorGateway } from '../testing/testing-task-executor-gateway';

const JOB_GRAPH = testingJobGraph({ parallelism: 2 });
const SOURCE_OP = JOB_GRAPH.vertices[0].operators[0].operatorId;

describe('JobMaster stop-with-savepoint', () => {
  let cp: TestingControlPlane;
  let te: TestingTaskExecutorGateway;
  let r: TestingJobMasterRun;
  let jm: JobMasterGateway;

  beforeEach(async () => {
    cp = new TestingControlPlane();
    te = await cp.addTaskExecutor('tm-1', 4);
    r = new TestingJobMasterRun(cp, {
      jobGraph: JOB_GRAPH,
      configuration: Configuration.fromRecord({ 'execution.checkpointing.interval': '1 s' }),
      restartStrategy: new TestingRestartBackoffStrategy().withMaxRestarts(1),
      checkpointStorage: new TestingCheckpointStorage(JOB_GRAPH.jobId),
      highAvailability: new TestingCheckpointHighAvailability(),
    });
    r.jobMaster.start();
    await cp.settle();
    for (const t of te.submittedTasks) await te.reportTaskState(t.attemptId, E.RUNNING);
    jm = cp.rpc.connect<JobMasterGateway>(r.jobMaster.address, { fencingToken: r.jobMaster.ref.jobMasterId });
  });

  afterEach(async () => {
    await cp.close();
  });

  const acknowledgeAll = async (checkpointId: number) => {
    for (const t of te.submittedTasks) await jm.acknowledgeCheckpoint({ jobId: t.jobId, attemptId: t.attemptId, checkpointId, state: {} });
    await cp.settle();
  };

  it.each([
    [false, 'SUSPEND'],
    [true, 'TERMINATE'],
  ])('drain=%s: a synchronous savepoint (%s) goes to the sources; once it completed the tasks finish and the job ends FINISHED', async (drain, action) => {
    let outcome: string | undefined;
    const stopping = r.jobMaster.stopWithSavepoint(drain, '/sp').then((path) => (outcome = path));
    await cp.settle();
    const sources = te.submittedTasks.filter((t) => t.vertex.operators[0].operatorId === SOURCE_OP);
    expect(te.checkpointTriggers).toEqual(sources.map((t) => ({
      attemptId: t.attemptId, checkpointId: 1, timestamp: 1_000, location: 'mem:///sp/savepoint-1', alignedTimeoutMs: -1, postCheckpointAction: action,
    })));
    // No periodic checkpoint while the job stops.
    await cp.advance(5_000);
    expect(te.checkpointTriggers).toHaveLength(2);

    await acknowledgeAll(1);
    expect(te.checkpointNotifications).toEqual(te.submittedTasks.map((t) => ({ attemptId: t.attemptId, checkpointId: 1, completed: true })));
    // Completed, but the tasks have not all finished yet: the call waits for them.
    expect(outcome).toBeUndefined();
    expect(r.status).toBe(JobStatus.RUNNING);
    for (const t of te.submittedTasks) await te.reportTaskState(t.attemptId, E.FINISHED);
    await expect(stopping).resolves.toBe('mem:///sp/savepoint-1/_metadata');
    expect(r.status).toBe(JobStatus.FINISHED);
  });

  it('a savepoint that fails leaves the job RUNNING, rejects with a typed error, and periodic checkpoints go on', async () => {
    const stopping = r.jobMaster.stopWithSavepoint(false, '/sp');
    await cp.settle();
    const [first] = te.submittedTasks;
    await jm.declineCheckpoint({ jobId: first.jobId, attemptId: first.attemptId, checkpointId: 1, error: serializeError(new FlottError('DISK', 'disk full')), countsAsFailure: true });
    await expect(stopping).rejects.toMatchObject({
      code: 'STOP_WITH_SAVEPOINT_FAILED',
      message: `Stopping job ${JOB_GRAPH.jobId} with a savepoint failed: the savepoint failed: Checkpoint 1 was declined: disk full; the job keeps running`,
    });
    expect(r.status).toBe(JobStatus.RUNNING);
    expect(te.checkpointNotifications.every((n) => n.checkpointId === 1 && !n.completed)).toBe(true);
    await cp.advance(1_000);
    expect(te.checkpointTriggers.map((t) => [t.checkpointId, t.postCheckpointAction])).toEqual([[1, 'SUSPEND'], [1, 'SUSPEND'], [2, undefined], [2, undefined]]);
  });

  it('a task that fails after the savepoint completed rejects with the savepoint path', async () => {
    const stopping = r.jobMaster.stopWithSavepoint(true, '/sp');
    await cp.settle();
    await acknowledgeAll(1);
    const [first] = te.submittedTasks;
    await te.reportTaskState(first.attemptId, E.FAILED);
    const failure = await stopping.catch((e: unknown) => e as FlottError);
    expect(failure).toMatchObject({ code: 'STOP_WITH_SAVEPOINT_FAILED', data: { savepointPath: 'mem:///sp/savepoint-1/_metadata' } });
    expect((failure as Error).message).toBe(
      `Stopping job ${JOB_GRAPH.jobId} with a savepoint failed: the savepoint at mem:///sp/savepoint-1/_metadata completed, but task Source: numbers (1/2) became FAILED before it finished`,
    );
  });

  it('a source that finishes before it took part (its input ended first) aborts the savepoint at once; the tasks are told, the call rejects', async () => {
    const stopping = r.jobMaster.stopWithSavepoint(false, '/sp');
    await cp.settle();
    const [source0] = te.submittedTasks;
    await te.reportTaskState(source0.attemptId, E.FINISHED);
    await expect(stopping).rejects.toThrow(
      `Stopping job ${JOB_GRAPH.jobId} with a savepoint failed: the savepoint failed: Checkpoint 1 was declined: task Source: numbers (1/2) finished before it took part; the job keeps running`,
    );
    expect(te.checkpointNotifications).toEqual(te.submittedTasks.map((t) => ({ attemptId: t.attemptId, checkpointId: 1, completed: false })));
    expect(r.status).toBe(JobStatus.RUNNING);
  });

  it('refuses a second stop while one is in progress', async () => {
    const first = r.jobMaster.stopWithSavepoint(false);
    first.catch(() => undefined);
    await expect(r.jobMaster.stopWithSavepoint(false)).rejects.toMatchObject({ code: 'STOP_WITH_SAVEPOINT_IN_PROGRESS' });
  });
});
