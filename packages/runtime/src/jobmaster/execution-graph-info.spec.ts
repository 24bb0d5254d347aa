import { Configuration, FlottError } from '@flott/core';
import { ExecutionState as E, JobStatus } from '../execution/execution-state';
import { TestingControlPlane } from '../testing/testing-control-plane';
import { TestingJobMasterRun } from '../testing/testing-job-master';
import { TestingRestartBackoffStrategy } from '../testing/testing-restart-backoff-strategy';
import type { TestingTaskExecutorGateway } from '../testing/testing-task-executor-gateway';

/** Each first attempt of the sink's subtask 1 cannot be deployed: a failure per restart. */
function failSinkDeployments(te: TestingTaskExecutorGateway, attempts: number): void {
  te.withSubmitTask(async (tdd) => {
    if (tdd.vertex.name === 'Sink' && tdd.subtaskIndex === 1 && tdd.attemptNumber < attempts) throw new FlottError('BLOB_NOT_FOUND', `attempt ${tdd.attemptNumber} has no bundle`);
  });
}

describe('JobMaster#executionGraphInfo (what the REST API shows)', () => {
  let cp: TestingControlPlane;
  beforeEach(() => {
    cp = new TestingControlPlane();
  });
  afterEach(async () => {
    await cp.close();
  });

  it('shows the plan, the checkpoint settings, each subtask\'s attempt and the failures, newest first', async () => {
    const te = await cp.addTaskExecutor('tm-1', 2);
    failSinkDeployments(te, 1);
    const configuration = Configuration.fromRecord({ 'execution.checkpointing.tolerable-failed-checkpoints': 3 });
    const run = new TestingJobMasterRun(cp, { configuration, restartStrategy: new TestingRestartBackoffStrategy().withMaxRestarts(1) });
    run.jobMaster.start();
    await cp.settle();
    for (const id of run.attemptIds().slice(0, 3)) await te.reportTaskState(id, E.CANCELED);
    await cp.advance(0);

    const info = run.jobMaster.executionGraphInfo();
    expect(info.status).toBe(JobStatus.RUNNING);
    expect(info.jobGraph.vertices.map((v) => v.name)).toEqual(['Source: numbers', 'Sink']);
    const [source, sink] = info.jobGraph.vertices.map((v) => v.id);
    expect(info.subtasks[source].map((e) => [e.attemptNumber, e.state])).toEqual([[1, E.DEPLOYING], [1, E.DEPLOYING]]);
    expect(info.subtasks[sink].map((e) => [e.attemptNumber, e.state, e.assignedSlot?.taskManagerId])).toEqual([[1, E.DEPLOYING, 'tm-1'], [1, E.DEPLOYING, 'tm-1']]);
    expect(info.exceptionHistory).toEqual([{ exception: expect.objectContaining({ code: 'BLOB_NOT_FOUND', message: 'attempt 0 has no bundle' }), timestamp: 1_000, taskName: 'Sink (2/2)', taskManagerId: 'tm-1' }]);
    expect(info.checkpointing).toMatchObject({ intervalMs: 0, mode: 'EXACTLY_ONCE', tolerableFailures: 3, incremental: false });
  });

  it('keeps at most web.exception-history-size failures', async () => {
    const te = await cp.addTaskExecutor('tm-1', 2);
    failSinkDeployments(te, 3);
    const run = new TestingJobMasterRun(cp, {
      configuration: Configuration.fromRecord({ 'web.exception-history-size': 2 }),
      restartStrategy: new TestingRestartBackoffStrategy().withMaxRestarts(5),
    });
    run.jobMaster.start();
    for (let restart = 0; restart < 3; restart++) {
      await cp.settle();
      for (const e of run.jobMaster.graph.getAllExecutionVertices().map((v) => v.currentExecution)) {
        if (e.state === E.CANCELING) await te.reportTaskState(e.attemptId, E.CANCELED);
      }
      await cp.advance(0);
    }
    expect(run.jobMaster.executionGraphInfo().exceptionHistory.map((e) => e.exception.message)).toEqual(['attempt 2 has no bundle', 'attempt 1 has no bundle']);
  });

  it('refuses a full checkpoint on request for a job whose checkpoints are incremental', async () => {
    await cp.addTaskExecutor('tm-1', 2);
    const run = new TestingJobMasterRun(cp, { configuration: Configuration.fromRecord({ 'execution.checkpointing.incremental': true }) });
    await expect(run.jobMaster.triggerCheckpoint(true)).rejects.toMatchObject({ code: 'FULL_CHECKPOINT_NOT_SUPPORTED' });
  });
});
