import { FlottError } from '@flott/core';
import { ExecutionState as E, JobStatus } from '../execution/execution-state';
import { TestingJobMasterGateway } from '../testing/testing-job-master-gateway';
import { TestingControlPlane } from '../testing/testing-control-plane';
import { TestingFailoverStrategyFactory } from '../testing/testing-failover-strategy';
import { TestingJobMasterRun } from '../testing/testing-job-master';
import { testingJobGraph } from '../testing/testing-job-submission';
import { TestingRestartBackoffStrategy } from '../testing/testing-restart-backoff-strategy';
import type { TestingTaskExecutorGateway } from '../testing/testing-task-executor-gateway';

const bundleMissing = (): FlottError => new FlottError('BLOB_NOT_FOUND', 'No job bundle on the blob server');

/** The first attempt of subtask 1 of the sink cannot be deployed. */
function failSecondSinkDeployment(te: TestingTaskExecutorGateway): void {
  te.withSubmitTask(async (tdd) => {
    if (tdd.vertex.name === 'Sink' && tdd.subtaskIndex === 1 && tdd.attemptNumber === 0) throw bundleMissing();
  });
}

async function report(te: TestingTaskExecutorGateway, attemptIds: readonly string[], state: E): Promise<void> {
  for (const id of attemptIds) await te.reportTaskState(id, state);
}

