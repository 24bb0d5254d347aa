import { FlottError } from '@flott/core';
import { formatRecord } from '../format';

/** Characters of the input shown in a timeout's message. */
const INPUT_PREVIEW_CHARS = 200;

/** An async request had no result within the operator's timeout and its function has no `timeout()` of its own. */
export class AsyncOperationTimeoutError extends FlottError {
  constructor(operatorName: string, timeoutMs: number, input: unknown) {
    const text = formatRecord(input);
    const preview = text.length > INPUT_PREVIEW_CHARS ? `${text.slice(0, INPUT_PREVIEW_CHARS)}…` : text;
    super(
      'ASYNC_OPERATION_TIMEOUT',
      `Async function of operator '${operatorName}' timed out: no result within ${timeoutMs} ms for input ${preview} ` +
        '(give the function a timeout(input, resultFuture) to emit something else instead of failing the task)',
      { operator: operatorName, timeoutMs },
    );
  }
}

/** Async I/O options out of range (timeout, capacity). */
export class InvalidAsyncOptionsError extends FlottError {
  constructor(parameter: string, requirement: string, value: unknown) {
    super('INVALID_ASYNC_OPTIONS', `Async I/O: ${parameter} ${requirement}, got ${String(value)}`, { parameter, value: String(value) });
  }
}
