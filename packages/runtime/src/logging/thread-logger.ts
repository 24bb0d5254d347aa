import { pino } from 'pino';
import type { LogFields, LogLevel, Logger } from './logger';
import { baseLoggerOptions } from './process-logging';

/**
 * The logger of a thread that does not own the process's destination (a slot thread): it filters at
 * `level` and formats on its own thread, and hands each finished line to `send` (a message to the
 * owning thread, which writes it to its ThreadLogSink).
 */
export function createThreadLogger(level: LogLevel, bindings: LogFields, send: (line: string) => void): Logger {
  return pino(baseLoggerOptions(level, { pid: process.pid, ...bindings }), { write: send });
}
