import { registerErrorClassLoader } from '@flott/core';

/**
 * For a thread that never loads the runtime's index (a slot or coordinator thread loads the task side and
 * `@flott/runtime/common`, not the MiniCluster's ~400 modules): the index registers all the runtime's error
 * classes, so it is loaded the first time an error of a class this thread has not registered arrives.
 */
export function registerRuntimeErrorClassesOnDemand(): void {
  registerErrorClassLoader(() => require('./index'));
}
