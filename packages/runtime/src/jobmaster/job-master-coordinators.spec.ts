import { Configuration, NumberSequenceSource } from '@flott/core';
import { SourceCoordinator } from '../coordination/source-coordinator';
import { unpackValue } from '../coordination/split-codec';
import type { JobGraph } from '../deployment/job-graph';
import { ExecutionState as E, JobStatus } from '../execution/execution-state';
import type { JobMasterGateway } from '../rpc/gateways';
import { TestingCheckpointHighAvailability, TestingCheckpointStorage } from '../testing/testing-checkpoint-services';
import { TestingControlPlane } from '../testing/testing-control-plane';
import { TestingJobMasterRun } from '../testing/testing-job-master';
import { testingJobGraph } from '../testing/testing-job-submission';
import { TestingRestartBackoffStrategy } from '../testing/testing-restart-backoff-strategy';
import type { TestingTaskExecutorGateway } from '../testing/testing-task-executor-gateway';
import { OperatorCoordinatorUnavailableError, type OperatorCoordinatorProvider } from './job-coordinators';

/** The testing job (source → sink at parallelism 2) with a unified source: its operator has a coordinator. */
function coordinatedJobGraph(): JobGraph {
  const g = testingJobGraph({ parallelism: 2 });
  return { ...g, vertices: g.vertices.map((v, i) => (i === 0 ? { ...v, operators: v.operators.map((op) => ({ ...op, hasCoordinator: true as const })) } : v)) };
}

const JOB_GRAPH = coordinatedJobGraph();
const SOURCE_OP = JOB_GRAPH.vertices[0].operators[0].operatorId;

describe('JobMaster with operator coordinators', () => {
  let cp: TestingControlPlane;
  let te: TestingTaskExecutorGateway;
  let storage: TestingCheckpointStorage;

  const provider: OperatorCoordinatorProvider = (_operator, context) =>
    new SourceCoordinator({ context, source: new NumberSequenceSource(1, 8), clock: cp.clock, scheduler: cp.clock });

  const run = () =>
    new TestingJobMasterRun(cp, {
      jobGraph: JOB_GRAPH,
      configuration: Configuration.fromRecord({ 'execution.checkpointing.interval': '1 s' }),
      restartStrategy: new TestingRestartBackoffStrategy().withMaxRestarts(1),
      checkpointStorage: storage,
      highAvailability: new TestingCheckpointHighAvailability(),
      operatorCoordinatorProvider: provider,
    });

  beforeEach(async () => {
    cp = new TestingControlPlane();
    te = await cp.addTaskExecutor('tm-1', 4);
    storage = new TestingCheckpointStorage(JOB_GRAPH.jobId);
  });

  afterEach(async () => {
    await cp.close();
  });

  const sources = () => te.submittedTasks.filter((t) => t.vertex.operators[0].operatorId === SOURCE_OP);
  const fromReader = async (r: TestingJobMasterRun, attemptId: string, event: unknown) =>
    cp.rpc.connect<JobMasterGateway>(r.jobMaster.address, { fencingToken: r.jobMaster.ref.jobMasterId }).sendOperatorEvent({ jobId: JOB_GRAPH.jobId, attemptId, operatorId: SOURCE_OP, event });

  it('a job whose operator needs a coordinator cannot run on a JobManager without a provider', () => {
    expect(() => new TestingJobMasterRun(cp, { jobGraph: JOB_GRAPH })).toThrow(OperatorCoordinatorUnavailableError);
  });

  it('routes reader events to the enumerator and its assignments to the attempt, checkpoints it before the barriers, and resets it on failover', async () => {
    const r = run();
    r.jobMaster.start();
    await cp.settle();
    for (const t of te.submittedTasks) await te.reportTaskState(t.attemptId, E.RUNNING);
    const [s0, s1] = sources().sort((a, b) => a.subtaskIndex - b.subtaskIndex);

    await fromReader(r, s0.attemptId, { kind: 'source-reader-registration', subtask: 0 });
    await fromReader(r, s0.attemptId, { kind: 'source-request-split', subtask: 0 });
    await cp.settle();
    expect(te.operatorEvents).toEqual([
      { attemptId: s0.attemptId, operatorId: SOURCE_OP, event: { kind: 'source-add-splits', splits: [{ splitId: '0', next: 1, end: 5 }] } },
    ]);

    // Checkpoint 1: the enumerator's state (the split still to assign) goes into the metadata of the source operator.
    await cp.advance(1_000);
    expect(te.checkpointTriggers.map((t) => t.checkpointId)).toEqual([1, 1]);
    const jm = cp.rpc.connect<JobMasterGateway>(r.jobMaster.address, { fencingToken: r.jobMaster.ref.jobMasterId });
    for (const t of te.submittedTasks) await jm.acknowledgeCheckpoint({ jobId: t.jobId, attemptId: t.attemptId, checkpointId: 1, state: {} });
    await cp.settle();
    const metadata = r.jobMaster.checkpointing.coordinator!.latestCompleted()!.metadata;
    const sourceState = metadata.operators.find((o) => o.operatorId === SOURCE_OP)!.coordinatorState!;
    expect(unpackValue(sourceState)).toEqual([1, [{ splitId: '1', next: 5, end: 9 }]]);
    expect(metadata.operators.find((o) => o.operatorId !== SOURCE_OP)!.coordinatorState).toBeUndefined();

    // Subtask 1 takes the last split after the checkpoint, then a task fails: every task restarts from checkpoint 1.
    await fromReader(r, s1.attemptId, { kind: 'source-reader-registration', subtask: 1 });
    await fromReader(r, s1.attemptId, { kind: 'source-request-split', subtask: 1 });
    await cp.settle();
    expect(te.operatorEvents.at(-1)?.event).toEqual({ kind: 'source-add-splits', splits: [{ splitId: '1', next: 5, end: 9 }] });
    const first = te.submittedTasks.map((t) => t.attemptId);
    await te.reportTaskState(s0.attemptId, E.FAILED);
    for (const id of first) if (id !== s0.attemptId) await te.reportTaskState(id, E.CANCELED);
    await cp.advance(0);
    await cp.settle();
    expect(r.status).toBe(JobStatus.RUNNING);
    const again = sources().filter((t) => !first.includes(t.attemptId));
    expect(again).toHaveLength(2);

    // The restored enumerator holds split 1 again (it was assigned after checkpoint 1), and nothing else.
    const newS1 = again.find((t) => t.subtaskIndex === 1)!;
    const newS0 = again.find((t) => t.subtaskIndex === 0)!;
    for (const t of again) await fromReader(r, t.attemptId, { kind: 'source-reader-registration', subtask: t.subtaskIndex });
    await fromReader(r, newS1.attemptId, { kind: 'source-request-split', subtask: 1 });
    await fromReader(r, newS0.attemptId, { kind: 'source-request-split', subtask: 0 });
    await cp.settle();
    expect(te.operatorEvents.slice(-2)).toEqual([
      { attemptId: newS1.attemptId, operatorId: SOURCE_OP, event: { kind: 'source-add-splits', splits: [{ splitId: '1', next: 5, end: 9 }] } },
      { attemptId: newS0.attemptId, operatorId: SOURCE_OP, event: { kind: 'source-no-more-splits' } },
    ]);
  });
});
