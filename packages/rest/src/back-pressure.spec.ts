import { ExecutionState, type ExecutionSnapshot } from '@flott/runtime';
import { BackPressureSampler } from './back-pressure';

const attempt = (attemptId: string): ExecutionSnapshot => ({ vertexId: `v_${attemptId}`, attemptNumber: 0, attemptId, state: ExecutionState.RUNNING, stateTimestamps: {} });

describe('BackPressureSampler', () => {
  it('answers the ratios since the previous query of each attempt, with Flink\'s levels', () => {
    const sampler = new BackPressureSampler();
    const subtasks = [attempt('a'), attempt('b')];
    const first = sampler.answer(subtasks, { a: { elapsedMs: 1000, idleMs: 0, backPressuredMs: 800 }, b: { elapsedMs: 1000, idleMs: 900, backPressuredMs: 50 } }, 5);
    expect(first).toEqual({
      status: 'ok',
      'backpressure-level': 'high',
      'end-timestamp': 5,
      subtasks: [
        { subtask: 0, 'attempt-number': 0, 'backpressure-level': 'high', ratio: 0.8, idleRatio: 0, busyRatio: expect.closeTo(0.2, 10) },
        { subtask: 1, 'attempt-number': 0, 'backpressure-level': 'ok', ratio: 0.05, idleRatio: 0.9, busyRatio: expect.closeTo(0.05, 10) },
      ],
    });
    // In the next 1000 ms, subtask 0 was back-pressured 300 ms: low.
    const second = sampler.answer(subtasks, { a: { elapsedMs: 2000, idleMs: 0, backPressuredMs: 1100 }, b: { elapsedMs: 2000, idleMs: 1900, backPressuredMs: 50 } }, 6);
    expect(second).toMatchObject({ status: 'ok', 'backpressure-level': 'low', subtasks: [{ ratio: 0.3 }, { ratio: 0, idleRatio: 1, busyRatio: 0 }] });
  });

  it('says "deprecated" (no statistics) while a subtask has no sample', () => {
    const answer = new BackPressureSampler().answer([attempt('a'), attempt('b')], { a: { elapsedMs: 10, idleMs: 0, backPressuredMs: 0 } }, 1);
    expect(answer).toMatchObject({ status: 'deprecated', 'backpressure-level': 'ok' });
  });
});
