import type { JobVertexDescriptor } from '../deployment/job-graph';
import type { CheckpointMetadata, KeyedStateHandle } from '../snapshot/snapshot-data';
import { testingJobGraph } from '../testing/testing-job-submission';
import { StateRestoreError, checkStateFitsJob, taskRestoreFor } from './state-assignment';

const keyed = (start: number, end: number, tag: number): KeyedStateHandle => ({
  keyGroupRange: { startKeyGroup: start, endKeyGroup: end },
  handle: { kind: 'inline', data: Uint8Array.of(tag) },
});

/** A checkpoint of a keyed operator that ran at parallelism 4 over 128 key groups, with source positions beside it. */
function checkpointOf(vertex: JobVertexDescriptor, otherOperatorId = 'f'.repeat(32)): CheckpointMetadata {
  return {
    checkpointId: 7,
    jobId: 'j',
    type: 'CHECKPOINT',
    timestamp: 1,
    operators: [
      {
        operatorId: vertex.operators[0].operatorId,
        name: vertex.operators[0].name,
        parallelism: 4,
        maxParallelism: vertex.maxParallelism,
        subtasks: [
          { keyed: keyed(0, 31, 0), operator: { kind: 'inline', data: Uint8Array.of(10) } },
          { keyed: keyed(32, 63, 1) },
          { keyed: keyed(64, 95, 2), operator: { kind: 'inline', data: Uint8Array.of(12) } },
          { keyed: keyed(96, 127, 3) },
        ],
      },
      { operatorId: otherOperatorId, name: 'Gone', parallelism: 1, maxParallelism: 128, subtasks: [{}] },
    ],
  };
}

