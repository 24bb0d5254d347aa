import { FlottError } from '@flott/core';

/** The bucket of an s3:// path does not exist (or is not visible with the configured credentials). */
export class S3BucketNotFoundError extends FlottError {
  constructor(uri: string, bucket: string, endpoint: string) {
    super(
      'S3_NO_SUCH_BUCKET',
      `Cannot use '${uri}': the bucket '${bucket}' does not exist at ${endpoint}. Create it, or fix the path (execution.checkpointing.dir, the savepoint directory or -s).`,
      { uri, bucket, endpoint },
    );
  }
}

/** An S3 request that failed after the client's retries; names the operation and the s3:// path, never credentials. */
export class S3RequestError extends FlottError {
  constructor(operation: string, uri: string, cause: unknown) {
    const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super('S3_REQUEST_FAILED', `S3 ${operation} of '${uri}' failed: ${what}`, { operation, uri }, { cause });
  }
}

/** The AWS SDK's error name (`NoSuchKey`, `NotFound`, `NoSuchBucket`) or HTTP status of a failed request. */
export function s3ErrorName(e: unknown): { readonly name: string | undefined; readonly status: number | undefined } {
  if (typeof e !== 'object' || e === null) return { name: undefined, status: undefined };
  const error = e as { name?: unknown; Code?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const name = typeof error.Code === 'string' ? error.Code : typeof error.name === 'string' ? error.name : undefined;
  const status = typeof error.$metadata?.httpStatusCode === 'number' ? error.$metadata.httpStatusCode : undefined;
  return { name, status };
}
