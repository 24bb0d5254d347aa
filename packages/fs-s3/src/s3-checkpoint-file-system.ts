import type { Readable } from 'stream';
import type { S3Client, ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { awsS3 } from './aws-sdk';
import { CorruptCheckpointError } from '@flott/runtime/common';
import type { CheckpointFileSystem, ParsedCheckpointPath, StateBytes } from '@flott/runtime/spi';
import { S3BucketNotFoundError, s3ErrorName, S3RequestError } from './s3-errors';
import { directoryPrefix, parseS3Path, s3Child, s3Location, s3Parent } from './s3-paths';
import { uploadObject, type S3Send } from './s3-upload';

export interface S3CheckpointFileSystemOptions {
  readonly client: S3Client;
  /** For error messages: the endpoint or AWS region the client talks to (never credentials). */
  readonly endpointDescription: string;
  /** `s3.upload.min.part.size`. */
  readonly partSize: number;
  /** `s3.upload.max.concurrent.uploads`. */
  readonly maxConcurrentParts: number;
  /** `s3.delete.batch-size`: objects listed and deleted per request (at most 1000). */
  readonly deleteBatchSize: number;
}

/**
 * `s3://bucket/key` paths on AWS S3 or an S3-compatible store (Flink's s3 file system plugins). S3
 * has no directories and no rename: a file is one object, written atomically by its PUT (or completed
 * multipart upload), so `_metadata` written last still marks a complete checkpoint; a directory is
 * the key prefix `<key>/`, present while an object is under it. Nothing relies on conditional writes
 * or AbortMultipartUpload (S3-compatible stores lack them).
 */
export class S3CheckpointFileSystem implements CheckpointFileSystem {
  readonly scheme = 's3';

  constructor(private readonly options: S3CheckpointFileSystemOptions) {}

  parsePath(value: string): ParsedCheckpointPath {
    return parseS3Path(value);
  }

  toUri(path: string): string {
    return path;
  }

  child(directory: string, name: string): string {
    return s3Child(directory, name);
  }

  parent(path: string): string {
    return s3Parent(path);
  }

  writeFile(path: string, data: StateBytes): Promise<number> {
    const { partSize, maxConcurrentParts } = this.options;
    return uploadObject(this.sender(path), s3Location(path), data, { partSize, maxConcurrentParts });
  }

  async readFile(path: string, expectedSize?: number): Promise<Uint8Array | undefined> {
    const { bucket, key } = s3Location(path);
    let answer: { ContentLength?: number; Body?: unknown };
    try {
      answer = await this.send('GetObject', path, new (awsS3().GetObjectCommand)({ Bucket: bucket, Key: key }));
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
    const body = answer.Body as Readable;
    const length = answer.ContentLength;
    if (length === undefined || (expectedSize !== undefined && length !== expectedSize)) {
      body.destroy();
      throw new CorruptCheckpointError(path, `the state file is ${length ?? 'of unknown size'} bytes, its handle in the metadata says ${expectedSize} (truncated or replaced)`);
    }
    const data = new Uint8Array(length);
    let read = 0;
    try {
      for await (const chunk of body as AsyncIterable<Uint8Array>) {
        if (read + chunk.byteLength > length) throw new CorruptCheckpointError(path, `the object is longer than the ${length} bytes it announced`);
        data.set(chunk, read);
        read += chunk.byteLength;
      }
    } catch (e) {
      body.destroy();
      if (e instanceof CorruptCheckpointError) throw e;
      throw new S3RequestError('GetObject', path, e);
    }
    if (read < length) throw new CorruptCheckpointError(path, `the state file ended after ${read} of ${length} bytes while it was read`);
    return data;
  }

  async statPath(path: string): Promise<'file' | 'directory' | undefined> {
    const { bucket, key } = s3Location(path);
    if (key !== '') {
      try {
        await this.send('HeadObject', path, new (awsS3().HeadObjectCommand)({ Bucket: bucket, Key: key }));
        return 'file';
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    return (await this.hasEntries(path)) ? 'directory' : undefined;
  }

  async hasEntries(directory: string): Promise<boolean> {
    return (await this.list(directory, 1)).length > 0;
  }

  /**
   * Object stores have no directories to create: the prefix exists once an object is under it. Only an
   * exclusive create asks the store (whether the prefix holds objects); a checkpoint location's creation
   * lists its prefix anyway (hasEntries), which is where a missing bucket shows.
   */
  async createDirectory(directory: string, options?: { readonly exclusive?: boolean }): Promise<boolean> {
    return options?.exclusive ? !(await this.hasEntries(directory)) : true;
  }

  async deleteFile(path: string): Promise<void> {
    const { bucket, key } = s3Location(path);
    try {
      await this.send('DeleteObject', path, new (awsS3().DeleteObjectCommand)({ Bucket: bucket, Key: key }));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /** Lists and deletes up to `s3.delete.batch-size` objects per round until none is left under the prefix. */
  async deleteDirectory(directory: string): Promise<void> {
    const { bucket } = s3Location(directory);
    for (;;) {
      const keys = await this.list(directory, this.options.deleteBatchSize);
      if (keys.length === 0) return;
      const answer = await this.send<{ Errors?: Array<{ Key?: string; Code?: string; Message?: string }> }>('DeleteObjects', directory,
        new (awsS3().DeleteObjectsCommand)({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
      const failed = answer.Errors ?? [];
      if (failed.length > 0) {
        // Listing again would find the same objects: fail instead of looping.
        const first = failed[0];
        throw new S3RequestError('DeleteObjects', directory, new Error(`${failed.length} objects not deleted, e.g. '${first.Key}': ${first.Code} ${first.Message ?? ''}`.trim()));
      }
    }
  }

  private async list(directory: string, maxKeys: number): Promise<string[]> {
    const location = s3Location(directory);
    const answer = await this.send<ListObjectsV2CommandOutput>('ListObjectsV2', directory,
      new (awsS3().ListObjectsV2Command)({ Bucket: location.bucket, Prefix: directoryPrefix(location), MaxKeys: maxKeys }));
    return (answer.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [o.Key]));
  }

  private sender(path: string): S3Send {
    return (operation, command) => this.send(operation, path, command);
  }

  /** One request; a missing bucket becomes an S3BucketNotFoundError, a missing key stays recognisable (isNotFound), the rest an S3RequestError. */
  private async send<T>(operation: string, path: string, command: object): Promise<T> {
    try {
      return (await this.options.client.send(command as Parameters<S3Client['send']>[0])) as T;
    } catch (e) {
      const { name } = s3ErrorName(e);
      if (name === 'NoSuchBucket') throw new S3BucketNotFoundError(path, s3Location(path).bucket, this.options.endpointDescription);
      if (name === 'NoSuchKey' || name === 'NotFound') throw new S3NotFound(operation, path, e);
      throw new S3RequestError(operation, path, e);
    }
  }
}

/** A missing key, internal to this file: readFile and statPath answer it, deleteFile ignores it. */
class S3NotFound extends Error {
  constructor(operation: string, path: string, cause: unknown) {
    super(`S3 ${operation} of '${path}': no such object`, { cause });
    this.name = 'S3NotFound';
  }
}

function isNotFound(e: unknown): boolean {
  return e instanceof S3NotFound;
}
