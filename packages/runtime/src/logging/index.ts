export { LOG_LEVELS, SILENT_LOGGER } from './logger';
export type { LogLevel, LogFields, LogMethod, Logger } from './logger';
export { createProcessLogging, configuredLogLevel, SILENT_PROCESS_LOGGING, SILENT_THREAD_LOG_SINK } from './process-logging';
export type { ProcessLogging, ProcessLoggingOptions, ThreadLogSink } from './process-logging';
export { createThreadLogger } from './thread-logger';
