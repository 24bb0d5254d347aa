import { createPublicKey, type KeyObject, type X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { KeyStoreError, readKeyStore, trustedCertificatesOf, type KeyStoreContents } from './key-store';
import { certificateFixture, keyStoreFixture } from './testing-fixtures/key-stores';

const read = (name: string, storePassword: string, keyPassword?: string): Promise<KeyStoreContents> =>
  readKeyStore(readFileSync(keyStoreFixture(name)), storePassword, keyPassword);

const subjects = (chain: readonly X509Certificate[]): string[] => chain.map((c) => c.subject);
const publicKeyOf = (key: KeyObject | undefined): string => createPublicKey(key!).export({ type: 'spki', format: 'pem' }).toString();
const certificateKey = (c: X509Certificate): string => c.publicKey.export({ type: 'spki', format: 'pem' }).toString();

/** The KeyStoreError `promise` rejects with. */
async function failure(promise: Promise<unknown>): Promise<KeyStoreError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(KeyStoreError);
  return error as KeyStoreError;
}

describe('readKeyStore', () => {
  const node = certificateFixture('node.crt');
  const ca = certificateFixture('ca.crt');

  it.each([
    ['node.p12', 'keystore-pass', 'keystore-pass', 'pkcs12'],
    ['node.jks', 'keystore-pass', 'key-pass', 'jks'],
    ['node-legacy.p12', 'keystore-pass', 'keystore-pass', 'pkcs12'],
  ])('reads the key entry of %s: the key, and its certificate chain leaf first with the exact certificates', async (file, storePassword, keyPassword, format) => {
    const contents = await read(file, storePassword, keyPassword);
    expect(contents.format).toBe(format);
    expect(contents.trustedCertificates).toEqual([]);
    expect(contents.keyEntries).toHaveLength(1);
    const [entry] = contents.keyEntries;
    expect(entry.alias).toBe('flott');
    expect(subjects(entry.chain)).toEqual(['CN=flott-node', 'CN=flott-test-ca']);
    expect(entry.chain.map((c) => c.fingerprint256)).toEqual([node.fingerprint256, ca.fingerprint256]);
    expect(entry.key?.asymmetricKeyType).toBe('rsa');
    expect(publicKeyOf(entry.key)).toBe(certificateKey(node));
  });

  it.each([
    ['truststore.p12', 'pkcs12'],
    ['truststore.jks', 'jks'],
  ])('reads the trusted certificate entry of %s', async (file, format) => {
    const contents = await read(file, 'truststore-pass');
    expect(contents.format).toBe(format);
    expect(contents.keyEntries).toEqual([]);
    expect(contents.trustedCertificates.map((e) => [e.alias, e.certificate.fingerprint256])).toEqual([['ca', ca.fingerprint256]]);
  });

  it('trusts, as Java does, the trusted certificate entries and the own certificates of key entries, not the rest of their chains', async () => {
    const keystore = await read('node.p12', 'keystore-pass');
    expect(keystore.keyEntries[0].key).toBeUndefined();
    expect(subjects(trustedCertificatesOf(keystore))).toEqual(['CN=flott-node']);
    expect(subjects(trustedCertificatesOf(await read('node.jks', 'keystore-pass')))).toEqual(['CN=flott-node']);
    expect(subjects(trustedCertificatesOf(await read('truststore.p12', 'truststore-pass')))).toEqual(['CN=flott-test-ca']);
  });

  it("sees no trusted entry in a PKCS12 file without Java's trusted-certificate attribute (keytool -list sees none either)", async () => {
    const contents = await read('openssl-truststore.p12', 'truststore-pass');
    expect(contents.keyEntries).toEqual([]);
    expect(contents.trustedCertificates).toEqual([]);
  });

  it('reads every key entry of a keystore with several', async () => {
    const contents = await read('two-keys.p12', 'keystore-pass', 'keystore-pass');
    expect(contents.keyEntries.map((e) => [e.alias, subjects(e.chain)])).toEqual([
      ['flott', ['CN=flott-node', 'CN=flott-test-ca']],
      ['other', ['CN=flott-other', 'CN=flott-test-ca']],
    ]);
  });

  it.each(['node.p12', 'node.jks', 'truststore.p12', 'truststore.jks', 'node-legacy.p12'])('refuses a wrong store password of %s, as a wrong store password', async (file) => {
    const error = await failure(read(file, 'wrong', 'key-pass'));
    expect(error.wrongPassword).toBe('store');
    expect(error.message).toMatch(/^the password is wrong, or the file was altered: its integrity check (\(MAC\) )?fails$/);
  });

  it.each([
    ['node.p12', 'keystore-pass'],
    ['node.jks', 'keystore-pass'],
    ['node-legacy.p12', 'keystore-pass'],
  ])('refuses a wrong key password of %s, as a wrong key password', async (file, storePassword) => {
    const error = await failure(read(file, storePassword, 'wrong'));
    expect(error.wrongPassword).toBe('key');
    expect(error.message).toMatch(/^the key password does not decrypt the key of entry "flott"/);
  });

  it('finds an altered JKS keystore by its integrity check', async () => {
    const data = readFileSync(keyStoreFixture('truststore.jks'));
    data[100] ^= 0xff;
    expect((await failure(readKeyStore(data, 'truststore-pass', undefined))).message).toBe('the password is wrong, or the file was altered: its integrity check fails');
  });

  it('names what a file that is no PKCS12 or JKS keystore is', async () => {
    expect((await failure(readKeyStore(readFileSync(keyStoreFixture('ca.crt')), 'x', undefined))).message).toBe('neither a PKCS12 nor a JKS keystore');
    expect((await failure(readKeyStore(Buffer.from('cececece00000002', 'hex'), 'x', undefined))).message).toMatch(/^a JCEKS keystore, which Flott does not read/);
    expect((await failure(readKeyStore(Buffer.from('feedfeed00000002', 'hex'), 'x', undefined))).message).toBe('a truncated JKS keystore');
    expect((await failure(readKeyStore(readFileSync(keyStoreFixture('node.p12')).subarray(0, 500), 'x', undefined))).message).toMatch(/^the PKCS12 file is not readable ASN.1/);
  });
});
