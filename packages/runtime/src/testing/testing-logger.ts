import type { LogFields, LogLevel, LogMethod, Logger } from '../logging/logger';

export interface LogRecord {
  readonly level: Exclude<LogLevel, 'off'>;
  readonly msg: string;
  /** The bindings of the child loggers on the way, then the call's own fields. */
  readonly fields: LogFields;
}

const ORDER: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'off'];

/** A Logger that keeps what is logged at `level` and above, for assertions; children share the records. */
export class TestingLogger implements Logger {
  readonly trace = this.method('trace');
  readonly debug = this.method('debug');
  readonly info = this.method('info');
  readonly warn = this.method('warn');
  readonly error = this.method('error');

  constructor(
    readonly level: LogLevel = 'trace',
    readonly records: LogRecord[] = [],
    private readonly bindings: LogFields = {},
  ) {}

  child(bindings: LogFields): TestingLogger {
    return new TestingLogger(this.level, this.records, { ...this.bindings, ...bindings });
  }

  isLevelEnabled(level: string): boolean {
    return ORDER.indexOf(level as LogLevel) >= ORDER.indexOf(this.level) && level !== 'off';
  }

  /** The records at `level`, optionally only those whose message contains `text`. */
  at(level: LogRecord['level'], text?: string): LogRecord[] {
    return this.records.filter((r) => r.level === level && (text === undefined || r.msg.includes(text)));
  }

  private method(level: LogRecord['level']): LogMethod {
    return ((a: string | LogFields, b?: string) => {
      if (!this.isLevelEnabled(level)) return;
      const [fields, msg] = typeof a === 'string' ? [{}, a] : [a, b ?? ''];
      this.records.push({ level, msg, fields: { ...this.bindings, ...fields } });
    }) as LogMethod;
  }
}
