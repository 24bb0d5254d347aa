import { createHmac, timingSafeEqual } from 'node:crypto';
import { secureRandomBytes } from '../time/secure-random';

// The shared-secret challenge-response of docs/rpc.md ("Handshake"): each side proves it knows
// `security.internal.secret` by an HMAC-SHA256 over both nonces, so the secret never crosses the
// wire and a recorded handshake cannot be replayed (the other side's nonce is fresh each time).

export const PROTOCOL_VERSION = 1;
export const NONCE_BYTES = 32;
/** HMAC-SHA256's size. */
export const MAC_BYTES = 32;

/** A fresh nonce, from the cryptographic generator (see secureRandomBytes for why not the injected Random). */
export function newNonce(): Uint8Array {
  return secureRandomBytes(NONCE_BYTES);
}

/**
 * The proof `role` sends: HMAC(secret, protocol | role | server nonce | client nonce). The protocol
 * (RPC, or the data plane between TaskManagers) is part of it, so a proof made for one cannot be
 * replayed on the other.
 */
export function handshakeMac(secret: string, role: 'client' | 'server', serverNonce: Uint8Array, clientNonce: Uint8Array, protocol: 'rpc' | 'data' = 'rpc'): Uint8Array {
  const mac = createHmac('sha256', secret);
  mac.update(`flott-${protocol}-v${PROTOCOL_VERSION}-${role}`);
  mac.update(serverNonce);
  mac.update(clientNonce);
  return new Uint8Array(mac.digest());
}

/** Whether `received` is the expected proof, compared in constant time. */
export function macMatches(expected: Uint8Array, received: Uint8Array | undefined): boolean {
  return received !== undefined && received.length === expected.length && timingSafeEqual(expected, received);
}
