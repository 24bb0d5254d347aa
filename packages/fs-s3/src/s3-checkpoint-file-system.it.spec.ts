import { createServer, type Socket } from 'net';
import { Configuration, ConfigurationError } from '@flott/core';
import { CorruptCheckpointError } from '@flott/runtime';
import { checkpointFileSystemContractTests, chunksOf as chunked, sameBytes as same, testBytes as pattern } from '@flott/runtime/testing';
import { listKeys, putObject, readObject, s3TestClient, useS3rver } from './testing';
import { createS3Client, S3CheckpointFileSystemFactory } from './s3-checkpoint-file-system-factory';
import { S3CheckpointFileSystem } from './s3-checkpoint-file-system';
import { S3BucketNotFoundError, S3RequestError } from './s3-errors';

const MiB = 1024 * 1024;

describe('S3CheckpointFileSystem against s3rver', () => {
  const server = useS3rver('flott-fs-test');
  checkpointFileSystemContractTests('s3 (s3rver)', {
    fileSystem: () => new S3CheckpointFileSystemFactory().create(Configuration.fromRecord(server().config)),
    directory: (temporary) => `s3://${server().bucket}/${temporary.split(/[\\/]/).pop()}`,
  });
  let sent: string[];
  let inFlight: number;
  let maxInFlight: number;
  let prefix = 0;

  /** A file system over a client that records each request's command name and the most parts in flight at once. */
  function fileSystem(options: { deleteBatchSize?: number; maxConcurrentParts?: number } = {}): S3CheckpointFileSystem {
    const { client, endpointDescription } = createS3Client(Configuration.fromRecord(server().config));
    const send = client.send.bind(client) as (command: object) => Promise<unknown>;
    (client as unknown as { send: (command: object) => Promise<unknown> }).send = async (command) => {
      const name = command.constructor.name.replace(/Command$/, '');
      sent.push(name);
      inFlight += name === 'UploadPart' ? 1 : 0;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await send(command);
      } finally {
        inFlight -= name === 'UploadPart' ? 1 : 0;
      }
    };
    return new S3CheckpointFileSystem({
      client, endpointDescription, partSize: 5 * MiB, maxConcurrentParts: options.maxConcurrentParts ?? 2, deleteBatchSize: options.deleteBatchSize ?? 1000,
    });
  }

  let base: string;
  beforeEach(() => {
    sent = [];
    inFlight = 0;
    maxInFlight = 0;
    base = `s3://${server().bucket}/test-${++prefix}`;
  });

  it('writes a small file with one PUT and reads it back exactly', async () => {
    const fs = fileSystem();
    const data = pattern(100_000, 1);
    expect(await fs.writeFile(`${base}/small`, chunked(data, 4097))).toBe(100_000);
    expect(sent).toEqual(['PutObject']);
    expect(same(await fs.readFile(`${base}/small`, 100_000), data)).toBe(true);
    expect(await fs.writeFile(`${base}/empty`, new Uint8Array(0))).toBe(0);
    expect(await fs.readFile(`${base}/empty`, 0)).toEqual(new Uint8Array(0));
    // Exactly one part's worth is still one PUT.
    sent = [];
    await fs.writeFile(`${base}/one-part`, pattern(5 * MiB, 2));
    expect(sent).toEqual(['PutObject']);
  });

  it('uploads a file larger than a part in a multipart upload, streaming with bounded parts in flight, and reads it back exactly', async () => {
    const fs = fileSystem({ maxConcurrentParts: 2 });
    const data = pattern(16 * MiB + 7, 3);
    expect(await fs.writeFile(`${base}/large`, chunked(data, 64 * 1024 + 3))).toBe(16 * MiB + 7);
    expect(sent).toEqual(['CreateMultipartUpload', 'UploadPart', 'UploadPart', 'UploadPart', 'UploadPart', 'CompleteMultipartUpload']);
    expect(maxInFlight).toBeLessThanOrEqual(2);
    expect(same(await fs.readFile(`${base}/large`, data.byteLength), data)).toBe(true);
    expect(same(await readObject(s3TestClient(server()), `${base}/large`), data)).toBe(true);
  });

  it('leaves no object behind when the data fails part-way through a multipart upload', async () => {
    const fs = fileSystem();
    async function* failing(): AsyncIterable<Uint8Array> {
      yield pattern(6 * MiB, 4);
      throw new Error('the backend failed mid-stream');
    }
    await expect(fs.writeFile(`${base}/broken`, failing())).rejects.toThrow('the backend failed mid-stream');
    expect(sent).toEqual(['CreateMultipartUpload', 'UploadPart', 'AbortMultipartUpload']);
    expect(await fs.readFile(`${base}/broken`)).toBeUndefined();
    expect(await fs.statPath(`${base}/broken`)).toBeUndefined();
  });

  it('fails a read of a truncated or replaced object with CorruptCheckpointError naming its URI, and answers a missing one with undefined', async () => {
    const fs = fileSystem();
    const uri = `${base}/state`;
    await fs.writeFile(uri, pattern(1000, 5));
    await putObject(s3TestClient(server()), uri, pattern(600, 5));
    const error = await fs.readFile(uri, 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptCheckpointError);
    expect((error as CorruptCheckpointError).data).toEqual({ file: uri, reason: 'the state file is 600 bytes, its handle in the metadata says 1000 (truncated or replaced)' });
    expect(await fs.readFile(`${base}/missing`, 3)).toBeUndefined();
    expect(await fs.readFile(`${base}/missing`)).toBeUndefined();
  });

  it('tells files, directories (prefixes with objects) and nothing apart', async () => {
    const fs = fileSystem();
    await fs.writeFile(`${base}/dir/file`, pattern(10, 6));
    expect(await Promise.all([`${base}/dir/file`, `${base}/dir`, base, `${base}/di`, `${base}/none`].map((p) => fs.statPath(p))))
      .toEqual(['file', 'directory', 'directory', undefined, undefined]);
    expect(await fs.hasEntries(`${base}/dir`)).toBe(true);
    expect(await fs.createDirectory(`${base}/dir`, { exclusive: true })).toBe(false);
    expect(await fs.createDirectory(`${base}/fresh`, { exclusive: true })).toBe(true);
  });

  it('deletes a directory in batches, and nothing beside it that merely shares a name prefix', async () => {
    const fs = fileSystem({ deleteBatchSize: 2 });
    await Promise.all([
      ...[0, 1, 2, 3, 4].map((i) => fs.writeFile(`${base}/chk-1/f${i}`, pattern(10, i))),
      fs.writeFile(`${base}/chk-10/f`, pattern(10, 9)),
      fs.writeFile(`${base}/chk-1x`, pattern(10, 9)),
    ]);
    sent = [];
    await fs.deleteDirectory(`${base}/chk-1`);
    expect(sent.filter((s) => s === 'DeleteObjects')).toHaveLength(3);
    expect(await listKeys(s3TestClient(server()), base)).toEqual(['chk-10/f', 'chk-1x']);
    await fs.deleteDirectory(`${base}/chk-1`);
    await fs.deleteFile(`${base}/chk-1x`);
    await fs.deleteFile(`${base}/chk-1x`);
    expect(await listKeys(s3TestClient(server()), base)).toEqual(['chk-10/f']);
  });

  it('names a bucket that does not exist, on writes and on listing', async () => {
    const fs = fileSystem();
    const write = await fs.writeFile('s3://no-such-bucket/x/file', pattern(10, 1)).catch((e: unknown) => e);
    expect(write).toBeInstanceOf(S3BucketNotFoundError);
    expect((write as Error).message).toBe(
      `Cannot use 's3://no-such-bucket/x/file': the bucket 'no-such-bucket' does not exist at endpoint ${server().endpoint}. ` +
        'Create it, or fix the path (execution.checkpointing.dir, the savepoint directory or -s).',
    );
    await expect(fs.hasEntries('s3://no-such-bucket/x')).rejects.toBeInstanceOf(S3BucketNotFoundError);
    await expect(fs.createDirectory('s3://no-such-bucket/x', { exclusive: true })).rejects.toBeInstanceOf(S3BucketNotFoundError);
    await expect(fs.statPath('s3://no-such-bucket/x/_metadata')).rejects.toBeInstanceOf(S3BucketNotFoundError);
  });
});

