import type { ParsedCheckpointPath } from '@flott/runtime/spi';

// Paths of the s3 file system: `s3://<bucket>` followed by `/<segment>` per key segment, no trailing
// slash. A path's object key is the segments joined by '/'; a "directory" is the key prefix `<key>/`.
// Keys are taken literally (no percent-decoding): the state file names the storage makes are already
// safe (percent-encoded by safeFileName), and a handle's URI must name exactly the object written.

const S3_URI = /^s3:\/\/([^/?#]*)(\/[^?#]*)?$/i;
// S3's bucket naming rules (lowercase letters, digits, dots and hyphens; 3 to 63 characters).
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export interface S3Location {
  readonly bucket: string;
  /** The object key ('' for the bucket itself). */
  readonly key: string;
}

export function parseS3Path(value: string): ParsedCheckpointPath {
  const match = S3_URI.exec(value.trim());
  if (match === null) return { problem: 'not an s3://<bucket>/<path> URI' };
  const bucket = match[1];
  if (!BUCKET_NAME.test(bucket)) return { problem: `'${bucket}' is not a valid S3 bucket name` };
  const segments = (match[2] ?? '').split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) return { problem: "'.' and '..' are not allowed in an s3:// path" };
  return { path: `s3://${bucket}${segments.map((s) => `/${s}`).join('')}` };
}

/** Bucket and key of a canonical path (as parseS3Path returns it). */
export function s3Location(path: string): S3Location {
  const rest = path.slice('s3://'.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? { bucket: rest, key: '' } : { bucket: rest.slice(0, slash), key: rest.slice(slash + 1) };
}

/** The prefix of the objects under a directory path: `<key>/`, or '' for the bucket. */
export function directoryPrefix(location: S3Location): string {
  return location.key === '' ? '' : `${location.key}/`;
}

export function s3Child(directory: string, name: string): string {
  return `${directory}/${name}`;
}

export function s3Parent(path: string): string {
  const { bucket, key } = s3Location(path);
  const slash = key.lastIndexOf('/');
  return slash < 0 ? `s3://${bucket}` : `s3://${bucket}/${key.slice(0, slash)}`;
}
