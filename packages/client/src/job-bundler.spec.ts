import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JobBuildError } from '@flott/core';
import { bundleJob, JobBundleError, JobFileNotFoundError } from './job-bundler';

describe('bundleJob', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flott-bundle-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('bundles a TypeScript job with its local imports into one ESM file named by its SHA-256, leaving @flott/* external', async () => {
    fs.writeFileSync(path.join(tmp, 'helper.ts'), 'export const twice = (n: number): number => n * 2;\n');
    const job = path.join(tmp, 'job.ts');
    fs.writeFileSync(job, "import { DataStream } from '@flott/api-datastream';\nimport { twice } from './helper';\nexport const x: number = twice(21);\nexport type D = DataStream<number>;\n");
    const artifact = await bundleJob(job);
    const code = Buffer.from(artifact.code).toString('utf8');
    expect(artifact.sha256).toBe(createHash('sha256').update(artifact.code).digest('hex'));
    expect(code).toContain('n * 2');
    expect(code).not.toContain('./helper');
    expect(code).toContain('createRequire');
  });

  it('names a missing job file', async () => {
    await expect(bundleJob(path.join(tmp, 'missing.ts'))).rejects.toThrow(JobFileNotFoundError);
    await expect(bundleJob(tmp)).rejects.toMatchObject({ code: 'JOB_FILE_NOT_FOUND' });
  });

  it('reports a syntax error with file, line, column and a caret, as a JobBuildError', async () => {
    const job = path.join(tmp, 'broken.ts');
    fs.writeFileSync(job, 'const a = 1;\nconst b = ;\n');
    const error = await bundleJob(job).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JobBundleError);
    expect(error).toBeInstanceOf(JobBuildError);
    expect((error as JobBundleError).code).toBe('JOB_BUNDLE_FAILED');
    expect((error as Error).message).toMatch(/broken\.ts:2:11: error: /);
    expect((error as Error).message).toContain('^');
  });

  it('reports an import that does not resolve', async () => {
    const job = path.join(tmp, 'job.ts');
    fs.writeFileSync(job, "import { nothing } from './nowhere';\nconsole.log(nothing);\n");
    await expect(bundleJob(job)).rejects.toThrow(/Could not bundle .*nowhere/s);
  });
});
