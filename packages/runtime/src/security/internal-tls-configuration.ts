import { ConfigurationError, type Configuration, type ConfigOption } from '@flott/core';
import type { X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { RpcSecurityOptions as S } from '../config/options';
import { KeyStoreError, readKeyStore, trustedCertificatesOf, type KeyStoreContents } from './key-store';
import type { TcpTlsMaterial } from './tls-material';

type Option = ConfigOption<string | undefined>;

/** The option of a key or trust store file, with the options of its type and password(s). */
interface StoreOptions {
  readonly file: Option;
  readonly type: ConfigOption<'pkcs12' | 'jks'>;
  readonly password: Option;
  /** Decrypts the keys; the store password when unset. Absent for a trust store, whose keys are not decrypted. */
  readonly keyPassword?: Option;
}

const KEY_STORE: StoreOptions = { file: S.SSL_INTERNAL_KEYSTORE, type: S.SSL_INTERNAL_KEYSTORE_TYPE, password: S.SSL_INTERNAL_KEYSTORE_PASSWORD, keyPassword: S.SSL_INTERNAL_KEY_PASSWORD };
const TRUST_STORE: StoreOptions = { file: S.SSL_INTERNAL_TRUSTSTORE, type: S.SSL_INTERNAL_TRUSTSTORE_TYPE, password: S.SSL_INTERNAL_TRUSTSTORE_PASSWORD };
/** Every option that shapes the material: a change to one of them, or to a file they name, loads it again. */
const MATERIAL_OPTIONS = [
  S.SSL_INTERNAL_KEYSTORE, S.SSL_INTERNAL_KEYSTORE_PASSWORD, S.SSL_INTERNAL_KEY_PASSWORD, S.SSL_INTERNAL_KEYSTORE_TYPE,
  S.SSL_INTERNAL_TRUSTSTORE, S.SSL_INTERNAL_TRUSTSTORE_PASSWORD, S.SSL_INTERNAL_TRUSTSTORE_TYPE,
  S.SSL_INTERNAL_KEY, S.SSL_INTERNAL_CERT, S.SSL_INTERNAL_TRUST_CERTIFICATE, S.SSL_INTERNAL_CERT_FINGERPRINT, S.SSL_VERIFY_HOSTNAME,
] as const satisfies readonly ConfigOption<unknown>[];
const FILE_OPTIONS: readonly Option[] = [S.SSL_INTERNAL_KEYSTORE, S.SSL_INTERNAL_TRUSTSTORE, S.SSL_INTERNAL_KEY, S.SSL_INTERNAL_CERT, S.SSL_INTERNAL_TRUST_CERTIFICATE];

/**
 * The last material loaded, by what it was loaded from (option values, and each file's size and
 * modification time): a process asks for it several times (RPC, data plane, blob server, each bundle
 * download), and a PKCS12 store costs a key derivation to read. A failed load is not kept.
 */
let lastLoaded: { readonly source: string; readonly material: Promise<TcpTlsMaterial> } | undefined;

/**
 * Internal TLS material from configuration: this process's key and certificate from
 * security.ssl.internal.keystore (Flink's) or the PEM files of security.ssl.internal.key and .cert
 * (Flott's), trust from security.ssl.internal.truststore or security.ssl.internal.trust-certificate,
 * and the pins of security.ssl.internal.cert.fingerprint. Each side takes one of its two forms: both
 * is a ConfigurationError naming both, as is a missing file or password, an unreadable store, or a
 * wrong password; processes load it at start, so such errors stop them there.
 */
export async function internalTlsMaterial(config: Configuration): Promise<TcpTlsMaterial> {
  const source = await sourceOf(config);
  if (lastLoaded?.source === source) return lastLoaded.material;
  const material = loadMaterial(config);
  lastLoaded = { source, material };
  material.catch(() => {
    if (lastLoaded?.material === material) lastLoaded = undefined;
  });
  return material;
}

async function sourceOf(config: Configuration): Promise<string> {
  const files = await Promise.all(FILE_OPTIONS.map(async (option) => {
    const path = config.get(option);
    return path === undefined ? null : await stat(path).then((s) => [s.size, s.mtimeMs], () => 'unreadable');
  }));
  return JSON.stringify([MATERIAL_OPTIONS.map((o: ConfigOption<unknown>) => config.get(o)), files]);
}

async function loadMaterial(config: Configuration): Promise<TcpTlsMaterial> {
  excludeEachOther(config, [S.SSL_INTERNAL_KEYSTORE], [S.SSL_INTERNAL_KEY, S.SSL_INTERNAL_CERT], "this process's key and certificate");
  excludeEachOther(config, [S.SSL_INTERNAL_TRUSTSTORE], [S.SSL_INTERNAL_TRUST_CERTIFICATE], 'the trusted certificates');
  const set = (o: Option) => config.get(o) !== undefined;
  const missing = [
    ...(set(S.SSL_INTERNAL_KEYSTORE) ? []
      : set(S.SSL_INTERNAL_KEY) || set(S.SSL_INTERNAL_CERT) ? [S.SSL_INTERNAL_KEY, S.SSL_INTERNAL_CERT].filter((o) => !set(o)).map((o) => o.key)
        : [`${S.SSL_INTERNAL_KEYSTORE.key} (or ${S.SSL_INTERNAL_KEY.key} and ${S.SSL_INTERNAL_CERT.key})`]),
    ...(set(S.SSL_INTERNAL_TRUSTSTORE) || set(S.SSL_INTERNAL_TRUST_CERTIFICATE) ? [] : [`${S.SSL_INTERNAL_TRUSTSTORE.key} (or ${S.SSL_INTERNAL_TRUST_CERTIFICATE.key})`]),
  ];
  if (missing.length > 0) {
    throw new ConfigurationError(`${S.SSL_INTERNAL_ENABLED.key} is true, but ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set`, { missing });
  }
  const pinnedFingerprints = parsePinnedFingerprints(config);
  return {
    ...(set(S.SSL_INTERNAL_KEYSTORE) ? await keyAndCertificateFromStore(config) : { key: await readFileOf(config, S.SSL_INTERNAL_KEY), cert: await readFileOf(config, S.SSL_INTERNAL_CERT) }),
    trustCertificate: set(S.SSL_INTERNAL_TRUSTSTORE) ? await trustFromStore(config) : await readFileOf(config, S.SSL_INTERNAL_TRUST_CERTIFICATE),
    verifyHostname: config.get(S.SSL_VERIFY_HOSTNAME),
    ...(pinnedFingerprints ? { pinnedFingerprints } : {}),
  };
}

function excludeEachOther(config: Configuration, stores: Option[], pems: Option[], what: string): void {
  const both = [...stores, ...pems].filter((o) => config.get(o) !== undefined);
  if (both.some((o) => stores.includes(o)) && both.some((o) => pems.includes(o))) {
    throw new ConfigurationError(`${both.map((o) => o.key).join(' and ')} are all set: ${what} come from a Java keystore or from PEM files, not both`, { keys: both.map((o) => o.key) });
  }
}

async function keyAndCertificateFromStore(config: Configuration): Promise<{ key: string; cert: string }> {
  const { path, contents } = await loadStore(config, KEY_STORE);
  const entries = contents.keyEntries;
  if (entries.length !== 1) {
    const found = entries.length === 0 ? 'no private key entry' : `${entries.length} private key entries (${entries.map((e) => e.alias).join(', ')}), where Flott presents one`;
    throw new ConfigurationError(`${S.SSL_INTERNAL_KEYSTORE.key} (${path}) holds ${found}`, { key: S.SSL_INTERNAL_KEYSTORE.key, path });
  }
  const [{ key, chain }] = entries;
  // A key password is always given for a keystore, so readKeyStore decrypted the key.
  return { key: key!.export({ type: 'pkcs8', format: 'pem' }).toString(), cert: pemOf(chain) };
}

async function trustFromStore(config: Configuration): Promise<string> {
  const { path, contents } = await loadStore(config, TRUST_STORE);
  const trusted = trustedCertificatesOf(contents);
  if (trusted.length === 0) {
    throw new ConfigurationError(
      `${S.SSL_INTERNAL_TRUSTSTORE.key} (${path}) holds no trusted certificate: keytool -importcert adds one (a certificate openssl pkcs12 wrote without -jdktrust is no trusted entry for Java either)`,
      { key: S.SSL_INTERNAL_TRUSTSTORE.key, path },
    );
  }
  return pemOf(trusted);
}

/** Reads and opens a store, with errors naming its option, its file and, for a wrong password, the password's option. */
async function loadStore(config: Configuration, store: StoreOptions): Promise<{ path: string; contents: KeyStoreContents }> {
  const path = config.get(store.file) as string;
  // Read to validate it: under either type Flott reads both formats, by their content, as Java does (see readKeyStore).
  config.get(store.type);
  const password = config.get(store.password);
  if (password === undefined) {
    throw new ConfigurationError(`${store.file.key} is set, but ${store.password.key} is not`, { key: store.file.key, missing: store.password.key });
  }
  const keyPassword = store.keyPassword ? (config.get(store.keyPassword) ?? password) : undefined;
  const data = await readFileOf(config, store.file);
  try {
    return { path, contents: await readKeyStore(data, password, keyPassword) };
  } catch (e) {
    if (!(e instanceof KeyStoreError)) throw e;
    const passwordOption = e.wrongPassword === 'key' ? store.keyPassword : e.wrongPassword === 'store' ? store.password : undefined;
    const check = passwordOption ? ` (check ${passwordOption.key}${passwordOption === store.keyPassword ? `, or ${store.password.key} when it is unset` : ''})` : '';
    throw new ConfigurationError(`Cannot open ${store.file.key} (${path}): ${e.message}${check}`, { key: store.file.key, path });
  }
}

async function readFileOf(config: Configuration, option: Option): Promise<Buffer> {
  const path = config.get(option) as string;
  try {
    return await readFile(path);
  } catch (e) {
    throw new ConfigurationError(`Cannot read ${option.key} (${path}): ${(e as Error).message}`, { key: option.key, path });
  }
}

function pemOf(certificates: readonly X509Certificate[]): string {
  return certificates.map((c) => c.toString()).join('');
}

/**
 * security.ssl.internal.cert.fingerprint as node prints fingerprints (upper-case hex pairs joined by
 * colons). Flink splits it at commas and takes SHA-1 fingerprints, with or without colons; SHA-256 ones are Flott's addition.
 */
function parsePinnedFingerprints(config: Configuration): string[] | undefined {
  const value = config.get(S.SSL_INTERNAL_CERT_FINGERPRINT);
  if (value === undefined) return undefined;
  const entries = value.split(',').map((f) => f.trim()).filter((f) => f.length > 0);
  if (entries.length === 0) throw new ConfigurationError(`${S.SSL_INTERNAL_CERT_FINGERPRINT.key} is set but holds no fingerprint`, { key: S.SSL_INTERNAL_CERT_FINGERPRINT.key });
  return entries.map((entry) => {
    const hex = entry.replace(/:/g, '');
    if (!/^[0-9a-fA-F]+$/.test(hex) || (hex.length !== 40 && hex.length !== 64)) {
      throw new ConfigurationError(
        `${S.SSL_INTERNAL_CERT_FINGERPRINT.key}: "${entry}" is not a SHA-1 or SHA-256 certificate fingerprint (40 or 64 hex digits, pairs optionally separated by colons)`,
        { key: S.SSL_INTERNAL_CERT_FINGERPRINT.key, fingerprint: entry },
      );
    }
    return hex.toUpperCase().match(/../g)!.join(':');
  });
}
