// Testing entry point of @flott/fs-s3 (`@flott/fs-s3/testing`): a real S3 server for tests and direct
// access to its objects. Jest hooks: spec files only.
export { startS3rver, useS3rver } from './s3rver';
export type { S3rver } from './s3rver';
export { s3CheckpointStorageFiles, s3TestClient, readObject, putObject, listObjects, listKeys, moveObjects } from './s3-storage-files';
