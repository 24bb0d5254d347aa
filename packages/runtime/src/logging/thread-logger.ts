import type { pino as Pino } from 'pino';
import { LOG_LEVELS, SILENT_LOGGER, type LogFields, type LogLevel, type LogMethod, type Logger } from './logger';

/**
 * The logger of a thread that does not own the process's destination (a slot thread): it filters at
 * `level` and formats on its own thread, and hands each finished line to `send` (a message to the
 * owning thread, which writes it to its ThreadLogSink). pino (~30 modules, ~50 ms of a slot thread's
 * start on 2 cores) loads with the thread's first line at an enabled level: most slot threads never
 * write one.
 */
export function createThreadLogger(level: LogLevel, bindings: LogFields, send: (line: string) => void): Logger {
  if (level === 'off') return SILENT_LOGGER;
  return lazyLogger(level, () => {
    const { pino } = require('pino') as { pino: typeof Pino };
    const { baseLoggerOptions } = require('./process-logging') as typeof import('./process-logging');
    return pino(baseLoggerOptions(level, { pid: process.pid, ...bindings }), { write: send });
  });
}

type LevelName = Exclude<LogLevel, 'off'>;

/** A logger at `level` whose lines below it cost a call, and which creates the real one (`create`) for its first line. */
export function lazyLogger(level: LogLevel, create: () => Logger): Logger {
  let real: Logger | undefined;
  const logger = (): Logger => (real ??= create());
  const lowest = LOG_LEVELS.indexOf(level);
  const isLevelEnabled = (name: string): boolean => {
    const at = LOG_LEVELS.indexOf(name as LogLevel);
    return at >= lowest && name !== 'off';
  };
  const method = (name: LevelName): LogMethod =>
    isLevelEnabled(name) ? (((...args: [string] | [LogFields, string]) => (logger()[name] as (...a: unknown[]) => void)(...args)) as LogMethod) : () => undefined;
  return {
    trace: method('trace'),
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    child: (bindings) => lazyLogger(level, () => logger().child(bindings)),
    isLevelEnabled,
  };
}
