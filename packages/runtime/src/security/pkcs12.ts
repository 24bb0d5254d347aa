import { createDecipheriv, createHash, createHmac, createPrivateKey, pbkdf2Sync, timingSafeEqual, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { KeyStoreError, type KeyStoreContents, type KeyStoreKeyEntry } from './key-store';

/*
 * A reader of PKCS #12 (RFC 7292) key and trust stores, as Java's PKCS12KeyStore writes and reads them.
 * It walks the structure itself, so each certificate keeps its exact DER (fingerprints are pinned), the
 * attributes Java sets are seen, and keys may have their own password. node:crypto derives the keys and
 * runs PBES2 (what keytool writes); node-forge parses the ASN.1 and runs PKCS #12's legacy ciphers
 * (3DES, and RC2, which OpenSSL 3 no longer loads by default).
 *
 *   PFX = SEQUENCE { version 3, authSafe ContentInfo(data), macData MacData OPTIONAL }
 *   authSafe's octets = SEQUENCE OF ContentInfo, each data (SafeContents) or encryptedData (SafeContents
 *   encrypted with the store password); SafeContents = SEQUENCE OF SafeBag { bagId, [0] value, attributes }.
 */

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
  pbes2: '1.2.840.113549.1.5.13',
  /** Java's "trusted key usage" attribute: marks a certificate bag as a trusted certificate entry (keytool -importcert). */
  javaTrustedKeyUsage: '2.16.840.1.113894.746875.1.1',
} as const;

/** The MAC digests PKCS #12 files use, by OID: node's name, output and block bytes. */
const MAC_DIGESTS: Record<string, { node: string; bytes: number; block: number }> = {
  '1.3.14.3.2.26': { node: 'sha1', bytes: 20, block: 64 },
  '2.16.840.1.101.3.4.2.1': { node: 'sha256', bytes: 32, block: 64 },
  '2.16.840.1.101.3.4.2.2': { node: 'sha384', bytes: 48, block: 128 },
  '2.16.840.1.101.3.4.2.3': { node: 'sha512', bytes: 64, block: 128 },
};

/** PBES2's key derivation (PBKDF2) pseudo-random functions and ciphers, by OID, as node names them. */
const PBKDF2_OID = '1.2.840.113549.1.5.12';
const PBKDF2_PRFS: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
const PBES2_CIPHERS: Record<string, { node: string; keyBytes: number }> = {
  '2.16.840.1.101.3.4.1.2': { node: 'aes-128-cbc', keyBytes: 16 },
  '2.16.840.1.101.3.4.1.22': { node: 'aes-192-cbc', keyBytes: 24 },
  '2.16.840.1.101.3.4.1.42': { node: 'aes-256-cbc', keyBytes: 32 },
  '1.2.840.113549.3.7': { node: 'des-ede3-cbc', keyBytes: 24 },
};

/** A bound on a key derivation's iterations: a crafted file cannot make the reader spin for long (keytool writes 10,000). */
const MAX_ITERATIONS = 10_000_000;

/** The bags of a bound number: a corrupt file cannot make the reader loop for long. */
const MAX_BAGS = 10_000;

type Asn1 = forge.asn1.Asn1;

/** The parts of node-forge @types/node-forge does not declare: its password-based ciphers and fromDer's options. */
const forgePbe = (forge.pki as unknown as { pbe: { getCipher(oid: string, params: Asn1, password: string): forge.cipher.BlockCipher } }).pbe;
const fromDer = forge.asn1.fromDer as unknown as (bytes: forge.util.ByteBuffer, options: { strict: boolean; parseAllBytes: boolean; decodeBitStrings: boolean }) => Asn1;

interface CertBag {
  readonly certificate: X509Certificate;
  readonly alias?: string;
  readonly localKeyId?: string;
  readonly trusted: boolean;
}

/**
 * Reads a PKCS12 store: verifies its MAC and decrypts its encrypted contents with `storePassword`,
 * and decrypts its keys with `keyPassword` (keytool writes them with the store password) when given.
 */
