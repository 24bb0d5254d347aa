import type { ExecutionSnapshot, TaskTimeSample } from '@flott/runtime';

/** Attempts whose last sample is kept; the oldest go first (a long-running cluster sees many). */
const MAX_SAMPLED_ATTEMPTS = 10_000;

type Level = 'ok' | 'low' | 'high';

/** Flink's thresholds (JobVertexBackPressureInfo): up to 10 % back-pressured is ok, up to 50 % low. */
function level(ratio: number): Level {
  return ratio <= 0.1 ? 'ok' : ratio <= 0.5 ? 'low' : 'high';
}

/**
 * /jobs/:jobid/vertices/:vertexid/backpressure from the tasks' cumulative busy / idle /
 * back-pressured times: the ratios cover the time since the previous query of the same attempt
 * (since it started, the first time), as Flink's rates cover the last sampling window.
 */
export class BackPressureSampler {
  private readonly previous = new Map<string, TaskTimeSample>();

  answer(subtasks: readonly ExecutionSnapshot[], samples: Record<string, TaskTimeSample>, now: number): Record<string, unknown> {
    const rows: Array<Record<string, unknown>> = [];
    for (const [subtask, attempt] of subtasks.entries()) {
      const sample = samples[attempt.attemptId];
      if (!sample) continue;
      const before = this.previous.get(attempt.attemptId) ?? { elapsedMs: 0, idleMs: 0, backPressuredMs: 0 };
      this.remember(attempt.attemptId, sample);
      const window = sample.elapsedMs - before.elapsedMs;
      const ratio = window > 0 ? Math.min(1, (sample.backPressuredMs - before.backPressuredMs) / window) : 0;
      const idleRatio = window > 0 ? Math.min(1 - ratio, (sample.idleMs - before.idleMs) / window) : 0;
      rows.push({
        subtask,
        'attempt-number': attempt.attemptNumber,
        'backpressure-level': level(ratio),
        ratio,
        idleRatio,
        busyRatio: Math.max(0, 1 - ratio - idleRatio),
      });
    }
    // No sample of some running subtask: Flink's answer for "no statistics" is status deprecated.
    if (rows.length === 0 || rows.length < subtasks.length) return { status: 'deprecated', 'backpressure-level': 'ok', 'end-timestamp': now, subtasks: rows };
    const worst = Math.max(...rows.map((r) => r.ratio as number));
    return { status: 'ok', 'backpressure-level': level(worst), 'end-timestamp': now, subtasks: rows };
  }

  private remember(attemptId: string, sample: TaskTimeSample): void {
    this.previous.delete(attemptId);
    this.previous.set(attemptId, sample);
    if (this.previous.size > MAX_SAMPLED_ATTEMPTS) this.previous.delete(this.previous.keys().next().value as string);
  }
}
