import { FlottError } from '@flott/core';
import { CheckpointDataNotFoundError } from '../../errors';
import type { StreamStateHandle } from '../../snapshot/snapshot-data';
import { collectStateBytes } from '../../snapshot/state-bytes';
import type { CheckpointLocation, CheckpointStorageAccess, StateBytes } from '../../spi/checkpoint-storage';
import type { Scheduler } from '../../time/clock';
import type { StorageFate } from './simulation-faults';
import type { SimulationTrace } from './simulation-trace';

/** A checkpoint write the simulated storage failed on purpose (a full or broken disk). */
export class SimulatedStorageWriteError extends FlottError {
  constructor(what: string) {
    super('SIMULATED_STORAGE_WRITE_FAILED', `Simulated storage failure writing ${what}`, { what });
  }
}

/**
 * The job's checkpoint storage in a simulated run, shared by the JobMaster's coordinator and the
 * simulated tasks (as a distributed file system is): state is kept inline in the handles, metadata
 * by pointer. Every write draws a fate: it may fail, and it completes after a latency that a slow
 * disk stretches; both on the simulated clock.
 */
export class SimulatedCheckpointStorage implements CheckpointStorageAccess {
  private readonly metadata = new Map<string, Uint8Array>();
  /** Every metadata file ever written, also discarded ones: what the invariants inspect. */
  private readonly written = new Map<string, Uint8Array>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly fate: () => StorageFate,
    private readonly trace: SimulationTrace,
  ) {}

  async initializeLocation(checkpointId: number): Promise<CheckpointLocation> {
    return { checkpointId, pointer: `sim-storage://chk-${checkpointId}` };
  }

  async initializeSavepointLocation(checkpointId: number): Promise<CheckpointLocation> {
    return { checkpointId, pointer: `sim-storage://savepoint-${checkpointId}` };
  }

  async writeState(location: CheckpointLocation, name: string, data: StateBytes): Promise<StreamStateHandle> {
    const bytes = await collectStateBytes(data, Number.MAX_SAFE_INTEGER, () => new Error('unreachable: no size limit'));
    await this.write(`${location.pointer}/${name}`);
    return { kind: 'inline', data: bytes };
  }

  async readState(handle: StreamStateHandle): Promise<Uint8Array> {
    if (handle.kind !== 'inline') throw new CheckpointDataNotFoundError(handle.uri, 'the simulated storage keeps state inline only');
    await this.delay(this.fate().delayMs);
    return handle.data;
  }

  async discardState(): Promise<void> {}

  async writeMetadata(location: CheckpointLocation, data: Uint8Array): Promise<string> {
    const pointer = `${location.pointer}/_metadata`;
    await this.write(pointer);
    this.metadata.set(pointer, data.slice());
    this.written.set(pointer, data.slice());
    return pointer;
  }

  /** The metadata once written at `pointer`, even if discarded since (for the invariants). */
  writtenMetadata(pointer: string): Uint8Array | undefined {
    return this.written.get(pointer);
  }

  async readMetadata(pointer: string): Promise<Uint8Array> {
    const data = this.metadata.get(pointer) ?? this.metadata.get(`${pointer}/_metadata`);
    if (!data) throw new CheckpointDataNotFoundError(pointer, 'no metadata there');
    return data;
  }

  async discard(location: CheckpointLocation): Promise<void> {
    this.metadata.delete(`${location.pointer}/_metadata`);
  }

  private async write(what: string): Promise<void> {
    const { fails, delayMs } = this.fate();
    await this.delay(delayMs);
    if (fails) {
      this.trace.record(`storage failed ${what}`);
      throw new SimulatedStorageWriteError(what);
    }
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => this.scheduler.schedule(ms, resolve));
  }
}
