import {
  KeyedStateUnavailableError,
  isCheckpointListener,
  isCheckpointedFunction,
  isRichFunction,
  type FunctionInitializationContext,
  type FunctionSnapshotContext,
  type RuntimeContext,
} from '@flott/core';
import { AsyncSnapshotStateError } from './operator-errors';
import type { StateInitializationContext, StateSnapshotContext } from './stream-operator';

// How an operator drives the user functions it holds through their life cycle (Flink's FunctionUtils
// and StreamingFunctionUtils): rich functions are opened and closed, CheckpointedFunctions take part
// in checkpoints, CheckpointListeners hear of completed and aborted ones. Functions that are none of
// these are left alone. Each step visits the functions in order, on the task's mailbox thread; it is
// synchronous unless a function returns a promise, and then the next function waits for it.

type Step = void | PromiseLike<void>;

function inOrder(functions: readonly unknown[], step: (f: unknown) => Step, from = 0): void | Promise<void> {
  for (let i = from; i < functions.length; i++) {
    const pending = step(functions[i]);
    if (pending !== undefined && typeof pending.then === 'function') return Promise.resolve(pending).then(() => inOrder(functions, step, i + 1));
  }
}

/** Gives each rich function the runtime context (at setup, as Flink: initializeState may use it already). */
export function setUserFunctionsRuntimeContext(functions: readonly unknown[], runtimeContext: RuntimeContext): void {
  for (const f of functions) if (isRichFunction(f)) f.setRuntimeContext(runtimeContext);
}

/** Gives each rich function the runtime context, then opens it. */
export function openUserFunctions(functions: readonly unknown[], runtimeContext: RuntimeContext): void | Promise<void> {
  return inOrder(functions, (f) => {
    if (!isRichFunction(f)) return;
    f.setRuntimeContext(runtimeContext);
    return f.open();
  });
}

/** Closes each rich function (also after failure or cancellation). */
export function closeUserFunctions(functions: readonly unknown[]): void | Promise<void> {
  return inOrder(functions, (f) => (isRichFunction(f) ? f.close() : undefined));
}

/** The operator's StateInitializationContext as a function sees it; the keyed store only where there is one. */
export function functionInitializationContext(context: StateInitializationContext): FunctionInitializationContext {
  return {
    isRestored: () => context.isRestored(),
    getRestoredCheckpointId: () => (context.isRestored() ? context.restoredCheckpointId : undefined),
    getOperatorStateStore: () => context.operatorStateStore,
    getKeyedStateStore: () => {
      if (!context.keyedStateStore) throw new KeyedStateUnavailableError();
      return context.keyedStateStore;
    },
  };
}

/** Calls `initializeState` of each CheckpointedFunction (before the operator opens). */
export function initializeUserFunctionState(functions: readonly unknown[], context: StateInitializationContext): void | Promise<void> {
  if (!functions.some(isCheckpointedFunction)) return;
  const functionContext = functionInitializationContext(context);
  return inOrder(functions, (f) => (isCheckpointedFunction(f) ? f.initializeState(functionContext) : undefined));
}

/** Calls `snapshotState` of each CheckpointedFunction; synchronous, as the barrier waits for it. */
export function snapshotUserFunctionState(functions: readonly unknown[], context: StateSnapshotContext): void {
  const functionContext: FunctionSnapshotContext = {
    getCheckpointId: () => context.checkpointId,
    getCheckpointTimestamp: () => context.checkpointTimestamp,
  };
  for (const f of functions) {
    if (!isCheckpointedFunction(f)) continue;
    const returned: unknown = f.snapshotState(functionContext);
    if (typeof (returned as PromiseLike<void> | undefined)?.then === 'function') {
      Promise.resolve(returned).catch(() => undefined); // the error below reports it; its rejection must not end the thread
      throw new AsyncSnapshotStateError(f.constructor?.name ?? 'the function');
    }
  }
}

/** Tells each CheckpointListener that checkpoint `checkpointId` completed. */
export function notifyUserFunctionsCheckpointComplete(functions: readonly unknown[], checkpointId: number): void | Promise<void> {
  return inOrder(functions, (f) => (isCheckpointListener(f) ? f.notifyCheckpointComplete(checkpointId) : undefined));
}

/** Tells each CheckpointListener that has `notifyCheckpointAborted` that checkpoint `checkpointId` was aborted. */
export function notifyUserFunctionsCheckpointAborted(functions: readonly unknown[], checkpointId: number): void | Promise<void> {
  return inOrder(functions, (f) => (isCheckpointListener(f) ? f.notifyCheckpointAborted?.(checkpointId) : undefined));
}
