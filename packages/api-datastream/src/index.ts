// Public entry point of @flott/api-datastream: everything a job author imports (named exports only).
export { StreamExecutionEnvironment, DEFAULT_JOB_NAME } from './stream-execution-environment';
export type { RuntimeMode, AddSourceOptions, GeneratorOptions } from './stream-execution-environment';
export { DataStream, SingleOutputStreamOperator, DataStreamSink } from './data-stream';
export { KeyedStream } from './keyed-stream';
export type { NumericField, ComparableField } from './field-types';
export { ParameterTool } from './parameter-tool';
export { MissingExecutionContextError, ProgramArgumentsError } from './api-errors';

// User function contracts and helpers, re-exported so jobs need no other import.
export { NumberCounter, IntCounter, LongCounter, DoubleCounter, AbstractRichFunction, RichMapFunction, RichFlatMapFunction, RichFilterFunction, RichSinkFunction, ProcessFunction,
  OutputTag, FlottError, JobBuildError } from '@flott/runtime';
export type { Accumulator, RuntimeContext, RichFunction, Collector, MapFunction, FlatMapFunction, FilterFunction, ReduceFunction,
  KeySelector, SinkFunction, SinkContext, ProcessContext, JobExecutionResult, MapFunctionLike, FlatMapFunctionLike,
  FilterFunctionLike, SinkFunctionLike, ProcessFunctionLike, ReduceFunctionLike, WriteMode, Comparable,
  SourceOperator } from '@flott/runtime';
