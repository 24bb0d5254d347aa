import type { Configuration } from '@flott/core';
import type { CollectingJobExecutionResult, ExecuteOptions } from '@flott/runtime';
import type { GraphBuilder, StreamInput } from './graph-builder';
import type { KeyedStream } from './keyed-stream';
import type { StreamExecutionEnvironment } from './stream-execution-environment';

/**
 * What all streams of one environment share. Internal (not exported from the package); it also
 * lets DataStream create KeyedStreams without a module cycle (KeyedStream extends DataStream).
 */
export interface StreamContext {
  readonly environment: StreamExecutionEnvironment;
  readonly builder: GraphBuilder;
  readonly configuration: Configuration;
  keyedStream<T, K>(inputs: readonly StreamInput[], keySelector: (value: T) => K): KeyedStream<T, K>;
  execute(jobName: string | undefined, options: ExecuteOptions): Promise<CollectingJobExecutionResult>;
}
