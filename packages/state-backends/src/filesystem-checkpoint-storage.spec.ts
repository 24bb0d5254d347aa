import { mkdir, readdir, rm, writeFile } from 'fs/promises';
import { join } from 'path';
import { pathToFileURL } from 'url';
import { Configuration, ConfigurationError } from '@flott/core';
import { StateOptions } from '@flott/runtime';
import { checkpointStorageContractTests, useTemporaryDirectory } from '@flott/runtime/testing';
import { CheckpointLocationInUseError } from './file-checkpoint-locations';
import { FileSystemCheckpointStorage, FileSystemCheckpointStorageFactory } from './filesystem-checkpoint-storage';

checkpointStorageContractTests(new FileSystemCheckpointStorageFactory(), {
  variant: 'file:// URI, default threshold',
  config: (dir) => Configuration.fromRecord({ 'execution.checkpointing.dir': pathToFileURL(join(dir, 'checkpoints')).href }),
});
checkpointStorageContractTests(new FileSystemCheckpointStorageFactory(), {
  variant: 'Flink 1.x keys, every piece of state in a file',
  config: (dir) => Configuration.fromRecord({ 'state.checkpoints.dir': join(dir, 'checkpoints'), 'state.savepoints.dir': join(dir, 'sp'), 'state.storage.fs.memory-threshold': '0' }),
});

describe('FileSystemCheckpointStorage', () => {
  const factory = new FileSystemCheckpointStorageFactory();
  const temporaryDirectory = useTemporaryDirectory('flott-fs-storage-');
  let dir: string;

  beforeEach(() => {
    dir = temporaryDirectory();
  });

  it('needs execution.checkpointing.dir, and says so', () => {
    expect(() => factory.create(new Configuration())).toThrow(ConfigurationError);
    expect(() => factory.create(new Configuration())).toThrow(
      "The filesystem checkpoint storage needs a directory: set 'execution.checkpointing.dir' to an absolute path or a URI (file://) that the JobManager and every TaskManager can reach",
    );
  });

  it('rejects directories it cannot use, naming the key', () => {
    const create = (record: Record<string, string>): unknown => factory.create(Configuration.fromRecord(record));
    expect(() => create({ 'execution.checkpointing.dir': 'checkpoints' })).toThrow("Invalid value 'checkpoints' for 'execution.checkpointing.dir': not an absolute path");
    expect(() => create({ 'execution.checkpointing.dir': 's3://bucket/checkpoints' })).toThrow("the scheme 's3' is not supported here");
    expect(() => create({ 'execution.checkpointing.dir': dir, 'execution.checkpointing.savepoint-dir': 'file://host/x' })).toThrow(
      "Invalid value 'file://host/x' for 'execution.checkpointing.savepoint-dir': not a valid file:// URI",
    );
    expect(() => create({ 'execution.checkpointing.dir': dir, 'execution.checkpointing.file-state-size-threshold': '2 mb' })).toThrow(
      "Invalid value 2097152 bytes for 'execution.checkpointing.file-state-size-threshold': at most 1 mb",
    );
  });

  it('lays checkpoints out as Flink does: <dir>/<job>/chk-<n>/ beside shared/ and taskowned/', async () => {
    const access = factory.create(Configuration.fromRecord({ 'execution.checkpointing.dir': dir })).createCheckpointStorageAccess('job-1');
    const location = await access.initializeLocation(17);
    expect(location.pointer).toBe(join(dir, 'job-1', 'chk-17'));
    expect((await readdir(join(dir, 'job-1'))).sort()).toEqual(['chk-17', 'shared', 'taskowned']);
    const handle = await access.writeState(location, 'op/0', new Uint8Array(StateOptions.FILE_STATE_SIZE_THRESHOLD.defaultValue));
    expect(handle).toEqual({ kind: 'file', uri: pathToFileURL(join(location.pointer, 'op%2F0')).href, size: 20 * 1024 });
    await access.writeMetadata(location, Uint8Array.from([1]));
    expect((await readdir(location.pointer)).sort()).toEqual(['_metadata', 'op%2F0']);
  });

  it('keeps state below the threshold inline, as a copy', async () => {
    const access = factory.create(Configuration.fromRecord({ 'execution.checkpointing.dir': dir, 'execution.checkpointing.file-state-size-threshold': '1 kb' }))
      .createCheckpointStorageAccess('job');
    const location = await access.initializeLocation(1);
    const small = new Uint8Array(1023).fill(1);
    const handle = await access.writeState(location, 'small', small);
    small.fill(0);
    expect(handle.kind).toBe('inline');
    expect(handle.kind === 'inline' && handle.data.every((b) => b === 1)).toBe(true);
    expect((await access.writeState(location, 'large', new Uint8Array(1024))).kind).toBe('file');
  });

  it('refuses a checkpoint directory that already holds files instead of overwriting them', async () => {
    const access = factory.create(Configuration.fromRecord({ 'execution.checkpointing.dir': dir })).createCheckpointStorageAccess('job');
    await mkdir(join(dir, 'job', 'chk-1'), { recursive: true });
    await expect(access.initializeLocation(1)).resolves.toEqual({ checkpointId: 1, pointer: join(dir, 'job', 'chk-1') });
    await writeFile(join(dir, 'job', 'chk-1', '_metadata'), 'old');
    await expect(access.initializeLocation(1)).rejects.toBeInstanceOf(CheckpointLocationInUseError);
    await expect(access.initializeLocation(1)).rejects.toThrow(`Checkpoint directory '${join(dir, 'job', 'chk-1')}' already holds files`);
  });

  it('draws another savepoint name when the drawn one exists, a bounded number of times', async () => {
    const names = ['aaaaaaaaaaaa', 'aaaaaaaaaaaa', 'bbbbbbbbbbbb'];
    const storage = new FileSystemCheckpointStorage({ checkpointsDirectory: dir, fileStateSizeThreshold: 0, randomHex: () => names.shift() ?? 'cccccccccccc' });
    const access = storage.createCheckpointStorageAccess('abcdef123456');
    expect((await access.initializeSavepointLocation(1, dir)).pointer).toBe(join(dir, 'savepoint-abcdef-aaaaaaaaaaaa'));
    expect((await access.initializeSavepointLocation(2, dir)).pointer).toBe(join(dir, 'savepoint-abcdef-bbbbbbbbbbbb'));
    const stuck = new FileSystemCheckpointStorage({ checkpointsDirectory: dir, fileStateSizeThreshold: 0, randomHex: () => 'aaaaaaaaaaaa' });
    await expect(stuck.createCheckpointStorageAccess('abcdef123456').initializeSavepointLocation(3, dir)).rejects.toThrow(`No fresh savepoint directory under '${dir}': 5 random names drawn were all taken already`);
  });

  it('leaves no temporary files behind, and a crashed write leaves no file under the final name', async () => {
    const access = factory.create(Configuration.fromRecord({ 'execution.checkpointing.dir': dir })).createCheckpointStorageAccess('job');
    const location = await access.initializeLocation(2);
    await Promise.all(Array.from({ length: 8 }, (_, i) => access.writeState(location, `op-${i}`, new Uint8Array(30_000))));
    expect((await readdir(location.pointer)).filter((f) => f.startsWith('.'))).toEqual([]);
    // A write into a location that vanished fails and writes nothing.
    await rm(location.pointer, { recursive: true });
    await expect(access.writeMetadata(location, Uint8Array.from([1]))).rejects.toThrow(/ENOENT/);
  });
});
