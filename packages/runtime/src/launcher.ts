// `@flott/runtime/launcher`: what a launcher needs (`flott cluster start|stop` starts and stops processes):
// the configuration with its options and the process checks, without the runtime's roles, operators and
// plugins, which take ~0.3 s to load — time every `flott cluster start` would otherwise spend before it
// starts anything. Named exports only; each is also exported by `@flott/runtime`.
export { loadConfiguration } from './config/loader';
export { ClusterScriptOptions, CoreOptions, JobManagerOptions, StateRecoveryOptions } from './config/options';
export { isProcessAlive } from './util/process-alive';