describe('S3CheckpointFileSystem paths and configuration', () => {
  const fs = new S3CheckpointFileSystemFactory().create(Configuration.fromRecord({ 's3.endpoint': 'http://127.0.0.1:1' }));

  it('parses s3:// URIs into canonical paths, and says what is wrong with others', () => {
    expect(fs.parsePath('s3://bucket/a//b/')).toEqual({ path: 's3://bucket/a/b' });
    expect(fs.parsePath('S3://bucket')).toEqual({ path: 's3://bucket' });
    expect(fs.parsePath('s3://bucket/op%2F0')).toEqual({ path: 's3://bucket/op%2F0' });
    expect(fs.parsePath('s3://Bad_Bucket/x')).toEqual({ problem: "'Bad_Bucket' is not a valid S3 bucket name" });
    expect(fs.parsePath('s3://bucket/a/../b')).toEqual({ problem: "'.' and '..' are not allowed in an s3:// path" });
    expect(fs.parsePath('s3:/bucket')).toEqual({ problem: 'not an s3://<bucket>/<path> URI' });
    expect(fs.child('s3://bucket/a', '_metadata')).toBe('s3://bucket/a/_metadata');
    expect([fs.parent('s3://bucket/a/b'), fs.parent('s3://bucket/a')]).toEqual(['s3://bucket/a', 's3://bucket']);
    expect(fs.toUri('s3://bucket/a')).toBe('s3://bucket/a');
  });

  it('refuses half-given credentials and endpoints that are no URL, naming keys and never values', () => {
    const create = (record: Record<string, string>): unknown => new S3CheckpointFileSystemFactory().create(Configuration.fromRecord(record));
    expect(() => create({ 's3.access-key': 'AKIA-SECRET-ID' })).toThrow(ConfigurationError);
    expect(() => create({ 's3.access-key': 'AKIA-SECRET-ID' })).toThrow(
      "'s3.access-key' is set but 's3.secret-key' is not: give both, or neither to use the AWS SDK's default credentials",
    );
    expect(() => create({ 's3.secret-key': 'very-secret' })).toThrow("'s3.secret-key' is set but 's3.access-key' is not");
    expect(() => create({ 's3.endpoint': 'localhost:9000' })).toThrow("Invalid value 'localhost:9000' for 's3.endpoint': not an http:// or https:// URL");
  });
});

describe('S3CheckpointFileSystem against a server that never answers', () => {
  const sockets = new Set<Socket>();
  let connections = 0;
  const silent = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  beforeAll(() => new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve)));
  // In afterAll, so that the server is closed even when the test fails by its timeout.
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('fails a request after s3.request-timeout and s3.retry.max-attempts, naming the operation and the URI', async () => {
    const port = (silent.address() as { port: number }).port;
    const fs = new S3CheckpointFileSystemFactory().create(Configuration.fromRecord({
      's3.endpoint': `http://127.0.0.1:${port}`, 's3.path.style.access': 'true', 's3.access-key': 'the-access-key', 's3.secret-key': 'the-secret-key',
      's3.request-timeout': '300 ms', 's3.retry.max-attempts': '2',
    }));
    const error = await fs.readFile('s3://bucket/x/file', 3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(S3RequestError);
    expect((error as Error).message).toMatch(/^S3 GetObject of 's3:\/\/bucket\/x\/file' failed: TimeoutError: .*300 ms requestTimeout/);
    expect((error as Error).message).not.toMatch(/the-access-key|the-secret-key/);
    expect(connections).toBe(2);
  }, 10_000);
});
