import { IllegalStateTransitionError } from '../errors';

/** States of one execution attempt of a subtask, as Flink's ExecutionState. */
export enum ExecutionState {
  CREATED = 'CREATED',
  SCHEDULED = 'SCHEDULED',
  DEPLOYING = 'DEPLOYING',
  INITIALIZING = 'INITIALIZING',
  RUNNING = 'RUNNING',
  FINISHED = 'FINISHED',
  CANCELING = 'CANCELING',
  CANCELED = 'CANCELED',
  FAILED = 'FAILED',
}

const E = ExecutionState;
const EXECUTION_TRANSITIONS: Readonly<Record<ExecutionState, readonly ExecutionState[]>> = {
  [E.CREATED]: [E.SCHEDULED, E.CANCELED, E.FAILED],
  [E.SCHEDULED]: [E.DEPLOYING, E.CANCELED, E.FAILED],
  [E.DEPLOYING]: [E.INITIALIZING, E.RUNNING, E.FINISHED, E.CANCELING, E.CANCELED, E.FAILED],
  [E.INITIALIZING]: [E.RUNNING, E.FINISHED, E.CANCELING, E.CANCELED, E.FAILED],
  [E.RUNNING]: [E.FINISHED, E.CANCELING, E.CANCELED, E.FAILED],
  [E.CANCELING]: [E.CANCELED, E.FAILED],
  [E.FINISHED]: [],
  [E.CANCELED]: [],
  [E.FAILED]: [],
};

export function isTerminalExecutionState(s: ExecutionState): boolean {
  return s === E.FINISHED || s === E.CANCELED || s === E.FAILED;
}

export function canTransitionExecution(from: ExecutionState, to: ExecutionState): boolean {
  return EXECUTION_TRANSITIONS[from].includes(to);
}

/** Throws IllegalStateTransitionError for a transition Flink does not allow. */
export function checkExecutionTransition(from: ExecutionState, to: ExecutionState): void {
  if (!canTransitionExecution(from, to)) throw new IllegalStateTransitionError('execution state', from, to);
}

/** States of a job, as Flink's JobStatus. */
export enum JobStatus {
  INITIALIZING = 'INITIALIZING',
  CREATED = 'CREATED',
  RUNNING = 'RUNNING',
  FAILING = 'FAILING',
  FAILED = 'FAILED',
  CANCELLING = 'CANCELLING',
  CANCELED = 'CANCELED',
  FINISHED = 'FINISHED',
  RESTARTING = 'RESTARTING',
  SUSPENDED = 'SUSPENDED',
}

const J = JobStatus;
const JOB_TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  [J.INITIALIZING]: [J.CREATED, J.FAILED, J.CANCELED, J.SUSPENDED],
  [J.CREATED]: [J.RUNNING, J.FAILED, J.CANCELLING, J.CANCELED, J.SUSPENDED],
  [J.RUNNING]: [J.FINISHED, J.FAILING, J.CANCELLING, J.RESTARTING, J.FAILED, J.SUSPENDED],
  [J.FAILING]: [J.FAILED, J.RESTARTING, J.CANCELLING, J.SUSPENDED],
  [J.RESTARTING]: [J.RUNNING, J.CREATED, J.FAILING, J.FAILED, J.CANCELLING, J.CANCELED, J.SUSPENDED],
  [J.CANCELLING]: [J.CANCELED, J.FAILED, J.SUSPENDED],
  [J.FINISHED]: [],
  [J.FAILED]: [],
  [J.CANCELED]: [],
  [J.SUSPENDED]: [],
};

/** FINISHED, FAILED and CANCELED end a job for good; SUSPENDED only on this JobManager. */
export function isGloballyTerminal(s: JobStatus): boolean {
  return s === J.FINISHED || s === J.FAILED || s === J.CANCELED;
}

export function checkJobTransition(from: JobStatus, to: JobStatus): void {
  if (!JOB_TRANSITIONS[from].includes(to)) throw new IllegalStateTransitionError('job status', from, to);
}