describe('state assignment on restore', () => {
  const graph = testingJobGraph({ parallelism: 2 });
  const vertex = { ...graph.vertices[0], maxParallelism: 128 };

  it('gives each new subtask the keyed files that overlap its key-group range, and every old operator state handle', () => {
    const metadata = checkpointOf(vertex);
    const first = taskRestoreFor(metadata, { ...vertex, parallelism: 2 }, 0)!;
    const op = vertex.operators[0].operatorId;
    expect(first.checkpointId).toBe(7);
    expect(first.operators[op].keyed.map((k) => k.keyGroupRange.startKeyGroup)).toEqual([0, 32]);
    expect(first.operators[op].operator.map((h) => (h ? h.kind : undefined))).toEqual(['inline', undefined, 'inline', undefined]);
    const second = taskRestoreFor(metadata, { ...vertex, parallelism: 2 }, 1)!;
    expect(second.operators[op].keyed.map((k) => k.keyGroupRange.startKeyGroup)).toEqual([64, 96]);
    // At parallelism 3 the middle subtask (key groups 43..85) reads the two old files that overlap it.
    const middle = taskRestoreFor(metadata, { ...vertex, parallelism: 3 }, 1)!;
    expect(middle.operators[op].keyed.map((k) => k.keyGroupRange.startKeyGroup)).toEqual([32, 64]);
    const single = taskRestoreFor(metadata, { ...vertex, parallelism: 1 }, 0)!;
    expect(single.operators[op].keyed).toHaveLength(4);
  });

  it('deploys a subtask as finished when its chain had finished: all subtasks at any parallelism, one subtask at the same', () => {
    const op = vertex.operators[0];
    const withSubtasks = (subtasks: CheckpointMetadata['operators'][number]['subtasks']): CheckpointMetadata => ({
      ...checkpointOf(vertex), operators: [{ operatorId: op.operatorId, name: op.name, parallelism: subtasks.length, maxParallelism: 128, subtasks }],
    });
    const fully = withSubtasks([{ finished: true }, { finished: true }]);
    for (const [parallelism, subtask] of [[2, 0], [2, 1], [3, 2], [1, 0]]) {
      expect(taskRestoreFor(fully, { ...vertex, parallelism }, subtask)).toEqual({ checkpointId: 7, operators: {}, finishedOnRestore: true });
    }
    // Partly finished: the finished subtask again at the same parallelism; at another, finished ones give no state and everything runs.
    const partly = withSubtasks([{ finished: true }, { keyed: keyed(64, 127, 1) }]);
    expect(taskRestoreFor(partly, { ...vertex, parallelism: 2 }, 0)?.finishedOnRestore).toBe(true);
    expect(taskRestoreFor(partly, { ...vertex, parallelism: 2 }, 1)?.operators[op.operatorId].keyed).toEqual([keyed(64, 127, 1)]);
    const rescaled = taskRestoreFor(partly, { ...vertex, parallelism: 1 }, 0)!;
    expect(rescaled.finishedOnRestore).toBeUndefined();
    expect(rescaled.operators[op.operatorId].keyed).toEqual([keyed(64, 127, 1)]);
  });

  it('refuses a chain that mixes an operator that had finished with one that had not', () => {
    const [a, b] = [vertex.operators[0], { ...vertex.operators[0], operatorId: 'b'.repeat(32), name: 'Added map' }];
    const chain = { ...vertex, operators: [a, b] };
    const metadata: CheckpointMetadata = {
      ...checkpointOf(vertex), operators: [{ operatorId: a.operatorId, name: a.name, parallelism: 2, maxParallelism: 128, subtasks: [{ finished: true }, { finished: true }] }],
    };
    expect(() => taskRestoreFor(metadata, chain, 0)).toThrow(StateRestoreError);
    expect(() => taskRestoreFor(metadata, chain, 0)).toThrow(
      `operator '${a.name}' had finished in checkpoint 7, but operator 'Added map' chained with it now had not (its chain changed, or it was added)`,
    );
  });

  it('gives nothing to operators without state in the checkpoint', () => {
    const metadata: CheckpointMetadata = { ...checkpointOf(vertex), operators: [] };
    expect(taskRestoreFor(metadata, vertex, 0)).toBeUndefined();
  });

  it('refuses state of an operator the job no longer has unless unclaimed state is allowed', () => {
    const base = checkpointOf(vertex);
    const metadata: CheckpointMetadata = {
      ...base,
      operators: [base.operators[0], { ...base.operators[1], subtasks: [{ operator: { kind: 'inline', data: Uint8Array.of(1) } }] }],
    };
    const fit = () => checkStateFitsJob(metadata, graph, false, '/savepoints/sp-1');
    expect(fit).toThrow(StateRestoreError);
    expect(fit).toThrow(
      `Failed to restore from /savepoints/sp-1: it has state of operator 'Gone' (id ${'f'.repeat(32)}) that the job does not contain. ` +
        'Start with --allowNonRestoredState (-n, execution.state-recovery.ignore-unclaimed-state) to skip it.',
    );
    expect(() => checkStateFitsJob(metadata, graph, true, '/savepoints/sp-1')).not.toThrow();
  });

  it('refuses keyed state whose max parallelism differs from the operator\'s', () => {
    const metadata = checkpointOf({ ...graph.vertices[0], maxParallelism: 256 });
    expect(() => checkStateFitsJob(metadata, graph, false, 'chk-7')).toThrow(/had max parallelism 256 and now has 128; keyed state cannot change its number of key groups/);
  });

  it('gives each subtask its own in-flight data of an unaligned checkpoint, and refuses it at another parallelism', () => {
    const base = checkpointOf(vertex);
    const inFlight = (tag: number) => ({ kind: 'inline' as const, data: Uint8Array.of(tag) });
    const metadata: CheckpointMetadata = {
      ...base,
      operators: [{ ...base.operators[0], subtasks: base.operators[0].subtasks.map((s, i) => (i === 2 ? { ...s, inputChannels: inFlight(42) } : s)) }],
    };
    const atFour = { ...vertex, parallelism: 4 };
    expect(taskRestoreFor(metadata, atFour, 2)!.inputChannels).toEqual(inFlight(42));
    expect(taskRestoreFor(metadata, atFour, 1)!.inputChannels).toBeUndefined();
    const graphAtFour = { ...graph, vertices: [atFour] };
    expect(() => checkStateFitsJob(metadata, graphAtFour, false, 'chk-7')).not.toThrow();
    expect(() => checkStateFitsJob(metadata, graph, false, 'chk-7')).toThrow(
      `Failed to restore from chk-7: it is an unaligned checkpoint with in-flight data, which restores only at the parallelism it was taken at, ` +
        `and operator '${vertex.operators[0].name}' had parallelism 4, now 2. Restore at the old parallelism, or rescale from a savepoint (savepoints are always aligned).`,
    );
  });
});
