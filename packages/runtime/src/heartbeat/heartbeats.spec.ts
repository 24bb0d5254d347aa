import { ExecutionState as E, JobStatus } from '../execution/execution-state';
import { TestingControlPlane } from '../testing/testing-control-plane';
import { TestingJobMasterGateway } from '../testing/testing-job-master-gateway';
import { TestingJobMasterRun } from '../testing/testing-job-master';
import { TestingRestartBackoffStrategy } from '../testing/testing-restart-backoff-strategy';
import type { TestingTaskExecutorGateway } from '../testing/testing-task-executor-gateway';

// Flink's defaults, which the control plane's roles run with: heartbeat.interval 10 s, heartbeat.timeout 50 s.
const INTERVAL = 10_000;
const TIMEOUT = 50_000;

async function report(te: TestingTaskExecutorGateway, attemptIds: readonly string[], state: E): Promise<void> {
  for (const id of attemptIds) await te.reportTaskState(id, state);
}

describe('heartbeats between the JobManager roles and TaskExecutors', () => {
  let cp: TestingControlPlane;

  beforeEach(() => {
    cp = new TestingControlPlane({ slotRequestTimeoutMs: 10 * TIMEOUT });
  });
  afterEach(async () => {
    await cp.close();
  });

  /** A job of 2 slots (4 tasks) running on `te`. */
  const runningJob = async (te: TestingTaskExecutorGateway, maxRestarts = 0): Promise<TestingJobMasterRun> => {
    const run = new TestingJobMasterRun(cp, { restartStrategy: new TestingRestartBackoffStrategy().withMaxRestarts(maxRestarts) });
    run.jobMaster.start();
    await cp.settle();
    await report(te, te.deployedAttempts(), E.RUNNING);
    return run;
  };

  it('the ResourceManager and the JobMaster ask a TaskExecutor every heartbeat.interval; the job runs on', async () => {
    const te = await cp.addTaskExecutor('tm-1', 2);
    const run = await runningJob(te);
    await cp.advance(3 * TIMEOUT);
    expect(te.heartbeatsFromResourceManager.length).toBeGreaterThanOrEqual((3 * TIMEOUT) / INTERVAL);
    expect(te.heartbeatsFromJobManager.length).toBeGreaterThanOrEqual((3 * TIMEOUT) / INTERVAL);
    expect(new Set(te.heartbeatsFromJobManager)).toEqual(new Set([run.jobMaster.jobId]));
    expect(run.status).toBe(JobStatus.RUNNING);
    expect(run.executionStates()).toEqual([E.RUNNING, E.RUNNING, E.RUNNING, E.RUNNING]);
  });

  it('a TaskExecutor that stops answering is lost after heartbeat.timeout: the job fails its tasks with TASK_MANAGER_LOST', async () => {
    const te = await cp.addTaskExecutor('tm-1', 2);
    const run = await runningJob(te);
    // Its answers never come (a hung process, or a network that drops them).
    te.withHeartbeatAnswers('hang');
    await cp.advance(TIMEOUT - INTERVAL);
    expect(run.status).toBe(JobStatus.RUNNING);
    await cp.advance(2 * INTERVAL);
    expect(run.status).toBe(JobStatus.FAILED);
    const cause = run.jobMaster.graph.getAllExecutionVertices()[0].currentExecution.failureCause;
    expect(cause).toMatchObject({ code: 'TASK_MANAGER_LOST' });
    expect(cause?.message).toMatch(/^TaskManager tm-1 disconnected \(heartbeat of TaskManager timed out after 50000 ms\)/);
    expect(await cp.resourceManager.getOverview()).toMatchObject({ taskManagers: 0 });
  });

  it('a TaskExecutor whose connection is gone is lost after heartbeat.rpc-failure-threshold failed requests, well before the timeout', async () => {
    const te = await cp.addTaskExecutor('tm-1', 2);
    const run = await runningJob(te);
    te.disappear();
    await cp.advance(2 * INTERVAL);
    expect(run.status).toBe(JobStatus.FAILED);
    expect(run.jobMaster.graph.getAllExecutionVertices()[0].currentExecution.failureCause?.message).toMatch(/unreachable: No RPC endpoint at/);
    expect(await cp.resourceManager.getOverview()).toMatchObject({ taskManagers: 0 });
  });

  it('the JobMaster cancels an attempt a TaskExecutor runs that is not current, and fails one missing from two heartbeats', async () => {
    const te = await cp.addTaskExecutor('tm-1', 2);
    const run = await runningJob(te);
    const [a0, a1] = te.deployedAttempts();
    te.withHeartbeatAnswers((running) => [...running.filter((id) => id !== a1), 'stale-attempt-from-before']);
    await cp.advance(INTERVAL);
    expect(te.canceledAttempts).toEqual(['stale-attempt-from-before']);
    expect(run.status).toBe(JobStatus.RUNNING);
    await cp.advance(INTERVAL);
    expect(run.status).toBe(JobStatus.FAILING);
    const failed = run.jobMaster.graph.getAllExecutionVertices().find((v) => v.currentExecution.attemptId === a1)!.currentExecution;
    expect(failed.failureCause).toMatchObject({ code: 'TASK_MISSING' });
    expect(failed.failureCause?.message).toMatch(new RegExp(`^Attempt ${a1} of .* is no longer running on TaskManager tm-1$`));
    expect(run.jobMaster.graph.findCurrentExecution(a0)?.state).not.toBe(E.FAILED);
  });

  it('an attempt being canceled that its TaskExecutor no longer runs (its FINISHED report was lost) is CANCELED after two heartbeats, so the restart goes on', async () => {
    const te = await cp.addTaskExecutor('tm-1', 2);
    const run = await runningJob(te, 1);
    const [a0, a1, ...rest] = te.deployedAttempts();
    // a1 finished there, but its report never arrived: the JobMaster still counts it RUNNING.
    te.withHeartbeatAnswers((running) => running.filter((id) => id !== a1));
    await te.reportTaskState(a0, E.FAILED);
    expect(run.status).toBe(JobStatus.RESTARTING);
    await report(te, [a0, ...rest].filter((id) => id !== a0), E.CANCELED);
    expect(run.jobMaster.graph.findCurrentExecution(a1)?.state).toBe(E.CANCELING);
    await cp.advance(2 * INTERVAL);
    expect(run.jobMaster.graph.findCurrentExecution(a1)?.state).toBe(E.CANCELED);
    await cp.advance(0);
    expect(run.status).toBe(JobStatus.RUNNING);
    expect(te.deployedAttempts()).toHaveLength(8);
  });

  it('a JobMaster whose ResourceManager stops asking fails the slots it waits for after heartbeat.timeout, long before the slot request timeout', async () => {
    // A ResourceManager that can start workers (none ever comes): the job waits for its slots, and is asked every interval.
    const waiting = new TestingControlPlane({ slotRequestTimeoutMs: 10 * TIMEOUT, canStartWorkers: true });
    try {
      const run = new TestingJobMasterRun(waiting, { restartStrategy: new TestingRestartBackoffStrategy().withMaxRestarts(0) });
      run.jobMaster.start();
      await waiting.settle();
      await waiting.advance(2 * INTERVAL);
      expect(run.status).toBe(JobStatus.RUNNING);
      const frozenAt = waiting.clock.currentTimeMillis();
      // The ResourceManager freezes (a stalled process, a partition): its heartbeat requests stop, and nothing else is said.
      (waiting.resourceManager as unknown as { jobMasterHeartbeats: { close(): void } }).jobMasterHeartbeats.close();
      await waiting.advance(TIMEOUT + INTERVAL);
      expect(run.status).toBe(JobStatus.FAILED);
      expect(JSON.stringify(run.results[0].error)).toContain('The ResourceManager is gone: heartbeat of ResourceManager timed out after 50000 ms');
      expect(waiting.clock.currentTimeMillis() - frozenAt).toBeLessThan(waiting.slotRequestTimeoutMs);
    } finally {
      await waiting.close();
    }
  });

  it('the ResourceManager drops what a JobMaster that stopped answering declared', async () => {
    const jm = new TestingJobMasterGateway(cp.rpc, 'job-x');
    await cp.resourceManager.declareRequiredResources(jm.ref, { jobId: 'job-x', numberOfRequiredSlots: 1 });
    await cp.advance(2 * INTERVAL);
    expect(jm.heartbeatsFromResourceManager.length).toBe(2);
    jm.close();
    await cp.advance(2 * INTERVAL);
    // The JobMaster is gone: a TaskExecutor that registers now keeps its slot free.
    const te = await cp.addTaskExecutor('tm-late', 1);
    expect(te.slotRequests).toEqual([]);
  });
});
