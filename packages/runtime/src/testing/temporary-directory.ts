/// <reference types="jest" />
import { mkdtemp, rm } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';

/**
 * A fresh directory under the system's temporary directory for each test of the enclosing `describe`,
 * removed with its contents after the test. Returns the current test's directory.
 */
export function useTemporaryDirectory(prefix: string): () => string {
  let directory: string | undefined;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
    directory = undefined;
  });
  return () => {
    if (directory === undefined) throw new Error('useTemporaryDirectory: the directory exists only while a test runs');
    return directory;
  };
}
