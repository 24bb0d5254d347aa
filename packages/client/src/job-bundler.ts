import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Message } from 'esbuild';
import { FlottError, JobBuildError } from '@flott/core';
import type { JobArtifact } from '@flott/runtime';

/** The job file given to `flott run` (or `bundleJob`) does not exist or is not a file. */
export class JobFileNotFoundError extends FlottError {
  constructor(file: string) {
    super('JOB_FILE_NOT_FOUND', `Job file not found: ${file}`, { file });
  }
}

/** The job file could not be bundled (a syntax error, an import that does not resolve): the user's input, not our code. */
export class JobBundleError extends JobBuildError {
  override readonly code = 'JOB_BUNDLE_FAILED';
}

/** `file:line:column: error: text`, then the source line and a caret, as compilers print it. */
function formatEsbuildMessage(m: Message, workingDir: string): string {
  if (!m.location) return `error: ${m.text}`;
  const { file, line, column, lineText, length } = m.location;
  const absolute = path.resolve(workingDir, file);
  const relative = path.relative(process.cwd(), absolute);
  const shown = relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative;
  const lines = [`${shown}:${line}:${column + 1}: error: ${m.text}`];
  if (lineText) lines.push(`    ${lineText}`, `    ${' '.repeat(column)}${'^'.repeat(Math.max(1, length))}`);
  return lines.join('\n');
}

/** Bundles the job's entry file with esbuild (TypeScript or JavaScript). */
export async function bundleJob(entry: string): Promise<JobArtifact> {
  const file = path.resolve(entry);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new JobFileNotFoundError(entry);
  try {
    // Loaded here, not with the package: the CLI's cluster processes use this package's errors only.
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [file],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      sourcemap: 'inline',
      sourcesContent: false,
      // The bundle runs from the blob cache: sources are named by absolute path so traces find them.
      sourceRoot: `${path.dirname(file)}${path.sep}`,
      absWorkingDir: path.dirname(file),
      external: ['@flott/*'],
      logLevel: 'silent',
      // Bundled CommonJS dependencies may call require(); give the ESM bundle one.
      banner: { js: "import { createRequire as __flottCreateRequire } from 'node:module'; const require = __flottCreateRequire(import.meta.url);" },
    });
    const code = result.outputFiles[0].contents;
    return { sha256: createHash('sha256').update(code).digest('hex'), code };
  } catch (e) {
    const errors = (e as { errors?: Message[] }).errors;
    if (errors && errors.length > 0) {
      throw new JobBundleError(`Could not bundle ${entry}:\n${errors.map((m) => formatEsbuildMessage(m, path.dirname(file))).join('\n')}`);
    }
    throw new JobBundleError(`Could not bundle ${entry}: ${(e as Error).message}`, { cause: e });
  }
}
