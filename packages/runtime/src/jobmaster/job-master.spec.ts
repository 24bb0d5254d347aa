import { IllegalStateTransitionError } from '../errors';
import { ExecutionState as E, JobStatus } from '../execution/execution-state';
import { TestingControlPlane } from '../testing/testing-control-plane';
import { TestingJobMasterRun } from '../testing/testing-job-master';
import type { TestingTaskExecutorGateway } from '../testing/testing-task-executor-gateway';

/** Plays the task's state updates, in order, for each attempt. */
async function report(te: TestingTaskExecutorGateway, attemptIds: readonly string[], ...states: E[]): Promise<void> {
  for (const state of states) for (const id of attemptIds) await te.reportTaskState(id, state);
}

describe('JobMaster', () => {
  let cp: TestingControlPlane;

  beforeEach(() => {
    cp = new TestingControlPlane();
  });

  afterEach(async () => {
    await cp.close();
  });

  describe('a job that runs to the end', () => {
    it('goes CREATED -> RUNNING -> FINISHED as the task states arrive, and then returns its slots', async () => {
      const te = await cp.addTaskExecutor('tm-1', 2);
      const run = new TestingJobMasterRun(cp);
      expect(run.status).toBe(JobStatus.CREATED);
      expect(run.executionStates()).toEqual([E.CREATED, E.CREATED, E.CREATED, E.CREATED]);

      run.jobMaster.start();
      expect(run.status).toBe(JobStatus.RUNNING);
      await cp.settle();

      // One slot per sharing key (subtask index): source i and sink i share slot i.
      const [slot0, slot1] = te.allocations();
      expect(te.submittedTasks.map((t) => [t.vertex.name, t.subtaskIndex, t.attemptNumber, t.allocationId])).toEqual([
        ['Source: numbers', 0, 0, slot0],
        ['Source: numbers', 1, 0, slot1],
        ['Sink', 0, 0, slot0],
        ['Sink', 1, 0, slot1],
      ]);
      expect(te.deployedAttempts()).toEqual(run.attemptIds());
      expect(te.submittedTasks.every((t) => t.jobMasterAddress === run.jobMaster.address)).toBe(true);
      expect(run.executionStates()).toEqual([E.DEPLOYING, E.DEPLOYING, E.DEPLOYING, E.DEPLOYING]);
      // The sink reads both sources' partitions of the attempts it was deployed with.
      expect(te.submittedTasks[2].inputs[0].channels.map((c) => c.partitionKey)).toEqual(te.submittedTasks.slice(0, 2).map((t) => t.outputs[0].partitionKey));

      await report(te, run.attemptIds(), E.INITIALIZING, E.RUNNING);
      expect(run.executionStates()).toEqual([E.RUNNING, E.RUNNING, E.RUNNING, E.RUNNING]);
      expect(run.scheduling.instances[0].stateChanges.map((c) => c.state)).toEqual([...Array(4).fill(E.INITIALIZING), ...Array(4).fill(E.RUNNING)]);

      await cp.advance(5_000);
      const attempts = run.attemptIds();
      await report(te, attempts.slice(0, 3), E.FINISHED);
      expect(run.status).toBe(JobStatus.RUNNING);
      expect(run.results).toEqual([]);

      await report(te, attempts.slice(3), E.FINISHED);
      expect(run.statusTransitions).toEqual(['CREATED -> RUNNING', 'RUNNING -> FINISHED']);
      expect(run.results).toEqual([
        { jobId: run.jobMaster.jobId, jobName: 'testing job', status: JobStatus.FINISHED, netRuntimeMs: 5_000, accumulators: {}, error: undefined },
      ]);
      expect(run.jobMaster.result()).toEqual(run.results[0]);
      await cp.settle();
      expect(te.freedSlots).toEqual([
        { allocationId: slot0, cause: 'job FINISHED' },
        { allocationId: slot1, cause: 'job FINISHED' },
      ]);
      expect((await cp.resourceManager.getOverview()).slotsAvailable).toBe(2);
      expect(te.canceledAttempts).toEqual([]);
    });

    it('tells the scheduling strategy when a pipelined partition of a current attempt has data, and nothing for stale attempts', async () => {
      const te = await cp.addTaskExecutor('tm-1', 2);
      const run = new TestingJobMasterRun(cp);
      run.jobMaster.start();
      await cp.settle();
      await report(te, run.attemptIds(), E.INITIALIZING, E.RUNNING);
      const source = te.submittedTasks[0];
      await run.jobMaster.notifyPartitionDataAvailable(source.attemptId, source.outputs[0].partitionKey);
      await run.jobMaster.notifyPartitionDataAvailable('no-such-attempt', `${source.outputs[0].partitionKey.split('@')[0]}@no-such-attempt`);
      expect(run.scheduling.instances[0].consumablePartitions).toEqual([source.outputs[0].partitionKey.split('@')[0]]);
    });

    it('tells each consumer where its producers run: their TaskManager and its data server, from the slot offers', async () => {
      const tm1 = await cp.addTaskExecutor('tm-1', 1, '10.0.0.1:6121');
      const tm2 = await cp.addTaskExecutor('tm-2', 1, '10.0.0.2:6121');
      const run = new TestingJobMasterRun(cp);
      run.jobMaster.start();
      await cp.settle();
      const where = new Map<string, [string, string]>();
      for (const [tm, resourceId, dataAddress] of [[tm1, 'tm-1', '10.0.0.1:6121'], [tm2, 'tm-2', '10.0.0.2:6121']] as const) {
        for (const t of tm.submittedTasks) if (t.outputs.length) where.set(t.outputs[0].partitionKey, [resourceId, dataAddress]);
      }
      const sinks = [...tm1.submittedTasks, ...tm2.submittedTasks].filter((t) => t.vertex.name === 'Sink');
      expect(sinks).toHaveLength(2);
      for (const sink of sinks) {
        const channels = sink.inputs[0].channels;
        expect(channels.map((c) => [c.producerResourceId, c.producerDataAddress])).toEqual(channels.map((c) => where.get(c.partitionKey)));
        // Both TaskManagers produce: each sink reads one channel from each.
        expect(channels.map((c) => c.producerResourceId).sort()).toEqual(['tm-1', 'tm-2']);
      }
    });

    it('answers details with per-vertex state counts while running', async () => {
      const te = await cp.addTaskExecutor('tm-1', 2);
      const run = new TestingJobMasterRun(cp);
      run.jobMaster.start();
      await cp.settle();
      await report(te, run.attemptIds().slice(0, 2), E.INITIALIZING);
      const details = run.jobMaster.details();
      expect(details).toMatchObject({ jobName: 'testing job', status: JobStatus.RUNNING, startTime: 1_000, endTime: -1 });
      expect(details.vertices.map((v) => [v.name, v.parallelism, v.states])).toEqual([
        ['Source: numbers', 2, { INITIALIZING: 2 }],
        ['Sink', 2, { DEPLOYING: 2 }],
      ]);
    });
  });

  describe('illegal transitions', () => {
    it('throws for a job status transition Flink does not allow', async () => {
      const te = await cp.addTaskExecutor('tm-1', 2);
      const run = new TestingJobMasterRun(cp);
      run.jobMaster.start();
      expect(() => run.jobMaster.start()).toThrow(new IllegalStateTransitionError('job status', 'RUNNING', 'RUNNING'));
      await cp.settle();
      await report(te, run.attemptIds(), E.FINISHED);
      expect(run.status).toBe(JobStatus.FINISHED);
      expect(() => run.jobMaster.graph.transitionJobStatus(JobStatus.RUNNING)).toThrow('Illegal job status transition FINISHED -> RUNNING');
      // Canceling a finished job changes nothing.
      run.jobMaster.cancel();
      expect(run.statusTransitions).toEqual(['CREATED -> RUNNING', 'RUNNING -> FINISHED']);
    });

    it('ignores task updates that would move an attempt backwards, and updates of unknown attempts', async () => {
      const te = await cp.addTaskExecutor('tm-1', 2);
      const run = new TestingJobMasterRun(cp);
      run.jobMaster.start();
      await cp.settle();
      const [first] = run.attemptIds();
      expect(await te.reportTaskState(first, E.RUNNING)).toBe(true);
      expect(await te.reportTaskState(first, E.RUNNING)).toBe(true);
      expect(await te.reportTaskState(first, E.INITIALIZING)).toBe(false);
      expect(await te.reportTaskState(first, E.SCHEDULED)).toBe(false);
      expect(run.executionStates()[0]).toBe(E.RUNNING);
      expect(await run.jobMaster.updateTaskExecutionState({ jobId: run.jobMaster.jobId, attemptId: 'no-such-attempt', state: E.FAILED })).toBe(false);
      expect(run.status).toBe(JobStatus.RUNNING);
    });
  });

  describe('cancel', () => {
    it('while deploying: CANCELLING with a cancel call per deployed task, CANCELED once all of them ended', async () => {
      const te = await cp.addTaskExecutor('tm-1', 2);
      const run = new TestingJobMasterRun(cp);
      run.jobMaster.start();
      await cp.settle();
      expect(run.executionStates()).toEqual([E.DEPLOYING, E.DEPLOYING, E.DEPLOYING, E.DEPLOYING]);
      const attempts = run.attemptIds();

      run.jobMaster.cancel();
      expect(run.status).toBe(JobStatus.CANCELLING);
      expect(run.executionStates()).toEqual([E.CANCELING, E.CANCELING, E.CANCELING, E.CANCELING]);
      await cp.settle();
      expect(te.canceledAttempts).toEqual(attempts);
      run.jobMaster.cancel();
      await cp.settle();
      expect(te.canceledAttempts).toEqual(attempts);

      // However a canceled task ends (still starting, finished, failed), it counts as canceled.
      expect(await te.reportTaskState(attempts[0], E.INITIALIZING)).toBe(false);
      await te.reportTaskState(attempts[0], E.CANCELED);
      await te.reportTaskState(attempts[1], E.FINISHED);
      await te.reportTaskState(attempts[2], E.FAILED, new Error('interrupted'));
      expect(run.status).toBe(JobStatus.CANCELLING);
      await te.reportTaskState(attempts[3], E.CANCELED);

      expect(run.executionStates()).toEqual([E.CANCELED, E.CANCELED, E.CANCELED, E.CANCELED]);
      expect(run.statusTransitions).toEqual(['CREATED -> RUNNING', 'RUNNING -> CANCELLING', 'CANCELLING -> CANCELED']);
      expect(run.results.map((r) => [r.status, r.error])).toEqual([[JobStatus.CANCELED, undefined]]);
      expect(run.restartStrategy.failures).toEqual([]);
      await cp.settle();
      expect(te.freedSlots.map((f) => f.cause)).toEqual(['job CANCELED', 'job CANCELED']);
    });

    it('while waiting for slots: CANCELED at once, and the slot requests are withdrawn', async () => {
      cp = new TestingControlPlane({ canStartWorkers: true });
      const run = new TestingJobMasterRun(cp);
      run.jobMaster.start();
      await cp.settle();
      expect(run.executionStates()).toEqual([E.SCHEDULED, E.SCHEDULED, E.SCHEDULED, E.SCHEDULED]);

      run.jobMaster.cancel();
      expect(run.statusTransitions).toEqual(['CREATED -> RUNNING', 'RUNNING -> CANCELLING', 'CANCELLING -> CANCELED']);
      expect(run.executionStates()).toEqual([E.CANCELED, E.CANCELED, E.CANCELED, E.CANCELED]);
      await cp.settle();

      const te = await cp.addTaskExecutor('tm-late', 2);
      expect(te.slotRequests).toEqual([]);
      await cp.advance(cp.slotRequestTimeoutMs);
      expect(run.results.map((r) => r.status)).toEqual([JobStatus.CANCELED]);
    });
  });
});
