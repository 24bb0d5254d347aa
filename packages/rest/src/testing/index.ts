// @flott/rest/testing: what tests of REST answers share.
export { FlinkRestSpec } from './flink-rest-spec';
export type { OpenApiDocument } from './flink-rest-spec';
