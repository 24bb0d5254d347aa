/// <reference types="jest" />
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sink } from '@flott/core';
import { ManualClock } from '@flott/runtime/common';
import { CommitterOperator, SinkWriterOperator, type CommittableMessage } from '@flott/runtime/internal';
import { OneInputOperatorTestHarness, type OperatorSnapshot } from '@flott/runtime/testing';
import type { FileSink } from '../file-sink/file-sink';

export interface PairSnapshot {
  readonly writer: OperatorSnapshot;
  readonly committer: OperatorSnapshot;
}

/**
 * One sink subtask as a task runs it: the writer operator chained to the committer operator, each in
 * an operator test harness; a checkpoint hands the writer's committables to the committer before both
 * snapshot, as the task's prepareSnapshotPreBarrier does.
 */
export class SinkSubtask<IN> {
  readonly writer: OneInputOperatorTestHarness<IN, CommittableMessage<unknown>>;
  readonly committer: OneInputOperatorTestHarness<CommittableMessage<unknown>, CommittableMessage<unknown>>;
  private forwarded = 0;

  constructor(sink: FileSink<IN>, readonly clock = new ManualClock(0), subtaskIndex = 0, parallelism = 1) {
    const options = { clock, subtaskIndex, parallelism };
    this.writer = new OneInputOperatorTestHarness(new SinkWriterOperator(sink as Sink<IN>), options);
    this.committer = new OneInputOperatorTestHarness(new CommitterOperator(sink, 3), options);
  }

  async open(from?: readonly PairSnapshot[]): Promise<this> {
    if (from) {
      await this.writer.initializeState({ from: from.map((s) => s.writer) });
      await this.committer.initializeState({ from: from.map((s) => s.committer) });
    }
    await this.committer.open();
    await this.writer.open();
    return this;
  }

  write(...values: IN[]): void {
    for (const v of values) this.writer.processElement(v);
  }

  checkpoint(id: number): PairSnapshot {
    const writer = this.writer.snapshot(id);
    this.forward();
    return { writer, committer: this.committer.snapshot(id) };
  }

  async complete(id: number): Promise<void> {
    await this.committer.operator.notifyCheckpointComplete!(id);
  }

  async finish(): Promise<void> {
    await this.writer.operator.finish();
    this.forward();
    await this.committer.operator.finish();
    await this.close();
  }

  /** Ends the subtask as a failure does: operators closed, nothing finished. */
  async close(): Promise<void> {
    await this.writer.operator.close();
    await this.committer.operator.close();
  }

  private forward(): void {
    const records = this.writer.output.records;
    for (; this.forwarded < records.length; this.forwarded++) this.committer.processElement(records[this.forwarded].value);
  }
}

/** Finished part files (not hidden) of `dir`, sorted, with their content. */
export function finishedFiles(dir: string): Record<string, string> {
  const files = readdirSync(dir).filter((f) => !f.startsWith('.')).sort();
  return Object.fromEntries(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
}

export function hiddenFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.startsWith('.')).sort();
}
