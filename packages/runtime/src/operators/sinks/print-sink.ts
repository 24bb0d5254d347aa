import { AbstractStreamOperator } from '../abstract-stream-operator';
import { formatRecord } from '../format';
import type { OneInputStreamOperator } from '../stream-operator';

/**
 * Flink's PrintSinkFunction: one line per record to the task's stdout (or stderr). The prefix is
 * "identifier:subtask> " when parallel, "subtask> " without identifier, "identifier> " at
 * parallelism 1 with one, and nothing otherwise; subtasks are numbered from 1.
 */
export class PrintSink<T> extends AbstractStreamOperator<unknown> implements OneInputStreamOperator<T, unknown> {
  private prefix = '';

  constructor(
    private readonly sinkIdentifier = '',
    private readonly target: 'stdout' | 'stderr' = 'stdout',
  ) {
    super();
  }

  override open(): void {
    const ctx = this.env.runtimeContext;
    this.prefix = printPrefix(this.sinkIdentifier, ctx.getIndexOfThisSubtask(), ctx.getNumberOfParallelSubtasks());
  }

  processElement(value: T): void {
    const line = this.prefix + formatRecord(value);
    if (this.target === 'stdout') this.env.stdout(line);
    else this.env.stderr(line);
  }

  processWatermark(): void {}
}

export function printPrefix(sinkIdentifier: string, subtaskIndex: number, parallelism: number): string {
  let prefix = sinkIdentifier;
  if (parallelism > 1) {
    if (prefix.length > 0) prefix += ':';
    prefix += String(subtaskIndex + 1);
  }
  return prefix.length > 0 ? `${prefix}> ` : '';
}
