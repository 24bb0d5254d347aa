// Async I/O (issue 17): the operator AsyncDataStream builds, its element queues and errors.
export { AsyncWaitOperator, checkAsyncOptions, DEFAULT_ASYNC_CAPACITY, MAX_ASYNC_CAPACITY, MAX_ASYNC_TIMEOUT_MS, ASYNC_WAIT_STATE_NAME } from './async-wait-operator';
export type { AsyncOutputMode, AsyncWaitOptions } from './async-wait-operator';
export { OrderedStreamElementQueue, UnorderedStreamElementQueue } from './stream-element-queue';
export type { StreamElementQueue, QueuedElement, QueueEntry } from './stream-element-queue';
export { AsyncOperationTimeoutError, InvalidAsyncOptionsError } from './async-errors';
