// `@flott/runtime/launcher`: what a launcher needs (`flott cluster start|stop` starts and stops processes):
// the configuration with its options and the process checks, without the runtime's roles, operators and
// plugins, which take ~0.3 s to load — time every `flott cluster start` would otherwise spend before it
// starts anything. Named exports only; each is also exported by `@flott/runtime`.
// `flott run` also starts its embedded cluster's threads from here, before it loads the rest of the runtime.
export { loadConfiguration } from './config/loader';
export { ClusterScriptOptions, CoreOptions, JobManagerOptions, StateRecoveryOptions } from './config/options';
export { isProcessAlive } from './util/process-alive';
export { prestartSlotThreads } from './taskexecutor/slot-thread';
export { prestartCoordinatorThread } from './jobmaster/coordinator-thread';
