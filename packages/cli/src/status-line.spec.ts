import { ManualClock, type DispatcherGateway, type JobDetailsInfo } from '@flott/runtime';
import { settle } from '@flott/runtime/testing';
import { CLEAR_LINE, LiveStatus, renderStatus, type JobProgress } from './status-line';

const JOB = 'a'.repeat(32);

function details(status: string, running: number, checkpoint?: { id: number; trigger: number; duration: number }): JobDetailsInfo {
  return {
    jobId: JOB,
    jobName: 'job',
    status: status as JobDetailsInfo['status'],
    startTime: 0,
    endTime: -1,
    vertices: [
      { id: 'v1', name: 'source', parallelism: 1, states: { RUNNING: Math.min(1, running) } },
      { id: 'v2', name: 'sink', parallelism: 2, states: { RUNNING: Math.max(0, running - 1) } },
    ],
    checkpoints: checkpoint && {
      counts: { triggered: checkpoint.id, inProgress: 1, completed: checkpoint.id, failed: 0 },
      history: [
        { id: checkpoint.id + 1, type: 'CHECKPOINT', status: 'IN_PROGRESS', triggerTimestamp: checkpoint.trigger + 500, stateSize: 0, maxSyncDurationMs: 0, maxAsyncDurationMs: 0, acknowledged: 0, tasks: 3 },
        { id: checkpoint.id, type: 'CHECKPOINT', status: 'COMPLETED', triggerTimestamp: checkpoint.trigger, endToEndDurationMs: checkpoint.duration, stateSize: 10, maxSyncDurationMs: 0, maxAsyncDurationMs: 0, acknowledged: 3, tasks: 3 },
      ],
    },
  };
}

/** A terminal that keeps what was written, and what it shows: the text after the last line clear. */
class FakeTty {
  readonly isTTY = true;
  columns = 200;
  written = '';
  write(text: string): boolean {
    this.written += text;
    return true;
  }
  get shown(): string {
    return this.written.slice(this.written.lastIndexOf(CLEAR_LINE) + CLEAR_LINE.length);
  }
}

describe('renderStatus', () => {
  const progress: JobProgress = { jobId: JOB, status: 'RUNNING', runningTasks: 3, totalTasks: 3, recordsIn: 5_000, recordsOut: 2_000, lastCheckpoint: { id: 7, completedAt: 10_000 } };

  it('shows the state, tasks, record rates against the previous look, and the last checkpoint with its age', () => {
    const before = { ...progress, recordsIn: 3_000, recordsOut: 1_500 };
    expect(renderStatus(progress, 13_500, { progress: before, elapsedMs: 500 })).toBe(
      `Job ${JOB} RUNNING | 3/3 tasks running | in 4,000 rec/s | out 1,000 rec/s | checkpoint 7 (3 s ago)`,
    );
  });

  it('leaves out rates it cannot know (no record counts, or no look before), and says when no checkpoint completed', () => {
    expect(renderStatus({ ...progress, lastCheckpoint: undefined }, 0)).toBe(`Job ${JOB} RUNNING | 3/3 tasks running | no checkpoint yet`);
    expect(renderStatus({ jobId: JOB, status: 'RUNNING', runningTasks: 1, totalTasks: 3, lastCheckpoint: { id: 2, completedAt: 0 } }, 125_000, { progress, elapsedMs: 1000 })).toBe(
      `Job ${JOB} RUNNING | 1/3 tasks running | checkpoint 2 (2 min 5 s ago)`,
    );
  });
});

describe('LiveStatus', () => {
  let clock: ManualClock;
  let current: JobDetailsInfo;
  let asked: number;
  const dispatcher = {
    requestJobDetails: async () => {
      asked++;
      return current;
    },
  } as unknown as DispatcherGateway;

  beforeEach(() => {
    clock = new ManualClock(100_000);
    asked = 0;
    current = details('RUNNING', 1);
  });

  it('on a terminal, rewrites one line in place about every second once the job is submitted, and ends with the final state on its own line', async () => {
    const tty = new FakeTty();
    const status = new LiveStatus({ stream: tty, clock, scheduler: clock });
    status.attach(dispatcher);
    await settle();
    expect([asked, tty.written]).toEqual([0, '']);
    status.jobSubmitted(JOB);
    await settle();
    expect(tty.written).toBe(`${CLEAR_LINE}Job ${JOB} RUNNING | 1/3 tasks running | no checkpoint yet`);

    current = details('RUNNING', 3, { id: 4, trigger: 100_200, duration: 300 });
    clock.advance(999);
    await settle();
    expect(asked).toBe(1);
    clock.advance(1);
    await settle();
    expect(asked).toBe(2);
    expect(tty.shown).toBe(`Job ${JOB} RUNNING | 3/3 tasks running | checkpoint 4 (0 s ago)`);
    expect(tty.written).not.toContain('\n');

    current = details('FINISHED', 0, { id: 4, trigger: 100_200, duration: 300 });
    clock.advance(2_500);
    await status.stop();
    expect(tty.shown).toBe(`Job ${JOB} FINISHED | 0/3 tasks running | checkpoint 4 (3 s ago)\n`);
    const asksAtStop = asked;
    clock.advance(5_000);
    await settle();
    expect(asked).toBe(asksAtStop);
  });

  it('shows record rates from the records the cluster reports, between two looks; none in the final line', async () => {
    const tty = new FakeTty();
    let records = { in: 1_000, out: 2_000 };
    const status = new LiveStatus({ stream: tty, clock, scheduler: clock, records: async (jobId) => (jobId === JOB ? records : undefined) });
    status.attach(dispatcher);
    status.jobSubmitted(JOB);
    await settle();
    expect(tty.shown).toBe(`Job ${JOB} RUNNING | 1/3 tasks running | no checkpoint yet`);
    records = { in: 3_500, out: 6_000 };
    clock.advance(1_000);
    await settle();
    expect(tty.shown).toBe(`Job ${JOB} RUNNING | 1/3 tasks running | in 2,500 rec/s | out 4,000 rec/s | no checkpoint yet`);
    // A task that restarted starts counting again: no negative rate.
    records = { in: 100, out: 6_500 };
    clock.advance(1_000);
    await settle();
    expect(tty.shown).toBe(`Job ${JOB} RUNNING | 1/3 tasks running | in 0 rec/s | out 500 rec/s | no checkpoint yet`);
    current = details('FINISHED', 0);
    await status.stop();
    expect(tty.shown).toBe(`Job ${JOB} FINISHED | 0/3 tasks running | no checkpoint yet\n`);
  });

  it('cuts a line longer than the terminal is wide, so that it does not wrap', async () => {
    const tty = new FakeTty();
    tty.columns = 40;
    const status = new LiveStatus({ stream: tty, clock, scheduler: clock });
    status.attach(dispatcher);
    status.jobSubmitted(JOB);
    await settle();
    expect(tty.shown).toBe(`Job ${JOB} R…`);
    await status.stop('done');
    expect(tty.shown).toBe('done\n');
  });

  it('does nothing when the stream is no terminal', async () => {
    const pipe = { isTTY: false, written: '', write(t: string) { this.written += t; return true; } };
    const status = new LiveStatus({ stream: pipe, clock, scheduler: clock });
    status.attach(dispatcher);
    status.jobSubmitted(JOB);
    clock.advance(5_000);
    await settle();
    await status.stop();
    expect([asked, pipe.written]).toEqual([0, '']);
  });
});
