import { encodeOperatorStateFile } from '../checkpoint/format';
import type { OperatorStateSnapshotData, StreamStateHandle } from '../snapshot/snapshot-data';
import { DefaultOperatorStateStore } from '../state/operator-state-store';
import { TestingCheckpointStorage } from '../testing/testing-checkpoint-services';
import type { ChainMember } from './operator-chain';
import { restoreTaskState } from './task-state-restore';

const OP = 'a'.repeat(32);

/** One operator of a chain with just the stores a restore fills (no keyed state). */
function member(): ChainMember {
  return { node: { name: 'Source' }, operatorId: OP, operatorStateStore: new DefaultOperatorStateStore() } as unknown as ChainMember;
}

const handle = (data: OperatorStateSnapshotData): StreamStateHandle => ({ kind: 'inline', data: encodeOperatorStateFile(data) });

/** Three old subtasks: split lists of 2, 1 and 3 elements, a union list each, the same broadcast state. */
const OLD: Array<StreamStateHandle | undefined> = [
  handle({ states: [{ name: 'splits', mode: 'SPLIT_DISTRIBUTE', values: ['a', 'b'] }, { name: 'offsets', mode: 'UNION', values: [0] }, { name: 'rules', mode: 'BROADCAST', values: [['r', 1]] }] }),
  handle({ states: [{ name: 'splits', mode: 'SPLIT_DISTRIBUTE', values: ['c'] }, { name: 'offsets', mode: 'UNION', values: [1] }, { name: 'rules', mode: 'BROADCAST', values: [['r', 1]] }] }),
  handle({ states: [{ name: 'splits', mode: 'SPLIT_DISTRIBUTE', values: ['d', 'e', 'f'] }, { name: 'offsets', mode: 'UNION', values: [2] }, { name: 'rules', mode: 'BROADCAST', values: [['r', 1]] }] }),
];

async function restoredAt(subtaskIndex: number, parallelism: number, old = OLD) {
  const m = member();
  await restoreTaskState([m], { checkpointId: 4, operators: { [OP]: { keyed: [], operator: old } } }, new TestingCheckpointStorage(), subtaskIndex, parallelism);
  return m.operatorStateStore.snapshotState();
}

describe('operator state redistribution on restore', () => {
  it('gives each subtask its own lists back at the same parallelism, and every union list to all', async () => {
    expect(await restoredAt(1, 3)).toEqual([
      { name: 'splits', mode: 'SPLIT_DISTRIBUTE', values: ['c'] },
      { name: 'offsets', mode: 'UNION', values: [0, 1, 2] },
      { name: 'rules', mode: 'BROADCAST', values: [['r', 1]] },
    ]);
  });

  it('splits the concatenated lists evenly at another parallelism, in old subtask order', async () => {
    const split = async (i: number, p: number) => (await restoredAt(i, p)).find((s) => s.name === 'splits')!.values;
    expect([await split(0, 2), await split(1, 2)]).toEqual([['a', 'b', 'c'], ['d', 'e', 'f']]);
    expect([await split(0, 4), await split(1, 4), await split(2, 4), await split(3, 4)]).toEqual([['a'], ['b', 'c'], ['d'], ['e', 'f']]);
    expect(await split(0, 1)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect((await restoredAt(3, 4)).find((s) => s.name === 'offsets')!.values).toEqual([0, 1, 2]);
  });

  it('restores nothing for an operator whose old subtasks had no operator state', async () => {
    expect(await restoredAt(0, 2, [undefined, undefined])).toEqual([]);
  });
});
