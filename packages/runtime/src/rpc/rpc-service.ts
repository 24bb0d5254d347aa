import { FlottError } from '@flott/core';
import { SystemScheduler, type Cancellable, type Scheduler } from '../time/clock';

/**
 * Connects gateways by address. The in-process transport below clones arguments and results so
 * callers behave exactly as over the network; the cluster issue adds a TCP transport behind the
 * same interface.
 */
export interface RpcService {
  /** Serves `endpoint` under `name`; returns its address. */
  register<T extends object>(name: string, endpoint: T): string;
  unregister(address: string): void;
  connect<T extends object>(address: string): T;
  close(): Promise<void>;
}
export const RpcService = Symbol.for('flott.RpcService');

export class RpcTimeoutError extends FlottError {
  constructor(address: string, method: string, timeoutMs: number) {
    super('RPC_TIMEOUT', `RPC ${method} to ${address} timed out after ${timeoutMs} ms (rpc.ask-timeout)`, { address, method, timeoutMs });
  }
}

export class RpcEndpointNotFoundError extends FlottError {
  constructor(address: string) {
    super('RPC_ENDPOINT_NOT_FOUND', `No RPC endpoint at ${address}`, { address });
  }
}

const localRegistry = new Map<string, object>();
let localServiceSeq = 0;

/** In-process transport: endpoints in one registry per process; every call is async and cloned. */
export class LocalRpcService implements RpcService {
  private readonly prefix: string;
  private readonly owned = new Set<string>();

  constructor(
    private readonly askTimeoutMs = 30_000,
    private readonly scheduler: Scheduler = new SystemScheduler(),
  ) {
    this.prefix = `local://${process.pid}-${++localServiceSeq}`;
  }

  register<T extends object>(name: string, endpoint: T): string {
    const address = `${this.prefix}/${name}`;
    if (localRegistry.has(address)) throw new Error(`Assertion failed: RPC address ${address} registered twice`);
    localRegistry.set(address, endpoint);
    this.owned.add(address);
    return address;
  }

  unregister(address: string): void {
    localRegistry.delete(address);
    this.owned.delete(address);
  }

  connect<T extends object>(address: string): T {
    const timeout = this.askTimeoutMs;
    const scheduler = this.scheduler;
    return new Proxy({} as T, {
      get(_target, prop) {
        if (typeof prop !== 'string' || prop === 'then') return undefined;
        return async (...args: unknown[]) => {
          const endpoint = localRegistry.get(address) as Record<string, unknown> | undefined;
          if (!endpoint) throw new RpcEndpointNotFoundError(address);
          const method = endpoint[prop];
          if (typeof method !== 'function') throw new FlottError('RPC_NO_SUCH_METHOD', `${address} has no method ${prop}`, { address, method: prop });
          const cloned = structuredClone(args);
          await Promise.resolve();
          let timer: Cancellable | undefined;
          const call = Promise.resolve(method.apply(endpoint, cloned));
          const timed = new Promise<never>((_, reject) => {
            timer = scheduler.schedule(timeout, () => reject(new RpcTimeoutError(address, prop, timeout)));
          });
          try {
            const result = await Promise.race([call, timed]);
            return result === undefined ? undefined : structuredClone(result);
          } finally {
            timer?.cancel();
          }
        };
      },
    });
  }

  async close(): Promise<void> {
    for (const a of this.owned) localRegistry.delete(a);
    this.owned.clear();
  }
}
