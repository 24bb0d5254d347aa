import type { Configuration } from '@flott/core';
import { RpcSecurityOptions } from '../config/options';
import { internalTlsMaterial } from './internal-tls-configuration';
import type { TcpTlsMaterial } from './tls-material';

/**
 * How internal connections authenticate (security.internal.secret, security.ssl.internal.*): RPC's and
 * the data plane's alike. In a module of its own, without the RPC transport, so a slot thread loads
 * only this (and only when it opens its first data connection).
 */
export async function internalSecurityOf(config: Configuration): Promise<{ secret?: string; tls?: TcpTlsMaterial }> {
  return {
    secret: config.get(RpcSecurityOptions.INTERNAL_SECRET),
    tls: config.get(RpcSecurityOptions.SSL_INTERNAL_ENABLED) ? await internalTlsMaterial(config) : undefined,
  };
}
