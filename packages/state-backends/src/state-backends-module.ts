import { ContainerModule } from 'inversify';
import { CheckpointStorageFactory, StateBackendFactory } from '@flott/runtime/spi';
import { HashMapStateBackendFactory } from './hashmap-state-backend';
import { JobManagerCheckpointStorageFactory } from './jobmanager-checkpoint-storage';

/** Binds the `hashmap` state backend and the `jobmanager` checkpoint storage. */
export const stateBackendsModule = new ContainerModule((options) => {
  options.bind(StateBackendFactory).toConstantValue(new HashMapStateBackendFactory());
  options.bind(CheckpointStorageFactory).toConstantValue(new JobManagerCheckpointStorageFactory());
});
