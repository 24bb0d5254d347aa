import { ProgramArgumentsError } from './api-errors';

/**
 * Program arguments as key/value pairs (Flink's ParameterTool): `--key value`, `-k value`, and
 * `--flag` without a value. Negative numbers count as values (`--offset -5`).
 */
export class ParameterTool {
  /** What a key given without a value maps to (Flink's constant). */
  static readonly NO_VALUE_KEY = '__NO_VALUE_KEY';

  private constructor(private readonly data: ReadonlyMap<string, string>) {}

  static fromArgs(args: readonly string[]): ParameterTool {
    const data = new Map<string, string>();
    let i = 0;
    while (i < args.length) {
      const key = keyOf(args[i]);
      if (key === undefined) {
        throw new ProgramArgumentsError(
          `Error parsing arguments '${args.join(' ')}' on '${args[i]}'. Please prefix keys with -- or -.`,
          { argument: args[i] },
        );
      }
      const next = args[i + 1];
      if (next !== undefined && (keyOf(next) === undefined || isNumber(next))) {
        data.set(key, next);
        i += 2;
      } else {
        data.set(key, ParameterTool.NO_VALUE_KEY);
        i += 1;
      }
    }
    return new ParameterTool(data);
  }

  static fromMap(map: Readonly<Record<string, string>>): ParameterTool {
    return new ParameterTool(new Map(Object.entries(map)));
  }

  getNumberOfParameters(): number {
    return this.data.size;
  }

  has(key: string): boolean {
    return this.data.has(key);
  }

  get(key: string): string | undefined;
  get(key: string, defaultValue: string): string;
  get(key: string, defaultValue?: string): string | undefined {
    return this.data.get(key) ?? defaultValue;
  }

  getRequired(key: string): string {
    const v = this.data.get(key);
    if (v === undefined) throw new ProgramArgumentsError(`No data for required key '${key}'`, { key });
    return v;
  }

  getInt(key: string): number | undefined;
  getInt(key: string, defaultValue: number): number;
  getInt(key: string, defaultValue?: number): number | undefined {
    const v = this.data.get(key);
    if (v === undefined) return defaultValue;
    if (!/^[+-]?\d+$/.test(v.trim()) || !Number.isSafeInteger(Number(v))) {
      throw new ProgramArgumentsError(`Value '${v}' of key '${key}' is not an integer`, { key, value: v });
    }
    return Number(v);
  }

  getRequiredInt(key: string): number {
    this.getRequired(key);
    return this.getInt(key, 0);
  }

  getNumber(key: string, defaultValue: number): number {
    const v = this.data.get(key);
    if (v === undefined) return defaultValue;
    const n = Number(v);
    if (v.trim() === '' || Number.isNaN(n)) throw new ProgramArgumentsError(`Value '${v}' of key '${key}' is not a number`, { key, value: v });
    return n;
  }

  /** A key given without a value (`--verbose`) counts as true. */
  getBoolean(key: string, defaultValue: boolean): boolean {
    const v = this.data.get(key);
    if (v === undefined) return defaultValue;
    if (v === ParameterTool.NO_VALUE_KEY) return true;
    const lower = v.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    throw new ProgramArgumentsError(`Value '${v}' of key '${key}' is not a boolean`, { key, value: v });
  }

  toMap(): Record<string, string> {
    return Object.fromEntries(this.data);
  }
}

function keyOf(arg: string): string | undefined {
  let key: string;
  if (arg.startsWith('--')) key = arg.slice(2);
  else if (arg.startsWith('-')) key = arg.slice(1);
  else return undefined;
  if (key.length === 0) return undefined;
  return key;
}

function isNumber(s: string): boolean {
  return s.trim() !== '' && !Number.isNaN(Number(s));
}
