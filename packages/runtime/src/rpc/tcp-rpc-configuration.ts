import { ConfigurationError, type Configuration, type ConfigOption } from '@flott/core';
import { readFile } from 'node:fs/promises';
import { RpcOptions, RpcSecurityOptions } from '../config/options';
import type { Logger } from '../logging/logger';
import type { Scheduler } from '../time/clock';
import { TcpRpcService, type TcpRpcServiceOptions, type TcpTlsMaterial } from './tcp-transport';

/** Where a process's RPC service listens (Flink's jobmanager.rpc.* / taskmanager.rpc.port and *.bind-host). */
export interface TcpRpcEndpointSettings {
  readonly bindHost: string;
  readonly port: number;
  readonly advertisedHost?: string;
  readonly scheduler?: Scheduler;
  readonly logger?: Logger;
}

/** The TCP RPC service's options from configuration: rpc.* bounds, the shared secret, and the PEM files of internal TLS. */
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
    tls: config.get(RpcSecurityOptions.SSL_INTERNAL_ENABLED) ? await tlsMaterial(config) : undefined,
  };
}

/** Starts a TCP RPC service configured by `config` (see tcpRpcServiceOptions). */
export async function startTcpRpcService(config: Configuration, settings: TcpRpcEndpointSettings): Promise<TcpRpcService> {
  return TcpRpcService.start(await tcpRpcServiceOptions(config, settings));
}

async function tlsMaterial(config: Configuration): Promise<TcpTlsMaterial> {
  const files = [RpcSecurityOptions.SSL_INTERNAL_KEY, RpcSecurityOptions.SSL_INTERNAL_CERT, RpcSecurityOptions.SSL_INTERNAL_TRUST_CERTIFICATE];
  const missing = files.filter((o) => config.get(o) === undefined).map((o) => o.key);
  if (missing.length > 0) {
    throw new ConfigurationError(`security.ssl.internal.enabled is true, but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set`, { missing });
  }
  const key = await readPem(config, RpcSecurityOptions.SSL_INTERNAL_KEY);
  const cert = await readPem(config, RpcSecurityOptions.SSL_INTERNAL_CERT);
  const trustCertificate = await readPem(config, RpcSecurityOptions.SSL_INTERNAL_TRUST_CERTIFICATE);
  return { key, cert, trustCertificate, verifyHostname: config.get(RpcSecurityOptions.SSL_VERIFY_HOSTNAME) };
}

async function readPem(config: Configuration, option: ConfigOption<string | undefined>): Promise<Buffer> {
  const path = config.get(option) as string;
  try {
    return await readFile(path);
  } catch (e) {
    throw new ConfigurationError(`Cannot read ${option.key} (${path}): ${(e as Error).message}`, { key: option.key, path });
  }
}
