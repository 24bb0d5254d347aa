import { NO_TIMESTAMP } from '@flott/core';
import { assignKeyToParallelOperator } from '../../network/key-groups';
import { OneInputOperatorTestHarness, TwoInputOperatorTestHarness } from './operator-test-harness';
import type { OperatorSnapshot } from './operator-snapshot';

/**
 * One step of a scripted run: a record (input 1, or `element2` for input 2 of a two-input operator),
 * a watermark (`watermark` reaches every input; `watermark1` / `watermark2` one input of a two-input
 * operator) or a move of processing time (to `processingTime`, not back).
 */
export type HarnessStep<IN1, IN2 = never> =
  | { readonly element: IN1; readonly timestamp?: number }
  | { readonly element2: IN2; readonly timestamp?: number }
  | { readonly watermark: number }
  | { readonly watermark1: number }
  | { readonly watermark2: number }
  | { readonly processingTime: number };

type ScriptedHarness<IN1, IN2> = OneInputOperatorTestHarness<IN1, unknown> | TwoInputOperatorTestHarness<IN1, IN2, unknown>;

/** An operator under test, run from a script at one or several subtasks. */
export interface HarnessScript<IN1, IN2 = never> {
  /**
   * A new harness with a new operator instance, for subtask `subtaskIndex` of `parallelism` (which
   * go into the harness's options). Called for every subtask of every run, so no state is shared.
   */
  create(subtaskIndex: number, parallelism: number): ScriptedHarness<IN1, IN2>;
  readonly steps: ReadonlyArray<HarnessStep<IN1, IN2>>;
  /** Keys of the records, to route them to their subtask when a run has several (Flink's keyBy). */
  readonly keyOf?: (value: IN1) => unknown;
  readonly keyOf2?: (value: IN2) => unknown;
}

/** How a scripted run is cut: snapshot after `splitAt` steps, at `before` subtasks, restored into `after` new ones. */
export interface RestorePoint {
  readonly splitAt: number;
  readonly before?: number;
  readonly after?: number;
}

/**
 * The output of the script run in one go, at parallelism 1: the harness's log lines in order
 * (records and side-output records with their timestamps, watermarks, statuses).
 */
export async function runUninterrupted<IN1, IN2>(script: HarnessScript<IN1, IN2>): Promise<string[]> {
  const h = script.create(0, 1);
  await h.open();
  runSteps([h], script, script.steps);
  await h.finish();
  await h.close();
  return h.output.logLines();
}

/**
 * The script with a checkpoint in the middle, as a job that fails and restores: the first `splitAt`
 * steps run on `before` subtasks (records routed by key), each is snapshotted and closed, `after` new
 * subtasks (new operator instances) start from all the snapshots and run the rest. A restored operator
 * sees no watermark until one arrives, as after a real restore; the sources would re-emit theirs, so
 * each restored subtask is first given the last watermark of each input and the processing time
 * (watermarks it only re-emits are left out of the output).
 *
 * At parallelism 1 on both sides the result is the log lines of both runs in order, comparable with
 * `runUninterrupted`; otherwise the subtasks interleave, so it is their records and side-output
 * records sorted (watermarks left out).
 */
export async function runWithRestore<IN1, IN2>(script: HarnessScript<IN1, IN2>, point: RestorePoint): Promise<string[]> {
  const { splitAt, before = 1, after = 1 } = point;
  const first = Array.from({ length: before }, (_, i) => script.create(i, before));
  for (const h of first) await h.open();
  runSteps(first, script, script.steps.slice(0, splitAt));
  const snapshots: OperatorSnapshot[] = first.map((h) => h.snapshot(1));
  for (const h of first) await h.close();

  const resumed = script.steps.slice(0, splitAt);
  const second = Array.from({ length: after }, (_, i) => script.create(i, after));
  for (const h of second) {
    await h.initializeState({ from: snapshots });
    await h.open();
    resume(h, resumed);
    if (h.output.log.every((e) => e.kind === 'watermark')) h.output.clear();
  }
  runSteps(second, script, script.steps.slice(splitAt));
  for (const h of second) {
    await h.finish();
    await h.close();
  }
  const all = [...first, ...second];
  if (before === 1 && after === 1) return all.flatMap((h) => h.output.logLines());
  return all.flatMap((h) => h.output.logLines().filter((_, i) => h.output.log[i].kind === 'record' || h.output.log[i].kind === 'side')).sort();
}

