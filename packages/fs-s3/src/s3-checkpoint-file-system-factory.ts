import type { S3Client } from '@aws-sdk/client-s3';
import { awsS3 } from './aws-sdk';
import { ConfigurationError, type Configuration } from '@flott/core';
import { S3Options } from '@flott/runtime/common';
import type { CheckpointFileSystem, CheckpointFileSystemFactory } from '@flott/runtime/spi';
import { S3CheckpointFileSystem } from './s3-checkpoint-file-system';

/** The S3 client the `s3.*` options describe; credentials from the options or the SDK's default chain. */
export function createS3Client(config: Configuration): { readonly client: S3Client; readonly endpointDescription: string } {
  const endpoint = config.get(S3Options.ENDPOINT);
  if (endpoint !== undefined && !/^https?:\/\/[^/]+/i.test(endpoint.trim())) {
    throw new ConfigurationError(`Invalid value '${endpoint}' for '${S3Options.ENDPOINT.key}': not an http:// or https:// URL`, { key: S3Options.ENDPOINT.key });
  }
  const accessKeyId = config.get(S3Options.ACCESS_KEY);
  const secretAccessKey = config.get(S3Options.SECRET_KEY);
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    const [set, missing] = accessKeyId === undefined ? [S3Options.SECRET_KEY.key, S3Options.ACCESS_KEY.key] : [S3Options.ACCESS_KEY.key, S3Options.SECRET_KEY.key];
    // The message names keys only, never a value.
    throw new ConfigurationError(`'${set}' is set but '${missing}' is not: give both, or neither to use the AWS SDK's default credentials`, { key: missing });
  }
  // The pinned SDK runs on Node 20; its warning speaks of later releases, which this package does not take.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const region = config.get(S3Options.REGION);
  const timeout = config.get(S3Options.REQUEST_TIMEOUT);
  const client = new (awsS3().S3Client)({
    region,
    endpoint: endpoint?.trim(),
    forcePathStyle: config.get(S3Options.PATH_STYLE_ACCESS),
    credentials: accessKeyId !== undefined && secretAccessKey !== undefined ? { accessKeyId, secretAccessKey } : undefined,
    maxAttempts: config.get(S3Options.MAX_ATTEMPTS),
    // Without throwOnRequestTimeout the SDK only warns about a request that outlives requestTimeout and keeps waiting.
    requestHandler: { requestTimeout: timeout, connectionTimeout: timeout, throwOnRequestTimeout: true },
    // Checksums only where S3 requires them: S3-compatible stores (s3rver, older MinIO) store the SDK's
    // default aws-chunked checksum framing as object bytes, which would corrupt every state file.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return { client, endpointDescription: endpoint !== undefined ? `endpoint ${endpoint.trim()}` : `AWS S3 (region ${region})` };
}

/** `s3`: checkpoint and savepoint directories `s3://bucket/path`, one client per storage. */
export class S3CheckpointFileSystemFactory implements CheckpointFileSystemFactory {
  readonly scheme = 's3';

  create(config: Configuration): CheckpointFileSystem {
    const { client, endpointDescription } = createS3Client(config);
    return new S3CheckpointFileSystem({
      client,
      endpointDescription,
      partSize: config.get(S3Options.UPLOAD_MIN_PART_SIZE),
      maxConcurrentParts: config.get(S3Options.UPLOAD_MAX_CONCURRENT_UPLOADS),
      deleteBatchSize: config.get(S3Options.DELETE_BATCH_SIZE),
    });
  }
}
