export { LOG_LEVELS, SILENT_LOGGER, Logger } from './logger';
export type { LogLevel, LogFields, LogMethod } from './logger';
export { createProcessLogging, configuredLogLevel, SILENT_PROCESS_LOGGING, SILENT_THREAD_LOG_SINK, ThreadLogSink } from './process-logging';
export type { ProcessLogging, ProcessLoggingOptions } from './process-logging';
export { createThreadLogger } from './thread-logger';
