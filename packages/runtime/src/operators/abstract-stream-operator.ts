import { isRichFunction, type RuntimeContext } from '@flott/core';
import type { OperatorEnvironment, Output, StreamOperator } from './stream-operator';

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
 * An operator that wraps a user function. Rich functions get the runtime context and `open()` when
 * the operator opens and `close()` when it closes (also after failure), as in Flink.
 */
export abstract class AbstractUdfStreamOperator<OUT, F> extends AbstractStreamOperator<OUT> {
  constructor(protected readonly userFunction: F) {
    super();
  }

  override open(): void | Promise<void> {
    const f = this.userFunction;
    if (isRichFunction(f)) {
      f.setRuntimeContext(this.env.runtimeContext);
      return f.open();
    }
  }

  override close(): void | Promise<void> {
    const f = this.userFunction;
    if (isRichFunction(f)) return f.close();
  }
}

/** Gives each rich function among `functions` the runtime context and opens it, in order. */
export async function openRichFunctions(functions: readonly unknown[], ctx: RuntimeContext): Promise<void> {
  for (const f of functions) {
    if (isRichFunction(f)) {
      f.setRuntimeContext(ctx);
      await f.open();
    }
  }
}

/** Closes each rich function among `functions`, in order. */
export async function closeRichFunctions(functions: readonly unknown[]): Promise<void> {
  for (const f of functions) if (isRichFunction(f)) await f.close();
}
