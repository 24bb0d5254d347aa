// @flott/client: what turns a job file into a submitted job (DESIGN.md §5). The runtime stores and runs
// artifacts; this package makes them (esbuild) and drives the Dispatcher from the client side.
export { bundleJob, JobBundleError, JobFileNotFoundError } from './job-bundler';
export { createClientExecutionContext } from './cluster-client';
export type { ClientContextOptions } from './cluster-client';
export { RestClusterClient, restBaseUrl } from './rest-cluster-client';
export type { RestClusterClientOptions } from './rest-cluster-client';
export { RestTransport, RestRequestError, ClusterUnreachableError } from './rest-transport';
export type { RestCall } from './rest-transport';

// This package's errors arrive as their own classes when they cross a process or thread (deserializeError).
import { registerErrorClasses } from '@flott/core';
import * as thisPackage from './index';
registerErrorClasses(thisPackage);
