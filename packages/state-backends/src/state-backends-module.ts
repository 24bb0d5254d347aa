import { ContainerModule } from 'inversify';
import { CheckpointStorageFactory, StateBackendFactory } from '@flott/runtime/spi';
import { FileSystemCheckpointStorageFactory } from './filesystem-checkpoint-storage';
import { HashMapStateBackendFactory } from './hashmap-state-backend';
import { JobManagerCheckpointStorageFactory } from './jobmanager-checkpoint-storage';
import { LmdbStateBackendFactory } from './lmdb-state-backend';

/** Binds the `hashmap` and `lmdb` state backends and the `jobmanager` and `filesystem` checkpoint storages. */
export const stateBackendsModule = new ContainerModule((options) => {
  options.bind(StateBackendFactory).toConstantValue(new HashMapStateBackendFactory());
  options.bind(StateBackendFactory).toConstantValue(new LmdbStateBackendFactory());
  options.bind(CheckpointStorageFactory).toConstantValue(new JobManagerCheckpointStorageFactory());
  options.bind(CheckpointStorageFactory).toConstantValue(new FileSystemCheckpointStorageFactory());
});
