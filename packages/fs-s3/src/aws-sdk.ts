// The AWS SDK's S3 client costs ~130 ms and ~20 MB of memory to load, in every process and slot
// thread that loads this plugin. Most jobs never touch s3://, so it is loaded on first use only.
type AwsS3 = typeof import('@aws-sdk/client-s3');
let sdk: AwsS3 | undefined;

/** The `@aws-sdk/client-s3` module, loaded the first time an s3:// file system needs it. */
export function awsS3(): AwsS3 {
  return (sdk ??= require('@aws-sdk/client-s3') as AwsS3);
}
