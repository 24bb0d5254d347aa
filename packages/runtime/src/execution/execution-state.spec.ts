import { IllegalStateTransitionError } from '../errors';
import {
  canTransitionExecution,
  checkExecutionTransition,
  checkJobTransition,
  ExecutionState as E,
  isGloballyTerminal,
  isTerminalExecutionState,
  JobStatus as J,
} from './execution-state';

// Flink's state machines, written out independently of the implementation's table.
const LEGAL_EXECUTION: ReadonlyArray<readonly [E, E]> = [
  [E.CREATED, E.SCHEDULED], [E.CREATED, E.CANCELED], [E.CREATED, E.FAILED],
  [E.SCHEDULED, E.DEPLOYING], [E.SCHEDULED, E.CANCELED], [E.SCHEDULED, E.FAILED],
  [E.DEPLOYING, E.INITIALIZING], [E.DEPLOYING, E.RUNNING], [E.DEPLOYING, E.FINISHED], [E.DEPLOYING, E.CANCELING],
  [E.DEPLOYING, E.CANCELED], [E.DEPLOYING, E.FAILED],
  [E.INITIALIZING, E.RUNNING], [E.INITIALIZING, E.FINISHED], [E.INITIALIZING, E.CANCELING], [E.INITIALIZING, E.CANCELED],
  [E.INITIALIZING, E.FAILED],
  [E.RUNNING, E.FINISHED], [E.RUNNING, E.CANCELING], [E.RUNNING, E.CANCELED], [E.RUNNING, E.FAILED],
  [E.CANCELING, E.CANCELED], [E.CANCELING, E.FAILED],
];

const LEGAL_JOB: ReadonlyArray<readonly [J, J]> = [
  [J.INITIALIZING, J.CREATED], [J.INITIALIZING, J.FAILED], [J.INITIALIZING, J.CANCELED], [J.INITIALIZING, J.SUSPENDED],
  [J.CREATED, J.RUNNING], [J.CREATED, J.FAILED], [J.CREATED, J.CANCELLING], [J.CREATED, J.CANCELED], [J.CREATED, J.SUSPENDED],
  [J.RUNNING, J.FINISHED], [J.RUNNING, J.FAILING], [J.RUNNING, J.CANCELLING], [J.RUNNING, J.RESTARTING], [J.RUNNING, J.FAILED],
  [J.RUNNING, J.SUSPENDED],
  [J.FAILING, J.FAILED], [J.FAILING, J.RESTARTING], [J.FAILING, J.CANCELLING], [J.FAILING, J.SUSPENDED],
  [J.RESTARTING, J.RUNNING], [J.RESTARTING, J.CREATED], [J.RESTARTING, J.FAILING], [J.RESTARTING, J.FAILED],
  [J.RESTARTING, J.CANCELLING], [J.RESTARTING, J.CANCELED], [J.RESTARTING, J.SUSPENDED],
  [J.CANCELLING, J.CANCELED], [J.CANCELLING, J.FAILED], [J.CANCELLING, J.SUSPENDED],
];

const key = (a: string, b: string): string => `${a}->${b}`;

describe('ExecutionState transitions', () => {
  it.each(LEGAL_EXECUTION)('allows %s -> %s', (from, to) => {
    expect(() => checkExecutionTransition(from, to)).not.toThrow();
    expect(canTransitionExecution(from, to)).toBe(true);
  });

  it.each([
    [E.FINISHED, E.RUNNING],
    [E.CREATED, E.RUNNING],
    [E.CANCELED, E.FAILED],
    [E.RUNNING, E.CREATED],
    [E.FAILED, E.CREATED],
    [E.RUNNING, E.RUNNING],
  ])('rejects %s -> %s with IllegalStateTransitionError', (from, to) => {
    expect(() => checkExecutionTransition(from, to)).toThrow(IllegalStateTransitionError);
    expect(() => checkExecutionTransition(from, to)).toThrow(`Illegal execution state transition ${from} -> ${to}`);
  });

  it('allows exactly the listed transitions among all pairs', () => {
    const legal = new Set(LEGAL_EXECUTION.map(([a, b]) => key(a, b)));
    const all = Object.values(E);
    let rejected = 0;
    for (const from of all) {
      for (const to of all) {
        expect([key(from, to), canTransitionExecution(from, to)]).toEqual([key(from, to), legal.has(key(from, to))]);
        if (!legal.has(key(from, to))) rejected++;
      }
    }
    expect(rejected).toBe(81 - 23);
  });

  it('knows the terminal states', () => {
    expect(Object.values(E).filter(isTerminalExecutionState)).toEqual([E.FINISHED, E.CANCELED, E.FAILED]);
  });
});

describe('JobStatus transitions', () => {
  it.each(LEGAL_JOB)('allows %s -> %s', (from, to) => {
    expect(() => checkJobTransition(from, to)).not.toThrow();
  });

  it('rejects every pair not listed, with IllegalStateTransitionError', () => {
    const legal = new Set(LEGAL_JOB.map(([a, b]) => key(a, b)));
    let rejected = 0;
    for (const from of Object.values(J)) {
      for (const to of Object.values(J)) {
        if (legal.has(key(from, to))) continue;
        expect(() => checkJobTransition(from, to)).toThrow(IllegalStateTransitionError);
        rejected++;
      }
    }
    expect(rejected).toBe(100 - 29);
    expect(() => checkJobTransition(J.FINISHED, J.RUNNING)).toThrow('Illegal job status transition FINISHED -> RUNNING');
  });

  it('knows the globally terminal states', () => {
    expect(Object.values(J).filter(isGloballyTerminal)).toEqual([J.FAILED, J.CANCELED, J.FINISHED]);
  });
});