export function readPkcs12(data: Buffer, storePassword: string, keyPassword: string | undefined): KeyStoreContents {
  const pfx = children(parseDer(data, 'the PKCS12 file'), 'the PFX');
  if (pfx.length < 2 || integer(pfx[0]) !== 3) throw new KeyStoreError('not a PKCS12 (version 3) keystore');
  const authenticatedSafe = contentInfoData(pfx[1], 'the PFX content');
  if (pfx[2]) verifyMac(pfx[2], authenticatedSafe, storePassword);
  const certs: CertBag[] = [];
  const keys: { key: KeyObject | undefined; alias: string; localKeyId?: string }[] = [];
  const contentInfos = children(parseDer(authenticatedSafe, 'the authenticated safe'), 'the authenticated safe');
  for (const contentInfo of contentInfos) {
    const [type] = children(contentInfo, 'a ContentInfo');
    const safeContents = oid(type) === OID.encryptedData ? decryptContent(contentInfo, storePassword) : contentInfoData(contentInfo, 'a ContentInfo');
    const bags = children(parseDer(safeContents, 'a SafeContents'), 'a SafeContents');
    if (bags.length > MAX_BAGS) throw new KeyStoreError(`a PKCS12 keystore with ${bags.length} entries in one part (at most ${MAX_BAGS} are read)`);
    for (const bag of bags) {
      const [bagId, value, attributeSet] = children(bag, 'a SafeBag');
      const attributes = bagAttributes(attributeSet);
      const content = children(value, 'a SafeBag value')[0];
      switch (oid(bagId)) {
        case OID.certBag:
          certs.push({ certificate: certificateOf(content), ...attributes });
          break;
        case OID.shroudedKeyBag: {
          const alias = attributes.alias ?? `key ${keys.length + 1}`;
          keys.push({ ...attributes, alias, key: keyPassword === undefined ? undefined : decryptKey(content, keyPassword, alias) });
          break;
        }
        case OID.keyBag: {
          const alias = attributes.alias ?? `key ${keys.length + 1}`;
          keys.push({ ...attributes, alias, key: privateKeyFromDer(Buffer.from(forge.asn1.toDer(content).getBytes(), 'binary'), alias) });
          break;
        }
        default:
        // CRL, secret and nested bags hold nothing TLS uses (Java's secret key entries are secret bags).
      }
    }
  }
  const keyEntries = keys.map((k): KeyStoreKeyEntry => ({
    alias: k.alias,
    chain: chainOf(certs.find((c) => c.localKeyId !== undefined && c.localKeyId === k.localKeyId), certs, k.alias),
    ...(k.key ? { key: k.key } : {}),
  }));
  const trustedCertificates = certs.filter((c) => c.trusted).map((c, i) => ({ alias: c.alias ?? `certificate ${i + 1}`, certificate: c.certificate }));
  return { format: 'pkcs12', keyEntries, trustedCertificates };
}

function verifyMac(macData: Asn1, authenticatedSafe: Buffer, password: string): void {
  const [digestInfo, salt, iterations] = children(macData, 'the MAC');
  const [algorithm, digest] = children(digestInfo, 'the MAC digest');
  const algorithmOid = oid(children(algorithm, 'the MAC algorithm')[0]);
  const md = MAC_DIGESTS[algorithmOid];
  if (!md) throw new KeyStoreError(`its integrity is protected by a MAC algorithm (${algorithmOid}) Flott does not know`);
  const count = iterations ? integer(iterations) : 1;
  if (count > MAX_ITERATIONS) throw new KeyStoreError(`its MAC claims ${count} iterations (at most ${MAX_ITERATIONS} are run)`);
  const key = pkcs12MacKey(md.node, md.block, password, Buffer.from(bytes(salt), 'binary'), count, md.bytes);
  const actual = createHmac(md.node, key).update(authenticatedSafe).digest();
  const expected = Buffer.from(bytes(digest), 'binary');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new KeyStoreError('the password is wrong, or the file was altered: its integrity check (MAC) fails', 'store');
  }
}

/** The SafeContents of an EncryptedData ContentInfo, decrypted with the store password. */
function decryptContent(contentInfo: Asn1, password: string): Buffer {
  const encryptedData = children(children(contentInfo, 'a ContentInfo')[1], 'an EncryptedData')[0];
  const [, encryptedContentInfo] = children(encryptedData, 'an EncryptedData');
  const [, algorithm, encrypted] = children(encryptedContentInfo, 'an EncryptedContentInfo');
  const plain = decrypt(algorithm, Buffer.from(bytes(encrypted), 'binary'), password, 'its certificates');
  if (!plain) throw new KeyStoreError('the password does not decrypt its certificates', 'store');
  return plain;
}

