// Public entry point of @flott/state-backends (named exports only).
export { stateBackendsModule } from './state-backends-module';
export { HashMapStateBackend, HashMapStateBackendFactory } from './hashmap-state-backend';
export { HeapKeyedStateBackend } from './heap-keyed-state-backend';
export { canonicalKey, UnsupportedStateKeyError } from './canonical-key';
export {
  JobManagerCheckpointStorage,
  JobManagerCheckpointStorageAccess,
  JobManagerCheckpointStorageFactory,
  MaxStateSizeExceededError,
  encodeJobManagerHandle,
  decodeJobManagerHandle,
} from './jobmanager-checkpoint-storage';
