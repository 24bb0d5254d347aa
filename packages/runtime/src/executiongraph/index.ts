export { ExecutionState, JobStatus, checkExecutionTransition, checkJobTransition, canTransitionExecution,
  isTerminalExecutionState, isGloballyTerminal } from '../execution/execution-state';
export { Execution } from './execution';
export type { SlotAssignment, ExecutionStateListener, ExecutionSnapshot } from './execution';
export { ExecutionVertex } from './execution-vertex';
export type { ExecutionVertexContext } from './execution-vertex';
export { ExecutionJobVertex } from './execution-job-vertex';
export { IntermediateResult, IntermediateResultPartition } from './intermediate-result';
export { ExecutionGraph, DEFAULT_ATTEMPTS_HISTORY_SIZE } from './execution-graph';
export type { ExecutionGraphOptions, JobStatusListener, ListenerRegistration, InputChannelDescriptor,
  InputGateDescriptor } from './execution-graph';
export { wireEdge } from './edge-wiring';
export type { EdgeWiring, SubtaskChannel } from './edge-wiring';
export { ExecutionGraphSchedulingTopology } from './scheduling-topology-adapter';
