import { ContainerModule } from 'inversify';
import { CheckpointFileSystemFactory, CheckpointStorageFactory, StateBackendFactory } from '@flott/runtime/spi';
import { FileSystemCheckpointStorageFactory } from './filesystem-checkpoint-storage';
import { HashMapStateBackendFactory } from './hashmap-state-backend';
import { JobManagerCheckpointStorageFactory } from './jobmanager-checkpoint-storage';
import { LmdbStateBackendFactory } from './lmdb-state-backend';
import { LocalCheckpointFileSystemFactory } from './local-checkpoint-file-system';

/**
 * Binds the `hashmap` and `lmdb` state backends, the `jobmanager` and `filesystem` checkpoint storages
 * and the `file` file system. The storages get every bound CheckpointFileSystemFactory when they are
 * resolved, so file systems of other plugin modules (s3://) count too.
 */
export const stateBackendsModule = new ContainerModule((options) => {
  options.bind(StateBackendFactory).toConstantValue(new HashMapStateBackendFactory());
  options.bind(StateBackendFactory).toConstantValue(new LmdbStateBackendFactory());
  options.bind(CheckpointFileSystemFactory).toConstantValue(new LocalCheckpointFileSystemFactory());
  options.bind(CheckpointStorageFactory)
    .toDynamicValue((context) => new JobManagerCheckpointStorageFactory(context.getAll<CheckpointFileSystemFactory>(CheckpointFileSystemFactory)))
    .inSingletonScope();
  options.bind(CheckpointStorageFactory)
    .toDynamicValue((context) => new FileSystemCheckpointStorageFactory(context.getAll<CheckpointFileSystemFactory>(CheckpointFileSystemFactory)))
    .inSingletonScope();
});
