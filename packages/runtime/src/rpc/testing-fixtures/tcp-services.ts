/// <reference types="jest" />
import { TcpRpcService, type TcpRpcServiceOptions } from '../tcp-transport';

/** Small bounds for tests: a free port on the loopback interface, 64 KiB frames. */
export const TEST_TCP_OPTIONS: TcpRpcServiceOptions = {
  bindHost: '127.0.0.1',
  port: 0,
  askTimeoutMs: 10_000,
  connectTimeoutMs: 5_000,
  maxFrameBytes: 64 * 1024,
  maxQueuedBytes: 1024 * 1024,
};

/** Starts TcpRpcServices (TEST_TCP_OPTIONS with overrides) that are closed after each test of the enclosing describe. */
export function useTcpRpcServices(): (options?: Partial<TcpRpcServiceOptions>) => Promise<TcpRpcService> {
  const started: TcpRpcService[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.close()));
  });
  return async (options = {}) => {
    const service = await TcpRpcService.start({ ...TEST_TCP_OPTIONS, ...options });
    started.push(service);
    return service;
  };
}
