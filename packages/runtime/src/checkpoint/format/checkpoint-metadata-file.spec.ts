import { checkpointFileDamageTests } from '../../testing/checkpoint-file-damage';
import type { CheckpointMetadata } from '../../snapshot/snapshot-data';
import { decodeCheckpointMetadata, encodeCheckpointMetadata } from './checkpoint-metadata-file';
import { encodeKeyedStateFile } from './keyed-state-file';
import { CHECKPOINT_METADATA_FILE, writeSectionedFile } from './sectioned-file';
import { packSection } from './state-values';

const FILE = '/checkpoints/0123456789abcdef/chk-12/_metadata';

const METADATA: CheckpointMetadata = {
  checkpointId: 12,
  jobId: '0123456789abcdef0123456789abcdef',
  type: 'CHECKPOINT',
  timestamp: 1_764_000_000_000,
  operators: [
    {
      operatorId: 'cbc357ccb763df2852fee8c4fc7d55f2',
      uid: 'window-counts',
      name: 'Window(TumblingEventTimeWindows(5000), Count)',
      parallelism: 2,
      maxParallelism: 128,
      subtasks: [
        {
          keyed: { keyGroupRange: { startKeyGroup: 0, endKeyGroup: 63 }, handle: { kind: 'inline', data: Uint8Array.from([1, 2, 3]) } },
          operator: { kind: 'file', uri: 'file:///checkpoints/0123/chk-12/op-0-operator', size: 40_000 },
        },
        { keyed: { keyGroupRange: { startKeyGroup: 64, endKeyGroup: 127 }, handle: { kind: 'file', uri: 'file:///checkpoints/0123/chk-12/op-1-keyed', size: 7 } } },
      ],
    },
    { operatorId: 'feedbeef', name: 'Source: Generator', parallelism: 1, maxParallelism: 1, subtasks: [{}], coordinatorState: Uint8Array.of(9, 8, 7) },
  ],
};

/** Version 1 (before coordinator state): the same header, six elements per operator. */
const VERSION_1 = { ...CHECKPOINT_METADATA_FILE, version: 1 };


