import { Configuration, ConfigurationError } from '@flott/core';
import { CheckpointDataNotFoundError, StateOptions } from '@flott/runtime';
import { checkpointStorageContractTests } from '@flott/runtime/testing';
import {
  decodeJobManagerHandle,
  encodeJobManagerHandle,
  JobManagerCheckpointStorageFactory,
  MaxStateSizeExceededError,
} from './jobmanager-checkpoint-storage';

checkpointStorageContractTests(new JobManagerCheckpointStorageFactory());

describe('JobManagerCheckpointStorage', () => {
  const factory = new JobManagerCheckpointStorageFactory();

  it('defaults to Flink\'s 5 MiB per piece of state and honours the option', async () => {
    expect(StateOptions.JOBMANAGER_STORAGE_MAX_STATE_SIZE.key).toBe('execution.checkpointing.jobmanager.max-state-size');
    const access = factory.create(new Configuration()).createCheckpointStorageAccess('job');
    const location = await access.initializeLocation(1);
    const atLimit = new Uint8Array(5 * 1024 * 1024);
    atLimit[atLimit.length - 1] = 7;
    const handle = await access.write(location, 'big', atLimit);
    expect((await access.read(handle))[atLimit.length - 1]).toBe(7);
    await expect(access.write(location, 'too-big', new Uint8Array(5 * 1024 * 1024 + 1))).rejects.toBeInstanceOf(MaxStateSizeExceededError);
  });

  it('rejects state over a configured limit, naming the option', async () => {
    const config = Configuration.fromRecord({ 'execution.checkpointing.jobmanager.max-state-size': '1 kb' });
    const access = factory.create(config).createCheckpointStorageAccess('job');
    const location = await access.initializeLocation(1);
    await expect(access.write(location, 'op/0', new Uint8Array(1024))).resolves.toMatch(/^jobmanager:v1:job:1:op%2F0:[0-9a-f]{8}:/);
    const rejected = access.write(location, 'op/0', new Uint8Array(1025));
    await expect(rejected).rejects.toThrow("State 'op/0' is 1025 bytes, larger than the 1024 bytes");
    await expect(access.write(location, 'op/0', new Uint8Array(1025))).rejects.toThrow('execution.checkpointing.jobmanager.max-state-size');
  });

  it('rejects an invalid limit in the configuration', () => {
    expect(() => factory.create(Configuration.fromRecord({ 'execution.checkpointing.jobmanager.max-state-size': 'lots' }))).toThrow(ConfigurationError);
  });

  it('encodes ids and names so they cannot break the handle layout', () => {
    const handle = encodeJobManagerHandle('job:with:colons', 3, 'a:b/c', Uint8Array.from([9, 8]));
    expect(handle.split(':').length).toBe(7);
    expect([...decodeJobManagerHandle(handle)]).toEqual([9, 8]);
  });

  it('detects a handle whose header was altered', () => {
    const handle = encodeJobManagerHandle('job', 3, 'op/0', Uint8Array.from([1, 2, 3]));
    expect(() => decodeJobManagerHandle(handle.replace(':3:', ':4:'))).toThrow(CheckpointDataNotFoundError);
    expect(() => decodeJobManagerHandle(handle.replace(':v1:', ':v9:'))).toThrow("unsupported handle version 'v9'");
  });

  it('rejects a location of another job', async () => {
    const storage = factory.create(new Configuration());
    const location = await storage.createCheckpointStorageAccess('job-a').initializeLocation(1);
    await expect(storage.createCheckpointStorageAccess('job-b').write(location, 'x', new Uint8Array(1))).rejects.toThrow('does not belong to job job-b');
  });
});
