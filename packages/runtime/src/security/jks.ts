import { createHash, createPrivateKey, timingSafeEqual, X509Certificate, type KeyObject } from 'node:crypto';
import { KeyStoreError, type KeyStoreContents, type KeyStoreKeyEntry } from './key-store';

/*
 * A reader of Java's JKS keystore format (the JDK's "JKS" type, sun.security.provider.JavaKeyStore),
 * written from the format:
 *
 *   u32 magic 0xFEEDFEED, u32 version (1 or 2), u32 entry count, then each entry:
 *     u32 tag: 1 = private key, 2 = trusted certificate
 *     alias: u16 length + (modified) UTF-8 bytes;  u64 creation time (ms)
 *     tag 1: u32 length + DER EncryptedPrivateKeyInfo; u32 chain length; that many certificates
 *     tag 2: one certificate
 *     a certificate: (version 2 only) its type as u16 length + UTF-8 ("X.509"), then u32 length + DER
 *   then 20 bytes: SHA-1(password as UTF-16BE, "Mighty Aphrodite" as UTF-8, every byte before it).
 *
 * The EncryptedPrivateKeyInfo's algorithm is Sun's KeyProtector (OID 1.3.6.1.4.1.42.2.17.1.1): its
 * octets are salt (20 bytes) | key XOR keystream | check (20 bytes), where the keystream is
 * d1 | d2 | ... with d1 = SHA-1(password | salt), d(i+1) = SHA-1(password | d(i)), the password is
 * UTF-16BE, the plain key is a DER PKCS#8 PrivateKeyInfo, and check = SHA-1(password | plain key).
 */

const JKS_MAGIC = 0xfeedfeed;
const PRIVATE_KEY_ENTRY = 1;
const TRUSTED_CERT_ENTRY = 2;
const DIGEST_BYTES = 20;
const INTEGRITY_WHITENER = Buffer.from('Mighty Aphrodite', 'utf8');
/** The DER of Sun's KeyProtector algorithm identifier's OID, 1.3.6.1.4.1.42.2.17.1.1. */
const KEY_PROTECTOR_OID = Buffer.from('2b060104012a02110101', 'hex');
/** A bound on entries and chain lengths, so a corrupt count cannot make the reader loop for long. */
const MAX_COUNT = 10_000;

/** Reads a JKS keystore: checks its integrity with `storePassword`, and decrypts its keys with `keyPassword` (when given). */
export function readJks(data: Buffer, storePassword: string, keyPassword: string | undefined): KeyStoreContents {
  if (data.length < 12 + DIGEST_BYTES) throw new KeyStoreError('a truncated JKS keystore');
  const body = data.subarray(0, data.length - DIGEST_BYTES);
  const expected = createHash('sha1').update(javaPasswordBytes(storePassword)).update(INTEGRITY_WHITENER).update(body).digest();
  if (!timingSafeEqual(expected, data.subarray(body.length))) {
    throw new KeyStoreError('the password is wrong, or the file was altered: its integrity check fails', 'store');
  }
  const reader = new Reader(body);
  if (reader.u32() !== JKS_MAGIC) throw new KeyStoreError('not a JKS keystore');
  const version = reader.u32();
  if (version !== 1 && version !== 2) throw new KeyStoreError(`a JKS keystore of unknown version ${version}`);
  const count = reader.count('entries');
  const keyEntries: KeyStoreKeyEntry[] = [];
  const trustedCertificates: { alias: string; certificate: X509Certificate }[] = [];
  for (let i = 0; i < count; i++) {
    const tag = reader.u32();
    const alias = reader.utf();
    reader.skip(8); // creation time
    if (tag === PRIVATE_KEY_ENTRY) {
      const protectedKey = reader.bytes(reader.u32());
      const chain = Array.from({ length: reader.count('certificates of a chain') }, () => reader.certificate(version, alias));
      keyEntries.push({ alias, chain, ...(keyPassword !== undefined ? { key: recoverKey(protectedKey, keyPassword, alias) } : {}) });
    } else if (tag === TRUSTED_CERT_ENTRY) {
      trustedCertificates.push({ alias, certificate: reader.certificate(version, alias) });
    } else {
      throw new KeyStoreError(`entry "${alias}" is of unknown kind ${tag}`);
    }
  }
  if (!reader.atEnd) throw new KeyStoreError('bytes follow the last entry of the JKS keystore');
  return { format: 'jks', keyEntries, trustedCertificates };
}

/** Java's char[] password as bytes: each UTF-16 code unit, big-endian. */
function javaPasswordBytes(password: string): Buffer {
  return Buffer.from(password, 'utf16le').swap16();
}

