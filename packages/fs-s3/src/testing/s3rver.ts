/// <reference types="jest" />
import { spawn, type ChildProcess } from 'child_process';
import { mkdtemp, rm } from 'fs/promises';
import { request } from 'http';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { dirname, join } from 'path';

/** A running s3rver (a real S3-protocol server in its own process) with one bucket. */
export interface S3rver {
  readonly endpoint: string;
  readonly bucket: string;
  /** `s3.*` options that reach it (path-style access, s3rver's fixed credentials). */
  readonly config: Readonly<Record<string, string>>;
  /** Kills the process and removes its data directory. */
  stop(): Promise<void>;
}

const STARTUP_TIMEOUT_MS = 15_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Whether an HTTP GET of `url` is answered at all (s3rver answers `/` with its bucket list). */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode !== undefined);
    });
    req.once('error', () => resolve(false));
    req.once('timeout', () => req.destroy());
    req.end();
  });
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts s3rver on a free loopback port with a fresh data directory and `bucket`, and waits (bounded)
 * until it answers. NODE_OPTIONS=--openssl-legacy-provider: without it s3rver answers paginated
 * listings with 500 on Node 17+ (../shared/TEST-SERVICES.md).
 */
export async function startS3rver(bucket = 'flott-test'): Promise<S3rver> {
  const directory = await mkdtemp(join(tmpdir(), 'flott-s3rver-'));
  const bin = join(dirname(require.resolve('s3rver/package.json')), 'bin', 's3rver.js');
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [bin, '-d', directory, '-a', '127.0.0.1', '-p', String(port), '--silent', '--configure-bucket', bucket], {
    env: { ...process.env, NODE_OPTIONS: '--openssl-legacy-provider' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    await rm(directory, { recursive: true, force: true });
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + STARTUP_TIMEOUT_MS;
  while (!(await answers(`${endpoint}/`))) {
    if (child.exitCode !== null || performance.now() > deadline) {
      await stop();
      throw new Error(`s3rver did not start on ${endpoint} within ${STARTUP_TIMEOUT_MS} ms (exit ${child.exitCode}): ${stderr}`);
    }
    await pause(50);
  }
  return {
    endpoint,
    bucket,
    config: { 's3.endpoint': endpoint, 's3.path.style.access': 'true', 's3.access-key': 'S3RVER', 's3.secret-key': 'S3RVER' },
    stop,
  };
}

/** An s3rver for the tests of one file: started before all, always stopped after all. */
export function useS3rver(bucket?: string): () => S3rver {
  let server: S3rver | undefined;
  beforeAll(async () => {
    server = await startS3rver(bucket);
  }, STARTUP_TIMEOUT_MS + 5000);
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (server === undefined) throw new Error('s3rver is not running (useS3rver must be called in a describe, and used in a test)');
    return server;
  };
}
