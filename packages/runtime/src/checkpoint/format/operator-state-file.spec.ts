import { checkpointFileDamageTests } from '../../testing/checkpoint-file-damage';
import { randomOperatorStateSnapshot } from '../../testing/random-snapshots';
import type { OperatorStateSnapshotData } from '../../snapshot/snapshot-data';
import { encodeCheckpointMetadata } from './checkpoint-metadata-file';
import { decodeOperatorStateFile, encodeOperatorStateFile } from './operator-state-file';
import { OPERATOR_STATE_FILE, writeSectionedFile } from './sectioned-file';
import { packSection } from './state-values';

const FILE = '/checkpoints/job/chk-3/op-1-operator-0';

const SOURCE_STATE: OperatorStateSnapshotData = {
  states: [
    { name: 'splits', mode: 'SPLIT_DISTRIBUTE', values: [{ splitId: 'file-1', offset: 1024n }, { splitId: 'file-2', offset: 0n }] },
    { name: 'enumerator-epoch', mode: 'UNION', values: [3] },
    { name: 'rules', mode: 'BROADCAST', values: [['rule-1', new Map([['threshold', 10]])], ['rule-2', undefined]] },
    { name: 'empty', mode: 'SPLIT_DISTRIBUTE', values: [] },
  ],
};

describe('operator state file', () => {
  it('round-trips list, union list and broadcast state', () => {
    expect(decodeOperatorStateFile(encodeOperatorStateFile(SOURCE_STATE), FILE)).toStrictEqual(SOURCE_STATE);
    expect(decodeOperatorStateFile(encodeOperatorStateFile({ states: [] }), FILE)).toStrictEqual({ states: [] });
  });

  it('round-trips seeded random snapshots exactly', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const snapshot = randomOperatorStateSnapshot(seed);
      expect(decodeOperatorStateFile(encodeOperatorStateFile(snapshot), FILE)).toStrictEqual(snapshot);
    }
  });

  it('names the state whose elements cannot be written', () => {
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(() => encodeOperatorStateFile({ states: [{ name: 'ok', mode: 'UNION', values: [1] }, { name: 'loop', mode: 'UNION', values: cyclic }] }))
      .toThrow("Cannot write the value of state 'loop' into a checkpoint");
  });
});

checkpointFileDamageTests({
  description: 'operator state file',
  sample: () => encodeOperatorStateFile(SOURCE_STATE),
  decode: (bytes, file) => decodeOperatorStateFile(bytes, file),
  versions: [1, 2],
  malformed: () => {
    const file = (...sections: Array<[number, unknown]>): Uint8Array =>
      writeSectionedFile(OPERATOR_STATE_FILE, [], sections.map(([id, value]) => ({ id, bytes: packSection(value) })));
    return [
      [file(), 'expected one section with id 0, found 0'],
      [file([1, []]), 'expected one section with id 0, found 1'],
      [file([0, {}]), 'the operator state section is malformed: expected a list of states'],
      [file([0, [['s', 'UNION']]]), 'expected [name, mode, values] or [name, mode, values, 4] for a state'],
      [file([0, [['s', 'UNION', [], 5]]]), `state 's' has unknown flags 5`],
      // Serialized values came with version 2.
      [writeSectionedFile(OPERATOR_STATE_FILE, [], [{ id: 0, bytes: packSection([['s', 'UNION', [], 4]]) }], 1), 'expected [name, mode, values] for a state'],
      [file([0, [['s', 'ROUND_ROBIN', []]]]), `state 's' has unknown distribution mode "ROUND_ROBIN"`],
    ];
  },
  otherKind: {
    description: 'checkpoint metadata file',
    bytes: () => encodeCheckpointMetadata({ checkpointId: 1, jobId: 'j', type: 'CHECKPOINT', timestamp: 0, operators: [] }),
  },
});