describe('JobMaster failover', () => {
  let cp: TestingControlPlane;

  /** The testing job on one TaskExecutor of 2 slots, every task RUNNING; one restart allowed. */
  const runningJobThatMayRestartOnce = async (): Promise<{ te: TestingTaskExecutorGateway; run: TestingJobMasterRun; first: string[] }> => {
    const te = await cp.addTaskExecutor('tm-1', 2);
    const run = new TestingJobMasterRun(cp, { restartStrategy: new TestingRestartBackoffStrategy().withMaxRestarts(1) });
    run.jobMaster.start();
    await cp.settle();
    const first = run.attemptIds();
    await report(te, first, E.RUNNING);
    return { te, run, first };
  };

  beforeEach(() => {
    cp = new TestingControlPlane();
  });

  afterEach(async () => {
    await cp.close();
  });

  describe('a task failing during deployment', () => {
    it('restarts the job after the backoff when the restart strategy allows it (RUNNING -> RESTARTING -> RUNNING)', async () => {
      const te = await cp.addTaskExecutor('tm-1', 2);
      failSecondSinkDeployment(te);
      const run = new TestingJobMasterRun(cp, { restartStrategy: new TestingRestartBackoffStrategy().withMaxRestarts(1).withBackoffTimeMs(1_000) });
      run.jobMaster.start();
      await cp.settle();
      const first = run.attemptIds();

      expect(run.status).toBe(JobStatus.RESTARTING);
      expect(run.executionStates()).toEqual([E.CANCELING, E.CANCELING, E.CANCELING, E.FAILED]);
      const failed = run.jobMaster.graph.getAllExecutionVertices()[3];
      expect(failed.currentExecution.failureCause).toMatchObject({ code: 'BLOB_NOT_FOUND', message: 'No job bundle on the blob server' });
      expect(run.restartStrategy.failures.map((e) => e.message)).toEqual(['No job bundle on the blob server']);
      expect(run.failover.instances[0].failures.map((f) => f.failed)).toEqual([failed.id]);
      expect(te.canceledAttempts).toEqual(first.slice(0, 3));

      await report(te, first.slice(0, 3), E.CANCELED);
      expect(run.status).toBe(JobStatus.RESTARTING);
      await cp.advance(999);
      expect(te.submittedTasks).toHaveLength(4);

      await cp.advance(1);
      expect(run.status).toBe(JobStatus.RUNNING);
      expect(te.submittedTasks.slice(4).map((t) => [t.vertex.name, t.subtaskIndex, t.attemptNumber])).toEqual([
        ['Source: numbers', 0, 1],
        ['Source: numbers', 1, 1],
        ['Sink', 0, 1],
        ['Sink', 1, 1],
      ]);
      // The slots are kept across the restart; the old attempts' partitions are released.
      expect(te.slotRequests).toHaveLength(2);
      expect(new Set(te.submittedTasks.slice(4).map((t) => t.allocationId))).toEqual(new Set(te.allocations()));
      expect(te.releasedPartitions).toEqual([{ jobId: run.jobMaster.jobId, partitionKeys: te.submittedTasks.slice(0, 2).map((t) => t.outputs[0].partitionKey) }]);
      expect(run.scheduling.instances[0].restarts).toEqual([run.jobMaster.graph.getAllExecutionVertices().map((v) => v.id)]);

      await report(te, run.attemptIds(), E.FINISHED);
      expect(run.statusTransitions).toEqual(['CREATED -> RUNNING', 'RUNNING -> RESTARTING', 'RESTARTING -> RUNNING', 'RUNNING -> FINISHED']);
      expect(run.results.map((r) => r.status)).toEqual([JobStatus.FINISHED]);
    });

    it('fails the job when the restart strategy allows no restart (RUNNING -> FAILING -> FAILED), with the cause', async () => {
      const te = await cp.addTaskExecutor('tm-1', 2);
      failSecondSinkDeployment(te);
      const run = new TestingJobMasterRun(cp, { restartStrategyDefaultReason: 'the default when checkpointing is disabled' });
      run.jobMaster.start();
      await cp.settle();

      expect(run.status).toBe(JobStatus.FAILING);
      expect(run.executionStates()).toEqual([E.CANCELING, E.CANCELING, E.CANCELING, E.FAILED]);
      expect(te.canceledAttempts).toEqual(run.attemptIds().slice(0, 3));
      await report(te, run.attemptIds().slice(0, 2), E.CANCELED);
      expect(run.status).toBe(JobStatus.FAILING);
      await report(te, run.attemptIds().slice(2, 3), E.CANCELED);

      expect(run.statusTransitions).toEqual(['CREATED -> RUNNING', 'RUNNING -> FAILING', 'FAILING -> FAILED']);
      expect(run.results).toHaveLength(1);
      const { status, error } = run.results[0];
      expect(status).toBe(JobStatus.FAILED);
      expect(error).toMatchObject({
        code: 'JOB_FAILED',
        message:
          'Job failed (restart strategy testing(maxRestarts=0, backoff=0 ms), the default when checkpointing is disabled, allows no more restarts; ' +
          'set restart-strategy.type to choose another): No job bundle on the blob server',
        data: { jobId: run.jobMaster.jobId },
        cause: { code: 'BLOB_NOT_FOUND', message: 'No job bundle on the blob server' },
      });
      await cp.settle();
      expect(te.freedSlots.map((f) => f.cause)).toEqual(['job FAILED', 'job FAILED']);
    });

    it('counts a task that fails while it is canceled for a restart as canceled, not as another failure', async () => {
      const te = await cp.addTaskExecutor('tm-1', 2);
      failSecondSinkDeployment(te);
      // Restart the failed sink with its producer only; the job stays RUNNING meanwhile.
      const jobGraph = testingJobGraph();
      const [source, sink] = jobGraph.vertices.map((v) => v.id);
      const failover = new TestingFailoverStrategyFactory().withTasksNeedingRestart(() => new Set([`${source}_1`, `${sink}_1`]));
      const run = new TestingJobMasterRun(cp, { jobGraph, failoverStrategyFactory: failover, restartStrategy: new TestingRestartBackoffStrategy().withMaxRestarts(1) });
      run.jobMaster.start();
      await cp.settle();

      expect(run.status).toBe(JobStatus.RUNNING);
      expect(run.executionStates()).toEqual([E.DEPLOYING, E.CANCELING, E.DEPLOYING, E.FAILED]);
      const [, canceled] = run.attemptIds();
      expect(te.canceledAttempts).toEqual([canceled]);
      // Its consumer went away first: the canceled source ends with an error.
      await te.reportTaskState(canceled, E.FAILED, new Error('consumer gone'));

      expect(run.executionStates()[1]).toBe(E.CANCELED);
      expect(run.restartStrategy.failures).toHaveLength(1);
      await cp.advance(0);
      expect(run.status).toBe(JobStatus.RUNNING);
      expect(te.submittedTasks.slice(4).map((t) => [t.vertex.name, t.subtaskIndex, t.attemptNumber])).toEqual([
        ['Source: numbers', 1, 1],
        ['Sink', 1, 1],
      ]);
      expect(run.jobMaster.graph.getExecutionVertex(`${source}_0`).currentExecution.attemptNumber).toBe(0);
      expect(run.statusTransitions).toEqual(['CREATED -> RUNNING']);
    });
  });

  describe('failover of parts of the job', () => {
    it('restarts each of two regions that fail one after the other while the first still waits for its cancellation', async () => {
      const te = await cp.addTaskExecutor('tm-1', 2);
      let run!: TestingJobMasterRun;
      // A region per subtask index: the failed task and the other task of its index.
      const bySubtask = new TestingFailoverStrategyFactory().withTasksNeedingRestart((failed) => {
        const index = run.jobMaster.graph.getExecutionVertex(failed).subtaskIndex;
        return new Set(run.jobMaster.graph.getAllExecutionVertices().filter((v) => v.subtaskIndex === index).map((v) => v.id));
      });
      run = new TestingJobMasterRun(cp, { failoverStrategyFactory: bySubtask, restartStrategy: new TestingRestartBackoffStrategy().withMaxRestarts(2) });
      run.jobMaster.start();
      await cp.settle();
      const [source0, source1, sink0, sink1] = run.attemptIds();
      await report(te, run.attemptIds(), E.RUNNING);
      await te.reportTaskState(source0, E.FAILED);
      await te.reportTaskState(source1, E.FAILED);
      // Both regions wait for their sinks' cancellation; each restarts once its own is done.
      await te.reportTaskState(sink0, E.CANCELED);
      await te.reportTaskState(sink1, E.CANCELED);
      await cp.advance(0);
      expect(run.jobMaster.graph.getAllExecutionVertices().map((v) => v.currentExecution.attemptNumber)).toEqual([1, 1, 1, 1]);
      expect(run.executionStates()).toEqual([E.DEPLOYING, E.DEPLOYING, E.DEPLOYING, E.DEPLOYING]);
    });
  });

  describe('slots', () => {
    it('fails the job with SlotRequestTimeoutError after slot.request.timeout, not after rpc.ask-timeout', async () => {
      const busy = await cp.addTaskExecutor('tm-busy', 2);
      const otherJob = new TestingJobMasterGateway(cp.rpc, 'other-job');
      await cp.resourceManager.declareRequiredResources(otherJob.ref, { jobId: 'other-job', numberOfRequiredSlots: 2 });
      await cp.settle();
      expect(busy.slotRequests.map((r) => r.jobId)).toEqual(['other-job', 'other-job']);

      const run = new TestingJobMasterRun(cp);
      run.jobMaster.start();
      await cp.settle();
      expect(run.executionStates()).toEqual([E.SCHEDULED, E.SCHEDULED, E.SCHEDULED, E.SCHEDULED]);

      await cp.advance(cp.askTimeoutMs);
      expect(run.status).toBe(JobStatus.RUNNING);
      await cp.advance(cp.slotRequestTimeoutMs - cp.askTimeoutMs - 1);
      expect(run.status).toBe(JobStatus.RUNNING);

      await cp.advance(1);
      expect(run.statusTransitions).toEqual(['CREATED -> RUNNING', 'RUNNING -> FAILING', 'FAILING -> FAILED']);
      expect(run.executionStates()).toEqual([E.FAILED, E.CANCELED, E.CANCELED, E.CANCELED]);
      expect(run.results[0].error).toMatchObject({
        code: 'JOB_FAILED',
        cause: {
          code: 'SLOT_REQUEST_TIMEOUT',
          name: 'SlotRequestTimeoutError',
          message: `Job ${run.jobMaster.jobId} could not get 2 slot(s) within ${cp.slotRequestTimeoutMs} ms (slot.request.timeout)`,
        },
      });
      expect(busy.slotRequests.map((r) => r.jobId)).toEqual(['other-job', 'other-job']);
    });

    it('fails at once when a cluster that cannot grow has fewer slots than the job needs, whatever the restart strategy allows', async () => {
      await cp.addTaskExecutor('tm-1', 1);
      // Checkpointing's default strategy restarts without end: a restart cannot make slots appear.
      const run = new TestingJobMasterRun(cp, { restartStrategy: new TestingRestartBackoffStrategy().withMaxRestarts(Number.MAX_SAFE_INTEGER) });
      run.jobMaster.start();
      await cp.settle();
      expect(run.statusTransitions).toEqual(['CREATED -> RUNNING', 'RUNNING -> FAILING', 'FAILING -> FAILED']);
      expect(run.results[0].error?.message).toMatch(/^Job failed \(a restart cannot fix this, so none was tried\): Job .* needs 2 slot/);
      expect(run.results[0].error?.cause).toMatchObject({
        code: 'NOT_ENOUGH_SLOTS',
        message:
          `Job ${run.jobMaster.jobId} needs 2 slot(s) but the cluster has 1 and cannot start more TaskManagers. ` +
          'Lower the parallelism (-p) or raise taskmanager.numberOfTaskSlots.',
      });
    });

    it('waits for slots after losing the TaskManager it ran on rather than failing at once: its replacement gets the tasks', async () => {
      const lost = await cp.addTaskExecutor('tm-1', 2);
      const run = new TestingJobMasterRun(cp, { restartStrategy: new TestingRestartBackoffStrategy().withMaxRestarts(Number.MAX_SAFE_INTEGER) });
      run.jobMaster.start();
      await cp.settle();
      await report(lost, lost.deployedAttempts(), E.RUNNING);
      lost.disappear();
      await cp.resourceManager.disconnectTaskExecutor('tm-1', 'heartbeat timed out');
      await cp.settle();
      await cp.advance(0);
      // The cluster has no slot now, but had the job's two: the restart waits for them, it does not fail the job.
      expect(run.status).toBe(JobStatus.RUNNING);
      expect(run.executionStates()).toEqual([E.SCHEDULED, E.SCHEDULED, E.SCHEDULED, E.SCHEDULED]);
      const replacement = await cp.addTaskExecutor('tm-2', 2);
      await cp.settle();
      expect(replacement.deployedAttempts()).toHaveLength(4);
      expect(run.executionStates()).toEqual([E.DEPLOYING, E.DEPLOYING, E.DEPLOYING, E.DEPLOYING]);
    });

    it('fails the tasks of a TaskExecutor that disappears and redeploys them into a new slot', async () => {
      const lost = await cp.addTaskExecutor('tm-1', 1);
      const survivor = await cp.addTaskExecutor('tm-2', 2);
      const run = new TestingJobMasterRun(cp, { restartStrategy: new TestingRestartBackoffStrategy().withMaxRestarts(1) });
      run.jobMaster.start();
      await cp.settle();
      const first = run.attemptIds();
      expect(lost.deployedAttempts()).toEqual([first[0], first[2]]);
      expect(survivor.deployedAttempts()).toEqual([first[1], first[3]]);
      await report(lost, lost.deployedAttempts(), E.RUNNING);
      await report(survivor, survivor.deployedAttempts(), E.RUNNING);

      lost.disappear();
      await cp.resourceManager.disconnectTaskExecutor('tm-1', 'heartbeat timed out');
      await cp.settle();

      expect(run.status).toBe(JobStatus.RESTARTING);
      expect(run.executionStates()).toEqual([E.FAILED, E.CANCELING, E.CANCELED, E.CANCELING]);
      expect(run.jobMaster.graph.getAllExecutionVertices()[0].currentExecution.failureCause).toMatchObject({
        code: 'TASK_MANAGER_LOST',
        message: `TaskManager tm-1 disconnected (heartbeat timed out); slot ${lost.slotRequests[0].allocationId} is lost`,
      });
      expect(survivor.canceledAttempts).toEqual([first[1], first[3]]);
      await report(survivor, survivor.canceledAttempts, E.CANCELED);
      await cp.advance(0);

      expect(run.status).toBe(JobStatus.RUNNING);
      const [keptSlot, newSlot] = survivor.allocations();
      expect(survivor.submittedTasks.slice(2).map((t) => [t.vertex.name, t.subtaskIndex, t.attemptNumber, t.allocationId])).toEqual([
        ['Source: numbers', 0, 1, newSlot],
        ['Source: numbers', 1, 1, keptSlot],
        ['Sink', 0, 1, newSlot],
        ['Sink', 1, 1, keptSlot],
      ]);
      // A late update of an attempt that was replaced is refused.
      expect(await survivor.reportTaskState(first[1], E.FINISHED)).toBe(false);
      await report(survivor, run.attemptIds(), E.FINISHED);
      expect(run.statusTransitions).toEqual(['CREATED -> RUNNING', 'RUNNING -> RESTARTING', 'RESTARTING -> RUNNING', 'RUNNING -> FINISHED']);
    });

    it('fails over a task its TaskExecutor canceled without being asked (it freed the slot): CANCELED is not how a running task ends', async () => {
      const { te, run, first } = await runningJobThatMayRestartOnce();
      await te.reportTaskState(first[1], E.CANCELED);
      expect(run.status).toBe(JobStatus.RESTARTING);
      expect(run.jobMaster.graph.getAllExecutionVertices()[1].currentExecution.failureCause).toMatchObject({ code: 'TASK_CANCELED_EXTERNALLY' });
    });

    it('does not deploy into a slot again that its TaskExecutor no longer has (SLOT_NOT_ALLOCATED): the restart asks for another', async () => {
      const te = await cp.addTaskExecutor('tm-1', 3);
      te.withSubmitTask(async (tdd) => {
        if (tdd.vertex.name === 'Sink' && tdd.subtaskIndex === 1 && tdd.attemptNumber === 0) throw new FlottError('SLOT_NOT_ALLOCATED', `No slot with allocation ${tdd.allocationId}`);
      });
      const run = new TestingJobMasterRun(cp, { restartStrategy: new TestingRestartBackoffStrategy().withMaxRestarts(1) });
      run.jobMaster.start();
      await cp.settle();
      const [lostSlot] = te.submittedTasks.filter((t) => t.vertex.name === 'Sink' && t.subtaskIndex === 1).map((t) => t.allocationId);
      await report(te, te.canceledAttempts, E.CANCELED);
      // The TaskExecutor had freed the slot (and told the ResourceManager so).
      await te.freeSlot(lostSlot, 'no heartbeat from the JobMaster');
      await cp.advance(0);
      expect(run.status).toBe(JobStatus.RUNNING);
      expect(te.slotRequests).toHaveLength(3);
      expect(te.submittedTasks.slice(4).map((t) => t.allocationId)).not.toContain(lostSlot);
    });

    it('does not deploy into a slot whose allocation failed between its offer and the deployment', async () => {
      const waiting = new TestingControlPlane({ canStartWorkers: true });
      try {
        const run = new TestingJobMasterRun(waiting, { jobGraph: testingJobGraph({ parallelism: 1 }), restartStrategy: new TestingRestartBackoffStrategy() });
        run.jobMaster.start();
        await waiting.settle();
        const te = new TestingJobMasterGateway(waiting.rpc, 'unused');
        await run.jobMaster.offerSlots('tm-x', te.address, [{ allocationId: 'alloc-1', slotIndex: 0 }]);
        // The ResourceManager's report that the allocation failed arrives before the deployment ran.
        void run.jobMaster.notifyAllocationFailure('alloc-1', { name: 'Error', message: 'requestSlot timed out', code: 'RPC_TIMEOUT' });
        await waiting.settle();
        expect(run.status).toBe(JobStatus.FAILED);
        expect(run.results[0].error?.cause).toMatchObject({ code: 'SLOT_LOST' });
      } finally {
        await waiting.close();
      }
    });

    it('fails every attempt of a batch that got no slot, so a failover strategy that restarts only the failed task leaves none waiting forever', async () => {
      const waiting = new TestingControlPlane({ canStartWorkers: true, slotRequestTimeoutMs: 1_000 });
      try {
        const onlyTheFailed = new TestingFailoverStrategyFactory().withTasksNeedingRestart((failed) => new Set([failed]));
        const run = new TestingJobMasterRun(waiting, { failoverStrategyFactory: onlyTheFailed, restartStrategy: new TestingRestartBackoffStrategy().withMaxRestarts(10) });
        run.jobMaster.start();
        await waiting.settle();
        await waiting.advance(1_000);
        await waiting.advance(0);
        expect(run.jobMaster.graph.getAllExecutionVertices().map((v) => v.currentExecution.attemptNumber)).toEqual([1, 1, 1, 1]);
        expect(run.executionStates()).toEqual([E.SCHEDULED, E.SCHEDULED, E.SCHEDULED, E.SCHEDULED]);
      } finally {
        await waiting.close();
      }
    });

    it('cancels the attempts in a slot the ResourceManager reports failed on their TaskExecutor, which may still run them', async () => {
      const { te, run, first } = await runningJobThatMayRestartOnce();
      const slotOfFirst = te.submittedTasks.find((t) => t.attemptId === first[0])!.allocationId;
      const inThatSlot = te.submittedTasks.filter((t) => t.allocationId === slotOfFirst).map((t) => t.attemptId);
      await run.jobMaster.notifyAllocationFailure(slotOfFirst, { name: 'Error', message: 'requestSlot timed out', code: 'RPC_TIMEOUT' });
      await cp.settle();
      expect(te.canceledAttempts).toEqual(expect.arrayContaining(inThatSlot));
    });

    it('cancels a job that waits for its restart without restarting it (RESTARTING -> CANCELLING -> CANCELED)', async () => {
      const te = await cp.addTaskExecutor('tm-1', 2);
      failSecondSinkDeployment(te);
      te.withCancelTask(async (attemptId) => {
        await te.reportTaskState(attemptId, E.CANCELED);
      });
      const run = new TestingJobMasterRun(cp, {
        restartStrategy: new TestingRestartBackoffStrategy().withMaxRestarts(1).withBackoffTimeMs(1_000),
      });
      run.jobMaster.start();
      await cp.settle();
      expect(run.status).toBe(JobStatus.RESTARTING);
      expect(run.executionStates()).toEqual([E.CANCELED, E.CANCELED, E.CANCELED, E.FAILED]);

      run.jobMaster.cancel();
      expect(run.statusTransitions).toEqual(['CREATED -> RUNNING', 'RUNNING -> RESTARTING', 'RESTARTING -> CANCELLING', 'CANCELLING -> CANCELED']);
      await cp.advance(1_000);
      expect(te.submittedTasks).toHaveLength(4);
      expect(run.results.map((r) => r.status)).toEqual([JobStatus.CANCELED]);
    });
  });
});
