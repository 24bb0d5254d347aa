import { IllegalStateTransitionError } from '../errors';
import { ManualClock } from '../time/clock';
import { Execution } from './execution';
import { ExecutionState as E } from '../execution/execution-state';
import { ExecutionVertex, type ExecutionVertexContext } from './execution-vertex';
import type { JobVertexDescriptor } from '../deployment/job-graph';

const jobVertex: JobVertexDescriptor = {
  id: 'a'.repeat(32),
  name: 'Map -> Filter',
  parallelism: 4,
  maxParallelism: 128,
  slotSharingGroup: 'default',
  isInputVertex: false,
  operators: [],
  inputs: [],
  producedDataSets: [],
  bufferTimeoutMs: 100,
};

function context(clock: ManualClock, log: string[], maxPriorAttempts = 16): ExecutionVertexContext {
  return {
    clock,
    executionGraphId: 'eg1',
    maxPriorAttempts,
    onStateChange: (ex, from, to) => log.push(`${ex.attemptId}: ${from}->${to}`),
    onNewExecution: (ex, replaced) => log.push(`new ${ex.attemptId} replacing ${replaced?.attemptId ?? 'none'}`),
  };
}

describe('Execution', () => {
  it('records state timestamps from the clock and notifies the listener', () => {
    const clock = new ManualClock(1000);
    const changes: string[] = [];
    const ex = new Execution('v_0', 0, 'x_v_0_0', clock, (e, from, to) => changes.push(`${e.attemptId} ${from}->${to}`));
    clock.advance(5);
    ex.transitionState(E.SCHEDULED);
    clock.advance(10);
    ex.transitionState(E.DEPLOYING);
    expect(ex.state).toBe(E.DEPLOYING);
    expect(ex.getStateTimestamp(E.CREATED)).toBe(1000);
    expect(ex.getStateTimestamp(E.SCHEDULED)).toBe(1005);
    expect(ex.getStateTimestamp(E.DEPLOYING)).toBe(1015);
    expect(ex.getStateTimestamp(E.RUNNING)).toBeUndefined();
    expect(changes).toEqual(['x_v_0_0 CREATED->SCHEDULED', 'x_v_0_0 SCHEDULED->DEPLOYING']);
  });

  it('rejects an illegal transition and keeps its state', () => {
    const ex = new Execution('v_0', 0, 'a0', new ManualClock());
    expect(() => ex.transitionState(E.RUNNING)).toThrow(IllegalStateTransitionError);
    expect(ex.state).toBe(E.CREATED);
    ex.transitionState(E.CANCELED);
    expect(() => ex.transitionState(E.FAILED)).toThrow('Illegal execution state transition CANCELED -> FAILED');
    expect(ex.isTerminal()).toBe(true);
  });

  it('keeps the failure cause and the assigned slot, and snapshots as plain data', () => {
    const clock = new ManualClock(7);
    const ex = new Execution('v_1', 2, 'a2', clock);
    ex.transitionState(E.SCHEDULED);
    ex.assignSlot({ allocationId: 'alloc-1', taskManagerId: 'tm-1', slotIndex: 3 });
    expect(() => ex.assignSlot({ allocationId: 'alloc-2', taskManagerId: 'tm-1', slotIndex: 0 })).toThrow(
      'Assertion failed: attempt a2 already has slot alloc-1',
    );
    ex.transitionState(E.DEPLOYING);
    clock.advance(3);
    ex.markFailed(new Error('boom'));
    expect(ex.failureCause?.message).toBe('boom');
    const snap = ex.toSnapshot();
    expect(snap).toEqual({
      vertexId: 'v_1',
      attemptNumber: 2,
      attemptId: 'a2',
      state: E.FAILED,
      stateTimestamps: { CREATED: 7, SCHEDULED: 7, DEPLOYING: 7, FAILED: 10 },
      failureCause: expect.objectContaining({ code: 'USER_ERROR', name: 'Error', message: 'boom' }),
      assignedSlot: { allocationId: 'alloc-1', taskManagerId: 'tm-1', slotIndex: 3 },
    });
    expect(JSON.parse(JSON.stringify(snap)).failureCause.message).toBe('boom');
  });

  it('refuses a slot once deployed', () => {
    const ex = new Execution('v_0', 0, 'a0', new ManualClock());
    ex.transitionState(E.SCHEDULED);
    ex.transitionState(E.DEPLOYING);
    expect(() => ex.assignSlot({ allocationId: 'x', taskManagerId: 't', slotIndex: 0 })).toThrow(
      'Assertion failed: cannot assign a slot to attempt a0 in state DEPLOYING',
    );
  });
});

describe('ExecutionVertex', () => {
  it('names its subtask and starts attempt 0', () => {
    const log: string[] = [];
    const v = new ExecutionVertex(jobVertex, 1, context(new ManualClock(), log));
    expect(v.id).toBe(`${'a'.repeat(32)}_1`);
    expect(v.taskNameWithSubtask).toBe('Map -> Filter (2/4)');
    expect(v.currentExecution.attemptNumber).toBe(0);
    expect(v.currentExecution.attemptId).toBe(`eg1_${v.id}_0`);
    expect(v.executionState).toBe(E.CREATED);
    expect(log).toEqual([`new eg1_${v.id}_0 replacing none`]);
  });

  it('creates attempt n+1 only after the current attempt ended', () => {
    const log: string[] = [];
    const v = new ExecutionVertex(jobVertex, 0, context(new ManualClock(), log));
    const first = v.currentExecution;
    first.transitionState(E.SCHEDULED);
    expect(() => v.resetForNewExecution()).toThrow(IllegalStateTransitionError);
    expect(() => v.resetForNewExecution()).toThrow(`Illegal attempt of ${v.id} transition SCHEDULED -> CREATED (attempt 1)`);
    first.markFailed(new Error('lost TaskManager'));
    const second = v.resetForNewExecution();
    expect(second).toBe(v.currentExecution);
    expect(second.attemptNumber).toBe(1);
    expect(second.state).toBe(E.CREATED);
    expect(v.getPriorExecutions()).toEqual([first]);
    expect(log).toEqual([
      `new eg1_${v.id}_0 replacing none`,
      `eg1_${v.id}_0: CREATED->SCHEDULED`,
      `eg1_${v.id}_0: SCHEDULED->FAILED`,
      `new eg1_${v.id}_1 replacing eg1_${v.id}_0`,
    ]);
  });

  it('keeps a bounded history of prior attempts', () => {
    const v = new ExecutionVertex(jobVertex, 0, context(new ManualClock(), [], 2));
    for (let i = 0; i < 4; i++) {
      v.currentExecution.transitionState(E.CANCELED);
      v.resetForNewExecution();
    }
    expect(v.currentExecution.attemptNumber).toBe(4);
    expect(v.getPriorExecutions().map((e) => e.attemptNumber)).toEqual([2, 3]);
  });
});
