import { LocalRpcService } from '../rpc/rpc-service';
import { ManualClock } from '../time/clock';
import type { LeaderContender, LeaderElectionService } from '../spi/high-availability-services';
import { DEFAULT_LEADER_ID } from '../spi/high-availability-services';
import { becomeLeader, LeaderTracker, leaderGateway, StaticLeaderRetrievalService } from './leader-tracker';

interface Echo {
  echo(text: string): Promise<string>;
}

describe('LeaderTracker', () => {
  it('knows no leader until the retrieval service names one, then follows each change', async () => {
    const tracker = new LeaderTracker('resource manager', { start: async () => undefined, stop: async () => undefined });
    const seen: Array<string | undefined> = [];
    tracker.onChange((l) => seen.push(l && `${l.address}@${l.sessionId}`));
    await tracker.start();
    expect(() => tracker.current()).toThrow(expect.objectContaining({ code: 'NO_LEADER', message: expect.stringContaining('No leader of the resource manager') }));
    tracker.notifyLeaderAddress('a', 's1');
    tracker.notifyLeaderAddress('a', 's1'); // the same leader again: no change
    tracker.notifyLeaderAddress('b', 's2');
    tracker.notifyLeaderAddress(undefined, undefined);
    expect(seen).toEqual(['a@s1', 'b@s2', undefined]);
    expect(() => tracker.current()).toThrow(expect.objectContaining({ code: 'NO_LEADER' }));
  });

  it('with a static retrieval (high-availability none) names the configured address with the default leader id', async () => {
    const tracker = new LeaderTracker('dispatcher', new StaticLeaderRetrievalService('flott.tcp://jm:6123/dispatcher'));
    await tracker.start();
    expect(tracker.current()).toEqual({ address: 'flott.tcp://jm:6123/dispatcher', sessionId: DEFAULT_LEADER_ID });
  });

  it("gives a gateway that sends each call to the current leader with its session id, and fails while there is none", async () => {
    const rpc = new LocalRpcService(1_000, new ManualClock());
    let token: string | undefined = 'one';
    const address = rpc.register('echo', { echo: async (t: string) => `${t}!` } as Echo, { fencingToken: () => token });
    const tracker = new LeaderTracker('echo', { start: async () => undefined, stop: async () => undefined });
    const gateway = leaderGateway<Echo>(rpc, tracker);
    await expect(gateway.echo('x')).rejects.toMatchObject({ code: 'NO_LEADER' });
    tracker.notifyLeaderAddress(address, 'one');
    expect(await gateway.echo('x')).toBe('x!');
    token = 'two';
    await expect(gateway.echo('x')).rejects.toMatchObject({ code: 'FENCING_TOKEN_MISMATCH' });
    tracker.notifyLeaderAddress(address, 'two');
    expect(await gateway.echo('x')).toBe('x!');
    await rpc.close();
  });

  it('becomeLeader tells the endpoint its session id before the address is published', async () => {
    const events: string[] = [];
    let contender: LeaderContender | undefined;
    const election: LeaderElectionService = {
      start: async (c) => {
        contender = c;
        c.grantLeadership('s-7');
      },
      confirmLeadership: async (sessionId, address) => void events.push(`published ${address} ${sessionId}`),
      hasLeadership: () => true,
      stop: async () => undefined,
    };
    await becomeLeader(election, {
      address: 'rm',
      grantLeadership: (s) => events.push(`granted ${s}`),
      revokeLeadership: () => events.push('revoked'),
    });
    contender!.revokeLeadership();
    expect(events).toEqual(['granted s-7', 'published rm s-7', 'revoked']);
  });
});
