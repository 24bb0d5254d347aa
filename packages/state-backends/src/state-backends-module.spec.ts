import { Container, ContainerModule } from 'inversify';
import { Configuration } from '@flott/core';
import { loadCheckpointStorageFactory, loadStateBackendFactory, StateOptions } from '@flott/runtime';
import { CheckpointFileSystemFactory } from '@flott/runtime/spi';
import { FileSystemCheckpointStorageFactory } from './filesystem-checkpoint-storage';
import { HashMapStateBackendFactory } from './hashmap-state-backend';
import { JobManagerCheckpointStorageFactory } from './jobmanager-checkpoint-storage';
import { LmdbStateBackendFactory } from './lmdb-state-backend';
import { LocalCheckpointFileSystem } from './local-checkpoint-file-system';
import { stateBackendsModule } from './state-backends-module';

describe('stateBackendsModule', () => {
  const container = new Container();
  container.loadSync(stateBackendsModule);

  it('makes the default configuration resolve to hashmap and jobmanager', () => {
    expect(loadStateBackendFactory(container, new Configuration())).toBeInstanceOf(HashMapStateBackendFactory);
    expect(loadCheckpointStorageFactory(container, new Configuration())).toBeInstanceOf(JobManagerCheckpointStorageFactory);
  });

  it('resolves state.backend.type: lmdb', () => {
    expect(loadStateBackendFactory(container, Configuration.fromRecord({ 'state.backend.type': 'lmdb' }))).toBeInstanceOf(LmdbStateBackendFactory);
  });

  it('resolves execution.checkpointing.storage: filesystem', () => {
    const config = Configuration.fromRecord({ 'execution.checkpointing.storage': 'filesystem' });
    expect(loadCheckpointStorageFactory(container, config)).toBeInstanceOf(FileSystemCheckpointStorageFactory);
  });

  it('names the bound implementations when an unknown one is configured', () => {
    expect(() => loadStateBackendFactory(container, Configuration.fromRecord({ 'state.backend.type': 'rocksdb' }))).toThrow(
      "Unknown state backend 'rocksdb' for 'state.backend.type'. Known: hashmap, lmdb",
    );
    expect(() => loadCheckpointStorageFactory(container, Configuration.fromRecord({ 'execution.checkpointing.storage': 's3' }))).toThrow(
      "Unknown checkpoint storage 's3' for 'execution.checkpointing.storage'. Known: filesystem, jobmanager",
    );
  });
});

describe('stateBackendsModule with file systems of other modules', () => {
  const created: string[] = [];
  const s3Module = new ContainerModule((options) => {
    options.bind(CheckpointFileSystemFactory).toConstantValue({
      scheme: 's3',
      create: (config: Configuration) => {
        created.push(String(config.get(StateOptions.CHECKPOINTS_DIRECTORY)));
        // Enough of a file system for create(): it parses s3:// paths.
        return Object.assign(new LocalCheckpointFileSystem(), { scheme: 's3', parsePath: (value: string) => ({ path: value }) });
      },
    } satisfies CheckpointFileSystemFactory);
  });
  const dir = { 'execution.checkpointing.storage': 'filesystem', 'execution.checkpointing.dir': 's3://bucket/checkpoints' };

  it('refuses a scheme no bound file system serves, listing the known schemes', () => {
    const container = new Container();
    container.loadSync(stateBackendsModule);
    const config = Configuration.fromRecord(dir);
    expect(() => loadCheckpointStorageFactory(container, config).create(config)).toThrow(
      "Invalid value 's3://bucket/checkpoints' for 'execution.checkpointing.dir': the scheme 's3' is not supported here: no file system plugin serves it (known schemes: file)",
    );
  });

  it('hands the storages every bound file system, created from the configuration on first use', () => {
    const container = new Container();
    container.loadSync(stateBackendsModule, s3Module);
    const config = Configuration.fromRecord(dir);
    const storage = loadCheckpointStorageFactory(container, config).create(config);
    expect(storage.name).toBe('filesystem');
    expect(created).toEqual(['s3://bucket/checkpoints']);
    expect(() => loadCheckpointStorageFactory(container, Configuration.fromRecord({ ...dir, 'execution.checkpointing.storage': 'jobmanager' }))
      .create(config)).not.toThrow();
  });
});
