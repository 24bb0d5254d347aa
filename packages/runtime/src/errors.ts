/**
 * Typed errors. Every error that crosses a process, thread or REST boundary is a FlottError with a
 * stable `code`; `toJSON()`/`fromJSON()` carry it across and keep `instanceof` working for the base
 * class (subclasses are matched by `code`, so two copies of the library still agree).
 */
export interface SerializedError {
  readonly code: string;
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly data?: Record<string, unknown>;
  readonly cause?: SerializedError;
}

export class FlottError extends Error {
  readonly code: string;
  readonly data: Record<string, unknown>;

  constructor(code: string, message: string, data: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.data = data;
    this.name = new.target.name;
  }

  static isFlottError(e: unknown): e is FlottError {
    return e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && 'data' in e;
  }

  toJSON(): SerializedError {
    return serializeError(this);
  }
}

/** Any thrown value to a plain, cloneable description (keeps user stack traces). */
export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) {
    const code = FlottError.isFlottError(e) ? e.code : 'USER_ERROR';
    const data = FlottError.isFlottError(e) ? e.data : undefined;
    const cause = e.cause !== undefined ? serializeError(e.cause) : undefined;
    return { code, name: e.name, message: e.message, stack: e.stack, data, cause };
  }
  return { code: 'USER_ERROR', name: 'Error', message: String(e) };
}

/** Rebuilds an error on the receiving side; the original stack trace is preserved. */
export class RemoteError extends FlottError {
  readonly remoteName: string;
  constructor(s: SerializedError) {
    super(s.code, s.message, s.data ?? {}, s.cause ? { cause: new RemoteError(s.cause) } : undefined);
    this.remoteName = s.name;
    this.name = s.name;
    if (s.stack) this.stack = s.stack;
  }
}

export function deserializeError(s: SerializedError): Error {
  return new RemoteError(s);
}

export class ConfigurationError extends FlottError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super('CONFIGURATION_ERROR', message, data);
  }
}

export class UnknownImplementationError extends ConfigurationError {
  constructor(spi: string, key: string, name: string, known: readonly string[]) {
    super(`Unknown ${spi} '${name}' for '${key}'. Known: ${known.join(', ') || '(none registered)'}`, {
      spi,
      key,
      name,
      known: [...known],
    });
  }
}

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

export class JobBuildError extends FlottError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('JOB_BUILD_FAILED', message, {}, options);
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

/** A broken invariant: a bug, never an operating error. Fails loudly. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Assertion failed: ${message}`);
}
