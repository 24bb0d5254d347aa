import { testCertificates } from '../testing/test-certificates';
import type { TcpTlsMaterial } from '../security/tls-material';
import { certificateFixture, keyStoreFixture, keyStoreMaterial, OTHER_KEYSTORE } from '../security/testing-fixtures/key-stores';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { useTemporaryDirectory } from '../testing/temporary-directory';
import { TestingLogger } from '../testing/testing-logger';
import { ManualClock } from '../time/clock';
import { SeededRandom } from '../time/random';
import { BlobClient } from './blob-client';
import { BlobServer } from './blob-server';
import { BlobStore } from './blob-store';

const MAX = 64 * 1024;
const CLEANUP_MS = 3_600_000;
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const bytes = (n: number, seed = 1): Uint8Array => {
  const r = new SeededRandom(seed);
  return Uint8Array.from({ length: n }, () => Math.floor(r.nextDouble() * 256));
};

/** One raw HTTP request (no client-side checks), so malformed requests reach the server as sent. */
function raw(port: number, method: string, urlPath: string, body?: Uint8Array, headers: Record<string, string | number> = {}): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: urlPath, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = text;
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('BlobStore, BlobServer and BlobClient (HTTP on loopback)', () => {
  const dir = useTemporaryDirectory('flott-blob-');
  let clock: ManualClock;
  let store: BlobStore;
  let server: BlobServer;
  let log: TestingLogger;

  const start = async (secret?: string, tls?: TcpTlsMaterial): Promise<void> => {
    clock = new ManualClock(0);
    log = new TestingLogger('info');
    store = new BlobStore({ directory: path.join(dir(), 'store'), maxBytes: MAX, cleanupIntervalMs: CLEANUP_MS, clock, scheduler: clock });
    server = new BlobServer({ store, host: '127.0.0.1', port: 0, secret, tls, maxConnections: 8, requestTimeoutMs: 10_000, logger: log });
    await server.start();
  };
  const client = (secret?: string, tls?: TcpTlsMaterial): BlobClient => new BlobClient({ address: server.address, secret, tls, maxBytes: MAX, timeoutMs: 10_000 });

  afterEach(async () => {
    await server.close();
    store.close();
  });

  it('uploads and downloads a bundle by its SHA-256, byte for byte', async () => {
    await start();
    const data = bytes(50_000);
    await client().upload(sha(data), data);
    expect(store.keys()).toEqual([sha(data)]);
    expect(await client().download(sha(data))).toEqual(data);
  });

  it('refuses an upload whose content does not hash to its key, and keeps nothing of it', async () => {
    await start();
    const data = bytes(1000);
    const other = sha(bytes(1000, 2));
    await expect(client().upload(other, data)).rejects.toMatchObject({ code: 'BLOB_CORRUPT', message: `Job bundle hash mismatch: expected ${other}, got ${sha(data)}` });
    expect(fs.readdirSync(path.join(dir(), 'store'))).toEqual([]);
  });

  it('refuses a bundle over blob.server.max-size, declared or streamed, and keeps nothing of it', async () => {
    await start();
    const big = bytes(MAX + 1);
    await expect(client().upload(sha(big), big)).rejects.toMatchObject({ code: 'BLOB_TOO_LARGE' });
    // Chunked (no content-length): cut off while streaming.
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, method: 'PUT', path: `/blobs/${sha(big)}`, headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < big.length; i += 4096) req.write(big.subarray(i, i + 4096));
      req.end();
    });
    expect(chunked).toBe(413);
    expect(fs.readdirSync(path.join(dir(), 'store'))).toEqual([]);
    expect((await raw(server.port, 'GET', `/blobs/${sha(big)}`)).status).toBe(404);
  });

  it('answers malformed requests with 4xx and no path outside the store is ever touched', async () => {
    await start();
    const secretFile = path.join(dir(), 'secret.txt');
    fs.writeFileSync(secretFile, 'do not serve');
    const cases: Array<[string, string, number]> = [
      ['GET', '/blobs/../secret.txt', 404],
      ['GET', '/blobs/..%2Fsecret.txt', 400],
      ['GET', `/blobs/${'a'.repeat(63)}`, 400],
      ['GET', `/blobs/${'A'.repeat(64)}`, 400],
      ['GET', `/blobs/${'a'.repeat(64)}`, 404],
      ['GET', '/etc/passwd', 404],
      ['DELETE', `/blobs/${'a'.repeat(64)}`, 405],
      ['PUT', '/blobs/%00', 400],
    ];
    for (const [method, url, status] of cases) {
      const answer = await raw(server.port, method, url, method === 'PUT' ? new Uint8Array([1]) : undefined);
      expect([method, url, answer.status]).toEqual([method, url, status]);
      expect(answer.json.error.code).toEqual(expect.any(String));
    }
    expect(fs.readFileSync(secretFile, 'utf8')).toBe('do not serve');
    const data = bytes(10);
    await client().upload(sha(data), data);
    expect(await client().download(sha(data))).toEqual(data);
  });

  it('with an internal secret: refuses unsigned and wrongly signed requests (logged), serves signed ones', async () => {
    await start('s3cr3t');
    const data = bytes(100);
    await expect(client().upload(sha(data), data)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(client('wrong').upload(sha(data), data)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(log.at('warn', 'Refused an unauthenticated blob request').map((r) => r.msg)).toEqual([
      expect.stringMatching(/no signature\.$/),
      expect.stringMatching(/wrong signature\.$/),
    ]);
    await client('s3cr3t').upload(sha(data), data);
    expect(await client('s3cr3t').download(sha(data))).toEqual(data);
    await expect(client().download(sha(data))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('with internal TLS: serves HTTPS to a client whose certificate it trusts, refuses one without (logged)', async () => {
    const { trusted } = testCertificates(dir());
    await start(undefined, trusted);
    expect(server.address).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const data = bytes(100);
    await client(undefined, trusted).upload(sha(data), data);
    expect(await client(undefined, trusted).download(sha(data))).toEqual(data);
    const anonymous: TcpTlsMaterial = { trustCertificate: trusted.trustCertificate, verifyHostname: true };
    await expect(client(undefined, anonymous).download(sha(data))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(log.at('warn', 'Refused a blob request').map((r) => r.msg)).toEqual([expect.stringContaining('no client certificate')]);
  });

  it('with internal TLS from Java keystores: transfers to a client with a trusted, pinned certificate; refuses an unpinned one (logged)', async () => {
    const pin = { 'security.ssl.internal.cert.fingerprint': certificateFixture('node.crt').fingerprint };
    await start(undefined, await keyStoreMaterial(pin));
    const data = bytes(100);
    await client(undefined, await keyStoreMaterial(pin)).upload(sha(data), data);
    expect(await client(undefined, await keyStoreMaterial({ ...pin, 'security.ssl.internal.keystore': keyStoreFixture('node.jks'), 'security.ssl.internal.key-password': 'key-pass' })).download(sha(data))).toEqual(data);
    await expect(client(undefined, await keyStoreMaterial(OTHER_KEYSTORE)).download(sha(data))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(log.at('warn', 'Refused a blob request').map((r) => r.fields.reason)).toEqual([expect.stringMatching(/^client certificate is not pinned by security.ssl.internal.cert.fingerprint .*subject flott-other\)$/)]);
  });

  it('deletes a bundle when the last job using it is released, and an unused upload after blob.service.cleanup.interval', async () => {
    await start();
    const shared = bytes(100, 1);
    const unused = bytes(100, 2);
    await client().upload(sha(shared), shared);
    await client().upload(sha(unused), unused);
    store.retain('job-a', sha(shared));
    store.retain('job-b', sha(shared));
    store.releaseJob('job-a');
    expect(store.has(sha(shared))).toBe(true);
    store.releaseJob('job-b');
    expect(store.has(sha(shared))).toBe(false);

    clock.advance(CLEANUP_MS - 1);
    expect(store.has(sha(unused))).toBe(true);
    clock.advance(CLEANUP_MS);
    expect(store.has(sha(unused))).toBe(false);
  });

  it('a download the client did not ask for (wrong content) is refused on arrival', async () => {
    await start();
    const data = bytes(100);
    await client().upload(sha(data), data);
    // The stored file is damaged behind the server's back (a bad disk): the client notices.
    fs.writeFileSync(path.join(dir(), 'store', `${sha(data)}.blob`), bytes(100, 9));
    await expect(client().download(sha(data))).rejects.toMatchObject({ code: 'BLOB_CORRUPT' });
  });
});
