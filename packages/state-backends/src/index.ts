// Public entry point of @flott/state-backends (named exports only).
export { stateBackendsModule } from './state-backends-module';
export { HashMapStateBackend, HashMapStateBackendFactory } from './hashmap-state-backend';
export { HeapKeyedStateBackend } from './heap-keyed-state-backend';
export { LmdbStateBackend, LmdbStateBackendFactory, LmdbStateSizeExceededError } from './lmdb-state-backend';
export type { LmdbStateBackendOptions } from './lmdb-state-backend';
export { LmdbKeyedStateBackend } from './lmdb-keyed-state-backend';
export { canonicalKey, UnsupportedStateKeyError } from './canonical-key';
export {
  JobManagerCheckpointStorage,
  JobManagerCheckpointStorageAccess,
  JobManagerCheckpointStorageFactory,
  MaxStateSizeExceededError,
} from './jobmanager-checkpoint-storage';
export type { JobManagerCheckpointStorageOptions } from './jobmanager-checkpoint-storage';
export {
  FileSystemCheckpointStorage,
  FileSystemCheckpointStorageAccess,
  FileSystemCheckpointStorageFactory,
} from './filesystem-checkpoint-storage';
export type { FileSystemCheckpointStorageOptions } from './filesystem-checkpoint-storage';
export { CheckpointLocationInUseError } from './file-checkpoint-locations';
export { CheckpointFileSystems, schemeOf } from './checkpoint-file-systems';
export type { ResolvedCheckpointPath } from './checkpoint-file-systems';
export { LocalCheckpointFileSystem, LocalCheckpointFileSystemFactory } from './local-checkpoint-file-system';

// This package's errors arrive as their own classes when they cross a process or thread (deserializeError).
import { registerErrorClasses } from '@flott/core';
import * as thisPackage from './index';
registerErrorClasses(thisPackage);
