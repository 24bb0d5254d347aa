import type { FromCoordinatorThread, ToCoordinatorThread } from '../coordination/coordinator-protocol';
import { SILENT_LOGGER } from '../logging/logger';
import { CoordinatorThread, type CoordinatorThreadPort } from './coordinator-thread';

/** A coordinator thread that answers every call at once, and records how it ended. */
class TestingCoordinatorPort implements CoordinatorThreadPort {
  readonly received: ToCoordinatorThread[] = [];
  ended?: 'released' | 'terminated';
  private handler?: (msg: FromCoordinatorThread) => void;
  private exit?: (error: Error) => void;

  constructor(
    private readonly canRelease: boolean,
    /** Calls of these methods get no answer (a thread busy with them when the job ends). */
    private readonly unanswered: readonly string[] = [],
  ) {}

  postMessage(msg: ToCoordinatorThread): void {
    this.received.push(msg);
    if (msg.type === 'call' && !this.unanswered.includes(msg.method)) void Promise.resolve().then(() => this.handler?.({ type: 'reply', requestId: msg.requestId }));
  }
  onMessage(handler: (msg: FromCoordinatorThread) => void): void {
    this.handler = handler;
  }
  onExit(handler: (error: Error) => void): void {
    this.exit = handler;
  }
  crash(): void {
    this.exit?.(new Error('exit code 1'));
  }
  async terminate(): Promise<void> {
    this.ended = 'terminated';
  }
  get release(): (() => Promise<void>) | undefined {
    return this.canRelease ? async () => void (this.ended = 'released') : undefined;
  }
}

function threadOn(port: TestingCoordinatorPort): CoordinatorThread {
  return new CoordinatorThread({ artifactPath: async () => '/bundle.js', args: [], defaultParallelism: 1, configuration: {}, log: SILENT_LOGGER, spawn: () => port });
}

const operator = (id: string) => ({ operatorId: id, name: `Source: ${id}`, streamNodeId: 1, vertexId: 'v', parallelism: 1 });
const context = (id: string, failures: Error[] = []) => ({ operatorId: id, operatorName: id, parallelism: 1, sendEventToTask: async () => {}, failJob: (e: Error) => void failures.push(e) });

describe('CoordinatorThread', () => {
  it('hands a healthy thread back once every coordinator of the job closed', async () => {
    const port = new TestingCoordinatorPort(true);
    const thread = threadOn(port);
    const a = thread.provider(operator('a'), context('a'));
    const b = thread.provider(operator('b'), context('b'));
    a.start();
    await a.close();
    expect(port.ended).toBeUndefined();
    await b.close();
    expect(port.ended).toBe('released');
    expect(port.received.map((m) => (m.type === 'call' ? `${m.operatorId}.${m.method}` : m.type))).toEqual(['init', 'a.start', 'a.close', 'b.close']);
  });

  it('terminates a thread that crashed (the job fails over) and one that cannot be handed back', async () => {
    const failures: Error[] = [];
    const crashed = new TestingCoordinatorPort(true);
    const c = threadOn(crashed).provider(operator('a'), context('a', failures));
    c.start();
    // The thread starts once the bundle's path is known.
    for (let i = 0; i < 3; i++) await Promise.resolve();
    expect(crashed.received.map((m) => m.type)).toEqual(['init', 'call']);
    crashed.crash();
    await c.close();
    expect(crashed.ended).toBe('terminated');
    // The crash, and the start call it left unanswered, fail the job.
    expect(new Set(failures.map((e) => e.message))).toEqual(new Set(["The job's coordinator thread failed: exit code 1"]));

    const plain = new TestingCoordinatorPort(false);
    const d = threadOn(plain).provider(operator('a'), context('a'));
    d.start();
    await d.close();
    expect(plain.ended).toBe('terminated');
  });

  it('fails a call the thread has not answered when the job ends, so a checkpoint being triggered cannot hold up the shutdown', async () => {
    const port = new TestingCoordinatorPort(true, ['checkpointCoordinator']);
    const a = threadOn(port).provider(operator('a'), context('a'));
    a.start();
    const snapshot = a.checkpointCoordinator(7);
    let settled = false;
    void snapshot.catch(() => undefined).finally(() => (settled = true));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(settled).toBe(false);
    await a.close();
    await expect(snapshot).rejects.toThrow('the job ended');
    // A thread that owed an answer is not handed to another job.
    expect(port.ended).toBe('terminated');
  });
});
