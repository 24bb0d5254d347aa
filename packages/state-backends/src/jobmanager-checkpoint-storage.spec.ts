import { readdir } from 'fs/promises';
import { join } from 'path';
import { Configuration, ConfigurationError } from '@flott/core';
import { CheckpointDataNotFoundError, StateOptions } from '@flott/runtime';
import { checkpointStorageContractTests, useTemporaryDirectory } from '@flott/runtime/testing';
import { FileSystemCheckpointStorageFactory } from './filesystem-checkpoint-storage';
import { JobManagerCheckpointStorageFactory, MaxStateSizeExceededError } from './jobmanager-checkpoint-storage';

checkpointStorageContractTests(new JobManagerCheckpointStorageFactory(), { variant: 'metadata in memory', config: () => new Configuration() });
checkpointStorageContractTests(new JobManagerCheckpointStorageFactory(), {
  variant: 'metadata in execution.checkpointing.dir',
  config: (dir) => Configuration.fromRecord({ 'execution.checkpointing.dir': join(dir, 'checkpoints'), 'execution.checkpointing.savepoint-dir': join(dir, 'sp') }),
});

describe('JobManagerCheckpointStorage', () => {
  const factory = new JobManagerCheckpointStorageFactory();
  const temporaryDirectory = useTemporaryDirectory('flott-jobmanager-storage-');
  let dir: string;

  beforeEach(() => {
    dir = temporaryDirectory();
  });

  it('defaults to Flink\'s 5 MiB per piece of state and honours the option', async () => {
    expect(StateOptions.JOBMANAGER_STORAGE_MAX_STATE_SIZE.key).toBe('execution.checkpointing.jobmanager.max-state-size');
    const access = factory.create(new Configuration()).createCheckpointStorageAccess('job');
    const location = await access.initializeLocation(1);
    const atLimit = new Uint8Array(5 * 1024 * 1024);
    atLimit[atLimit.length - 1] = 7;
    const handle = await access.writeState(location, 'big', atLimit);
    expect(handle.kind).toBe('inline');
    expect((await access.readState(handle))[atLimit.length - 1]).toBe(7);
    await expect(access.writeState(location, 'too-big', new Uint8Array(5 * 1024 * 1024 + 1))).rejects.toBeInstanceOf(MaxStateSizeExceededError);
  });

  it('rejects state over a configured limit, naming the option and the way out', async () => {
    const config = Configuration.fromRecord({ 'execution.checkpointing.jobmanager.max-state-size': '1 kb' });
    const access = factory.create(config).createCheckpointStorageAccess('job');
    const location = await access.initializeLocation(1);
    await expect(access.writeState(location, 'op/0', new Uint8Array(1024))).resolves.toMatchObject({ kind: 'inline' });
    const rejected = access.writeState(location, 'op/0', new Uint8Array(1025));
    await expect(rejected).rejects.toThrow(
      "State 'op/0' is 1025 bytes, larger than the 1024 bytes the jobmanager checkpoint storage accepts (execution.checkpointing.jobmanager.max-state-size). " +
        "Use a different checkpoint storage, such as 'filesystem' (execution.checkpointing.storage), or raise the limit.",
    );
  });

  it('rejects an invalid limit or directory in the configuration', () => {
    expect(() => factory.create(Configuration.fromRecord({ 'execution.checkpointing.jobmanager.max-state-size': 'lots' }))).toThrow(ConfigurationError);
    expect(() => factory.create(Configuration.fromRecord({ 'state.checkpoints.dir': 'relative/dir' }))).toThrow(
      "Invalid value 'relative/dir' for 'execution.checkpointing.dir': not an absolute path or a file:// URI",
    );
  });

  it('keeps in-memory metadata across the accesses of one storage, and only there', async () => {
    const storage = factory.create(new Configuration());
    const location = await storage.createCheckpointStorageAccess('job').initializeLocation(3);
    expect(location.pointer).toBe('jobmanager://job/chk-3');
    const pointer = await storage.createCheckpointStorageAccess('job').writeMetadata(location, Uint8Array.from([1, 2]));
    expect([...(await storage.createCheckpointStorageAccess('job').readMetadata(pointer))]).toEqual([1, 2]);
    await expect(factory.create(new Configuration()).createCheckpointStorageAccess('job').readMetadata(pointer)).rejects.toThrow(
      /no such completed checkpoint in this JobManager's memory .* set execution\.checkpointing\.dir/,
    );
    await expect(factory.create(new Configuration()).createCheckpointStorageAccess('job').readMetadata(pointer)).rejects.toBeInstanceOf(CheckpointDataNotFoundError);
  });

  it('with a checkpoint directory, writes only the metadata there (state stays inline), readable after a restart', async () => {
    const config = Configuration.fromRecord({ 'execution.checkpointing.dir': `file://${dir}` });
    const access = factory.create(config).createCheckpointStorageAccess('job');
    const location = await access.initializeLocation(8);
    expect(location.pointer).toBe(join(dir, 'job', 'chk-8'));
    const handle = await access.writeState(location, 'op-1', new Uint8Array(100_000));
    expect(handle.kind).toBe('inline');
    const pointer = await access.writeMetadata(location, Uint8Array.from([5]));
    expect(await readdir(location.pointer)).toEqual(['_metadata']);
    expect([...(await factory.create(config).createCheckpointStorageAccess('job').readMetadata(pointer))]).toEqual([5]);
  });

  it('reads state files a filesystem storage wrote (a savepoint restored under another storage)', async () => {
    const fs = new FileSystemCheckpointStorageFactory().create(Configuration.fromRecord({ 'execution.checkpointing.dir': dir })).createCheckpointStorageAccess('job');
    const handle = await fs.writeState(await fs.initializeLocation(1), 'op-1', new Uint8Array(64 * 1024).fill(3));
    expect(handle.kind).toBe('file');
    const read = await factory.create(new Configuration()).createCheckpointStorageAccess('job').readState(handle);
    expect(read.length).toBe(64 * 1024);
  });
});
