import { decodeCheckpointMetadata } from '../checkpoint/format';
import { Configuration } from '@flott/core';
import { encodeCheckpointMetadata } from '../checkpoint/format';
import { ExecutionState as E, JobStatus } from '../execution/execution-state';
import type { JobMasterGateway } from '../rpc/gateways';
import type { CheckpointMetadata, TaskStateSnapshot } from '../snapshot/snapshot-data';
import { TestingCheckpointHighAvailability, TestingCheckpointStorage } from '../testing/testing-checkpoint-services';
import { TestingControlPlane } from '../testing/testing-control-plane';
import { TestingJobMasterRun } from '../testing/testing-job-master';
import { testingJobGraph } from '../testing/testing-job-submission';
import { TestingRestartBackoffStrategy } from '../testing/testing-restart-backoff-strategy';
import type { TestingTaskExecutorGateway } from '../testing/testing-task-executor-gateway';

const JOB_GRAPH = testingJobGraph({ parallelism: 2 });
const [SOURCE_OP, SINK_OP] = JOB_GRAPH.vertices.map((v) => v.operators[0].operatorId);
const inline = (n: number) => ({ kind: 'inline' as const, data: Uint8Array.of(n) });

describe('JobMaster with checkpoints', () => {
  let cp: TestingControlPlane;
  let te: TestingTaskExecutorGateway;
  let storage: TestingCheckpointStorage;
  let ha: TestingCheckpointHighAvailability;

  const run = (config: Record<string, unknown>) =>
    new TestingJobMasterRun(cp, {
      jobGraph: JOB_GRAPH,
      configuration: Configuration.fromRecord(config),
      restartStrategy: new TestingRestartBackoffStrategy().withMaxRestarts(1),
      checkpointStorage: storage,
      highAvailability: ha,
    });

  /** Every deployed attempt reports RUNNING. */
  const allRunning = async (): Promise<void> => {
    for (const t of te.submittedTasks) await te.reportTaskState(t.attemptId, E.RUNNING);
  };

  /** The deployed attempts of the vertex whose head operator is `operatorId`. */
  const tasksOf = (operatorId: string) => te.submittedTasks.filter((t) => t.vertex.operators[0].operatorId === operatorId);

  /** A run started with `config` whose tasks all run, its JobMaster's gateway, and its source and sink tasks. */
  const runningJob = async (config: Record<string, unknown>) => {
    const r = run(config);
    r.jobMaster.start();
    await cp.settle();
    await allRunning();
    const jm = cp.rpc.connect<JobMasterGateway>(r.jobMaster.address, { fencingToken: r.jobMaster.ref.jobMasterId });
    return { r, jm, sources: tasksOf(SOURCE_OP), sinks: tasksOf(SINK_OP) };
  };

  beforeEach(async () => {
    cp = new TestingControlPlane();
    te = await cp.addTaskExecutor('tm-1', 4);
    storage = new TestingCheckpointStorage(JOB_GRAPH.jobId);
    ha = new TestingCheckpointHighAvailability();
  });

  afterEach(async () => {
    await cp.close();
  });

  it('checkpoints every interval once all tasks run, and restarted tasks start from the latest completed checkpoint', async () => {
    const r = run({ 'execution.checkpointing.interval': '1 s' });
    r.jobMaster.start();
    await cp.settle();
    await cp.advance(1_000);
    expect(te.checkpointTriggers).toEqual([]); // tasks are still DEPLOYING
    await allRunning();
    await cp.advance(1_000);
    const sources = tasksOf(SOURCE_OP);
    expect(te.checkpointTriggers).toEqual(sources.map((t) => ({ attemptId: t.attemptId, checkpointId: 1, timestamp: 3_000, location: `mem://${JOB_GRAPH.jobId}/chk-1`, alignedTimeoutMs: -1 })));

    const jm = cp.rpc.connect<JobMasterGateway>(r.jobMaster.address, { fencingToken: r.jobMaster.ref.jobMasterId });
    const stateOf = (subtask: number, opId: string): TaskStateSnapshot =>
      opId === SOURCE_OP ? { [opId]: { operator: inline(subtask) } } : { [opId]: { keyed: { keyGroupRange: { startKeyGroup: subtask * 64, endKeyGroup: subtask * 64 + 63 }, handle: inline(10 + subtask) } } };
    for (const t of te.submittedTasks) {
      const opId = t.vertex.operators[0].operatorId;
      await jm.acknowledgeCheckpoint({ jobId: t.jobId, attemptId: t.attemptId, checkpointId: 1, state: stateOf(t.subtaskIndex, opId) });
    }
    await cp.settle();
    expect(ha.store.checkpoints.map((c) => c.checkpointId)).toEqual([1]);
    expect(te.checkpointNotifications.filter((n) => n.completed)).toHaveLength(4);

    // A sink fails: every task restarts (restart-all) and each gets its share of checkpoint 1.
    const firstAttempts = te.submittedTasks.map((t) => t.attemptId);
    const sink1 = te.submittedTasks.find((t) => t.vertex.operators[0].operatorId === SINK_OP && t.subtaskIndex === 1)!;
    await te.reportTaskState(sink1.attemptId, E.FAILED);
    for (const id of firstAttempts) if (id !== sink1.attemptId) await te.reportTaskState(id, E.CANCELED);
    await cp.advance(0);
    expect(r.status).toBe(JobStatus.RUNNING);
    const redeployed = te.submittedTasks.slice(4);
    expect(redeployed).toHaveLength(4);
    for (const t of redeployed) {
      const opId = t.vertex.operators[0].operatorId;
      expect(t.restore?.checkpointId).toBe(1);
      if (opId === SOURCE_OP) expect(t.restore?.operators[opId]).toEqual({ keyed: [], operator: [inline(0), inline(1)] });
      else expect(t.restore?.operators[opId].keyed).toEqual([stateOf(t.subtaskIndex, opId)[opId].keyed]);
    }
  });

  it('after tasks finish: asks for the final checkpoint once every running task ended its data, triggers tasks whose producers finished and records finished ones', async () => {
    const { r, jm, sources, sinks } = await runningJob({ 'execution.checkpointing.interval': '1 h' });
    expect(te.submittedTasks.every((t) => t.checkpointsAfterTasksFinish === true)).toBe(true);
    for (const t of sources) await jm.notifyEndOfData(t.attemptId);
    await cp.settle();
    expect(te.checkpointTriggers).toEqual([]); // the sinks still read
    for (const t of sinks) await jm.notifyEndOfData(t.attemptId);
    await cp.settle();
    expect(te.checkpointTriggers.map((t) => [t.attemptId, t.checkpointId])).toEqual(sources.map((t) => [t.attemptId, 1]));
    for (const t of te.submittedTasks) await jm.acknowledgeCheckpoint({ jobId: t.jobId, attemptId: t.attemptId, checkpointId: 1, state: {} });
    await cp.settle();
    expect(ha.store.checkpoints.map((c) => c.checkpointId)).toEqual([1]);

    // The sources finish after it: checkpoint 1 served the sinks too, so no other is asked for.
    for (const t of sources) await te.reportTaskState(t.attemptId, E.FINISHED);
    await cp.settle();
    expect(te.checkpointTriggers).toHaveLength(2);

    // A checkpoint now (the sinks have not finished yet) triggers the sinks themselves and records the sources as finished.
    const taken = r.jobMaster.checkpointing.triggerCheckpoint(false);
    await cp.settle();
    expect(te.checkpointTriggers.slice(2).map((t) => [t.attemptId, t.checkpointId])).toEqual(sinks.map((t) => [t.attemptId, 2]));
    for (const t of sinks) await jm.acknowledgeCheckpoint({ jobId: t.jobId, attemptId: t.attemptId, checkpointId: 2, state: {} });
    await expect(taken).resolves.toBe(2);
    const metadata = r.jobMaster.checkpointing.coordinator!.latestCompleted()!.metadata;
    expect(metadata.operators.map((o) => o.subtasks)).toEqual([[{ finished: true }, { finished: true }], [{}, {}]]);
    for (const t of sinks) await te.reportTaskState(t.attemptId, E.FINISHED);
    await cp.settle();
    expect(r.status).toBe(JobStatus.FINISHED);
  });

  it('without periodic checkpoints, a savepoint of a job whose sources finished records them as finished (tasks do not wait for a final checkpoint)', async () => {
    const { r, jm, sources, sinks } = await runningJob({});
    expect(te.submittedTasks.some((t) => t.checkpointsAfterTasksFinish === true)).toBe(false);
    for (const t of sources) await te.reportTaskState(t.attemptId, E.FINISHED);
    await cp.settle();
    const savepoint = r.jobMaster.triggerSavepoint('/savepoints');
    await cp.settle();
    // The sinks, whose producers all finished, are triggered themselves.
    expect(te.checkpointTriggers.map((t) => t.attemptId)).toEqual(sinks.map((t) => t.attemptId));
    for (const t of sinks) await jm.acknowledgeCheckpoint({ jobId: t.jobId, attemptId: t.attemptId, checkpointId: te.checkpointTriggers[0].checkpointId, state: {} });
    const pointer = await savepoint;
    const metadata = decodeCheckpointMetadata(await storage.readMetadata(pointer), pointer);
    expect(metadata.type).toBe('SAVEPOINT');
    expect(metadata.operators.map((o) => o.subtasks)).toEqual([[{ finished: true }, { finished: true }], [{}, {}]]);
  });

  it('aborts the pending checkpoint when a task fails', async () => {
    const r = run({ 'execution.checkpointing.interval': '1 s' });
    r.jobMaster.start();
    await cp.settle();
    await allRunning();
    await cp.advance(1_000);
    expect(r.jobMaster.checkpointing.coordinator?.numberOfPendingCheckpoints()).toBe(1);
    await te.reportTaskState(te.submittedTasks[0].attemptId, E.FAILED);
    expect(r.jobMaster.checkpointing.coordinator?.numberOfPendingCheckpoints()).toBe(0);
    expect(storage.discarded).toEqual([1]);
  });

  it('starts every task from a savepoint given by execution.state-recovery.path', async () => {
    const savepoint: CheckpointMetadata = {
      checkpointId: 42,
      jobId: 'an-earlier-job',
      type: 'SAVEPOINT',
      timestamp: 1,
      operators: [{ operatorId: SOURCE_OP, name: 'Source: numbers', parallelism: 1, maxParallelism: 128, subtasks: [{ operator: inline(7) }] }],
    };
    storage.metadata.set('mem://sp/_metadata', encodeCheckpointMetadata(savepoint));
    const r = run({ 'execution.state-recovery.path': 'mem://sp' });
    r.jobMaster.start();
    await cp.settle();
    expect(te.submittedTasks).toHaveLength(4);
    for (const t of te.submittedTasks) {
      const opId = t.vertex.operators[0].operatorId;
      expect(t.restore).toEqual(opId === SOURCE_OP ? { checkpointId: 42, operators: { [opId]: { keyed: [], operator: [inline(7)] } } } : undefined);
    }
    expect(r.jobMaster.checkpointing.coordinator).toBeUndefined();
  });

  it('fails the job before deploying anything when the savepoint is missing or does not fit', async () => {
    const missing = run({ 'execution.state-recovery.path': 'mem://nowhere' });
    missing.jobMaster.start();
    await cp.settle();
    expect(missing.status).toBe(JobStatus.FAILED);
    expect(missing.results[0].error?.message).toBe("Cannot read checkpoint data 'mem://nowhere': no metadata there");
    expect(te.submittedTasks).toEqual([]);

    storage.metadata.set('mem://other/_metadata', encodeCheckpointMetadata({
      checkpointId: 3,
      jobId: 'x',
      type: 'SAVEPOINT',
      timestamp: 1,
      operators: [{ operatorId: 'e'.repeat(32), name: 'Removed map', parallelism: 1, maxParallelism: 128, subtasks: [{ operator: inline(1) }] }],
    }));
    const unfit = new TestingJobMasterRun(cp, {
      jobGraph: testingJobGraph({ jobId: `${'0'.repeat(31)}2` }),
      configuration: Configuration.fromRecord({ 'execution.state-recovery.path': 'mem://other' }),
      checkpointStorage: storage,
    });
    unfit.jobMaster.start();
    await cp.settle();
    expect(unfit.status).toBe(JobStatus.FAILED);
    expect(unfit.results[0].error?.message).toMatch(/^Failed to restore from mem:\/\/other: it has state of operator 'Removed map'/);
  });
});
