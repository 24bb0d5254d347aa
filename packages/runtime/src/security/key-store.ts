import type { KeyObject, X509Certificate } from 'node:crypto';

/** The formats of key and trust store files Flott reads: Flink's keystore types pkcs12 and jks. */
export type KeyStoreType = 'pkcs12' | 'jks';

/** A private key entry: the key (absent when the store is read without a key password) and its certificate chain, leaf first. */
export interface KeyStoreKeyEntry {
  readonly alias: string;
  readonly key?: KeyObject;
  readonly chain: readonly X509Certificate[];
}

/** What a Java key or trust store holds, as Java's KeyStore sees it. */
export interface KeyStoreContents {
  readonly format: KeyStoreType;
  readonly keyEntries: readonly KeyStoreKeyEntry[];
  /** Trusted certificate entries (keytool -importcert). */
  readonly trustedCertificates: readonly { readonly alias: string; readonly certificate: X509Certificate }[];
}

/** Which password a store's failure is about: the store's (integrity, encrypted certificates) or its key's. */
export type KeyStorePassword = 'store' | 'key';

/** A key or trust store that cannot be read: corrupt, of an unsupported format or algorithm, or a wrong password. */
export class KeyStoreError extends Error {
  constructor(message: string, readonly wrongPassword?: KeyStorePassword, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KeyStoreError';
  }
}

/** JKS files start with 0xFEEDFEED, JCEKS files with 0xCECECECE; a PKCS12 file is a DER SEQUENCE. */
const JKS_MAGIC = 0xfeedfeed;
const JCEKS_MAGIC = 0xcececece;

/**
 * Reads a Java key or trust store. The format is told by the file's first bytes, not by the
 * configured type: Java (9 and later, keystore.type.compat) reads a JKS file as a "pkcs12" keystore
 * and a PKCS12 file as a "jks" one, so Flink does too. `keyPassword` decrypts the private keys;
 * without it (a trust store) only their certificate chains are read, where the format allows.
 */
export async function readKeyStore(data: Buffer, storePassword: string, keyPassword: string | undefined): Promise<KeyStoreContents> {
  const magic = data.length >= 4 ? data.readUInt32BE(0) : 0;
  if (magic === JKS_MAGIC) return (await import('./jks')).readJks(data, storePassword, keyPassword);
  if (magic === JCEKS_MAGIC) throw new KeyStoreError('a JCEKS keystore, which Flott does not read: convert it with keytool -importkeystore -deststoretype PKCS12');
  if (data[0] === 0x30) return (await import('./pkcs12')).readPkcs12(data, storePassword, keyPassword);
  throw new KeyStoreError('neither a PKCS12 nor a JKS keystore');
}

/** The trust anchors of a trust store, as Java's TrustStoreUtil takes them: each trusted certificate entry, and each key entry's own certificate. */
export function trustedCertificatesOf(contents: KeyStoreContents): X509Certificate[] {
  return [...contents.trustedCertificates.map((e) => e.certificate), ...contents.keyEntries.flatMap((e) => e.chain.slice(0, 1))];
}
