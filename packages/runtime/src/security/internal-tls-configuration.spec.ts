import { ConfigurationError } from '@flott/core';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { useTemporaryDirectory } from '../testing/temporary-directory';
import { internalTlsMaterial } from './internal-tls-configuration';
import { certificateFixture, keyStoreConfiguration, keyStoreFixture, keyStoreMaterial } from './testing-fixtures/key-stores';

/** The subjects of the certificates in a PEM bundle, in order. */
function subjectsOf(pem: string | Buffer | undefined): string[] {
  return (String(pem).match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? []).map((c) => new X509Certificate(c).subject);
}

async function configurationError(overrides: Record<string, unknown>): Promise<ConfigurationError> {
  const error = await keyStoreMaterial(overrides).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigurationError);
  return error as ConfigurationError;
}

describe('internal TLS material from Flink\'s keystore keys (security.ssl.internal.keystore, .truststore)', () => {
  const directory = useTemporaryDirectory('flott-keystores-');

  it('takes the key and certificate chain from the keystore and the trusted certificates from the truststore', async () => {
    const material = await keyStoreMaterial();
    expect(String(material.key)).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(subjectsOf(material.cert)).toEqual(['CN=flott-node', 'CN=flott-test-ca']);
    expect(subjectsOf(material.trustCertificate)).toEqual(['CN=flott-test-ca']);
    expect(material.verifyHostname).toBe(true);
    expect(material.pinnedFingerprints).toBeUndefined();
  });

  it('reads JKS stores, with the key under security.ssl.internal.key-password', async () => {
    const material = await keyStoreMaterial({
      'security.ssl.internal.keystore': keyStoreFixture('node.jks'),
      'security.ssl.internal.keystore-type': 'JKS',
      'security.ssl.internal.key-password': 'key-pass',
      'security.ssl.internal.truststore': keyStoreFixture('truststore.jks'),
      'security.ssl.internal.truststore-type': 'jks',
    });
    expect(subjectsOf(material.cert)).toEqual(['CN=flott-node', 'CN=flott-test-ca']);
    expect(subjectsOf(material.trustCertificate)).toEqual(['CN=flott-test-ca']);
  });

  it('reads a store by its content whichever of pkcs12 and jks its type says, as Java does', async () => {
    const material = await keyStoreMaterial({ 'security.ssl.internal.keystore-type': 'jks', 'security.ssl.internal.truststore': keyStoreFixture('truststore.jks') });
    expect(subjectsOf(material.cert)).toEqual(['CN=flott-node', 'CN=flott-test-ca']);
    expect(subjectsOf(material.trustCertificate)).toEqual(['CN=flott-test-ca']);
  });

  it('decrypts the key with the keystore password when security.ssl.internal.key-password is unset', async () => {
    const material = await keyStoreMaterial({ 'security.ssl.internal.key-password': undefined });
    expect(String(material.key)).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });

  it("trusts a keystore's own certificate when it is the truststore too (Flink's self-signed setup)", async () => {
    const material = await keyStoreMaterial({ 'security.ssl.internal.truststore': keyStoreFixture('node.p12'), 'security.ssl.internal.truststore-password': 'keystore-pass' });
    expect(subjectsOf(material.trustCertificate)).toEqual(['CN=flott-node']);
  });

  it('mixes a keystore with a PEM trust file', async () => {
    const material = await keyStoreMaterial({ 'security.ssl.internal.truststore': undefined, 'security.ssl.internal.trust-certificate': keyStoreFixture('ca.crt') });
    expect(subjectsOf(material.trustCertificate)).toEqual(['CN=flott-test-ca']);
  });

  it('refuses a keystore and PEM files at once, naming both', async () => {
    expect((await configurationError({ 'security.ssl.internal.cert': keyStoreFixture('node.crt') })).message).toBe(
      "security.ssl.internal.keystore and security.ssl.internal.cert are all set: this process's key and certificate come from a Java keystore or from PEM files, not both",
    );
    expect((await configurationError({ 'security.ssl.internal.trust-certificate': keyStoreFixture('ca.crt') })).message).toBe(
      'security.ssl.internal.truststore and security.ssl.internal.trust-certificate are all set: the trusted certificates come from a Java keystore or from PEM files, not both',
    );
  });

  it('names a missing store, file or password', async () => {
    expect((await configurationError({ 'security.ssl.internal.keystore': undefined, 'security.ssl.internal.truststore': undefined })).message).toBe(
      'security.ssl.internal.enabled is true, but security.ssl.internal.keystore (or security.ssl.internal.key and security.ssl.internal.cert), security.ssl.internal.truststore (or security.ssl.internal.trust-certificate) are not set',
    );
    expect((await configurationError({ 'security.ssl.internal.truststore-password': undefined })).message).toBe(
      'security.ssl.internal.truststore is set, but security.ssl.internal.truststore-password is not',
    );
    const missing = join(directory(), 'missing.p12');
    expect((await configurationError({ 'security.ssl.internal.keystore': missing })).message).toMatch(`Cannot read security.ssl.internal.keystore (${missing}): ENOENT`);
  });

  it('names the store, its file and the password to check when a password is wrong', async () => {
    expect((await configurationError({ 'security.ssl.internal.keystore-password': 'wrong' })).message).toBe(
      `Cannot open security.ssl.internal.keystore (${keyStoreFixture('node.p12')}): the password is wrong, or the file was altered: its integrity check (MAC) fails (check security.ssl.internal.keystore-password)`,
    );
    expect((await configurationError({ 'security.ssl.internal.truststore-password': 'wrong' })).message).toMatch(
      /^Cannot open security.ssl.internal.truststore \(.*truststore.p12\): the password is wrong.*\(check security.ssl.internal.truststore-password\)$/,
    );
    expect((await configurationError({ 'security.ssl.internal.keystore': keyStoreFixture('node.jks'), 'security.ssl.internal.key-password': 'wrong' })).message).toBe(
      `Cannot open security.ssl.internal.keystore (${keyStoreFixture('node.jks')}): the key password does not decrypt the key of entry "flott" (check security.ssl.internal.key-password, or security.ssl.internal.keystore-password when it is unset)`,
    );
  });

  it('refuses an unreadable store, a keystore without exactly one key, and a truststore without a trusted entry', async () => {
    expect((await configurationError({ 'security.ssl.internal.keystore': keyStoreFixture('ca.crt') })).message).toMatch(/^Cannot open security.ssl.internal.keystore \(.*ca.crt\): neither a PKCS12 nor a JKS keystore$/);
    expect((await configurationError({ 'security.ssl.internal.keystore': keyStoreFixture('two-keys.p12') })).message).toMatch(
      /^security.ssl.internal.keystore \(.*two-keys.p12\) holds 2 private key entries \(flott, other\), where Flott presents one$/,
    );
    expect((await configurationError({ 'security.ssl.internal.keystore': keyStoreFixture('truststore.p12'), 'security.ssl.internal.keystore-password': 'truststore-pass' })).message).toMatch(
      /^security.ssl.internal.keystore \(.*truststore.p12\) holds no private key entry$/,
    );
    expect((await configurationError({ 'security.ssl.internal.truststore': keyStoreFixture('openssl-truststore.p12') })).message).toMatch(
      /^security.ssl.internal.truststore \(.*openssl-truststore.p12\) holds no trusted certificate: keytool -importcert adds one/,
    );
  });

  it('refuses a keystore type Flott does not read, naming the key', async () => {
    await expect(keyStoreMaterial({ 'security.ssl.internal.keystore-type': 'JCEKS' })).rejects.toThrow('Invalid value "JCEKS" for \'security.ssl.internal.keystore-type\': expected one of: pkcs12, jks');
  });

  it('reads security.ssl.internal.cert.fingerprint as SHA-1 and SHA-256 fingerprints, with or without colons', async () => {
    const node = certificateFixture('node.crt');
    const sha1 = node.fingerprint.replace(/:/g, '').toLowerCase();
    const material = await keyStoreMaterial({ 'security.ssl.internal.cert.fingerprint': ` ${sha1}, ${node.fingerprint256},` });
    expect(material.pinnedFingerprints).toEqual([node.fingerprint, node.fingerprint256]);
    expect((await configurationError({ 'security.ssl.internal.cert.fingerprint': 'AB:CD' })).message).toBe(
      'security.ssl.internal.cert.fingerprint: "AB:CD" is not a SHA-1 or SHA-256 certificate fingerprint (40 or 64 hex digits, pairs optionally separated by colons)',
    );
    expect((await configurationError({ 'security.ssl.internal.cert.fingerprint': ' , ' })).message).toBe('security.ssl.internal.cert.fingerprint is set but holds no fingerprint');
  });

  it('loads a configuration once while its files are unchanged, and again when one changes', async () => {
    const keystore = join(directory(), 'node.p12');
    copyFileSync(keyStoreFixture('node.p12'), keystore);
    const config = keyStoreConfiguration({ 'security.ssl.internal.keystore': keystore });
    const first = await internalTlsMaterial(config);
    expect(await internalTlsMaterial(config)).toBe(first);
    copyFileSync(keyStoreFixture('other.p12'), keystore);
    utimesSync(keystore, new Date(), new Date(Date.now() + 60_000));
    expect(subjectsOf((await internalTlsMaterial(config)).cert)).toEqual(['CN=flott-other', 'CN=flott-test-ca']);
  });
});
