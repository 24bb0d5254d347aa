import type { CompletedPart } from '@aws-sdk/client-s3';
import { awsS3 } from './aws-sdk';
import { stateChunks, type StateBytes } from '@flott/runtime/spi';
import type { S3Location } from './s3-paths';

/** Sends one command, mapping its failure to a typed error naming the operation and the file. */
export type S3Send = <T>(operation: string, command: object) => Promise<T>;

export interface S3UploadOptions {
  /** Files up to this many bytes go in one PUT; larger ones in parts of this size. */
  readonly partSize: number;
  /** Parts of one upload in flight at once. */
  readonly maxConcurrentParts: number;
}

/**
 * Writes `data` as the object `location`, never holding more than (maxConcurrentParts + 1) parts:
 * a file that fits into one part is one PutObject; a larger one a multipart upload whose parts are
 * sent while later chunks are still arriving. Either way the object appears whole or not at all (S3
 * shows an object only once its PUT or CompleteMultipartUpload succeeded). A failed multipart upload
 * is aborted; stores without AbortMultipartUpload (s3rver) keep its parts until a lifecycle rule removes them.
 */
export async function uploadObject(send: S3Send, location: S3Location, data: StateBytes, options: S3UploadOptions): Promise<number> {
  const { bucket: Bucket, key: Key } = location;
  let buffer = Buffer.allocUnsafe(options.partSize);
  let filled = 0;
  let size = 0;
  let upload: MultipartUpload | undefined;
  try {
    for await (const chunk of stateChunks(data)) {
      let offset = 0;
      while (offset < chunk.byteLength) {
        if (filled === buffer.byteLength) {
          // More data than one part: the full buffer is a part of a multipart upload.
          upload ??= await MultipartUpload.start(send, location, options.maxConcurrentParts);
          await upload.add(buffer);
          buffer = Buffer.allocUnsafe(options.partSize);
          filled = 0;
        }
        const n = Math.min(chunk.byteLength - offset, buffer.byteLength - filled);
        buffer.set(chunk.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        size += n;
      }
    }
    if (upload === undefined) {
      await send('PutObject', new (awsS3().PutObjectCommand)({ Bucket, Key, Body: buffer.subarray(0, filled), ContentLength: filled }));
    } else {
      await upload.add(buffer.subarray(0, filled));
      await upload.complete();
    }
  } catch (e) {
    await upload?.abort();
    throw e;
  }
  return size;
}

class MultipartUpload {
  private readonly parts: CompletedPart[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: { readonly error: unknown } | undefined;

  private constructor(
    private readonly send: S3Send,
    private readonly location: S3Location,
    private readonly uploadId: string,
    private readonly maxConcurrentParts: number,
  ) {}

  static async start(send: S3Send, location: S3Location, maxConcurrentParts: number): Promise<MultipartUpload> {
    const created = await send<{ UploadId?: string }>('CreateMultipartUpload', new (awsS3().CreateMultipartUploadCommand)({ Bucket: location.bucket, Key: location.key }));
    if (created.UploadId === undefined) throw new Error('CreateMultipartUpload answered without an UploadId');
    return new MultipartUpload(send, location, created.UploadId, maxConcurrentParts);
  }

  /** Sends `body` as the next part, first waiting while `maxConcurrentParts` parts are in flight. */
  async add(body: Uint8Array): Promise<void> {
    while (this.inFlight.size >= this.maxConcurrentParts) await Promise.race(this.inFlight);
    this.throwIfFailed();
    const PartNumber = this.parts.length + 1;
    this.parts.push({ PartNumber });
    const command = new (awsS3().UploadPartCommand)({
      Bucket: this.location.bucket, Key: this.location.key, UploadId: this.uploadId, PartNumber, Body: body, ContentLength: body.byteLength,
    });
    // Settles without rejecting: a failure is recorded and thrown by the next add or by complete.
    const part: Promise<void> = this.send<{ ETag?: string }>('UploadPart', command).then(
      (answer) => {
        this.parts[PartNumber - 1] = { PartNumber, ETag: answer.ETag };
        this.inFlight.delete(part);
      },
      (error: unknown) => {
        this.failure ??= { error };
        this.inFlight.delete(part);
      },
    );
    this.inFlight.add(part);
  }

  async complete(): Promise<void> {
    await Promise.all(this.inFlight);
    this.throwIfFailed();
    await this.send('CompleteMultipartUpload', new (awsS3().CompleteMultipartUploadCommand)({
      Bucket: this.location.bucket, Key: this.location.key, UploadId: this.uploadId, MultipartUpload: { Parts: this.parts },
    }));
  }

  /** Waits for the parts in flight, then asks the store to drop the parts; its own failure is not the caller's error. */
  async abort(): Promise<void> {
    await Promise.all(this.inFlight);
    await this.send('AbortMultipartUpload', new (awsS3().AbortMultipartUploadCommand)({ Bucket: this.location.bucket, Key: this.location.key, UploadId: this.uploadId }))
      .catch(() => undefined);
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }
}
