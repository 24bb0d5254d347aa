import { serializeError, type SerializedError } from '@flott/core';
import type { ExceptionHistoryEntry } from '../rpc/gateways';

/**
 * The failures a job went through, newest first (Flink's exception history behind
 * /jobs/:jobid/exceptions), at most `maxSize` of them (web.exception-history-size) so a job that
 * keeps restarting does not grow the JobMaster's memory.
 */
export class ExceptionHistory {
  private readonly entries: ExceptionHistoryEntry[] = [];

  constructor(private readonly maxSize: number) {}

  record(cause: Error | SerializedError, timestamp: number, task?: { name: string; taskManagerId?: string }): void {
    const exception = cause instanceof Error ? serializeError(cause) : cause;
    this.entries.unshift({
      exception,
      timestamp,
      ...(task ? { taskName: task.name } : {}),
      ...(task?.taskManagerId ? { taskManagerId: task.taskManagerId } : {}),
    });
    if (this.entries.length > this.maxSize) this.entries.length = this.maxSize;
  }

  snapshot(): ExceptionHistoryEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }
}
