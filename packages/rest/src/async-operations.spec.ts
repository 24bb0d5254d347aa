import { FlottError } from '@flott/core';
import { ManualClock, RandomIdGenerator, SeededRandom } from '@flott/runtime';
import { AsyncOperations } from './async-operations';

const flush = () => new Promise<void>((r) => setImmediate(r));

function operations(maxOperations = 3) {
  const clock = new ManualClock(0);
  const ops = new AsyncOperations({ ids: new RandomIdGenerator(new SeededRandom(1)), scheduler: clock, clock, storeDurationMs: 1_000, maxOperations });
  return { clock, ops };
}

describe('AsyncOperations', () => {
  it('reports an operation in progress, then its value, and forgets it rest.async.store-duration after it completed', async () => {
    const { clock, ops } = operations();
    let finish!: (v: string) => void;
    const id = ops.start('savepoint', 'job', () => new Promise<string>((r) => (finish = r)));
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(ops.get(['savepoint'], 'job', id)).toEqual({ status: 'IN_PROGRESS' });
    clock.advance(5_000); // no expiry while it runs
    finish('/sp/1');
    await flush();
    expect(ops.get(['savepoint'], 'job', id)).toEqual({ status: 'COMPLETED', value: '/sp/1' });
    clock.advance(999);
    expect(ops.get(['savepoint'], 'job', id).status).toBe('COMPLETED');
    clock.advance(1);
    expect(() => ops.get(['savepoint'], 'job', id)).toThrow(/No operation .* \(unknown, or its result expired after rest.async.store-duration\)/);
  });

  it('keeps a failure with its typed error; answers 404 for another job or kind', async () => {
    const { ops } = operations();
    const id = ops.start('checkpoint', 'job', () => Promise.reject(new FlottError('CHECKPOINT_NOT_TRIGGERED', 'not all tasks run')));
    await flush();
    expect(ops.get(['checkpoint'], 'job', id)).toEqual({ status: 'FAILED', error: expect.objectContaining({ code: 'CHECKPOINT_NOT_TRIGGERED', message: 'not all tasks run' }) });
    expect(() => ops.get(['savepoint'], 'job', id)).toThrow(expect.objectContaining({ httpStatus: 404 }));
    expect(() => ops.get(['checkpoint'], 'other', id)).toThrow(expect.objectContaining({ httpStatus: 404 }));
  });

  it('takes a client trigger id once (a retried trigger runs once), refuses it for another operation, and bounds the operations held', async () => {
    const { ops } = operations(2);
    let runs = 0;
    const run = () => new Promise<never>(() => void runs++);
    const id = 'a'.repeat(32);
    expect(ops.start('stop', 'job', run, id)).toBe(id);
    expect(ops.start('stop', 'job', run, id)).toBe(id);
    expect(runs).toBe(1);
    expect(() => ops.start('savepoint', 'job', run, id)).toThrow(expect.objectContaining({ httpStatus: 409 }));
    ops.start('savepoint', 'job', run);
    expect(() => ops.start('savepoint', 'job', run)).toThrow(expect.objectContaining({ httpStatus: 429, message: expect.stringContaining('rest.async.max-operations: 2') }));
    ops.close();
  });
});
