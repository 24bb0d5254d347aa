import type { CommitRequest, Committer, CommittingSinkWriter, StatefulSinkWriter, SupportsCommitter, SupportsWriterState, WriterInitContext } from '@flott/core';
import { OneInputOperatorTestHarness, type OperatorSnapshot } from '../testing/index';
import { END_OF_INPUT, type CommittableMessage } from './committable-message';
import { CommitterOperator } from './committer-operator';
import { SinkCommitFailedError } from './sink-errors';
import { SinkWriterOperator } from './sink-writer-operator';

/** A batch of lines one writer subtask prepared: committed under its id, once. */
interface Batch {
  readonly id: string;
  readonly lines: string[];
}

/**
 * A two-phase-commit sink over an in-memory "store": the writer buffers lines, `prepareCommit` turns
 * them into a batch, the committer puts batches into `committed` by id (idempotent). The writer's state
 * counts its batches, so restored writers keep their ids unique.
 */
class TestingSink implements SupportsCommitter<string, Batch>, SupportsWriterState<string, number> {
  readonly committed = new Map<string, string[]>();
  readonly restoredStates: number[][] = [];
  /** Commit attempts per batch id; `retryTimes` makes the first n attempts of each batch ask for a retry. */
  readonly attempts = new Map<string, number>();
  retryTimes = 0;
  failWith?: Error;

  createWriter(context: WriterInitContext): TestingWriter {
    return new TestingWriter(context.getSubtaskId(), 0);
  }

  restoreWriter(context: WriterInitContext, recovered: readonly number[]): TestingWriter {
    this.restoredStates.push([...recovered]);
    return new TestingWriter(context.getSubtaskId(), Math.max(0, ...recovered));
  }

  createCommitter(): Committer<Batch> {
    return {
      commit: async (requests: readonly CommitRequest<Batch>[]) => {
        await Promise.resolve();
        for (const r of requests) {
          const batch = r.getCommittable();
          const n = (this.attempts.get(batch.id) ?? 0) + 1;
          this.attempts.set(batch.id, n);
          if (this.failWith) r.signalFailedWithKnownReason(this.failWith);
          else if (n <= this.retryTimes) r.retryLater();
          else this.committed.set(batch.id, batch.lines);
        }
      },
      close: () => undefined,
    };
  }
}

class TestingWriter implements CommittingSinkWriter<string, Batch>, StatefulSinkWriter<string, number> {
  private lines: string[] = [];
  constructor(
    private readonly subtask: number,
    private batches: number,
  ) {}
  write(element: string): void {
    this.lines.push(element);
  }
  flush(): void {}
  prepareCommit(): Batch[] {
    if (this.lines.length === 0) return [];
    const batch = { id: `${this.subtask}-${++this.batches}`, lines: this.lines };
    this.lines = [];
    return [batch];
  }
  snapshotState(): number[] {
    return [this.batches];
  }
  close(): void {}
}

const writerHarness = (sink: TestingSink, subtaskIndex = 0, parallelism = 1, checkpointsAfterTasksFinish = false) =>
  new OneInputOperatorTestHarness<string, CommittableMessage<unknown>>(new SinkWriterOperator(sink), { subtaskIndex, parallelism, checkpointsAfterTasksFinish });
const committerHarness = (sink: TestingSink, subtaskIndex = 0, parallelism = 1, maxRetries = 3, checkpointsAfterTasksFinish = false) =>
  new OneInputOperatorTestHarness<CommittableMessage<Batch>, CommittableMessage<Batch>>(new CommitterOperator(sink, maxRetries), { subtaskIndex, parallelism, checkpointsAfterTasksFinish });

/** The committer operator behind a harness (the harness types it as any one-input operator). */
const op = (h: { readonly operator: unknown }) => h.operator as CommitterOperator<Batch>;

