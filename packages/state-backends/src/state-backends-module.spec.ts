import { Container } from 'inversify';
import { Configuration } from '@flott/core';
import { loadCheckpointStorageFactory, loadStateBackendFactory } from '@flott/runtime';
import { FileSystemCheckpointStorageFactory } from './filesystem-checkpoint-storage';
import { HashMapStateBackendFactory } from './hashmap-state-backend';
import { JobManagerCheckpointStorageFactory } from './jobmanager-checkpoint-storage';
import { LmdbStateBackendFactory } from './lmdb-state-backend';
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
