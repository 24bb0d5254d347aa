import { toMillis, type DurationLike } from '@flott/core';

/**
 * Job settings that Flink keeps in its ExecutionConfig (`env.getConfig()`), so Flink code such as
 * `env.getConfig().setAutoWatermarkInterval(...)` ports unchanged. Only the auto-watermark interval
 * lives here; the environment's own setters hold the other settings.
 */
export class ExecutionConfig {
  /** @internal Created by the environment from `pipeline.auto-watermark-interval`. */
  constructor(private autoWatermarkIntervalMs: number) {}

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