describe('checkpoint metadata file', () => {
  it('round-trips operators, subtasks, inline and file handles, with and without uid', () => {
    const decoded = decodeCheckpointMetadata(encodeCheckpointMetadata(METADATA), FILE);
    expect(decoded).toStrictEqual(METADATA);
    expect('uid' in decoded.operators[1]).toBe(false);
    const inline = decoded.operators[0].subtasks[0].keyed!.handle;
    expect(inline.kind === 'inline' && Object.getPrototypeOf(inline.data)).toBe(Uint8Array.prototype);
  });

  it('round-trips the keyed handles of incremental checkpoints: a base and its change files', () => {
    const file = (name: string, size: number) => ({ kind: 'file' as const, uri: `file:///checkpoints/0123/shared/${name}`, size });
    const incremental: CheckpointMetadata = {
      ...METADATA,
      operators: [{ ...METADATA.operators[0], subtasks: [
        { keyed: { keyGroupRange: { startKeyGroup: 0, endKeyGroup: 63 }, handle: file('base', 900), changes: [file('d1', 20), { kind: 'inline', data: Uint8Array.from([9]) }] } },
        { keyed: { keyGroupRange: { startKeyGroup: 64, endKeyGroup: 127 }, handle: file('base-2', 800), changes: [] } },
      ] }],
    };
    expect(decodeCheckpointMetadata(encodeCheckpointMetadata(incremental), FILE)).toStrictEqual(incremental);
  });

  it('round-trips finished subtasks (checkpoints after tasks finish), which version 2 files cannot have', () => {
    const withFinished: CheckpointMetadata = {
      ...METADATA,
      operators: [{ ...METADATA.operators[0], subtasks: [{ finished: true }, METADATA.operators[0].subtasks[1]] }, { ...METADATA.operators[1], subtasks: [{ finished: true }] }],
    };
    expect(decodeCheckpointMetadata(encodeCheckpointMetadata(withFinished), FILE)).toStrictEqual(withFinished);
    const v2 = writeSectionedFile(CHECKPOINT_METADATA_FILE, [], [{ id: 0, bytes: packSection([12, 'job', 'CHECKPOINT', 5, [['op', null, 'n', 1, 1, [true], null]]]) }], 2);
    expect(() => decodeCheckpointMetadata(v2, FILE)).toThrow('operator 0: subtask 0: expected [keyed, operator]');
  });

  it('reads version 1 metadata (written before incremental checkpoints)', () => {
    const v1 = writeSectionedFile(CHECKPOINT_METADATA_FILE, [], [{ id: 0, bytes: packSection([12, 'job', 'CHECKPOINT', 5, [['op', null, 'n', 1, 1, [[[0, 0, [1, 'file:///x', 3]], null]]]]]) }], 1);
    expect(decodeCheckpointMetadata(v1, FILE).operators[0].subtasks[0]).toStrictEqual({ keyed: { keyGroupRange: { startKeyGroup: 0, endKeyGroup: 0 }, handle: { kind: 'file', uri: 'file:///x', size: 3 } } });
  });

  it('reads version 1 files, which have no coordinator state', () => {
    const v1 = [12, METADATA.jobId, 'CHECKPOINT', 5, [['feedbeef', null, 'Source: Generator', 1, 1, [[null, null]]]]];
    const decoded = decodeCheckpointMetadata(writeSectionedFile(VERSION_1, [], [{ id: 0, bytes: packSection(v1) }]), FILE);
    expect(decoded.operators).toStrictEqual([{ operatorId: 'feedbeef', name: 'Source: Generator', parallelism: 1, maxParallelism: 1, subtasks: [{}] }]);
  });

  it("names a savepoint's own files relative to its directory, and reads them from wherever that directory is now (relocatable savepoints)", () => {
    const file = (uri: string, size: number) => ({ kind: 'file' as const, uri, size });
    const savepoint: CheckpointMetadata = {
      ...METADATA,
      type: 'SAVEPOINT',
      operators: [{ ...METADATA.operators[0], subtasks: [
        { keyed: { keyGroupRange: { startKeyGroup: 0, endKeyGroup: 63 }, handle: file('file:///sp/savepoint-0123ab-a1b2c3d4e5f6/w-0-keyed', 90) },
          operator: file('file:///sp/savepoint-0123ab-a1b2c3d4e5f6/deeper/w-0-operator', 8) },
        { keyed: { keyGroupRange: { startKeyGroup: 64, endKeyGroup: 127 }, handle: file('file:///elsewhere/shared/w-1-keyed', 70), changes: [file('file:///sp/savepoint-0123ab-a1b2c3d4e5f6/Source%253A%2520x', 5)] } },
      ] }],
    };
    const bytes = encodeCheckpointMetadata(savepoint, 'file:///sp/savepoint-0123ab-a1b2c3d4e5f6');
    // Only the files directly in the directory are relative: the metadata no longer names where they were.
    expect(Buffer.from(bytes).includes('savepoint-0123ab-a1b2c3d4e5f6/w-0-keyed')).toBe(false);
    expect(Buffer.from(bytes).includes('file:///elsewhere/shared/w-1-keyed')).toBe(true);

    for (const moved of ['file:///backups/sp-copy', 'file:///backups/sp-copy/', 's3://bucket/moved/savepoint']) {
      const base = moved.replace(/\/$/, '');
      const [first, second] = decodeCheckpointMetadata(bytes, FILE, moved).operators[0].subtasks;
      expect(first.keyed!.handle).toStrictEqual(file(`${base}/w-0-keyed`, 90));
      expect(first.operator).toStrictEqual(file('file:///sp/savepoint-0123ab-a1b2c3d4e5f6/deeper/w-0-operator', 8));
      expect(second.keyed!.handle).toStrictEqual(file('file:///elsewhere/shared/w-1-keyed', 70));
      expect(second.keyed!.changes).toStrictEqual([file(`${base}/Source%253A%2520x`, 5)]);
    }
    expect(() => decodeCheckpointMetadata(bytes, FILE)).toThrow("the state file 'w-0-keyed' is named relative to the metadata's directory, and this storage cannot say which directory that is");
    // A checkpoint (no directory given) keeps every URI, as before.
    expect(decodeCheckpointMetadata(encodeCheckpointMetadata(savepoint), FILE)).toStrictEqual(savepoint);
  });

  it('embeds inline state: a state file carried in the metadata reads back byte for byte', () => {
    const state = encodeKeyedStateFile({ keyGroupRange: { startKeyGroup: 0, endKeyGroup: 0 }, maxParallelism: 1, groups: [] });
    const savepoint: CheckpointMetadata = { ...METADATA, type: 'SAVEPOINT', operators: [{ ...METADATA.operators[1], subtasks: [{ operator: { kind: 'inline', data: Buffer.from(state) } }] }] };
    const handle = decodeCheckpointMetadata(encodeCheckpointMetadata(savepoint), FILE).operators[0].subtasks[0].operator!;
    expect(handle.kind).toBe('inline');
    expect(handle.kind === 'inline' && Buffer.from(handle.data).equals(Buffer.from(state))).toBe(true);
  });
});