function decryptKey(encryptedPrivateKeyInfo: Asn1, password: string, alias: string): KeyObject {
  const [algorithm, encrypted] = children(encryptedPrivateKeyInfo, 'an EncryptedPrivateKeyInfo');
  const plain = decrypt(algorithm, Buffer.from(bytes(encrypted), 'binary'), password, `the key of entry "${alias}"`);
  if (!plain) throw new KeyStoreError(`the key password does not decrypt the key of entry "${alias}"`, 'key');
  return privateKeyFromDer(plain, alias);
}

/** `encrypted` decrypted by its password-based `algorithm`; undefined when the padding is wrong (a wrong password). */
function decrypt(algorithm: Asn1, encrypted: Buffer, password: string, what: string): Buffer | undefined {
  const [algorithmOid, params] = children(algorithm, `the encryption algorithm of ${what}`);
  const id = oid(algorithmOid);
  if (id === OID.pbes2) return decryptPbes2(params, encrypted, password, what);
  let cipher: forge.cipher.BlockCipher;
  try {
    // PKCS #12's own PBEs (3DES, RC2; older keytools and openssl -legacy): forge's ciphers, as OpenSSL 3 leaves RC2 out by default.
    cipher = forgePbe.getCipher(id, params, password);
  } catch (e) {
    throw new KeyStoreError(`${what}: encrypted by an algorithm Flott does not read (${id}): ${(e as Error).message}`, undefined, { cause: e });
  }
  cipher.update(forge.util.createBuffer(encrypted.toString('binary')));
  return cipher.finish() ? Buffer.from(cipher.output.getBytes(), 'binary') : undefined;
}

/** PBES2 (RFC 8018): PBKDF2 of the password's UTF-8 bytes (as Java derives it), then a block cipher in CBC mode. */
function decryptPbes2(params: Asn1, encrypted: Buffer, password: string, what: string): Buffer | undefined {
  const [kdf, scheme] = children(params, `the PBES2 parameters of ${what}`);
  const [kdfOid, kdfParams] = children(kdf, `the key derivation of ${what}`);
  const [schemeOid, iv] = children(scheme, `the cipher of ${what}`);
  const [salt, iterations, ...rest] = children(kdfParams, `the PBKDF2 parameters of ${what}`);
  const prfAlgorithm = rest.find((n) => n.type === forge.asn1.Type.SEQUENCE);
  const prf = prfAlgorithm ? PBKDF2_PRFS[oid(children(prfAlgorithm, 'a PBKDF2 function')[0])] : 'sha1';
  const cipher = PBES2_CIPHERS[oid(schemeOid)];
  const count = integer(iterations);
  if (oid(kdfOid) !== PBKDF2_OID || !prf || !cipher) {
    throw new KeyStoreError(`${what}: encrypted by a PBES2 scheme Flott does not read (${oid(kdfOid)}, ${oid(schemeOid)})`);
  }
  if (count > MAX_ITERATIONS) throw new KeyStoreError(`${what}: the key derivation claims ${count} iterations (at most ${MAX_ITERATIONS} are run)`);
  const key = pbkdf2Sync(Buffer.from(password, 'utf8'), Buffer.from(bytes(salt), 'binary'), count, cipher.keyBytes, prf);
  try {
    const decipher = createDecipheriv(cipher.node, key, Buffer.from(bytes(iv), 'binary'));
    return Buffer.concat([decipher.update(encrypted), decipher.final()]);
  } catch {
    return undefined;
  }
}

/**
 * The MAC key of a PKCS #12 file (RFC 7292, appendix B.2, with ID 3): the password as a
 * NUL-terminated BMPString, salt and password each repeated to whole blocks, hashed `iterations` times.
 */
function pkcs12MacKey(digest: string, blockBytes: number, password: string, salt: Buffer, iterations: number, keyBytes: number): Buffer {
  const fill = (source: Buffer): Buffer => {
    if (source.length === 0) return source;
    const out = Buffer.alloc(blockBytes * Math.ceil(source.length / blockBytes));
    for (let i = 0; i < out.length; i++) out[i] = source[i % source.length];
    return out;
  };
  const diversifier = Buffer.alloc(blockBytes, 3);
  const input = Buffer.concat([fill(salt), fill(Buffer.concat([Buffer.from(password, 'utf16le').swap16(), Buffer.alloc(2)]))]);
  let a = createHash(digest).update(diversifier).update(input).digest();
  for (let i = 1; i < iterations; i++) a = createHash(digest).update(a).digest();
  // One block of output is enough: a MAC key is never longer than its digest.
  return a.subarray(0, keyBytes);
}

