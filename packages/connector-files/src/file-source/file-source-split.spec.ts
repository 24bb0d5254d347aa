import { pack } from 'msgpackr';
import { createSplits, FileSourceSplitSerializer, upgradeSplit, type FileSourceSplit } from './file-source-split';

const MiB = 1024 * 1024;
const ranges = (splits: readonly FileSourceSplit[]) => splits.map((s) => [s.path, s.offset, s.length]);

describe('createSplits (FileInputFormat.createInputSplits)', () => {
  it('cuts a file into one split per reader when the block size allows', () => {
    const splits = createSplits([{ path: '/in', size: 22 * MiB }], 2, { blockSize: 32 * MiB, minSplitSize: 64 * 1024 });
    expect(ranges(splits)).toEqual([['/in', 0, 11 * MiB], ['/in', 11 * MiB, 11 * MiB]]);
    expect(splits.map((s) => s.splitId)).toEqual([`/in:0+${11 * MiB}`, `/in:${11 * MiB}+${11 * MiB}`]);
    expect(splits.every((s) => s.fileSize === 22 * MiB && s.position === undefined)).toBe(true);
  });

  it('never makes a split larger than the block size; the last takes a remainder of up to 10 % more', () => {
    expect(ranges(createSplits([{ path: '/in', size: 100 }], 1, { blockSize: 30, minSplitSize: 1 })))
      .toEqual([['/in', 0, 30], ['/in', 30, 30], ['/in', 60, 30], ['/in', 90, 10]]);
    expect(ranges(createSplits([{ path: '/in', size: 32 }], 1, { blockSize: 30, minSplitSize: 1 }))).toEqual([['/in', 0, 32]]);
  });

  it('sizes splits over all files of the listing: small files stay whole, an empty file is one empty split', () => {
    const files = [{ path: '/d/a', size: 0 }, { path: '/d/b', size: 5 }, { path: '/d/c', size: 95 }];
    expect(ranges(createSplits(files, 4, { blockSize: 1000, minSplitSize: 1 })))
      .toEqual([['/d/a', 0, 0], ['/d/b', 0, 5], ['/d/c', 0, 25], ['/d/c', 25, 25], ['/d/c', 50, 25], ['/d/c', 75, 20]]);
    // The minimum split size wins over the parallelism: files up to it are not cut.
    expect(ranges(createSplits(files, 4, { blockSize: 1000, minSplitSize: 100 }))).toEqual([['/d/a', 0, 0], ['/d/b', 0, 5], ['/d/c', 0, 95]]);
    expect(createSplits(files, 4, { blockSize: 1000, minSplitSize: 100 }).map((s) => s.splitId)).toEqual(['/d/a', '/d/b', '/d/c']);
  });

  it('a block size of 1 byte makes one split per byte', () => {
    expect(ranges(createSplits([{ path: '/in', size: 3 }], 1, { blockSize: 1, minSplitSize: 1 }))).toEqual([['/in', 0, 1], ['/in', 1, 1], ['/in', 2, 1]]);
  });
});

describe('FileSourceSplitSerializer', () => {
  const serializer = new FileSourceSplitSerializer();

  it('round-trips fresh and checkpointed splits (version 1)', () => {
    const fresh: FileSourceSplit = { splitId: '/in:10+10', path: '/in', offset: 10, length: 10, fileSize: 30 };
    const checkpointed: FileSourceSplit = { ...fresh, position: 14 };
    expect(serializer.getVersion()).toBe(1);
    expect(serializer.deserialize(1, serializer.serialize(fresh))).toEqual(fresh);
    expect(serializer.deserialize(1, serializer.serialize(fresh))).not.toHaveProperty('position');
    expect(serializer.deserialize(1, serializer.serialize(checkpointed))).toEqual(checkpointed);
  });

  it('reads a whole-file split stored before block splits (version 0: the runtime msgpack form) as the rest of its file', () => {
    const old = { splitId: '/in', path: '/in', offset: 7, length: 20 };
    expect(serializer.deserialize(0, pack(old))).toEqual({ splitId: '/in', path: '/in', offset: 7, length: 13, fileSize: 20, position: 7 });
    expect(upgradeSplit(old)).toEqual(serializer.deserialize(0, pack(old)));
    // A new split passes through unchanged.
    const current: FileSourceSplit = { splitId: '/in', path: '/in', offset: 0, length: 20, fileSize: 20 };
    expect(upgradeSplit(current)).toBe(current);
  });

  it('refuses a version it does not know, saying which it reads', () => {
    expect(() => serializer.deserialize(2, new Uint8Array())).toThrow('unknown version 2 (this one reads 0 and 1)');
  });
});
