export { StreamGraph, DEFAULT_SLOT_SHARING_GROUP } from './stream-graph';
export type { StreamPartitioner, ChainingStrategy, StreamNode, StreamEdge, ExecutionConfigSnapshot } from './stream-graph';
export { createJobGraph, distributionPatternOf } from './job-graph-generator';
export type { CreateJobGraphOptions } from './job-graph-generator';
export { isChainable, checkForwardEdges, slotSharingGroupOf } from './chaining';
export { assignOperatorIds, operatorIdForUid, OPERATOR_ID_HEX_LENGTH } from './operator-ids';
export type { OperatorIdAssignment } from './operator-ids';
export { defaultMaxParallelism, MIN_DEFAULT_MAX_PARALLELISM, UPPER_BOUND_MAX_PARALLELISM } from '../deployment/max-parallelism';
export { describeJobGraph, jobGraphToJson } from './describe-job-graph';
