import { ConfigurationError, Configuration } from '@flott/core';
import type { CheckpointFileSystem, CheckpointFileSystemFactory } from '@flott/runtime/spi';
import { LocalCheckpointFileSystemFactory } from './local-checkpoint-file-system';

/** A path resolved to the file system that serves its scheme. */
export interface ResolvedCheckpointPath {
  readonly fs: CheckpointFileSystem;
  /** Canonical path in `fs`. */
  readonly path: string;
}

/** The scheme of a URI, lowercase; `file` for paths without one (a Windows drive letter is no scheme). */
export function schemeOf(value: string): string {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(value.trim())?.[1];
  return scheme !== undefined && scheme.length > 1 ? scheme.toLowerCase() : 'file';
}

/**
 * The file systems a storage reaches, by scheme (Flink's FileSystem.get): each created from the
 * configuration on first use, so an s3 client exists only where an s3:// path is used, and a storage
 * whose checkpoints are local still restores a savepoint from s3:// (and the other way round).
 */
export class CheckpointFileSystems {
  private readonly created = new Map<string, CheckpointFileSystem>();
  private readonly factories: ReadonlyMap<string, CheckpointFileSystemFactory>;

  constructor(
    factories: readonly CheckpointFileSystemFactory[] = [new LocalCheckpointFileSystemFactory()],
    private readonly config: Configuration = new Configuration(),
  ) {
    this.factories = new Map(factories.map((f) => [f.scheme.toLowerCase(), f]));
  }

  get schemes(): string[] {
    return [...this.factories.keys()].sort();
  }

  /** The file system and canonical path of a URI or path, or why there is none. */
  resolve(value: string): ResolvedCheckpointPath | { readonly problem: string } {
    const scheme = schemeOf(value);
    const factory = this.factories.get(scheme);
    if (factory === undefined) {
      return { problem: `the scheme '${scheme}' is not supported here: no file system plugin serves it (known schemes: ${this.schemes.join(', ')})` };
    }
    let fs = this.created.get(scheme);
    if (fs === undefined) {
      fs = factory.create(this.config);
      this.created.set(scheme, fs);
    }
    const parsed = fs.parsePath(value);
    return 'problem' in parsed ? parsed : { fs, path: parsed.path };
  }

  /** A directory setting (`execution.checkpointing.dir`, a savepoint target) resolved, or a ConfigurationError naming `key`. */
  directoryOption(value: string, key: string): ResolvedCheckpointPath {
    const resolved = this.resolve(value);
    if ('problem' in resolved) throw new ConfigurationError(`Invalid value '${value}' for '${key}': ${resolved.problem}`, { key, value });
    return resolved;
  }
}
