import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Configuration } from '@flott/core';
import type { CheckpointStorageFiles } from '@flott/runtime/testing';
import { createS3Client } from '../s3-checkpoint-file-system-factory';
import { s3Location } from '../s3-paths';
import type { S3rver } from './s3rver';

/** A client of the test server, configured as the file system's own. */
export function s3TestClient(server: S3rver): S3Client {
  return createS3Client(Configuration.fromRecord(server.config)).client;
}

/** Reads an object whole (for tests); fails when it does not exist. */
export async function readObject(client: S3Client, uri: string): Promise<Uint8Array> {
  const { bucket, key } = s3Location(uri);
  const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return answer.Body!.transformToByteArray();
}

export async function putObject(client: S3Client, uri: string, data: Uint8Array): Promise<void> {
  const { bucket, key } = s3Location(uri);
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data }));
}

/** Names under an s3:// directory, relative to it, sorted: every key, or with `delimiter` only the level below (objects and sub-prefixes). */
async function listUnder(client: S3Client, directory: string, delimiter?: string): Promise<string[]> {
  const { bucket, key } = s3Location(directory);
  const prefix = key === '' ? '' : `${key}/`;
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: delimiter, ContinuationToken: token }));
    for (const o of page.Contents ?? []) names.push(o.Key!.slice(prefix.length));
    for (const p of page.CommonPrefixes ?? []) names.push(p.Prefix!.slice(prefix.length, -1));
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return names.sort();
}

/** Names directly under an s3:// directory (objects and sub-prefixes), sorted. */
export function listObjects(client: S3Client, directory: string): Promise<string[]> {
  return listUnder(client, directory, '/');
}

/** Every key under an s3:// directory (recursively), relative to it, sorted. */
export function listKeys(client: S3Client, directory: string): Promise<string[]> {
  return listUnder(client, directory);
}

/**
 * Moves every object under one s3:// directory to another (copied on the server, then deleted), as a
 * user's `aws s3 mv --recursive` does; returns the names moved, relative to the directories.
 */
export async function moveObjects(client: S3Client, from: string, to: string): Promise<string[]> {
  const names = await listKeys(client, from);
  for (const name of names) {
    const source = s3Location(`${from}/${name}`);
    const target = s3Location(`${to}/${name}`);
    await client.send(new CopyObjectCommand({ Bucket: target.bucket, Key: target.key, CopySource: `${source.bucket}/${source.key.split('/').map(encodeURIComponent).join('/')}` }));
    await client.send(new DeleteObjectCommand({ Bucket: source.bucket, Key: source.key }));
  }
  return names;
}

/** The CheckpointStorage contract's view of files in the test bucket: each test's directory becomes `s3://<bucket>/<its name>`. */
export function s3CheckpointStorageFiles(server: () => S3rver): CheckpointStorageFiles {
  let client: S3Client | undefined;
  const c = (): S3Client => (client ??= s3TestClient(server()));
  const exists = async (uri: string): Promise<boolean> => {
    const { bucket, key } = s3Location(uri);
    try {
      await c().send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return true;
    } catch {
      return (await listObjects(c(), uri)).length > 0;
    }
  };
  return {
    base: (directory) => `s3://${server().bucket}/${directory.split(/[\\/]/).pop()}`,
    join: (directory, name) => `${directory}/${name}`,
    uri: (path) => path,
    named: (uri) => uri,
    pointerSpellings: (pointer) => (pointer.startsWith('s3://') ? [`${pointer}/_metadata`, `${pointer}/`] : []),
    read: (uri) => readObject(c(), uri),
    write: (uri, data) => putObject(c(), uri, data),
    truncate: async (uri, size) => putObject(c(), uri, (await readObject(c(), uri)).slice(0, size)),
    exists,
    list: (directory) => (directory.startsWith('s3://') ? listObjects(c(), directory) : Promise.resolve([])),
  };
}
