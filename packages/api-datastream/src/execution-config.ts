import { toMillis, type DurationLike } from '@flott/core';

/**
 * Job settings that Flink keeps in its ExecutionConfig (`env.getConfig()`), so Flink code such as
 * `env.getConfig().setAutoWatermarkInterval(...)` or `enableObjectReuse()` ports unchanged. The
 * auto-watermark interval and object reuse live here; the environment's own setters hold the others.
 */
export class ExecutionConfig {
  /**
   * @internal Created by the environment from `pipeline.auto-watermark-interval` and
   * `pipeline.object-reuse`; `setObjectReuse` makes the job carry the option.
   */
  constructor(
    private autoWatermarkIntervalMs: number,
    private objectReuse = false,
    private readonly setObjectReuse: (enabled: boolean) => void = () => undefined,
  ) {}

  /**
   * Object reuse (`pipeline.object-reuse`): records handed over between subtasks of one slot thread
   * are the producer's objects themselves, not copies. Faster; a function must then neither change an
   * object after emitting it nor change an input object (another subtask may hold the same object).
   * Chained operators pass objects themselves either way (docs/network.md, local hand-over).
   */
  enableObjectReuse(): this {
    this.objectReuse = true;
    this.setObjectReuse(true);
    return this;
  }

  /** The default: every subtask gets records of its own, as if they had crossed the network. */
  disableObjectReuse(): this {
    this.objectReuse = false;
    this.setObjectReuse(false);
    return this;
  }

  isObjectReuseEnabled(): boolean {
    return this.objectReuse;
  }

  /**
   * How often timestamp/watermark assigners emit periodic watermarks (milliseconds or a Duration);
   * 0 disables periodic watermarks. Read when the job's operators are created.
   */
  setAutoWatermarkInterval(interval: DurationLike): this {
    this.autoWatermarkIntervalMs = toMillis(interval, 'ExecutionConfig.setAutoWatermarkInterval: interval');
    return this;
  }

  /** In milliseconds. */
  getAutoWatermarkInterval(): number {
    return this.autoWatermarkIntervalMs;
  }
}