/** The private key of a KeyProtector-encrypted EncryptedPrivateKeyInfo. */
function recoverKey(encryptedPrivateKeyInfo: Buffer, password: string, alias: string): KeyObject {
  const octets = keyProtectorOctets(encryptedPrivateKeyInfo, alias);
  if (octets.length < 2 * DIGEST_BYTES) throw new KeyStoreError(`the key of entry "${alias}" is truncated`);
  const passwordBytes = javaPasswordBytes(password);
  const encrypted = octets.subarray(DIGEST_BYTES, octets.length - DIGEST_BYTES);
  const plain = Buffer.alloc(encrypted.length);
  let digest = octets.subarray(0, DIGEST_BYTES);
  for (let at = 0; at < encrypted.length; at += DIGEST_BYTES) {
    digest = createHash('sha1').update(passwordBytes).update(digest).digest();
    for (let i = 0; i < DIGEST_BYTES && at + i < encrypted.length; i++) plain[at + i] = encrypted[at + i] ^ digest[i];
  }
  const check = createHash('sha1').update(passwordBytes).update(plain).digest();
  if (!timingSafeEqual(check, octets.subarray(octets.length - DIGEST_BYTES))) {
    throw new KeyStoreError(`the key password does not decrypt the key of entry "${alias}"`, 'key');
  }
  try {
    return createPrivateKey({ key: plain, format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new KeyStoreError(`the key of entry "${alias}" is not a readable PKCS#8 key: ${(e as Error).message}`, undefined, { cause: e });
  }
}

/**
 * The encrypted octets of an EncryptedPrivateKeyInfo (SEQUENCE { SEQUENCE { OID, NULL }, OCTET STRING })
 * whose algorithm is Sun's KeyProtector; JKS stores hold no other.
 */
function keyProtectorOctets(der: Buffer, alias: string): Buffer {
  const outer = new DerReader(der, alias).element(0x30);
  const inner = new DerReader(outer, alias);
  const algorithm = new DerReader(inner.element(0x30), alias).element(0x06);
  if (!algorithm.equals(KEY_PROTECTOR_OID)) throw new KeyStoreError(`the key of entry "${alias}" is protected by an algorithm JKS readers do not know`);
  return inner.element(0x04);
}

/** The few DER elements an EncryptedPrivateKeyInfo has: tag, definite length, contents. */
class DerReader {
  private at = 0;

  constructor(private readonly data: Buffer, private readonly alias: string) {}

  element(tag: number): Buffer {
    const malformed = () => new KeyStoreError(`the key of entry "${this.alias}" is not a well-formed EncryptedPrivateKeyInfo`);
    if (this.data[this.at] !== tag) throw malformed();
    let length = this.data[this.at + 1];
    let start = this.at + 2;
    if (length === undefined) throw malformed();
    if (length & 0x80) {
      const octets = length & 0x7f;
      if (octets < 1 || octets > 4 || start + octets > this.data.length) throw malformed();
      length = this.data.readUIntBE(start, octets);
      start += octets;
    }
    if (start + length > this.data.length) throw malformed();
    this.at = start + length;
    return this.data.subarray(start, start + length);
  }
}

/** Big-endian reads of a JKS body; running past its end is a truncated keystore. */
class Reader {
  private at = 0;

  constructor(private readonly data: Buffer) {}

  get atEnd(): boolean {
    return this.at === this.data.length;
  }

  u32(): number {
    return this.bytes(4).readUInt32BE(0);
  }

  count(what: string): number {
    const n = this.u32();
    if (n > MAX_COUNT) throw new KeyStoreError(`a JKS keystore claiming ${n} ${what} (at most ${MAX_COUNT} are read)`);
    return n;
  }

  skip(n: number): void {
    this.bytes(n);
  }

  bytes(n: number): Buffer {
    if (this.at + n > this.data.length) throw new KeyStoreError('a truncated JKS keystore');
    const slice = this.data.subarray(this.at, this.at + n);
    this.at += n;
    return slice;
  }

  /** Java's DataOutput.writeUTF: modified UTF-8, which reads as UTF-8 for every alias keytool writes. */
  utf(): string {
    return this.bytes(this.bytes(2).readUInt16BE(0)).toString('utf8');
  }

  certificate(version: number, alias: string): X509Certificate {
    if (version === 2) {
      const type = this.utf();
      if (type !== 'X.509') throw new KeyStoreError(`entry "${alias}" holds a certificate of type ${type}, not X.509`);
    }
    const der = this.bytes(this.u32());
    try {
      return new X509Certificate(der);
    } catch (e) {
      throw new KeyStoreError(`entry "${alias}" holds an unreadable certificate: ${(e as Error).message}`, undefined, { cause: e });
    }
  }
}
