import { toMillis, type DurationLike } from '../duration';
import { InvalidStateConfigurationError } from './state-errors';

/** When the last-access timestamp of a value is refreshed (Flink's StateTtlConfig.UpdateType). */
export enum UpdateType {
  /** TTL is disabled for the state. */
  Disabled = 'Disabled',
  /** Refreshed when the value is created or written. */
  OnCreateAndWrite = 'OnCreateAndWrite',
  /** Refreshed also when the value is read. */
  OnReadAndWrite = 'OnReadAndWrite',
}

/** Whether an expired value that was not yet removed may still be returned (Flink's StateVisibility). */
export enum StateVisibility {
  ReturnExpiredIfNotCleanedUp = 'ReturnExpiredIfNotCleanedUp',
  NeverReturnExpired = 'NeverReturnExpired',
}

/** Flink supports only processing time for TTL; the time comes from the injected Clock. */
export enum TtlTimeCharacteristic {
  ProcessingTime = 'ProcessingTime',
}

/**
 * Time-to-live of a state's values (Flink's StateTtlConfig). Expired values are removed lazily when
 * they are read (the only cleanup strategy of Flott's heap state for now; `cleanupFullSnapshot` is
 * recorded for the checkpoint issue).
 */
export class StateTtlConfig {
  /** @internal Use `StateTtlConfig.newBuilder(ttl)...build()`. */
  constructor(
    readonly ttlMs: number,
    readonly updateType: UpdateType,
    readonly stateVisibility: StateVisibility,
    readonly ttlTimeCharacteristic: TtlTimeCharacteristic,
    readonly cleanupFullSnapshot: boolean,
  ) {}

  /** `ttl`: how long a value lives after its last refresh (`Duration.ofHours(1)` or milliseconds). */
  static newBuilder(ttl: DurationLike): StateTtlConfigBuilder {
    return new StateTtlConfigBuilder(ttl);
  }

  isEnabled(): boolean {
    return this.updateType !== UpdateType.Disabled;
  }

}

export class StateTtlConfigBuilder {
  private updateType = UpdateType.OnCreateAndWrite;
  private visibility = StateVisibility.NeverReturnExpired;
  private characteristic = TtlTimeCharacteristic.ProcessingTime;
  private fullSnapshot = false;

  private ttlMs: number;

  constructor(ttl: DurationLike) {
    this.ttlMs = toMillis(ttl, 'StateTtlConfig: ttl');
  }

  setUpdateType(updateType: UpdateType): this {
    this.updateType = updateType;
    return this;
  }
  updateTtlOnCreateAndWrite(): this {
    return this.setUpdateType(UpdateType.OnCreateAndWrite);
  }
  updateTtlOnReadAndWrite(): this {
    return this.setUpdateType(UpdateType.OnReadAndWrite);
  }
  setStateVisibility(visibility: StateVisibility): this {
    this.visibility = visibility;
    return this;
  }
  returnExpiredIfNotCleanedUp(): this {
    return this.setStateVisibility(StateVisibility.ReturnExpiredIfNotCleanedUp);
  }
  neverReturnExpired(): this {
    return this.setStateVisibility(StateVisibility.NeverReturnExpired);
  }
  setTtlTimeCharacteristic(characteristic: TtlTimeCharacteristic): this {
    this.characteristic = characteristic;
    return this;
  }
  setTtl(ttl: DurationLike): this {
    this.ttlMs = toMillis(ttl, 'StateTtlConfig: ttl');
    return this;
  }
  cleanupFullSnapshot(): this {
    this.fullSnapshot = true;
    return this;
  }
  build(): StateTtlConfig {
    if (!(Number.isFinite(this.ttlMs) && this.ttlMs > 0)) {
      throw new InvalidStateConfigurationError(`TTL must be a positive number of milliseconds, got ${this.ttlMs}`);
    }
    return new StateTtlConfig(this.ttlMs, this.updateType, this.visibility, this.characteristic, this.fullSnapshot);
  }
}
