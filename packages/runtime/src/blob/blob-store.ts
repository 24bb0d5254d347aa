import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { FlottError, type Clock } from '@flott/core';
import type { Cancellable, Scheduler } from '../time/clock';

const KEY = /^[0-9a-f]{64}$/;

export class BlobKeyError extends FlottError {
  constructor(key: string) {
    super('BAD_BLOB_KEY', `Not a blob key (64 lower-case hex digits of a SHA-256): ${JSON.stringify(key.slice(0, 80))}`, { key: key.slice(0, 80) });
  }
}

export class BlobNotFoundError extends FlottError {
  constructor(key: string) {
    super('BLOB_NOT_FOUND', `No job bundle ${key} on the blob server`, { sha256: key });
  }
}

export class BlobTooLargeError extends FlottError {
  constructor(size: number, max: number) {
    super('BLOB_TOO_LARGE', `Job bundle of ${size} bytes or more exceeds blob.server.max-size (${max} bytes)`, { size, max });
  }
}

export class BlobCorruptError extends FlottError {
  constructor(expected: string, actual: string) {
    super('BLOB_CORRUPT', `Job bundle hash mismatch: expected ${expected}, got ${actual}`, { sha256: expected, actual });
  }
}

/** Whether `key` is a SHA-256 in hex (64 lower-case hex digits): only such keys name bundles. */
export function isBlobKey(key: unknown): key is string {
  return typeof key === 'string' && KEY.test(key);
}

/** Throws BlobKeyError unless `key` is a SHA-256 in hex: a key never names anything but a file in the store's folder. */
export function checkBlobKey(key: string): void {
  if (!isBlobKey(key)) throw new BlobKeyError(key);
}

export interface BlobStoreOptions {
  /** The store's own folder (created; removed on close). */
  readonly directory: string;
  /** blob.server.max-size */
  readonly maxBytes: number;
  /** blob.service.cleanup.interval: how long an uploaded bundle no job uses is kept. */
  readonly cleanupIntervalMs: number;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
}

/**
 * The JobManager's content-addressed store of job bundles (Flink's BlobServer storage): a bundle is
 * kept under its SHA-256, verified as it is written (a partial or mismatching upload never becomes
 * visible: it is written to a temporary file and renamed), bounded in size, and reference-counted by
 * the jobs that use it: when the last job using a bundle ends it is deleted, and a bundle uploaded
 * but used by no job is deleted after the cleanup interval. Used on the JobManager's event loop.
 */
export class BlobStore {
  private readonly jobsOf = new Map<string, Set<string>>();
  /** When each unreferenced bundle was last uploaded or released. */
  private readonly unusedSince = new Map<string, number>();
  private sweeper: Cancellable | undefined;
  private tmpSeq = 0;

  constructor(private readonly opts: BlobStoreOptions) {
    fs.mkdirSync(opts.directory, { recursive: true });
    this.scheduleSweep();
  }

  get maxBytes(): number {
    return this.opts.maxBytes;
  }

  has(key: string): boolean {
    checkBlobKey(key);
    return fs.existsSync(this.pathOf(key));
  }

  /** Stores `data` under `key` after checking its size and hash. */
  async put(key: string, data: Uint8Array): Promise<void> {
    checkBlobKey(key);
    if (data.byteLength > this.opts.maxBytes) throw new BlobTooLargeError(data.byteLength, this.opts.maxBytes);
    const actual = createHash('sha256').update(data).digest('hex');
    if (actual !== key) throw new BlobCorruptError(key, actual);
    const tmp = this.tmpPath(key);
    await fs.promises.writeFile(tmp, data);
    this.commit(tmp, key);
  }

  /** Streams an upload into the store, hashing and counting as it goes; nothing is kept when it is too large or its hash differs. */
  async putStream(key: string, source: Readable): Promise<number> {
    checkBlobKey(key);
    const hash = createHash('sha256');
    let size = 0;
    const max = this.opts.maxBytes;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > max) return done(new BlobTooLargeError(size, max));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const tmp = this.tmpPath(key);
    try {
      await pipeline(source, meter, fs.createWriteStream(tmp));
      const actual = hash.digest('hex');
      if (actual !== key) throw new BlobCorruptError(key, actual);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
    this.commit(tmp, key);
    return size;
  }

  async read(key: string): Promise<Uint8Array> {
    checkBlobKey(key);
    try {
      return await fs.promises.readFile(this.pathOf(key));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(key);
      throw e;
    }
  }

  /** The bundle's size and a stream of it; BlobNotFoundError when there is none. */
  open(key: string): { size: number; stream: Readable } {
    checkBlobKey(key);
    let size: number;
    try {
      size = fs.statSync(this.pathOf(key)).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(key);
      throw e;
    }
    return { size, stream: fs.createReadStream(this.pathOf(key)) };
  }

  /** The job uses the bundle: it is kept until the job is released. */
  retain(jobId: string, key: string): void {
    checkBlobKey(key);
    const jobs = this.jobsOf.get(key) ?? new Set<string>();
    jobs.add(jobId);
    this.jobsOf.set(key, jobs);
    this.unusedSince.delete(key);
  }

  /** The job ended: bundles no other job uses are deleted. */
  releaseJob(jobId: string): void {
    for (const [key, jobs] of this.jobsOf) {
      if (!jobs.delete(jobId) || jobs.size > 0) continue;
      this.jobsOf.delete(key);
      fs.rmSync(this.pathOf(key), { force: true });
    }
  }

  /** Keys of the bundles stored. */
  keys(): string[] {
    return fs.readdirSync(this.opts.directory).filter((f) => f.endsWith('.blob')).map((f) => f.slice(0, -'.blob'.length));
  }

  close(): void {
    this.sweeper?.cancel();
    fs.rmSync(this.opts.directory, { recursive: true, force: true });
  }

  private pathOf(key: string): string {
    return path.join(this.opts.directory, `${key}.blob`);
  }

  private tmpPath(key: string): string {
    return path.join(this.opts.directory, `${key}.${++this.tmpSeq}.tmp`);
  }

  private commit(tmp: string, key: string): void {
    fs.renameSync(tmp, this.pathOf(key));
    if (!this.jobsOf.has(key)) this.unusedSince.set(key, this.opts.clock.currentTimeMillis());
  }

  private scheduleSweep(): void {
    const interval = this.opts.cleanupIntervalMs;
    this.sweeper = this.opts.scheduler.schedule(interval, () => {
      const now = this.opts.clock.currentTimeMillis();
      for (const [key, since] of this.unusedSince) {
        if (now - since < interval || this.jobsOf.has(key)) continue;
        this.unusedSince.delete(key);
        fs.rmSync(this.pathOf(key), { force: true });
      }
      this.scheduleSweep();
    });
  }
}
