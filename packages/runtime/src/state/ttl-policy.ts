import { StateVisibility, UpdateType, type StateTtlConfig, type Clock } from '@flott/core';

/** A user value with the time it was last written (or read, with OnReadAndWrite): Flink's TtlValue. */
export interface TtlValue<V> {
  readonly v: V;
  readonly t: number;
}

/** The TTL rules of one state handle, applied with time from the injected clock. */
export class TtlPolicy {
  readonly updateOnRead: boolean;
  readonly returnExpired: boolean;

  constructor(
    private readonly config: StateTtlConfig,
    private readonly clock: Clock,
  ) {
    this.updateOnRead = config.updateType === UpdateType.OnReadAndWrite;
    this.returnExpired = config.stateVisibility === StateVisibility.ReturnExpiredIfNotCleanedUp;
  }

  wrap<V>(v: V): TtlValue<V> {
    return { v, t: this.clock.currentTimeMillis() };
  }

  isExpired(value: TtlValue<unknown>): boolean {
    // Saturating add, as Flink's TtlUtils: a huge TTL must not overflow into the past.
    const expiresAt = value.t + this.config.ttlMs;
    const at = Number.isSafeInteger(expiresAt) ? expiresAt : Number.MAX_SAFE_INTEGER;
    return at <= this.clock.currentTimeMillis();
  }
}

export function ttlPolicyOf(config: StateTtlConfig | undefined, clock: Clock): TtlPolicy | undefined {
  return config && config.isEnabled() ? new TtlPolicy(config, clock) : undefined;
}
