import { randomBytes } from 'node:crypto';

/**
 * Bytes from the operating system's cryptographic generator, for nonces and secrets only (the RPC
 * handshake's challenges). Deliberately not the injected Random: a seeded, reproducible nonce would
 * let a recorded handshake be replayed; a simulator that needs reproducible runs replaces the nonce
 * source of the transport it fakes, not this function.
 */
export function secureRandomBytes(n: number): Uint8Array {
  return new Uint8Array(randomBytes(n));
}
