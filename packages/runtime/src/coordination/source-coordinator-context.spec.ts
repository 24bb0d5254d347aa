import { ManualClock } from '../time/clock';
import { SourceCoordinatorContext } from './source-coordinator-context';
import { SplitAssignmentTracker } from './split-assignment-tracker';
import { VersionedCodec } from './split-codec';

function context(clock: ManualClock, failures: Error[] = []) {
  return new SourceCoordinatorContext<{ splitId: string }>({
    operatorName: 'Source: dir',
    parallelism: 2,
    clock,
    scheduler: clock,
    tracker: new SplitAssignmentTracker(),
    splitCodec: new VersionedCodec(),
    send: () => {},
    fail: (e) => failures.push(e),
  });
}

const turns = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('SourceCoordinatorContext.callAsync', () => {
  it('runs a periodic call on the scheduler, skips a period while the previous run is unfinished, and stops at close', async () => {
    const clock = new ManualClock(0);
    const ctx = context(clock);
    const results: number[] = [];
    let calls = 0;
    let release: (() => void) | undefined;
    ctx.callAsync(
      () => {
        calls++;
        if (calls === 2) return new Promise<number>((resolve) => (release = () => resolve(2)));
        return calls;
      },
      (r) => results.push(r!),
      100,
      50,
    );
    clock.advance(99);
    await turns();
    expect(calls).toBe(0);
    clock.advance(1);
    await turns();
    expect([calls, results]).toEqual([1, [1]]);
    clock.advance(50); // the second run does not finish
    await turns();
    clock.advance(100); // two periods pass while it runs: skipped
    await turns();
    expect(calls).toBe(2);
    release!();
    await turns();
    expect(results).toEqual([1, 2]);
    clock.advance(50);
    await turns();
    expect([calls, results]).toEqual([3, [1, 2, 3]]);
    ctx.close();
    clock.advance(500);
    await turns();
    expect(calls).toBe(3);
  });

  it('hands errors to the handler, and what the handler throws fails the job', async () => {
    const clock = new ManualClock(0);
    const failures: Error[] = [];
    const ctx = context(clock, failures);
    const seen: string[] = [];
    ctx.callAsync(
      () => {
        throw new Error('listing failed');
      },
      (_r, e) => {
        seen.push(e!.message);
        throw new Error('handler gave up');
      },
    );
    clock.advance(0);
    await turns();
    expect(seen).toEqual(['listing failed']);
    expect(failures.map((f) => f.message)).toEqual(['handler gave up']);
  });
});
