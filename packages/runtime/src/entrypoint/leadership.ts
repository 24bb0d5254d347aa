import type { LeaderElectionService } from '../spi/high-availability-services';

/** Waits until the HA service makes `address` the leader of its component and confirms it. */
export async function becomeLeader(election: LeaderElectionService, address: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    void election.start({
      grantLeadership: (sessionId) => void election.confirmLeadership(sessionId, address).then(resolve, reject),
      revokeLeadership: () => undefined,
      handleError: reject,
    });
  });
}
