import { FlottError, type SerializedError } from '@flott/core';

/**
 * An answer other than 2xx, with Flink's body `{"errors": [...]}`. Handlers throw it for what the
 * request got wrong; the endpoint's error handler also maps the runtime's typed errors to one
 * ({@link statusOfError}) so a bad request never surfaces as a 500.
 */
export class RestHandlerError extends FlottError {
  constructor(
    readonly httpStatus: number,
    message: string,
    data?: Record<string, unknown>,
  ) {
    super('REST_HANDLER_ERROR', message, { httpStatus, ...data });
  }
}

/**
 * HTTP status for an error the Dispatcher or a JobMaster answered with: what the request asked for
 * does not exist (404), does not fit the job's state (409) or is malformed (400). Anything else is a
 * fault of the cluster: 500.
 */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  JOB_NOT_FOUND: 404,
  BLOB_NOT_FOUND: 404,
  INVALID_JOB_SUBMISSION: 400,
  BLOB_TOO_LARGE: 413,
  CONFIGURATION_ERROR: 400,
  SAVEPOINT_NOT_SUPPORTED: 409,
  FULL_CHECKPOINT_NOT_SUPPORTED: 409,
  CHECKPOINT_NOT_TRIGGERED: 409,
  STOP_WITH_SAVEPOINT_IN_PROGRESS: 409,
};

export function statusOfError(e: unknown): number {
  if (e instanceof RestHandlerError) return e.httpStatus;
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && code in STATUS_BY_CODE) return STATUS_BY_CODE[code];
  // fastify's own (body too large, unsupported media type, invalid JSON, schema validation).
  const statusCode = (e as { statusCode?: unknown })?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 600) return statusCode;
  return 500;
}

/** Flink's `failure-cause` of an asynchronous operation, plus the typed error for Flott's clients. */
export function failureCause(error: SerializedError): Record<string, unknown> {
  return {
    class: error.name,
    'stack-trace': error.stack ?? `${error.name}: ${error.message}`,
    'serialized-throwable': Buffer.from(JSON.stringify(error)).toString('base64'),
    'flott-error': error,
  };
}
