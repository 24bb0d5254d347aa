// @flott/connector-files: text files and sockets as sources and sinks (Flink's readTextFile, socketTextStream,
// writeAsText). The DataStream API's methods of those names build on these operators.
export { TextFileSource } from './text-file-source';
export { SocketTextSource } from './socket-text-source';
export type { SocketTextSourceOptions } from './socket-text-source';
export { TextFileSink } from './text-file-sink';
export type { WriteMode } from './text-file-sink';
export { SourceFileNotFoundError, FileIoError, SinkFileExistsError, SinkPathNotDirectoryError, SocketSourceError } from './connector-errors';
export { FileSource, FileSourceBuilder, TextLineInputFormat } from './file-source/file-source';
export type { FileSourceSplit, FileEnumeratorCheckpoint } from './file-source/file-split-enumerator';
