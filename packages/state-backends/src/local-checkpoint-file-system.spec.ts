import { mkdir, writeFile } from 'fs/promises';
import { join } from 'path';
import { pathToFileURL } from 'url';
import { CheckpointDataNotFoundError } from '@flott/runtime';
import { checkpointFileSystemContractTests, useTemporaryDirectory } from '@flott/runtime/testing';
import { CheckpointFileSystems } from './checkpoint-file-systems';
import { FileCheckpointLocations } from './file-checkpoint-locations';
import { FileSystemCheckpointStorageAccess } from './filesystem-checkpoint-storage';
import { LocalCheckpointFileSystem } from './local-checkpoint-file-system';

checkpointFileSystemContractTests('file', { fileSystem: () => new LocalCheckpointFileSystem(), directory: (temporary) => temporary });

describe('LocalCheckpointFileSystem', () => {
  const temporaryDirectory = useTemporaryDirectory('flott-local-fs-');
  const fs = new LocalCheckpointFileSystem();
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = temporaryDirectory();
    file = join(dir, 'file');
    await writeFile(file, 'abc');
  });

  it('answers paths through a file as absent, and passes on errors that mean something else', async () => {
    expect(await fs.statPath(join(file, 'below'))).toBeUndefined();
    expect(await fs.hasEntries(join(file, 'below'))).toBe(false);
    expect(await fs.hasEntries(file)).toBe(false);
    expect(await fs.readFile(join(file, 'below'))).toBeUndefined();
    await expect(fs.readFile(dir)).rejects.toThrow(/EISDIR/);
    await expect(fs.readFile(dir, 3)).rejects.toThrow(/the state file is \d+ bytes, its handle in the metadata says 3/);
    await expect(fs.createDirectory(join(file, 'below'), { exclusive: true })).rejects.toThrow(/ENOTDIR/);
    await expect(fs.deleteFile(dir)).rejects.toThrow(/EISDIR|EPERM/);
    await fs.deleteFile(join(file, 'below'));
  });

  it('maps paths and URIs both ways', () => {
    expect(fs.parsePath(pathToFileURL(file).href)).toEqual({ path: file });
    expect(fs.toUri(file)).toBe(pathToFileURL(file).href);
    expect(fs.parent(fs.child(dir, 'x'))).toBe(dir);
    expect(fs.parsePath('http://host/x')).toEqual({ problem: "the scheme 'http' is not supported here (file:// URIs and absolute paths are)" });
  });
});

describe('FileCheckpointLocations with handles of unknown schemes', () => {
  const temporaryDirectory = useTemporaryDirectory('flott-locations-');

  it('names the handle and the known schemes when reading or deleting it', async () => {
    const locations = new FileCheckpointLocations({
      jobId: 'job', fileSystems: new CheckpointFileSystems(), checkpointsDirectory: undefined, savepointDirectory: undefined, randomHex: () => 'aaaaaaaaaaaa',
    });
    const handle = { kind: 'file', uri: 'gs://bucket/x', size: 3 } as const;
    const problem = "the scheme 'gs' is not supported here: no file system plugin serves it (known schemes: file)";
    await expect(locations.readState(handle)).rejects.toThrow(new CheckpointDataNotFoundError('gs://bucket/x', `cannot read this state handle: ${problem}`));
    await expect(locations.discardState(handle)).rejects.toThrow(new CheckpointDataNotFoundError('gs://bucket/x', `cannot delete this state handle: ${problem}`));
    await locations.discardState({ kind: 'inline', data: new Uint8Array(1) });
  });

  it('keeps SHARED state of a savepoint in the savepoint when there is no checkpoints directory', async () => {
    const dir = temporaryDirectory();
    const locations = new FileCheckpointLocations({
      jobId: 'job', fileSystems: new CheckpointFileSystems(), checkpointsDirectory: undefined, savepointDirectory: dir, randomHex: () => 'aaaaaaaaaaaa',
    });
    const savepoint = await locations.initializeSavepointLocation(1, undefined);
    const handle = await locations.writeStateFile(savepoint, 'sst', new Uint8Array(2), 'SHARED');
    expect(handle).toEqual({ kind: 'file', uri: pathToFileURL(join(dir, 'savepoint-job-aaaaaaaaaaaa', 'sst')).href, size: 2 });
  });

  it('writes SHARED state of a location outside the checkpoints directory into that location', async () => {
    const dir = temporaryDirectory();
    await mkdir(join(dir, 'elsewhere'));
    const access = new FileSystemCheckpointStorageAccess('job', { checkpointsDirectory: join(dir, 'checkpoints'), fileStateSizeThreshold: 0 });
    const handle = await access.writeState({ checkpointId: 1, pointer: join(dir, 'elsewhere') }, 'sst', new Uint8Array(4), { scope: 'SHARED' });
    expect(handle).toEqual({ kind: 'file', uri: pathToFileURL(join(dir, 'elsewhere', 'sst')).href, size: 4 });
  });
});
