/**
 * The filesystem checkpoint storage over s3:// as the default distribution composes it (the storage
 * from @flott/state-backends, the file system from @flott/fs-s3, joined by the plugin container),
 * against a real S3-protocol server: the CheckpointStorage contract, and what is particular to S3.
 */
import { Configuration } from '@flott/core';
import { CheckpointDataNotFoundError, CorruptCheckpointError, loadCheckpointStorageFactory } from '@flott/runtime';
import { checkpointStorageContractTests } from '@flott/runtime/testing';
import { listKeys, s3CheckpointStorageFiles, s3TestClient, useS3rver } from '@flott/fs-s3/testing';
import { createDistributionContainer } from './distribution';

describe('the filesystem checkpoint storage on s3://', () => {
  const server = useS3rver('flott-storage');
  const files = s3CheckpointStorageFiles(server);
  const config = (record: Record<string, string>): Configuration =>
    Configuration.fromRecord({ ...server().config, 'execution.checkpointing.storage': 'filesystem', ...record });
  const factory = (storage = 'filesystem') =>
    loadCheckpointStorageFactory(createDistributionContainer(new Configuration()), config({ 'execution.checkpointing.storage': storage }));

  // The contract runs against the factories the distribution loads; they are resolved lazily, once s3rver runs.
  const lazyFactory = { name: 'filesystem', create: (c: Configuration) => factory().create(c) };
  const lazyJobManagerFactory = { name: 'jobmanager', create: (c: Configuration) => factory('jobmanager').create(c) };
  checkpointStorageContractTests(lazyFactory, {
    variant: 's3:// against s3rver, every piece of state in a file',
    config: (dir) => config({ 'execution.checkpointing.dir': `${dir}/checkpoints`, 'execution.checkpointing.file-state-size-threshold': '0' }),
    files,
  });
  checkpointStorageContractTests(lazyFactory, {
    variant: 's3:// against s3rver, savepoints configured, default threshold',
    config: (dir) => config({ 'execution.checkpointing.dir': `${dir}/checkpoints`, 'execution.checkpointing.savepoint-dir': `${dir}/savepoints` }),
    files,
  });

  checkpointStorageContractTests(lazyJobManagerFactory, {
    variant: 'state inline, metadata and savepoints on s3:// against s3rver',
    config: (dir) => config({ 'execution.checkpointing.storage': 'jobmanager', 'execution.checkpointing.dir': `${dir}/checkpoints` }),
    files,
  });

  it('lays checkpoints out as Flink does, writes _metadata last, and discards a location in batches', async () => {
    const base = `s3://${server().bucket}/layout`;
    const storage = factory().create(config({
      'execution.checkpointing.dir': base, 'execution.checkpointing.file-state-size-threshold': '0', 's3.delete.batch-size': '2',
    }));
    const access = storage.createCheckpointStorageAccess('job-1');
    const location = await access.initializeLocation(3);
    expect(location.pointer).toBe(`${base}/job-1/chk-3`);
    const handles = await Promise.all([0, 1, 2, 3, 4].map((i) => access.writeState(location, `op/${i}`, new Uint8Array(10).fill(i))));
    expect(handles[0]).toEqual({ kind: 'file', uri: `${base}/job-1/chk-3/op%2F0`, size: 10 });
    // Until the metadata is written, the location is no checkpoint.
    await expect(access.readMetadata(location.pointer)).rejects.toThrow(/did not complete/);
    expect(await access.writeMetadata(location, Uint8Array.from([7]))).toBe(location.pointer);
    const client = s3TestClient(server());
    expect(await listKeys(client, base)).toEqual(['job-1/chk-3/_metadata', ...[0, 1, 2, 3, 4].map((i) => `job-1/chk-3/op%2F${i}`)]);
    await access.discard(location);
    expect(await listKeys(client, base)).toEqual([]);
  });

  it('streams a state file above the part size as a multipart upload and reads it back exactly; a truncated one fails naming its URI', async () => {
    const access = factory().create(config({ 'execution.checkpointing.dir': `s3://${server().bucket}/large` })).createCheckpointStorageAccess('job');
    const location = await access.initializeLocation(1);
    const size = 11 * 1024 * 1024 + 5;
    const data = Uint8Array.from({ length: size }, (_, i) => (i * 7) & 0xff);
    async function* chunks(): AsyncIterable<Uint8Array> {
      for (let offset = 0; offset < size; offset += 100_000) yield data.subarray(offset, offset + 100_000);
    }
    const handle = await access.writeState(location, 'op-1-keyed', chunks());
    expect(handle).toEqual({ kind: 'file', uri: `${location.pointer}/op-1-keyed`, size });
    expect(Buffer.from(await access.readState(handle)).equals(Buffer.from(data))).toBe(true);
    await files.truncate(`${location.pointer}/op-1-keyed`, size - 1);
    const error = await access.readState(handle).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptCheckpointError);
    expect((error as CorruptCheckpointError).data).toEqual({ file: handle.kind === 'file' ? handle.uri : '', reason: `the state file is ${size - 1} bytes, its handle in the metadata says ${size} (truncated or replaced)` });
  });

  it('says which bucket is missing, and what a user-given s3:// pointer lacks', async () => {
    const access = factory().create(config({ 'execution.checkpointing.dir': 's3://no-such-bucket/checkpoints' })).createCheckpointStorageAccess('job');
    await expect(access.initializeLocation(1)).rejects.toThrow(
      `Cannot use 's3://no-such-bucket/checkpoints/job/chk-1': the bucket 'no-such-bucket' does not exist at endpoint ${server().endpoint}`,
    );
    const pointer = `s3://${server().bucket}/nothing/chk-9`;
    const missing = await access.readMetadata(pointer).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(CheckpointDataNotFoundError);
    expect((missing as Error).message).toBe(
      `Cannot read checkpoint data '${pointer}': no such checkpoint or savepoint directory or metadata file: the path is wrong, or the checkpoint did not complete or was discarded`,
    );
  });
});
