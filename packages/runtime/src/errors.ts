import { FlottError } from '@flott/core';

// Errors of the runtime's machinery (graphs, scheduling, slots, state backends). The FlottError base
// class, its JSON form and the errors job authors see are in @flott/core.

export class IllegalStateTransitionError extends FlottError {
  constructor(what: string, from: string, to: string) {
    super('ILLEGAL_STATE_TRANSITION', `Illegal ${what} transition ${from} -> ${to}`, { what, from, to });
  }
}

export class JobNotFoundError extends FlottError {
  constructor(jobId: string) {
    super('JOB_NOT_FOUND', `Job ${jobId} not found`, { jobId });
  }
}

export class JobGraphMismatchError extends FlottError {
  constructor(message: string, data: Record<string, unknown>) {
    super('JOB_GRAPH_MISMATCH', message, data);
  }
}

/** The job's main finished without calling execute() (Flink's ProgramMissingJobException). */
export class ProgramMissingJobError extends FlottError {
  constructor() {
    super(
      'PROGRAM_MISSING_JOB',
      "No job was executed: the job's main finished without calling env.execute() (or executeAndCollect()). " +
        'Perhaps you forgot to call execute() on the execution environment.',
    );
  }
}

export class SlotRequestTimeoutError extends FlottError {
  constructor(jobId: string, requested: number, timeoutMs: number) {
    super(
      'SLOT_REQUEST_TIMEOUT',
      `Job ${jobId} could not get ${requested} slot(s) within ${timeoutMs} ms (slot.request.timeout)`,
      { jobId, requested, timeoutMs },
    );
  }
}

export class JobExecutionError extends FlottError {
  constructor(jobId: string, message: string, options?: { cause?: unknown }) {
    super('JOB_EXECUTION_FAILED', message, { jobId }, options);
  }
}

/**
 * A key whose key group lies outside the subtask's KeyGroupRange: the key reached the wrong subtask,
 * most often because the key's hash is not deterministic across processes.
 */
export class KeyGroupOutOfRangeError extends FlottError {
  constructor(keyGroup: number, range: { readonly startKeyGroup: number; readonly endKeyGroup: number }, operatorId: string) {
    super(
      'KEY_GROUP_OUT_OF_RANGE',
      `Key group ${keyGroup} is not in KeyGroupRange [${range.startKeyGroup}, ${range.endKeyGroup}] of operator ${operatorId}. ` +
        'Unless low-level state access is used directly, this is most likely a key selector whose result is not deterministic.',
      { keyGroup, startKeyGroup: range.startKeyGroup, endKeyGroup: range.endKeyGroup, operatorId },
    );
  }
}

/** Checkpoint data that a handle points to is missing, corrupt, or the handle is foreign. */
export class CheckpointDataNotFoundError extends FlottError {
  constructor(handle: string, reason: string) {
    super('CHECKPOINT_DATA_NOT_FOUND', `Cannot read checkpoint data '${handle}': ${reason}`, { handle, reason });
  }
}

/**
 * A checkpoint or savepoint file that cannot be used: truncated, altered (checksum mismatch), foreign
 * (wrong magic), written by a newer format version, or malformed. `file` names it; `reason` says what is wrong.
 */
export class CorruptCheckpointError extends FlottError {
  constructor(file: string, reason: string) {
    super('CORRUPT_CHECKPOINT', `Corrupt or unreadable checkpoint file '${file}': ${reason}`, { file, reason });
  }
}

/** A state value the checkpoint format cannot encode (a cyclic structure, for instance). */
export class StateSerializationError extends FlottError {
  constructor(state: string, reason: string) {
    super('STATE_SERIALIZATION_FAILED', `Cannot write the value of state '${state}' into a checkpoint: ${reason}`, { state, reason });
  }
}

/** A state value written by a custom serializer cannot be read back (its serializer failed, or the bytes are not its form). */
export class StateDeserializationError extends FlottError {
  constructor(state: string, reason: string) {
    super('STATE_DESERIALIZATION_FAILED', `Cannot read the value of state '${state}' from a checkpoint: ${reason}`, { state, reason });
  }
}

/** The TaskManager holding a slot of the job left the cluster (its tasks are gone with it). */
export class TaskManagerLostError extends FlottError {
  constructor(resourceId: string, cause: string, allocationId: string, jobId: string | undefined) {
    super('TASK_MANAGER_LOST', `TaskManager ${resourceId} disconnected (${cause}); slot ${allocationId} is lost`, { resourceId, cause, allocationId, jobId });
  }
}
