import { deserializeError, serializeError } from '@flott/core';
import { S3BucketNotFoundError, S3RequestError } from './index';

describe('@flott/fs-s3 entry point', () => {
  it("registers the package's errors: one from another process (serialised) arrives as its own class", () => {
    const missing = deserializeError(serializeError(new S3BucketNotFoundError('s3://nope/x', 'nope', 'http://127.0.0.1:1')));
    expect(missing).toBeInstanceOf(S3BucketNotFoundError);
    expect(missing).toMatchObject({ code: 'S3_NO_SUCH_BUCKET', data: { bucket: 'nope' } });
    const failed = deserializeError(serializeError(new S3RequestError('PUT', 's3://b/k', new Error('slow down'))));
    expect(failed).toBeInstanceOf(S3RequestError);
    expect(failed.cause).toMatchObject({ message: 'slow down' });
  });
});