checkpointFileDamageTests({
  description: 'checkpoint metadata file',
  sample: () => encodeCheckpointMetadata(METADATA),
  decode: (bytes, file) => decodeCheckpointMetadata(bytes, file),
  versions: [1, 4],
  malformed: () => {
    // Version 1 files for the layout of the rest (the checks are the same), version 2 for the coordinator state.
    const file = (value: unknown): Uint8Array => writeSectionedFile(VERSION_1, [], [{ id: 0, bytes: packSection(value) }]);
    const v2 = (value: unknown): Uint8Array => writeSectionedFile(CHECKPOINT_METADATA_FILE, [], [{ id: 0, bytes: packSection(value) }]);
    const operator = (subtasks: unknown[]): unknown[] => ['op', null, 'name', 1, 128, subtasks];
    return [
      [writeSectionedFile(CHECKPOINT_METADATA_FILE, [], []), 'expected one section with id 0, found 0'],
      [file({ checkpointId: 1 }), 'expected [checkpointId, jobId, type, timestamp, operators]'],
      [file([-1, 'job', 'CHECKPOINT', 0, []]), 'checkpoint id -1 is not a non-negative integer'],
      [file([1, 7, 'CHECKPOINT', 0, []]), 'the job id is not a string'],
      [file([1, 'job', 'SNAPSHOT', 0, []]), 'unknown snapshot type "SNAPSHOT"'],
      [file([1, 'job', 'CHECKPOINT', '0', []]), 'the timestamp is not a number'],
      [file([1, 'job', 'CHECKPOINT', 0, {}]), 'the operators are not a list'],
      [file([1, 'job', 'CHECKPOINT', 0, [['op']]]), 'operator 0: expected [operatorId, uid, name, parallelism, maxParallelism, subtasks]'],
      [file([1, 'job', 'CHECKPOINT', 0, [[1, null, 'n', 1, 1, []]]]), 'operator 0: the operator id or name is not a string'],
      [file([1, 'job', 'CHECKPOINT', 0, [['op', 5, 'n', 1, 1, []]]]), 'the uid is neither a string nor absent'],
      [file([1, 'job', 'CHECKPOINT', 0, [['op', null, 'n', 1.5, 1, []]]]), 'the parallelism or max parallelism'],
      [file([1, 'job', 'CHECKPOINT', 0, [['op', null, 'n', 1, 1, 'x']]]), 'the subtasks are not a list'],
      [file([1, 'job', 'CHECKPOINT', 0, [operator([[null]])]]), 'operator 0: subtask 0: expected [keyed, operator]'],
      [file([1, 'job', 'CHECKPOINT', 0, [operator([[[0, 1], null]])]]), 'expected [startKeyGroup, endKeyGroup, handle]'],
      [file([1, 'job', 'CHECKPOINT', 0, [operator([[null, 'h']])]]), 'a state handle is not a list'],
      [file([1, 'job', 'CHECKPOINT', 0, [operator([[null, [0, 'text']]])]]), 'an inline handle has no bytes'],
      [file([1, 'job', 'CHECKPOINT', 0, [operator([[null, [2, 'file:///x', 1]]])]]), 'expected [0, bytes] or [1, uri, size] for a state handle'],
      [v2([1, 'job', 'CHECKPOINT', 0, [operator([])]]), 'operator 0: expected [operatorId, uid, name, parallelism, maxParallelism, subtasks, coordinatorState]'],
      [v2([1, 'job', 'CHECKPOINT', 0, [[...operator([]), 'x']]]), 'operator 0: the coordinator state is neither bytes nor absent'],
      // Version 4's relative handles name one file of the metadata's directory, nothing outside it.
      ...['a/b', '..', '', '..\\x'].map((name): [Uint8Array, string] => [
        v2([1, 'job', 'SAVEPOINT', 0, [[...operator([[null, [2, name, 1]]]), null]]]),
        'operator 0: subtask 0: expected [2, name, size] for a relative state handle, with the name of one file',
      ]),
    ];
  },
  otherKind: {
    description: 'keyed state file',
    bytes: () => encodeKeyedStateFile({ keyGroupRange: { startKeyGroup: 0, endKeyGroup: 0 }, maxParallelism: 1, groups: [] }),
  },
});