describe('SinkWriterOperator', () => {
  it('hands its committables to the committer before the barrier, tagged with the checkpoint, and the rest at the end of input', async () => {
    const sink = new TestingSink();
    const h = writerHarness(sink);
    await h.open();
    h.processElement('a', 1);
    h.processElement('b', 2);
    h.processWatermark(5);
    h.snapshot(1);
    h.snapshot(2); // nothing new: nothing to hand over
    h.processElement('c', 6);
    await h.operator.finish();
    expect(h.output.records.map((r) => r.value)).toEqual([
      { checkpointId: 1, committable: { id: '0-1', lines: ['a', 'b'] } },
      { checkpointId: END_OF_INPUT, committable: { id: '0-2', lines: ['c'] } },
    ]);
    expect(h.output.watermarks).toEqual([5]);
  });

  it('with checkpoints after tasks finish, tags the last committables with the next checkpoint (its final one) and hands nothing more at its barrier', async () => {
    const sink = new TestingSink();
    const h = writerHarness(sink, 0, 1, true);
    await h.open();
    h.processElement('a');
    h.snapshot(3);
    h.processElement('b');
    await h.operator.finish();
    h.snapshot(4);
    expect(h.output.records.map((r) => r.value)).toEqual([
      { checkpointId: 3, committable: { id: '0-1', lines: ['a'] } },
      { checkpointId: 4, committable: { id: '0-2', lines: ['b'] } },
    ]);
  });

  it('restores writer states redistributed on rescaling 2 → 1: the one writer gets both subtasks\' states', async () => {
    const sink = new TestingSink();
    const snapshots: OperatorSnapshot[] = [];
    for (const subtask of [0, 1]) {
      const h = writerHarness(sink, subtask, 2);
      await h.open();
      for (let i = 0; i <= subtask; i++) {
        h.processElement(`x${i}`);
        h.snapshot(i + 1);
      }
      snapshots.push(h.snapshot(3));
    }
    const restored = writerHarness(sink);
    await restored.initializeState({ from: snapshots });
    await restored.open();
    expect(sink.restoredStates).toEqual([[1, 2]]);
    restored.processElement('y');
    restored.snapshot(4);
    // Ids continue after the highest restored one, so no batch is committed under an id used before.
    expect(restored.output.records.map((r) => (r.value.committable as Batch).id)).toEqual(['0-3']);
  });
});

