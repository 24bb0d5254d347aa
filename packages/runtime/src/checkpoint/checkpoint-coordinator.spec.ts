import { serializeError } from '@flott/core';
import { SILENT_LOGGER } from '../logging/logger';
import type { TaskStateSnapshot } from '../snapshot/snapshot-data';
import { settle, settleUntil } from '../testing/settle';
import { TestingCheckpointStorage, TestingCompletedCheckpointStore } from '../testing/testing-checkpoint-services';
import { ManualClock } from '../time/clock';
import { CheckpointCoordinator, type CheckpointPlan, type CheckpointTask } from './checkpoint-coordinator';
import type { CheckpointSettings } from './checkpointing-settings';
import { decodeCheckpointMetadata } from './format';

const SETTINGS: CheckpointSettings = {
  unaligned: false,
  alignedTimeoutMs: 0,
  intervalMs: 1_000,
  mode: 'EXACTLY_ONCE',
  timeoutMs: 10_000,
  minPauseMs: 0,
  maxConcurrent: 1,
  tolerableFailures: 0,
  numRetained: 1,
  retention: 'NO_EXTERNALIZED_CHECKPOINTS',
};

interface Calls {
  triggers: Array<[string, number, number, string, ...unknown[]]>;
  notifications: Array<[string, number, boolean]>;
}

/** Source (2 subtasks) → sink (1 subtask): three running attempts that record what they are told. */
function tasks(calls: Calls): CheckpointTask[] {
  const task = (attemptId: string, vertexId: string, subtaskIndex: number, triggered: boolean): CheckpointTask => ({
    attemptId,
    vertexId,
    subtaskIndex,
    triggered,
    trigger: async (id, ts, location, _alignedTimeoutMs, action) => void calls.triggers.push(action ? [attemptId, id, ts, location, action] : [attemptId, id, ts, location]),
    notify: async (id, completed) => void calls.notifications.push([attemptId, id, completed]),
  });
  return [task('src-0', 'v-src', 0, true), task('src-1', 'v-src', 1, true), task('sink-0', 'v-sink', 0, false)];
}

const inline = (n: number) => ({ kind: 'inline' as const, data: Uint8Array.of(n) });

