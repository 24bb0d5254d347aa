import { FlottError } from '@flott/core';

/** A file source was pointed at a path that does not exist (fails the task). */
export class SourceFileNotFoundError extends FlottError {
  constructor(path: string) {
    super('SOURCE_FILE_NOT_FOUND', `Text file source: the file '${path}' does not exist`, { path });
  }
}

/** Reading or writing a file of a file source/sink failed for another reason than a missing file. */
export class FileIoError extends FlottError {
  constructor(operation: string, path: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('FILE_IO_FAILED', `${operation} '${path}' failed: ${reason}`, { operation, path }, { cause });
  }
}

/** A text file sink in NO_OVERWRITE mode found its target file already there. */
export class SinkFileExistsError extends FlottError {
  constructor(path: string) {
    super('SINK_FILE_EXISTS', `Text file sink: '${path}' already exists (use write mode OVERWRITE to replace it)`, { path });
  }
}

/** A sink's path lies under something that is not a directory (e.g. `out.txt/part-1` where `out.txt` is a file). */
export class SinkPathNotDirectoryError extends FlottError {
  constructor(path: string, blocking: string) {
    super('SINK_PATH_NOT_DIRECTORY', `Text file sink: cannot create '${path}': '${blocking}' is a file, not a directory`, { path, blocking });
  }
}

/** The socket text source could not connect, or lost its connection with no retries left. */
export class SocketSourceError extends FlottError {
  constructor(host: string, port: number, reason: string, cause?: unknown) {
    super('SOCKET_SOURCE_FAILED', `Socket text source ${host}:${port}: ${reason}`, { host, port }, { cause });
  }
}
