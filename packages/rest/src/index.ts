// @flott/rest: Flink's REST API v1 on the Dispatcher (DESIGN.md §8), served by fastify.
export { RestServerEndpoint, bindPorts } from './rest-server-endpoint';
export type { RestServerEndpointOptions } from './rest-server-endpoint';
export { miniClusterInfo, resourceManagerClusterInfo } from './cluster-info';
export type { ClusterInfoGateway, TaskManagerSummary } from './cluster-info';
export { RestHandlerError } from './rest-errors';
export type { JobGraphFile } from './handlers/submit-handler';

// This package's errors arrive as their own classes when they cross a process or thread (deserializeError).
import { registerErrorClasses } from '@flott/core';
import * as thisPackage from './index';
registerErrorClasses(thisPackage);
