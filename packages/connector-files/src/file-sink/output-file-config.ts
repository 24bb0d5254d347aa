/** Names of part files (Flink's OutputFileConfig): `<prefix>-<uuid>-<counter><suffix>`, prefix "part", no suffix by default. */
export class OutputFileConfig {
  constructor(
    readonly partPrefix = 'part',
    readonly partSuffix = '',
  ) {
    for (const [what, value] of [['prefix', partPrefix], ['suffix', partSuffix]]) {
      if (value.includes('/') || value.includes('\\')) throw new RangeError(`OutputFileConfig: the part ${what} must not contain a path separator, got '${value}'`);
    }
  }

  static builder(): OutputFileConfigBuilder {
    return new OutputFileConfigBuilder();
  }

  getPartPrefix(): string {
    return this.partPrefix;
  }

  getPartSuffix(): string {
    return this.partSuffix;
  }
}

export class OutputFileConfigBuilder {
  private prefix = 'part';
  private suffix = '';

  withPartPrefix(prefix: string): this {
    this.prefix = prefix;
    return this;
  }

  withPartSuffix(suffix: string): this {
    this.suffix = suffix;
    return this;
  }

  build(): OutputFileConfig {
    return new OutputFileConfig(this.prefix, this.suffix);
  }
}

/** Turns a record into the bytes of one row of a part file (Flink's Encoder). */
export interface Encoder<IN> {
  encode(element: IN): Uint8Array | string;
}

/** Flink's SimpleStringEncoder: the record's string form and a newline, UTF-8. */
export class SimpleStringEncoder<IN> implements Encoder<IN> {
  encode(element: IN): string {
    return `${String(element)}\n`;
  }
}
