// @flott/connector-files: text files and sockets as sources and sinks (Flink's readTextFile, socketTextStream,
// writeAsText). The DataStream API's methods of those names build on FileSource, SocketTextSource and TextFileSink.
export { SocketTextSource } from './socket-text-source';
export type { SocketTextSourceOptions } from './socket-text-source';
export { TextFileSink } from './text-file-sink';
export type { WriteMode } from './text-file-sink';
// FileSink (Flink's Sink V2 file sink): exactly-once part files for `stream.sinkTo(...)`.
export { FileSink, RowFormatBuilder } from './file-sink/file-sink';
export { DefaultRollingPolicy, DefaultRollingPolicyBuilder, OnCheckpointRollingPolicy } from './file-sink/rolling-policies';
export type { RollingPolicy, PartFileInfo } from './file-sink/rolling-policies';
export { OutputFileConfig, OutputFileConfigBuilder, SimpleStringEncoder } from './file-sink/output-file-config';
export type { Encoder } from './file-sink/output-file-config';
export { BasePathBucketAssigner, DateTimeBucketAssigner } from './file-sink/bucket-assigners';
export type { BucketAssigner, BucketAssignerContext } from './file-sink/bucket-assigners';
export type { FileWriterBucketState } from './file-sink/file-writer';
export type { FileSinkCommittable, InProgressFileState } from './file-sink/in-progress-part-file';
export { FileSinkRecoveryError, FileSinkCommitError } from './file-sink/file-sink-errors';
export { SourceFileNotFoundError, FileIoError, SinkFileExistsError, SinkPathNotDirectoryError, SocketSourceError } from './connector-errors';
export { FileSource, FileSourceBuilder, TextLineInputFormat } from './file-source/file-source';
export { FileSourceSplitSerializer } from './file-source/file-source-split';
export type { FileSourceSplit } from './file-source/file-source-split';
export type { FileEnumeratorCheckpoint } from './file-source/file-split-enumerator';

// This package's errors arrive as their own classes when they cross a process or thread (deserializeError).
import { registerErrorClasses } from '@flott/core';
import * as thisPackage from './index';
registerErrorClasses(thisPackage);
