// @flott/client: what turns a job file into a submitted job (DESIGN.md §5). The runtime stores and runs
// artifacts; this package makes them (esbuild) and drives the Dispatcher from the client side.
export { bundleJob, JobBundleError, JobFileNotFoundError } from './job-bundler';
export { createClientExecutionContext } from './cluster-client';
export type { ClientContextOptions } from './cluster-client';
