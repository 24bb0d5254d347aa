import type { DestinationStream, LoggerOptions, pino as Pino } from 'pino';
import type PinoPretty from 'pino-pretty';
import type { Configuration } from '@flott/core';
import { LogOptions } from '../config/options';
import { SILENT_LOGGER, type LogFields, type LogLevel, type Logger } from './logger';
import { lazyLogger } from './thread-logger';

/** pino (~30 modules), loaded with a process's first log line or log file. */
const pino = (): typeof Pino => (require('pino') as { pino: typeof Pino }).pino;

/**
 * Where the log lines of a process's other threads (its slot threads) go. They format and filter
 * their lines themselves (at `level`) and hand the finished JSON line to the process's thread that
 * owns the destination, so one writer appends to the file (no interleaved partial lines) and a
 * thread's lines keep their order relative to the messages it sends.
 */
export interface ThreadLogSink {
  readonly level: LogLevel;
  /** One complete JSON log line, newline included. Called on the owning thread. */
  write(line: string): void;
}

export const ThreadLogSink = Symbol.for('flott.ThreadLogSink');
export const SILENT_THREAD_LOG_SINK: ThreadLogSink = { level: 'off', write: () => undefined };

/**
 * A process's logging: its logger, and the sink its threads write through. Create one per process
 * (createProcessLogging); `close()` flushes and releases the destination.
 */
export interface ProcessLogging {
  readonly logger: Logger;
  readonly threadSink: ThreadLogSink;
  close(): Promise<void>;
}

export const SILENT_PROCESS_LOGGING: ProcessLogging = {
  logger: SILENT_LOGGER,
  threadSink: SILENT_THREAD_LOG_SINK,
  close: async () => undefined,
};

export interface ProcessLoggingOptions {
  /** What the process is (`client`, `taskexecutor`, …): the `process` field of every line. */
  readonly processName: string;
  /** The level when `log.level` is not configured (`flott run` uses warn); else log.level's default. */
  readonly defaultLevel?: LogLevel;
  /** Colours in the human-readable output (default: when stderr is a terminal). */
  readonly colorize?: boolean;
}

/** pino's name of a level. */
export function pinoLevel(level: LogLevel): string {
  return level === 'off' ? 'silent' : level;
}

/** What every logger of a process and its threads writes the same way. */
export function baseLoggerOptions(level: LogLevel, base: LogFields): LoggerOptions {
  return { level: pinoLevel(level), base, timestamp: pino().stdTimeFunctions.isoTime };
}

/** The level `config` asks for, or `fallback` when it sets none. */
export function configuredLogLevel(config: Configuration, fallback?: LogLevel): LogLevel {
  return config.contains(LogOptions.LEVEL) || fallback === undefined ? config.get(LogOptions.LEVEL) : fallback;
}

/**
 * Human-readable lines on stderr. pino-pretty (42 modules, ~23 ms) loads with the first line, not with the
 * process: a `flott run` that logs nothing at `warn` (most) never loads it, and one that logs to a file
 * does not either.
 */
function prettyOnFirstLine(colorize: boolean): DestinationStream {
  let pretty: DestinationStream | undefined;
  return {
    write: (line: string) => {
      pretty ??= (require('pino-pretty') as typeof PinoPretty)({
        destination: 2,
        sync: true,
        colorize,
        translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
        ignore: 'pid,hostname,process',
        singleLine: true,
      });
      pretty.write(line);
    },
  };
}

/**
 * The logging of one process from its configuration: JSON lines appended to `log.file` when set,
 * else human-readable lines on stderr; at `log.level`. Writes are synchronous (lifecycle events are
 * rare, and the lines before a crash are the ones that matter).
 */
export function createProcessLogging(config: Configuration, opts: ProcessLoggingOptions): ProcessLogging {
  const level = configuredLogLevel(config, opts.defaultLevel);
  if (level === 'off') return SILENT_PROCESS_LOGGING;
  const file = config.get(LogOptions.FILE);
  const destination: DestinationStream & { end?: () => void; flushSync?: () => void } = file
    ? pino().destination({ dest: file, append: true, mkdir: true, sync: true })
    : prettyOnFirstLine(opts.colorize ?? process.stderr.isTTY === true);
  // On stderr, pino loads with the first line (a `flott run` at warn usually writes none); a log file opens at once.
  const create = () => pino()(baseLoggerOptions(level, { process: opts.processName, pid: process.pid }), destination);
  const logger = file ? create() : lazyLogger(level, create);
  let closed = false;
  return {
    logger,
    threadSink: {
      level,
      write: (line) => {
        if (!closed) destination.write(line);
      },
    },
    close: async () => {
      if (closed) return;
      closed = true;
      // The file is ours to close; stderr is not.
      if (file) {
        const boom = destination as { flushSync(): void; end(): void };
        boom.flushSync();
        boom.end();
      }
    },
  };
}