describe('CommitterOperator', () => {
  const message = (checkpointId: number, id: string, lines: string[]): CommittableMessage<Batch> => ({ checkpointId, committable: { id, lines } });

  it('commits only once the checkpoint completed, those of that checkpoint and earlier ones', async () => {
    const sink = new TestingSink();
    const h = committerHarness(sink);
    await h.open();
    h.processElement(message(1, 'a', ['1']));
    h.processElement(message(2, 'b', ['2']));
    h.snapshot(2);
    expect(sink.committed.size).toBe(0);
    await op(h).notifyCheckpointComplete(1);
    expect([...sink.committed.keys()]).toEqual(['a']);
    h.processElement(message(3, 'c', ['3']));
    await op(h).notifyCheckpointComplete(2);
    expect([...sink.committed.keys()]).toEqual(['a', 'b']);
    expect(op(h).pendingCommittables()).toEqual([message(3, 'c', ['3'])]);
    await op(h).finish();
    expect([...sink.committed.keys()]).toEqual(['a', 'b', 'c']);
  });

  it('with checkpoints after tasks finish, commits nothing in finish: the final checkpoint\'s completion commits the last committables', async () => {
    const sink = new TestingSink();
    const h = committerHarness(sink, 0, 1, 3, true);
    await h.open();
    h.processElement(message(1, 'a', ['1']));
    h.processElement(message(2, 'tail', ['2']));
    await op(h).finish();
    expect(sink.committed.size).toBe(0);
    const final = h.snapshot(2);
    await op(h).notifyCheckpointComplete(1);
    expect([...sink.committed.keys()]).toEqual(['a']);
    await op(h).notifyCheckpointComplete(2);
    expect([...sink.committed.keys()]).toEqual(['a', 'tail']);
    // A restore from the final checkpoint (the job failed before the task finished) commits the tail again: idempotent.
    const restored = committerHarness(sink, 0, 1, 3, true);
    await restored.initializeState({ from: final });
    expect(sink.attempts.get('tail')).toBe(2);
    expect(op(restored).pendingCommittables()).toEqual([]);
  });

  it('after a restore commits what the restored checkpoint still held, again where the failed attempt had committed it already', async () => {
    const sink = new TestingSink();
    const h = committerHarness(sink);
    await h.open();
    h.processElement(message(1, 'a', ['1']));
    h.processElement(message(2, 'b', ['2']));
    const snapshot = h.snapshot(2);
    await op(h).notifyCheckpointComplete(1); // 'a' committed, then the job fails before checkpoint 2's notification

    const restored = committerHarness(sink);
    await restored.initializeState({ from: snapshot });
    expect([...sink.committed.keys()]).toEqual(['a', 'b']);
    expect(sink.attempts.get('a')).toBe(2);
    expect(op(restored).pendingCommittables()).toEqual([]);
  });

  it('restores the committables of two subtasks into one (rescale 2 → 1) and commits them all', async () => {
    const sink = new TestingSink();
    const snapshots: OperatorSnapshot[] = [];
    for (const subtask of [0, 1]) {
      const h = committerHarness(sink, subtask, 2);
      await h.open();
      h.processElement(message(4, `s${subtask}`, [`line ${subtask}`]));
      snapshots.push(h.snapshot(4));
    }
    expect(sink.committed.size).toBe(0);
    const restored = committerHarness(sink);
    await restored.initializeState({ from: snapshots });
    expect(Object.fromEntries(sink.committed)).toEqual({ s0: ['line 0'], s1: ['line 1'] });
  });

  it('commits again what asked to be retried, at most sink.committer.retries times, then fails naming the checkpoint', async () => {
    const sink = new TestingSink();
    sink.retryTimes = 2;
    const h = committerHarness(sink, 0, 1, 2);
    await h.open();
    h.processElement(message(1, 'a', ['1']));
    await op(h).notifyCheckpointComplete(1);
    expect(sink.attempts.get('a')).toBe(3);
    expect([...sink.committed.keys()]).toEqual(['a']);

    sink.retryTimes = 10;
    h.processElement(message(2, 'b', ['2']));
    await expect(op(h).notifyCheckpointComplete(2)).rejects.toThrow(
      new SinkCommitFailedError('Testing Operator', 2, '1 committable(s) still asked to be retried after 2 retries (sink.committer.retries)'),
    );
    expect(sink.attempts.get('b')).toBe(3);
    // Still held: a snapshot (or the restore after the failure) keeps it.
    expect(op(h).pendingCommittables()).toEqual([message(2, 'b', ['2'])]);
  });

  it('fails with the reason a committer signalled', async () => {
    const sink = new TestingSink();
    sink.failWith = new Error('bucket is gone');
    const h = committerHarness(sink);
    await h.open();
    h.processElement(message(END_OF_INPUT, 'a', ['1']));
    await expect(op(h).finish()).rejects.toThrow('Testing Operator: committing at the end of input failed: bucket is gone');
  });

  it('runs commits one after another, and finish waits for the one in flight', async () => {
    const order: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const sink = new TestingSink();
    sink.createCommitter = () => ({
      commit: async (requests: readonly CommitRequest<Batch>[]) => {
        const ids = requests.map((r) => r.getCommittable().id).join(',');
        order.push(`start ${ids}`);
        if (ids === 'a') await gate;
        order.push(`end ${ids}`);
      },
      close: () => undefined,
    });
    const h = committerHarness(sink);
    await h.open();
    h.processElement(message(1, 'a', []));
    const first = op(h).notifyCheckpointComplete(1);
    h.processElement(message(2, 'b', []));
    const second = op(h).notifyCheckpointComplete(2);
    const finished = op(h).finish();
    await Promise.resolve();
    expect(order).toEqual(['start a']);
    release();
    await Promise.all([first, second, finished]);
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b']);
  });
});
