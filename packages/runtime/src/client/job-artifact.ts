import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import { BlobCorruptError, checkBlobKey } from '../blob/blob-store';

/**
 * A bundled job (DESIGN.md §5): one ESM file, `@flott/*` left external so tasks share the runtime.
 * `@flott/client` makes it (esbuild); TaskManagers only store and load it, so the runtime has no bundler.
 */
export interface JobArtifact {
  readonly sha256: string;
  readonly code: Uint8Array;
}

/** The node_modules folder that holds this installation's `@flott/*` packages. */
export function findFlottNodeModules(start = __dirname): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules');
    if (fs.existsSync(path.join(candidate, '@flott', 'runtime'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`Assertion failed: no node_modules/@flott/runtime above ${start}`);
  }
}

/** Where job bundles go when `blob.storage.directory` is not set: one folder per user in the temp directory. */
export function defaultBlobStorageDirectory(configured: string | undefined): string {
  return configured ?? path.join(os.tmpdir(), `flott-blobs-${os.userInfo().uid}`);
}

export interface ArtifactCacheOptions {
  /** The node_modules folder whose `@flott/*` packages the bundles import (default: this installation's). */
  readonly installation?: string;
}

/**
 * Job bundles on local disk, by SHA-256. Bundles leave `@flott/*` external, so they must import the
 * very packages of the installation that loads them: each installation gets its own subfolder of
 * `directory` (named by a hash of its node_modules path) with a `node_modules` link to that
 * installation. Two checkouts (or versions) sharing one blob directory therefore never run each
 * other's code, and a link that points elsewhere is renewed.
 */
export class ArtifactCache {
  /** The installation's own subfolder: bundles and the `node_modules` link live here. */
  readonly directory: string;

  constructor(
    readonly root: string,
    opts: ArtifactCacheOptions = {},
  ) {
    const installation = path.resolve(opts.installation ?? findFlottNodeModules());
    const real = fs.existsSync(installation) ? fs.realpathSync(installation) : installation;
    const key = createHash('sha256').update(real).digest('hex').slice(0, 16);
    this.directory = path.join(root, `installation-${key}`);
    fs.mkdirSync(this.directory, { recursive: true });
    linkInstallation(path.join(this.directory, 'node_modules'), real);
  }

  has(sha256: string): boolean {
    return fs.existsSync(this.pathOf(sha256));
  }

  pathOf(sha256: string): string {
    checkBlobKey(sha256);
    return path.join(this.directory, `${sha256}.mjs`);
  }

  /** Stores the bundle (verifying its hash) and returns its path. */
  put(sha256: string, code: Uint8Array): string {
    const actual = createHash('sha256').update(code).digest('hex');
    if (actual !== sha256) throw new BlobCorruptError(sha256, actual);
    const target = this.pathOf(sha256);
    if (!fs.existsSync(target)) {
      const tmp = `${target}.${uniqueSuffix()}.tmp`;
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, target);
    }
    return target;
  }

  read(sha256: string): Uint8Array {
    return fs.readFileSync(this.pathOf(sha256));
  }
}

/** Makes `link` point at `target`, replacing a link to anything else atomically (rename over it). */
function linkInstallation(link: string, target: string): void {
  let current: string | undefined;
  try {
    current = fs.readlinkSync(link);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (current === target) return;
  const tmp = `${link}.${uniqueSuffix()}.tmp`;
  fs.rmSync(tmp, { force: true });
  fs.symlinkSync(target, tmp, 'dir');
  fs.renameSync(tmp, link);
}

let tmpCounter = 0;

/** A temp-file suffix no other thread or process writing the same folder uses at the same time. */
function uniqueSuffix(): string {
  return `${process.pid}.${threadId}.${++tmpCounter}`;
}
