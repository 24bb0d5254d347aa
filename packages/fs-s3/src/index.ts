// Public entry point of @flott/fs-s3 (named exports only).
export { fsS3Module } from './fs-s3-module';
export { S3CheckpointFileSystemFactory, createS3Client } from './s3-checkpoint-file-system-factory';
export { S3CheckpointFileSystem } from './s3-checkpoint-file-system';
export type { S3CheckpointFileSystemOptions } from './s3-checkpoint-file-system';
export { S3BucketNotFoundError, S3RequestError } from './s3-errors';
export { parseS3Path } from './s3-paths';

// This package's errors arrive as their own classes when they cross a process or thread (deserializeError).
import { registerErrorClasses } from '@flott/core';
import * as thisPackage from './index';
registerErrorClasses(thisPackage);
