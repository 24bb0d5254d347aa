import type { OperatorEnvironment, Output, StateInitializationContext, StateSnapshotContext, StreamOperator } from './stream-operator';
import {
  closeUserFunctions,
  initializeUserFunctionState,
  notifyUserFunctionsCheckpointAborted,
  notifyUserFunctionsCheckpointComplete,
  openUserFunctions,
  setUserFunctionsRuntimeContext,
  snapshotUserFunctionState,
} from './user-function-life-cycle';

/**
 * Base of the built-in operators: keeps the environment the task hands over in `setup` and gives
 * subclasses empty life-cycle steps to override. Runs on the task's mailbox thread only.
 */
export abstract class AbstractStreamOperator<OUT> implements StreamOperator<OUT> {
  private environment?: OperatorEnvironment<OUT>;
  /** A plain field, not a getter: every record goes through it. */
  protected output!: Output<OUT>;

  setup(env: OperatorEnvironment<OUT>): void {
    this.environment = env;
    this.output = env.output;
  }

  protected get env(): OperatorEnvironment<OUT> {
    if (!this.environment) throw new Error('Assertion failed: operator used before setup()');
    return this.environment;
  }

  open(): void | Promise<void> {}
  finish(): void | Promise<void> {}
  close(): void | Promise<void> {}

  /** Forwards the input's watermark status (Flink's default); operators that combine inputs override. */
  processWatermarkStatus(idle: boolean): void {
    this.output.emitWatermarkStatus?.(idle);
  }
}

/**
 * An operator that wraps a user function (Flink's AbstractUdfStreamOperator). Rich functions get the
 * runtime context and `open()` when the operator opens and `close()` when it closes (also after
 * failure); a CheckpointedFunction gets `initializeState` before that and `snapshotState` at each
 * checkpoint; a CheckpointListener hears of completed and aborted checkpoints. Subclasses that
 * override a hook call `super`.
 */
export abstract class AbstractUdfStreamOperator<OUT, F> extends AbstractStreamOperator<OUT> {
  constructor(protected readonly userFunction: F) {
    super();
  }

  /** The user functions behind `userFunction` (itself, unless it wraps several, as a window function does). */
  protected get userFunctions(): readonly unknown[] {
    return [this.userFunction];
  }

  override setup(env: OperatorEnvironment<OUT>): void {
    super.setup(env);
    setUserFunctionsRuntimeContext(this.userFunctions, env.runtimeContext);
  }

  initializeState(context: StateInitializationContext): void | Promise<void> {
    return initializeUserFunctionState(this.userFunctions, context);
  }

  override open(): void | Promise<void> {
    return openUserFunctions(this.userFunctions, this.env.runtimeContext);
  }

  snapshotState(context: StateSnapshotContext): void {
    snapshotUserFunctionState(this.userFunctions, context);
  }

  notifyCheckpointComplete(checkpointId: number): void | Promise<void> {
    return notifyUserFunctionsCheckpointComplete(this.userFunctions, checkpointId);
  }

  notifyCheckpointAborted(checkpointId: number): void | Promise<void> {
    return notifyUserFunctionsCheckpointAborted(this.userFunctions, checkpointId);
  }

  override close(): void | Promise<void> {
    return closeUserFunctions(this.userFunctions);
  }
}
