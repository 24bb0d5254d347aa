import type { Configuration } from '@flott/core';
import { RpcOptions, RpcSecurityOptions } from '../config/options';
import type { Logger } from '../logging/logger';
import type { Scheduler } from '../time/clock';
import { internalTlsMaterial } from '../security/internal-tls-configuration';
import type { TcpTlsMaterial } from '../security/tls-material';
import { TcpRpcService, type TcpRpcServiceOptions } from './tcp-transport';

/** Where a process's RPC service listens (Flink's jobmanager.rpc.* / taskmanager.rpc.port and *.bind-host). */
export interface TcpRpcEndpointSettings {
  readonly bindHost: string;
  readonly port: number;
  readonly advertisedHost?: string;
  readonly scheduler?: Scheduler;
  readonly logger?: Logger;
}

/** The TCP RPC service's options from configuration: rpc.* bounds, the shared secret, and the material of internal TLS. */
export async function tcpRpcServiceOptions(config: Configuration, settings: TcpRpcEndpointSettings): Promise<TcpRpcServiceOptions> {
  return {
    ...settings,
    askTimeoutMs: config.get(RpcOptions.ASK_TIMEOUT),
    connectTimeoutMs: config.get(RpcOptions.CONNECT_TIMEOUT),
    maxFrameBytes: config.get(RpcOptions.FRAMESIZE),
    maxQueuedBytes: config.get(RpcOptions.OUTBOUND_QUEUE_MAX_BYTES),
    ...(await internalSecurityOf(config)),
  };
}

/** How internal connections authenticate (security.internal.secret, security.ssl.internal.*): RPC's and the data plane's alike. */
export async function internalSecurityOf(config: Configuration): Promise<{ secret?: string; tls?: TcpTlsMaterial }> {
  return {
    secret: config.get(RpcSecurityOptions.INTERNAL_SECRET),
    tls: config.get(RpcSecurityOptions.SSL_INTERNAL_ENABLED) ? await internalTlsMaterial(config) : undefined,
  };
}

/** Starts a TCP RPC service configured by `config` (see tcpRpcServiceOptions). */
export async function startTcpRpcService(config: Configuration, settings: TcpRpcEndpointSettings): Promise<TcpRpcService> {
  return TcpRpcService.start(await tcpRpcServiceOptions(config, settings));
}
