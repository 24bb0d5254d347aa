import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';

/** A file of keystores/ (see its README: what each holds, its passwords, and how it was made). */
export function keyStoreFixture(name: string): string {
  return join(__dirname, 'keystores', name);
}

/** A certificate of keystores/, as node reads it (for its fingerprints). */
export function certificateFixture(name: 'ca.crt' | 'node.crt'): X509Certificate {
  return new X509Certificate(readFileSync(keyStoreFixture(name)));
}
