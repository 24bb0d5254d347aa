import { FlottError } from '@flott/core';
import { advanceSettling } from '../testing/settle';
import { ManualClock } from '../time/clock';
import { HeartbeatManager, type HeartbeatListener } from './heartbeat-manager';

const INTERVAL = 1_000;
const TIMEOUT = 5_000;

class RecordingListener implements HeartbeatListener {
  readonly timeouts: string[] = [];
  readonly unreachable: Array<[string, unknown]> = [];
  notifyHeartbeatTimeout(targetId: string): void {
    this.timeouts.push(targetId);
  }
  notifyTargetUnreachable(targetId: string, cause: unknown): void {
    this.unreachable.push([targetId, cause]);
  }
}

describe('HeartbeatManager', () => {
  let clock: ManualClock;
  let listener: RecordingListener;
  let manager: HeartbeatManager;

  beforeEach(() => {
    clock = new ManualClock(0);
    listener = new RecordingListener();
    manager = new HeartbeatManager({ intervalMs: INTERVAL, timeoutMs: TIMEOUT, rpcFailureThreshold: 2 }, clock, listener);
  });
  afterEach(() => manager.close());

  const advance = (ms: number): Promise<void> => advanceSettling(clock, ms, 100);

  it('sends a request every interval to each target it sends to; answers keep the target alive', async () => {
    const requests: number[] = [];
    manager.monitorTarget('tm-1', async () => void requests.push(clock.currentTimeMillis()));
    await advance(3 * TIMEOUT);
    expect(requests).toEqual(Array.from({ length: (3 * TIMEOUT) / INTERVAL }, (_, i) => (i + 1) * INTERVAL));
    expect(listener.timeouts).toEqual([]);
  });

  it('reports a target whose answers stop after heartbeat.timeout, once, and stops asking it', async () => {
    let answer = true;
    let asked = 0;
    manager.monitorTarget('tm-1', () => {
      asked++;
      return answer ? Promise.resolve() : new Promise<void>(() => undefined);
    });
    await advance(2 * INTERVAL);
    answer = false;
    const silentFrom = 2 * INTERVAL;
    await advance(TIMEOUT - 100);
    expect(listener.timeouts).toEqual([]);
    await advance(100);
    expect(listener.timeouts).toEqual(['tm-1']);
    expect(clock.currentTimeMillis()).toBe(silentFrom + TIMEOUT);
    // A request that hangs is not stacked: one per target in flight.
    expect(asked).toBe(3);
    await advance(3 * TIMEOUT);
    expect(listener.timeouts).toEqual(['tm-1']);
    expect(manager.isMonitoring('tm-1')).toBe(false);
  });

  it('on the receiving side: times out a target whose requests stop arriving', async () => {
    manager.monitorTarget('rm');
    await advance(TIMEOUT - 100);
    expect(manager.received('rm')).toBe(true);
    await advance(TIMEOUT - 100);
    expect(listener.timeouts).toEqual([]);
    await advance(100);
    expect(listener.timeouts).toEqual(['rm']);
    expect(manager.received('rm')).toBe(false);
  });

  it('reports a target unreachable after rpc-failure-threshold failed requests in a row, well before the timeout', async () => {
    const lost = new FlottError('RPC_CONNECTION_LOST', 'connection closed');
    let fail = false;
    manager.monitorTarget('tm-1', async () => {
      if (fail) throw lost;
    });
    await advance(INTERVAL);
    fail = true;
    await advance(INTERVAL);
    expect(listener.unreachable).toEqual([]);
    await advance(INTERVAL);
    expect(listener.unreachable).toEqual([['tm-1', lost]]);
    expect(listener.timeouts).toEqual([]);
    await advance(2 * TIMEOUT);
    expect(listener.timeouts).toEqual([]);
  });

  it('does not count requests that timed out (rpc.ask-timeout): only the heartbeat timeout judges a slow target', async () => {
    manager.monitorTarget('tm-1', async () => {
      throw new FlottError('RPC_TIMEOUT', 'RPC heartbeatFromResourceManager timed out');
    });
    await advance(TIMEOUT - 100);
    expect(listener.unreachable).toEqual([]);
    expect(listener.timeouts).toEqual([]);
    await advance(100);
    expect(listener.timeouts).toEqual(['tm-1']);
  });

  it('a failure between answers does not add up: the count restarts with each answer', async () => {
    let n = 0;
    manager.monitorTarget('tm-1', async () => {
      if (n++ % 2 === 0) throw new Error('one lost request');
    });
    await advance(10 * INTERVAL);
    expect(listener.unreachable).toEqual([]);
    expect(listener.timeouts).toEqual([]);
  });

  it('forgets an unmonitored target and stops everything when closed', async () => {
    let asked = 0;
    manager.monitorTarget('tm-1', async () => void asked++);
    manager.monitorTarget('tm-2');
    manager.unmonitorTarget('tm-2');
    await advance(INTERVAL);
    manager.close();
    await advance(3 * TIMEOUT);
    expect(asked).toBe(1);
    expect(listener.timeouts).toEqual([]);
    manager.monitorTarget('tm-3');
    expect(manager.isMonitoring('tm-3')).toBe(false);
  });
});