function privateKeyFromDer(der: Buffer, alias: string): KeyObject {
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch (e) {
    // A wrong password can decrypt to padding that happens to be valid; the key then does not parse.
    throw new KeyStoreError(`the key password does not decrypt the key of entry "${alias}" to a readable key`, 'key', { cause: e });
  }
}

function certificateOf(certBag: Asn1): X509Certificate {
  const [certId, value] = children(certBag, 'a CertBag');
  if (oid(certId) !== OID.x509Certificate) throw new KeyStoreError(`it holds a certificate of a type other than X.509 (${oid(certId)})`);
  try {
    return new X509Certificate(Buffer.from(bytes(children(value, 'a CertBag value')[0]), 'binary'));
  } catch (e) {
    throw new KeyStoreError(`it holds an unreadable certificate: ${(e as Error).message}`, undefined, { cause: e });
  }
}

function bagAttributes(attributeSet: Asn1 | undefined): { alias?: string; localKeyId?: string; trusted: boolean } {
  const found: { alias?: string; localKeyId?: string; trusted: boolean } = { trusted: false };
  for (const attribute of attributeSet ? children(attributeSet, 'the attributes of a SafeBag') : []) {
    const [type, values] = children(attribute, 'an attribute');
    const first = children(values, 'an attribute value')[0];
    const id = oid(type);
    // forge decodes a BMPString to its text.
    if (id === OID.friendlyName && first) found.alias = bytes(first);
    else if (id === OID.localKeyId && first) found.localKeyId = forge.util.bytesToHex(bytes(first));
    else if (id === OID.javaTrustedKeyUsage) found.trusted = true;
  }
  return found;
}

/** The chain of `leaf`: each next certificate is the one that issued the previous, as Java builds it from the file's certificates. */
function chainOf(leaf: CertBag | undefined, certs: readonly CertBag[], alias: string): X509Certificate[] {
  if (!leaf) throw new KeyStoreError(`the key of entry "${alias}" has no certificate`);
  const chain = [leaf.certificate];
  for (;;) {
    const last = chain[chain.length - 1];
    if (last.checkIssued(last)) return chain;
    const issuer = certs.find((c) => !chain.includes(c.certificate) && last.checkIssued(c.certificate) && last.verify(c.certificate.publicKey));
    if (!issuer) return chain;
    chain.push(issuer.certificate);
  }
}

function parseDer(data: Buffer, what: string): Asn1 {
  try {
    return fromDer(forge.util.createBuffer(data.toString('binary')), { strict: true, parseAllBytes: true, decodeBitStrings: false });
  } catch (e) {
    throw new KeyStoreError(`${what} is not readable ASN.1: ${(e as Error).message}`, undefined, { cause: e });
  }
}

/** The octets of a data ContentInfo (an OCTET STRING, maybe in BER chunks). */
function contentInfoData(contentInfo: Asn1, what: string): Buffer {
  const [type, content] = children(contentInfo, what);
  if (oid(type) !== OID.data) throw new KeyStoreError(`${what} is of an unsupported type (${oid(type)})`);
  return Buffer.from(bytes(children(content, what)[0]), 'binary');
}

function children(node: Asn1 | undefined, what: string): Asn1[] {
  if (!node || !Array.isArray(node.value)) throw new KeyStoreError(`${what} is malformed`);
  return node.value as Asn1[];
}

/** The octets of a primitive value, or of a constructed (BER) OCTET STRING's chunks. */
function bytes(node: Asn1 | undefined): string {
  if (!node) throw new KeyStoreError('a value is missing');
  return typeof node.value === 'string' ? node.value : (node.value as Asn1[]).map(bytes).join('');
}

function oid(node: Asn1 | undefined): string {
  if (!node || node.type !== forge.asn1.Type.OID) throw new KeyStoreError('an object identifier is missing');
  return forge.asn1.derToOid(bytes(node));
}

function integer(node: Asn1): number {
  return parseInt(forge.util.bytesToHex(bytes(node)) || '0', 16);
}
