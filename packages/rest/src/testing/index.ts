// @flott/rest/testing: what tests of REST answers share.
export { FlinkRestSpec } from './flink-rest-spec';
export type { OpenApiDocument } from './flink-rest-spec';
export { MalformedRequests, fuzzRestEndpoint, sendFuzzRequest } from './malformed-requests';
export type { FuzzRequest, FuzzTarget, FuzzOutcome } from './malformed-requests';
export { request } from './http';
export type { HttpAnswer } from './http';
