import { Configuration } from '@flott/core';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { internalTlsMaterial } from '../internal-tls-configuration';
import type { TcpTlsMaterial } from '../tls-material';

/** A file of keystores/ (see its README: what each holds, its passwords, and how it was made). */
export function keyStoreFixture(name: string): string {
  return join(__dirname, 'keystores', name);
}

/** A certificate of keystores/, as node reads it (for its fingerprints). */
export function certificateFixture(name: 'ca.crt' | 'node.crt'): X509Certificate {
  return new X509Certificate(readFileSync(keyStoreFixture(name)));
}

/** Internal TLS with node.p12 (CN=flott-node, signed by the test CA) trusting truststore.p12 (the CA), and `overrides`. */
export function keyStoreConfiguration(overrides: Record<string, unknown> = {}): Configuration {
  return Configuration.fromRecord({
    'security.ssl.internal.enabled': true,
    'security.ssl.internal.keystore': keyStoreFixture('node.p12'),
    'security.ssl.internal.keystore-password': 'keystore-pass',
    'security.ssl.internal.key-password': 'keystore-pass',
    'security.ssl.internal.truststore': keyStoreFixture('truststore.p12'),
    'security.ssl.internal.truststore-password': 'truststore-pass',
    ...overrides,
  });
}

/** The material of keyStoreConfiguration(overrides). */
export function keyStoreMaterial(overrides: Record<string, unknown> = {}): Promise<TcpTlsMaterial> {
  return internalTlsMaterial(keyStoreConfiguration(overrides));
}

/** Overrides for a process presenting rogue.p12: a self-signed certificate no other fixture trusts. */
export const ROGUE_KEYSTORE = {
  'security.ssl.internal.keystore': keyStoreFixture('rogue.p12'),
  'security.ssl.internal.keystore-password': 'rogue-pass',
  'security.ssl.internal.key-password': 'rogue-pass',
} as const;

/** Overrides for a process presenting other.p12: signed by the test CA (trusted), but not node.p12's certificate. */
export const OTHER_KEYSTORE = {
  'security.ssl.internal.keystore': keyStoreFixture('other.p12'),
} as const;
