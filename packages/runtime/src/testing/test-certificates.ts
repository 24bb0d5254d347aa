import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TcpTlsMaterial } from '../security/tls-material';

export interface TestCertificates {
  /** A node certificate for 127.0.0.1 and localhost, signed by the CA it trusts. */
  readonly trusted: TcpTlsMaterial;
  /** A self-signed certificate the CA did not sign, trusting that CA. */
  readonly untrusted: TcpTlsMaterial;
  readonly rogueCertificate: Buffer;
  /** PEM files of the trusted material, for configuration (security.ssl.internal.*). */
  readonly files: { readonly key: string; readonly cert: string; readonly trust: string };
}

/** Makes, with the system's openssl, a CA, a node certificate signed by it and a rogue self-signed one, in `dir`. */
export function testCertificates(dir: string): TestCertificates {
  const f = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { stdio: 'pipe' });
  };
  const selfSigned = (name: string): void =>
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${name}`, '-keyout', f(`${name}.key`), '-out', f(`${name}.crt`));
  selfSigned('ca');
  selfSigned('rogue');
  writeFileSync(f('node.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=flott-node', '-keyout', f('node.key'), '-out', f('node.csr'));
  openssl('x509', '-req', '-in', f('node.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '1', '-extfile', f('node.ext'), '-out', f('node.crt'));
  const read = (name: string): Buffer => readFileSync(f(name));
  return {
    trusted: { key: read('node.key'), cert: read('node.crt'), trustCertificate: read('ca.crt'), verifyHostname: true },
    untrusted: { key: read('rogue.key'), cert: read('rogue.crt'), trustCertificate: read('ca.crt'), verifyHostname: true },
    rogueCertificate: read('rogue.crt'),
    files: { key: f('node.key'), cert: f('node.crt'), trust: f('ca.crt') },
  };
}
