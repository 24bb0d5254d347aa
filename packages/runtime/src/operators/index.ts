// Built-in stream operators (the DataStream API instantiates them through StreamNode.operatorFactory).
export { AbstractStreamOperator, AbstractUdfStreamOperator } from './abstract-stream-operator';
export { AvailabilityNotifier, AVAILABLE } from './availability';
export { formatRecord } from './format';
export {
  SourceFileNotFoundError,
  FileIoError,
  SinkFileExistsError,
  SinkPathNotDirectoryError,
  SocketSourceError,
  CollectSinkError,
} from './operator-errors';
export { StreamMap, StreamFlatMap, StreamFilter, StreamSink, TimestampedCollector } from './basic-operators';
export { ProcessOperator } from './process-operator';
export { KeyedAggregationOperator, reduceAggregation } from './keyed-aggregation-operator';
export type { RollingAggregation } from './keyed-aggregation-operator';
export { fieldAggregation, selectorAggregation, byAggregation, fieldSelector, withField } from './aggregations';
export type { Comparable, AggregationKind } from './aggregations';
export { splitRange } from './sources/split';
export { CollectionSource } from './sources/collection-source';
export { GeneratorSource, UNBOUNDED_COUNT } from './sources/generator-source';
export type { GeneratorSourceOptions } from './sources/generator-source';
export { TextFileSource } from './sources/text-file-source';
export { SocketTextSource } from './sources/socket-text-source';
export type { SocketTextSourceOptions } from './sources/socket-text-source';
export { PrintSink, printPrefix } from './sinks/print-sink';
export { TextFileSink } from './sinks/text-file-sink';
export type { WriteMode } from './sinks/text-file-sink';
export { CollectSink, collectSinkId, isCollectBatchEvent } from './sinks/collect-sink';
export type { CollectBatchEvent, CollectSinkOptions } from './sinks/collect-sink';
export { KeyedProcessOperator } from './keyed-process-operator';
export { SourceRateLimiter } from './sources/rate-limiter';
export { PacedSourceOperator } from './sources/paced-source';