describe('CheckpointCoordinator', () => {
  let clock: ManualClock;
  let storage: TestingCheckpointStorage;
  let store: TestingCompletedCheckpointStore;
  let calls: Calls;
  let running: CheckpointPlan | string;
  let failures: Error[];

  const coordinator = (settings: Partial<CheckpointSettings> = {}) =>
    new CheckpointCoordinator({
      jobId: 'job-1',
      settings: { ...SETTINGS, ...settings },
      storage,
      completedStore: store,
      idCounter: store,
      clock,
      scheduler: clock,
      log: SILENT_LOGGER,
      context: {
        checkpointPlan: () => running,
        operators: [
          { operatorId: 'op-src', vertexId: 'v-src', name: 'Source', parallelism: 2, maxParallelism: 128 },
          { operatorId: 'op-sum', vertexId: 'v-sink', name: 'Sum', uid: 'sum', parallelism: 1, maxParallelism: 128 },
        ],
        failJob: (cause) => failures.push(cause),
      },
    });

  const ackAll = (c: CheckpointCoordinator, checkpointId: number) => {
    const states: Record<string, TaskStateSnapshot> = {
      'src-0': { 'op-src': { operator: inline(1) } },
      'src-1': { 'op-src': { operator: inline(2) } },
      'sink-0': { 'op-sum': { keyed: { keyGroupRange: { startKeyGroup: 0, endKeyGroup: 127 }, handle: inline(3) } } },
    };
    for (const [attemptId, state] of Object.entries(states)) {
      c.receiveAcknowledge({ attemptId, checkpointId, state, metrics: { syncDurationMs: attemptId === 'sink-0' ? 7 : 1, asyncDurationMs: attemptId === 'src-1' ? 30 : 2 } });
    }
  };

  beforeEach(() => {
    clock = new ManualClock(5_000);
    storage = new TestingCheckpointStorage('job-1');
    store = new TestingCompletedCheckpointStore(1);
    calls = { triggers: [], notifications: [] };
    running = { tasks: tasks(calls), finished: [] };
    failures = [];
  });

  it('triggers periodically at the sources only, completes when every task acknowledged, writes the metadata and notifies all', async () => {
    const c = coordinator();
    c.startCheckpointScheduler();
    clock.advance(999);
    await settle();
    expect(calls.triggers).toEqual([]);
    clock.advance(1);
    await settle();
    expect(calls.triggers).toEqual([['src-0', 1, 6_000, 'mem://job-1/chk-1'], ['src-1', 1, 6_000, 'mem://job-1/chk-1']]);
    ackAll(c, 1);
    await settle();
    expect(store.checkpoints).toEqual([{ checkpointId: 1, jobId: 'job-1', timestamp: 6_000, externalPointer: 'mem://job-1/chk-1/_metadata' }]);
    const metadata = decodeCheckpointMetadata(storage.metadata.get('mem://job-1/chk-1/_metadata')!, '_metadata');
    expect(metadata).toEqual({
      checkpointId: 1,
      jobId: 'job-1',
      type: 'CHECKPOINT',
      timestamp: 6_000,
      operators: [
        { operatorId: 'op-src', name: 'Source', parallelism: 2, maxParallelism: 128, subtasks: [{ operator: inline(1) }, { operator: inline(2) }] },
        { operatorId: 'op-sum', uid: 'sum', name: 'Sum', parallelism: 1, maxParallelism: 128, subtasks: [{ keyed: { keyGroupRange: { startKeyGroup: 0, endKeyGroup: 127 }, handle: inline(3) } }] },
      ],
    });
    expect(calls.notifications).toEqual([['src-0', 1, true], ['src-1', 1, true], ['sink-0', 1, true]]);
    expect(c.latestCompleted()?.metadata.checkpointId).toBe(1);
    expect(c.statistics()).toEqual({
      counts: { triggered: 1, inProgress: 0, completed: 1, failed: 0 },
      history: [{
        id: 1, type: 'CHECKPOINT', status: 'COMPLETED', triggerTimestamp: 6_000, endToEndDurationMs: 0, stateSize: 3,
        maxSyncDurationMs: 7, maxAsyncDurationMs: 30, acknowledged: 3, tasks: 3, externalPath: 'mem://job-1/chk-1/_metadata',
      }],
    });
    c.stopCheckpointScheduler();
  });

  it('after tasks finished: triggers the running tasks it is told to, waits for their acknowledgements only and records the finished subtasks', async () => {
    const c = coordinator();
    // Source subtask 1 finished; the sink, whose producers have not all finished, still gets the barrier in-band.
    const [src0, , sink] = tasks(calls);
    running = { tasks: [src0, sink], finished: [{ vertexId: 'v-src', subtaskIndex: 1 }] };
    const done = c.triggerCheckpoint('CHECKPOINT');
    await settle();
    expect(calls.triggers.map((t) => t[0])).toEqual(['src-0']);
    c.receiveAcknowledge({ attemptId: 'src-0', checkpointId: 1, state: { 'op-src': { operator: inline(1) } } });
    c.receiveAcknowledge({ attemptId: 'sink-0', checkpointId: 1, state: {} });
    const completed = await done;
    expect(completed.metadata.operators[0].subtasks).toEqual([{ operator: inline(1) }, { finished: true }]);
    expect(calls.notifications).toEqual([['src-0', 1, true], ['sink-0', 1, true]]);

    // Every source finished: the sink is triggered itself.
    running = { tasks: [{ ...sink, triggered: true }], finished: [{ vertexId: 'v-src', subtaskIndex: 0 }, { vertexId: 'v-src', subtaskIndex: 1 }] };
    const second = c.triggerCheckpoint('CHECKPOINT');
    await settle();
    expect(calls.triggers.map((t) => [t[0], t[1]])).toEqual([['src-0', 1], ['sink-0', 2]]);
    c.receiveAcknowledge({ attemptId: 'sink-0', checkpointId: 2, state: {} });
    expect((await second).metadata.operators[0].subtasks).toEqual([{ finished: true }, { finished: true }]);
  });

  it('triggers a requested checkpoint once none is pending and min-pause has passed', async () => {
    const c = coordinator({ minPauseMs: 500 });
    const first = c.triggerCheckpoint('CHECKPOINT');
    await settle();
    c.requestCheckpointSoon();
    await settle();
    expect(calls.triggers.map((t) => t[1])).toEqual([1, 1]);
    ackAll(c, 1);
    await first;
    await settle();
    // Checkpoint 1 completed at 5 000: the requested one waits for min-pause.
    expect(calls.triggers.map((t) => t[1])).toEqual([1, 1]);
    clock.advance(500);
    await settle();
    expect(calls.triggers.map((t) => t[1])).toEqual([1, 1, 2, 2]);
    // One request, one checkpoint.
    ackAll(c, 2);
    await settle();
    clock.advance(5_000);
    await settle();
    expect(calls.triggers.map((t) => t[1])).toEqual([1, 1, 2, 2]);
  });

  it('holds shared files of incremental checkpoints while a pending or retained checkpoint needs them and deletes them after', async () => {
    const c = coordinator({ maxConcurrent: 2 });
    const shared = (name: string) => ({ kind: 'file' as const, uri: `file:///c/job-1/shared/${name}`, size: 100 });
    const range = { startKeyGroup: 0, endKeyGroup: 127 };
    const ack = (checkpointId: number, base: string, changes: string[], attemptId = 'sink-0') =>
      c.receiveAcknowledge({ attemptId, checkpointId, state: { 'op-sum': { keyed: { keyGroupRange: range, handle: shared(base), changes: changes.map(shared) } } } });
    const sources = (checkpointId: number) => {
      for (const attemptId of ['src-0', 'src-1']) c.receiveAcknowledge({ attemptId, checkpointId, state: {} });
    };
    const deleted = () => storage.discardedState.map((h) => (h.kind === 'file' ? h.uri.split('/').pop() : 'inline'));
    const run = async (id: number, base: string, changes: string[]) => {
      const done = c.triggerCheckpoint('CHECKPOINT');
      await settle();
      sources(id);
      ack(id, base, changes);
      await done;
    };
    await run(1, 'b1', []);
    await run(2, 'b1', ['d2']);
    expect(deleted()).toEqual([]);
    await run(3, 'b3', []);
    // Checkpoint 2 was subsumed: its chain is needed by no retained checkpoint.
    expect(deleted()).toEqual(['b1', 'd2']);

    // An aborted checkpoint frees its own new file only.
    const aborted = c.triggerCheckpoint('CHECKPOINT').catch((e: Error) => e);
    await settle();
    ack(4, 'b3', ['d4']);
    c.receiveDecline({ attemptId: 'src-0', checkpointId: 4, error: serializeError(new Error('no')), countsAsFailure: false });
    expect((await aborted as Error).message).toContain('no');
    await settle();
    expect(deleted()).toEqual(['b1', 'd2', 'd4']);
    // A late acknowledgement of it: what it wrote is nobody's.
    ack(4, 'b3', ['d4-late'], 'src-1');
    await settle();
    expect(deleted()).toEqual(['b1', 'd2', 'd4', 'd4-late']);

    // A task that built on a subsumed checkpoint: its checkpoint cannot be restored and is aborted.
    const stale = c.triggerCheckpoint('CHECKPOINT').catch((e: Error) => e);
    await settle();
    sources(5);
    ack(5, 'b1', ['d2', 'd5']);
    expect((await stale as Error).message).toContain('builds on shared state file:///c/job-1/shared/b1, which no retained checkpoint holds any more');
    await settle();
    expect(deleted()).toEqual(['b1', 'd2', 'd4', 'd4-late', 'd5']);

    await c.shutdown('FINISHED');
    expect(deleted().slice(5)).toEqual(['b3']);
  });

  it('does not start while a task is not running, and says why when asked directly', async () => {
    running = 'task Sum (1/1) is DEPLOYING';
    const c = coordinator();
    await expect(c.triggerCheckpoint('CHECKPOINT')).rejects.toThrow('Checkpoint not triggered: task Sum (1/1) is DEPLOYING');
    c.startCheckpointScheduler();
    clock.advance(3_000);
    await settle();
    expect(calls.triggers).toEqual([]);
    expect(storage.initialized).toEqual([]);
    c.stopCheckpointScheduler();
  });

  it('keeps at most max-concurrent checkpoints pending and waits min-pause after a completion', async () => {
    const c = coordinator({ minPauseMs: 2_500 });
    c.startCheckpointScheduler();
    clock.advance(1_000);
    await settle();
    clock.advance(1_000);
    await settle();
    expect(c.numberOfPendingCheckpoints()).toBe(1);
    expect(calls.triggers.map(([, id]) => id)).toEqual([1, 1]);
    ackAll(c, 1);
    await settle();
    // Completed at 7 000: the triggers at 8 000 and 9 000 fall into the pause, 10 000 does not.
    for (let i = 0; i < 3; i++) {
      clock.advance(1_000);
      await settle();
    }
    expect(calls.triggers.map(([, id]) => id)).toEqual([1, 1, 2, 2]);
    c.stopCheckpointScheduler();
  });

  it('aborts a declined checkpoint, discards its location, tells the tasks, and fails the job beyond the tolerable failures', async () => {
    const c = coordinator({ tolerableFailures: 1 });
    const first = c.triggerCheckpoint('CHECKPOINT');
    await settle();
    c.receiveDecline({ attemptId: 'sink-0', checkpointId: 1, error: serializeError(new Error('disk full')), countsAsFailure: true });
    await expect(first).rejects.toThrow('Checkpoint 1 was declined: disk full');
    await settle();
    expect(storage.discarded).toEqual([1]);
    expect(calls.notifications).toEqual([['src-0', 1, false], ['src-1', 1, false], ['sink-0', 1, false]]);
    expect(failures).toEqual([]);

    // A task that could not take part does not count; a second counted failure in a row exceeds 1.
    const second = c.triggerCheckpoint('CHECKPOINT');
    await settle();
    c.receiveDecline({ attemptId: 'src-0', checkpointId: 2, error: serializeError(new Error('finished')), countsAsFailure: false });
    await expect(second).rejects.toThrow('finished');
    expect(failures).toEqual([]);
    const third = c.triggerCheckpoint('CHECKPOINT');
    await settle();
    c.receiveDecline({ attemptId: 'src-1', checkpointId: 3, error: serializeError(new Error('disk full')), countsAsFailure: true });
    await expect(third).rejects.toThrow();
    expect(c.statistics().counts).toEqual({ triggered: 3, inProgress: 0, completed: 0, failed: 3 });
    expect(c.statistics().history.map((h) => [h.id, h.status, h.failureMessage])).toEqual([
      [3, 'FAILED', 'Checkpoint 3 was declined: disk full'],
      [2, 'FAILED', 'Checkpoint 2 was declined: finished'],
      [1, 'FAILED', 'Checkpoint 1 was declined: disk full'],
    ]);
    expect(failures.map((f) => f.message)).toEqual([
      'Exceeded checkpoint tolerable failure threshold: 2 checkpoint(s) failed in a row, execution.checkpointing.tolerable-failed-checkpoints is 1. Last failure: Checkpoint 3 was declined: disk full',
    ]);
  });

  it('expires a checkpoint that is not acknowledged within the timeout', async () => {
    const c = coordinator({ timeoutMs: 4_000, tolerableFailures: 5 });
    const pending = c.triggerCheckpoint('CHECKPOINT');
    await settle();
    c.receiveAcknowledge({ attemptId: 'src-0', checkpointId: 1, state: {} });
    clock.advance(4_000);
    await expect(pending).rejects.toThrow('Checkpoint 1 was declined: it expired before completing (execution.checkpointing.timeout 4000 ms)');
    expect(c.numberOfPendingCheckpoints()).toBe(0);
    expect(storage.discarded).toEqual([1]);
  });

  it('subsumes checkpoints beyond num-retained and discards their data; discards the retained ones when the job is canceled', async () => {
    const c = coordinator({ numRetained: 1 });
    for (const id of [1, 2]) {
      const p = c.triggerCheckpoint('CHECKPOINT');
      await settle();
      ackAll(c, id);
      await p;
      await settle();
    }
    expect(store.checkpoints.map((cp) => cp.checkpointId)).toEqual([2]);
    expect(storage.discarded).toEqual([1]);
    await c.shutdown('CANCELED');
    expect(storage.discarded).toEqual([1, 2]);
    expect(store.shutdownWith).toBe('CANCELED');
  });

  it('keeps the retained checkpoints of a failed job, and of any job with RETAIN_ON_CANCELLATION', async () => {
    for (const [status, retention] of [['FAILED', 'NO_EXTERNALIZED_CHECKPOINTS'], ['CANCELED', 'RETAIN_ON_CANCELLATION']] as const) {
      storage = new TestingCheckpointStorage('job-1');
      store = new TestingCompletedCheckpointStore(1);
      const c = coordinator({ retention });
      const p = c.triggerCheckpoint('CHECKPOINT');
      await settle();
      ackAll(c, 1);
      await p;
      await c.shutdown(status);
      expect(storage.discarded).toEqual([]);
      expect(storage.metadata.has('mem://job-1/chk-1/_metadata')).toBe(true);
    }
  });

  it('a job that ends while a checkpoint is triggered: shutdown waits until that trigger deleted the location it made', async () => {
    let locationMade!: () => void;
    const made = new Promise<void>((resolve) => (locationMade = resolve));
    const initialize = storage.initializeLocation.bind(storage);
    storage.initializeLocation = async (id) => {
      const location = await initialize(id);
      await made;
      return location;
    };
    const c = coordinator();
    const trigger = c.triggerCheckpoint('CHECKPOINT');
    await settleUntil(() => storage.initialized.length === 1);
    let shutDown = false;
    const shutdown = c.shutdown('FAILED').then(() => (shutDown = true));
    await settle();
    expect(shutDown).toBe(false);
    locationMade();
    await shutdown;
    expect(storage.discarded).toEqual([1]);
    await expect(trigger).rejects.toThrow('Checkpoint 1 was declined: the checkpoint coordinator is shut down');
    expect(calls.triggers).toEqual([]);
  });

  it('takes a savepoint into the target directory, outside the retained checkpoints', async () => {
    const c = coordinator();
    const p = c.triggerCheckpoint('SAVEPOINT', '/tmp/savepoints');
    await settle();
    ackAll(c, 1);
    const savepoint = await p;
    expect(savepoint.externalPointer).toBe('mem:///tmp/savepoints/savepoint-1/_metadata');
    expect(savepoint.metadata.type).toBe('SAVEPOINT');
    expect(store.checkpoints).toEqual([]);
    expect(c.latestCompleted()).toBeUndefined();
  });

  it('sends a stop-with-savepoint\'s post-checkpoint action to the sources; its failure is not counted toward tolerable failures', async () => {
    const c = coordinator({ tolerableFailures: 0 });
    const p = c.triggerCheckpoint('SAVEPOINT', '/sp', 'SUSPEND');
    await settle();
    expect(calls.triggers).toEqual([['src-0', 1, 5_000, 'mem:///sp/savepoint-1', 'SUSPEND'], ['src-1', 1, 5_000, 'mem:///sp/savepoint-1', 'SUSPEND']]);
    c.receiveDecline({ attemptId: 'sink-0', checkpointId: 1, error: serializeError(new Error('disk full')), countsAsFailure: true });
    await expect(p).rejects.toThrow('Checkpoint 1 was declined: disk full');
    expect(failures).toEqual([]);
    await expect(c.triggerCheckpoint('CHECKPOINT', undefined, 'TERMINATE')).rejects.toThrow('Assertion failed: only savepoints stop the job');
  });

  it('aborts a pending checkpoint once a task that has not acknowledged it finished, not one it acknowledged', async () => {
    const c = coordinator();
    const first = c.triggerCheckpoint('CHECKPOINT');
    await settle();
    c.receiveAcknowledge({ attemptId: 'src-0', checkpointId: 1, state: {} });
    c.taskFinished('src-0', 'Source (1/2)');
    expect(c.numberOfPendingCheckpoints()).toBe(1);
    c.taskFinished('src-1', 'Source (2/2)');
    await expect(first).rejects.toThrow('Checkpoint 1 was declined: task Source (2/2) finished before it took part');
    expect(failures).toEqual([]);
  });

  /** A coordinator whose operator coordinators snapshot until the test resolves `snapshots[i]` (the trigger's asynchronous part). */
  const withSlowCoordinators = () => {
    const snapshots: Array<() => void> = [];
    const c = new CheckpointCoordinator({
      jobId: 'job-1', settings: SETTINGS, storage, completedStore: store, idCounter: store, clock, scheduler: clock, log: SILENT_LOGGER,
      context: {
        checkpointPlan: () => running,
        operators: [],
        failJob: (cause) => failures.push(cause),
        operatorCoordinators: {
          snapshot: () => new Promise((resolve) => snapshots.push(() => resolve(new Map()))),
          triggered: () => undefined,
          completed: () => undefined,
        },
      },
    });
    return { c, snapshots };
  };

  it('gives up a checkpoint whose tasks changed while it was triggered (a failover meanwhile): nothing stays pending, the next one is taken', async () => {
    const { c, snapshots } = withSlowCoordinators();
    const first = c.triggerCheckpoint('CHECKPOINT');
    await settle();
    // The job fails over while the coordinators snapshot: new attempts run.
    c.abortPendingCheckpoints('a task failed');
    running = { tasks: tasks(calls).map((t) => ({ ...t, attemptId: `${t.attemptId}-again` })), finished: [] };
    snapshots[0]();
    await expect(first).rejects.toThrow("Checkpoint 1 was declined: the job's tasks changed while it was triggered");
    expect(c.numberOfPendingCheckpoints()).toBe(0);
    expect(calls.triggers).toEqual([]);
    expect(storage.discarded).toEqual([1]);
    const second = c.triggerCheckpoint('CHECKPOINT');
    await settle();
    snapshots[1]();
    await settle();
    // The new attempts' sources get checkpoint 2 (the testing tasks record their original names).
    expect(calls.triggers.map((t) => t[1])).toEqual([2, 2]);
    for (const attemptId of ['src-0-again', 'src-1-again', 'sink-0-again']) c.receiveAcknowledge({ attemptId, checkpointId: 2, state: {} });
    await expect(second).resolves.toMatchObject({ metadata: { checkpointId: 2 } });
    expect(failures).toEqual([]);
  });

  it('counts a periodic checkpoint toward max-concurrent already while its operator coordinators snapshot', async () => {
    const { c, snapshots } = withSlowCoordinators();
    c.startCheckpointScheduler();
    for (let i = 0; i < 5; i++) {
      clock.advance(1_000);
      await settle();
    }
    expect(snapshots).toHaveLength(1);
    snapshots[0]();
    await settle();
    expect(c.numberOfPendingCheckpoints()).toBe(1);
    expect(calls.triggers.map((t) => t[1])).toEqual([1, 1]);
    c.stopCheckpointScheduler();
  });
});