/** The steps in order; a record goes to the subtask of its key (the only one when there is one). */
function runSteps<IN1, IN2>(subtasks: ReadonlyArray<ScriptedHarness<IN1, IN2>>, script: HarnessScript<IN1, IN2>, steps: ReadonlyArray<HarnessStep<IN1, IN2>>): void {
  const subtaskOf = (key: () => unknown): ScriptedHarness<IN1, IN2> => {
    if (subtasks.length === 1) return subtasks[0];
    const { maxParallelism } = subtasks[0].subtask;
    return subtasks[assignKeyToParallelOperator(key(), maxParallelism, subtasks.length)];
  };
  for (const step of steps) {
    if ('element' in step) {
      const h = subtaskOf(() => keyed(script.keyOf)(step.element));
      if (h instanceof TwoInputOperatorTestHarness) h.processElement1(step.element, step.timestamp ?? NO_TIMESTAMP);
      else h.processElement(step.element, step.timestamp ?? NO_TIMESTAMP);
    } else if ('element2' in step) {
      twoInput(subtaskOf(() => keyed(script.keyOf2)(step.element2))).processElement2(step.element2, step.timestamp ?? NO_TIMESTAMP);
    } else {
      for (const h of subtasks) other(h, step);
    }
  }
}

/** Gives a restored subtask the last watermark of each input and the processing time the script reached. */
function resume<IN1, IN2>(h: ScriptedHarness<IN1, IN2>, done: ReadonlyArray<HarnessStep<IN1, IN2>>): void {
  let wm1: number | undefined;
  let wm2: number | undefined;
  let time: number | undefined;
  for (const step of done) {
    if ('watermark' in step) wm1 = wm2 = step.watermark;
    else if ('watermark1' in step) wm1 = step.watermark1;
    else if ('watermark2' in step) wm2 = step.watermark2;
    else if ('processingTime' in step) time = step.processingTime;
  }
  if (time !== undefined) h.setProcessingTime(time);
  if (h instanceof TwoInputOperatorTestHarness) {
    if (wm1 !== undefined) h.processWatermark1(wm1);
    if (wm2 !== undefined) h.processWatermark2(wm2);
  } else if (wm1 !== undefined) {
    h.processWatermark(wm1);
  }
}

function other<IN1, IN2>(h: ScriptedHarness<IN1, IN2>, step: HarnessStep<IN1, IN2>): void {
  if ('processingTime' in step) h.setProcessingTime(step.processingTime);
  else if ('watermark1' in step) twoInput(h).processWatermark1(step.watermark1);
  else if ('watermark2' in step) twoInput(h).processWatermark2(step.watermark2);
  else if ('watermark' in step) {
    if (h instanceof TwoInputOperatorTestHarness) {
      h.processWatermark1(step.watermark);
      h.processWatermark2(step.watermark);
    } else {
      h.processWatermark(step.watermark);
    }
  }
}

function twoInput<IN1, IN2>(h: ScriptedHarness<IN1, IN2>): TwoInputOperatorTestHarness<IN1, IN2, unknown> {
  if (!(h instanceof TwoInputOperatorTestHarness)) throw new Error('Assertion failed: a step for input 2 or one input\'s watermark needs a two-input harness');
  return h;
}

function keyed<T>(keyOf: ((value: T) => unknown) | undefined): (value: T) => unknown {
  if (!keyOf) throw new Error('Assertion failed: a script run at parallelism > 1 needs keyOf (and keyOf2) to route its records');
  return keyOf;
}

/** Where a run with a restore went another way than the uninterrupted run: its first differing output line. */
export interface RestoreDifference {
  readonly splitAt: number;
  readonly line: number;
  readonly expected: string | undefined;
  readonly actual: string | undefined;
}

/**
 * Restores the script at parallelism 1 after every step (0 to all) and compares each output with the
 * uninterrupted run's (Flink's WindowOperatorTest snapshots mid-run in most of its cases; this tries
 * every point). Returns the differences, none when a restore never changes the output.
 *
 * Records between two watermarks (or statuses) are compared as sorted lists, as Flink's
 * assertOutputEqualsSorted does: timers of one timestamp fire in the order they were registered, and
 * a restore registers them again by key group, so equal-time firings of different keys may swap.
 */
export async function differencesAcrossRestores<IN1, IN2>(script: HarnessScript<IN1, IN2>): Promise<RestoreDifference[]> {
  const expected = sortedBetweenWatermarks(await runUninterrupted(script));
  const differences: RestoreDifference[] = [];
  for (let splitAt = 0; splitAt <= script.steps.length; splitAt++) {
    const actual = sortedBetweenWatermarks(await runWithRestore(script, { splitAt }));
    const line = firstDifference(expected, actual);
    if (line >= 0) differences.push({ splitAt, line, expected: expected[line], actual: actual[line] });
  }
  return differences;
}

function firstDifference(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return -1;
}

/** Log lines with each run of records between watermark and status lines sorted. */
export function sortedBetweenWatermarks(lines: readonly string[]): string[] {
  const out: string[] = [];
  let run: string[] = [];
  for (const line of lines) {
    if (line.startsWith('wm ') || line === 'IDLE' || line === 'ACTIVE') {
      out.push(...run.sort(), line);
      run = [];
    } else {
      run.push(line);
    }
  }
  return [...out, ...run.sort()];
}
