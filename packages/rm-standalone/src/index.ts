// Public entry point of @flott/rm-standalone (named exports only).
export { standaloneModule } from './standalone-module';
export { StandaloneHighAvailabilityServices, StandaloneHighAvailabilityServicesFactory } from './standalone-high-availability-services';
export type { StandaloneHighAvailabilityServicesOptions } from './standalone-high-availability-services';
export {
  StandaloneLeaderElectionService,
  StandaloneLeaderRetrievalService,
  LeaderContenderAlreadyRegisteredError,
} from './standalone-leader-election';
export { InMemoryJobGraphStore, StandaloneCompletedCheckpointStore, StandaloneCheckpointIdCounter } from './standalone-stores';
export { LocalProcessesDriver } from './local-processes-driver';
export type { LocalProcessesDriverOptions } from './local-processes-driver';
export { LocalProcessesDriverFactory } from './local-processes-driver-factory';

// This package's errors arrive as their own classes when they cross a process or thread (deserializeError).
import { registerErrorClasses } from '@flott/core';
import * as thisPackage from './index';
registerErrorClasses(thisPackage);
