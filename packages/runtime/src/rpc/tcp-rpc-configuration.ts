import type { Configuration } from '@flott/core';
import { RpcOptions } from '../config/options';
import type { Logger } from '../logging/logger';
import type { Scheduler } from '../time/clock';
import { internalSecurityOf } from '../security/internal-security';
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


/** Starts a TCP RPC service configured by `config` (see tcpRpcServiceOptions). */
export async function startTcpRpcService(config: Configuration, settings: TcpRpcEndpointSettings): Promise<TcpRpcService> {
  return TcpRpcService.start(await tcpRpcServiceOptions(config, settings));
}
