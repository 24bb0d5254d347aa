import { ManualClock } from '../time/clock';
import { LocalRpcService, RpcEndpointNotFoundError, RpcTimeoutError } from './rpc-service';

interface EchoGateway {
  echo(value: { items: number[] }): Promise<{ items: number[] }>;
  never(): Promise<void>;
}

describe('LocalRpcService', () => {
  it('clones arguments and results, as a network transport would', async () => {
    const rpc = new LocalRpcService(1000);
    let received: { items: number[] } | undefined;
    const address = rpc.register('echo', {
      async echo(value: { items: number[] }) {
        received = value;
        return value;
      },
    });
    const arg = { items: [1, 2] };
    const result = await rpc.connect<EchoGateway>(address).echo(arg);
    arg.items.push(3);
    expect(received).toEqual({ items: [1, 2] });
    expect(result).toEqual({ items: [1, 2] });
    expect(result).not.toBe(received);
    await rpc.close();
  });

  it('fails a call after the ask timeout of the injected scheduler', async () => {
    const clock = new ManualClock();
    const rpc = new LocalRpcService(500, clock);
    const address = rpc.register('slow', { never: () => new Promise<void>(() => {}) });
    const call = rpc.connect<EchoGateway>(address).never();
    await Promise.resolve();
    await Promise.resolve();
    clock.advance(499);
    clock.advance(1);
    await expect(call).rejects.toBeInstanceOf(RpcTimeoutError);
    await expect(call).rejects.toThrow('RPC never to local://');
    await rpc.close();
  });

  it('fails calls to an address nobody serves, and after unregister', async () => {
    const rpc = new LocalRpcService(1000);
    const address = rpc.register('gone', { echo: async (v: unknown) => v });
    rpc.unregister(address);
    await expect(rpc.connect<EchoGateway>(address).echo({ items: [] })).rejects.toBeInstanceOf(RpcEndpointNotFoundError);
    await rpc.close();
  });
});
