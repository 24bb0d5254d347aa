import type { OperatorCoordinator, OperatorCoordinatorContext } from '../coordination/operator-coordinator';
import { SILENT_LOGGER } from '../logging/logger';
import { testingJobGraph } from '../testing/testing-job-submission';
import { JobCoordinators } from './job-coordinators';

const g = testingJobGraph({ parallelism: 1 });
const JOB_GRAPH = { ...g, vertices: g.vertices.map((v, i) => (i === 0 ? { ...v, operators: v.operators.map((op) => ({ ...op, hasCoordinator: true as const })) } : v)) };
const OP = JOB_GRAPH.vertices[0].operators[0].operatorId;

/** A coordinator whose snapshot the test completes by hand, and that sends an event while it runs. */
function slowCoordinator(context: OperatorCoordinatorContext, release: { fn?: () => void }): OperatorCoordinator {
  return {
    start() {},
    async handleEventFromOperator() {},
    executionAttemptFailed() {},
    checkpointCoordinator: () =>
      new Promise((resolve) => {
        void context.sendEventToTask('attempt-1', 'assigned during the snapshot');
        release.fn = () => resolve(Uint8Array.of(1));
      }),
    notifyCheckpointComplete() {},
    subtaskReset() {},
    async resetToCheckpoint() {},
    async close() {},
  };
}

describe('JobCoordinators', () => {
  it('sends the events a coordinator sent before its state was taken at once, and holds later ones until the triggers went out', async () => {
    const sent: unknown[] = [];
    const release: { fn?: () => void } = {};
    let context!: OperatorCoordinatorContext;
    const coordinators = new JobCoordinators({
      jobGraph: JOB_GRAPH,
      provider: (_op, c) => ((context = c), slowCoordinator(c, release)),
      log: SILENT_LOGGER,
      sendEventToTask: async (_attempt, _op, event) => void sent.push(event),
      failJob: () => {},
    });
    const snapshot = coordinators.snapshot(4);
    // Sent before the state was taken (the state counts it as assigned): it must reach the task ahead of the barrier.
    expect(sent).toEqual(['assigned during the snapshot']);
    release.fn!();
    expect(await snapshot).toEqual(new Map([[OP, Uint8Array.of(1)]]));
    void context.sendEventToTask('attempt-1', 'assigned after the snapshot');
    await Promise.resolve();
    expect(sent).toEqual(['assigned during the snapshot']);
    coordinators.triggered();
    await Promise.resolve();
    expect(sent).toEqual(['assigned during the snapshot', 'assigned after the snapshot']);
  });
});
