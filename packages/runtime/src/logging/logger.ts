/** Log levels, lowest first; `off` logs nothing. The names of `log.level`. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'off'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Context and data of a log line; an `err` field is written with its message, code and stack. */
export type LogFields = Record<string, unknown>;

export interface LogMethod {
  (msg: string): void;
  (fields: LogFields, msg: string): void;
}

/**
 * The operator log of a Flott process or thread. A pino logger is one; the runtime's classes take it
 * in their options (a silent one by default) and hand `child()` loggers that carry their context
 * (jobId, task, subtask, attempt) to what they create. Not thread-safe: each thread has its own
 * (see createThreadLogger); calls never throw and never block on I/O longer than one write.
 */
export interface Logger {
  readonly trace: LogMethod;
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;
  /** A logger that adds `bindings` to every line. */
  child(bindings: LogFields): Logger;
  isLevelEnabled(level: string): boolean;
}
export const Logger = Symbol.for('flott.Logger');

const ignore: LogMethod = () => undefined;

/** Logs nothing: the default of every class that takes a logger, so tests and hand wiring stay quiet. */
export const SILENT_LOGGER: Logger = {
  trace: ignore,
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  child: () => SILENT_LOGGER,
  isLevelEnabled: () => false,
};
