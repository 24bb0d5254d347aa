import { NO_TIMESTAMP } from '@flott/core';
import { channelStateTuple, decodeChannelStateFile, encodeChannelStateFile, packChannelStateBatch, type ChannelStateElement, type ChannelStateTuple } from '../checkpoint/format';
import { ElementKind, type InputElement } from '../network/input-element';
import type { ChannelRecorder } from '../network';
import type { CheckpointBarrier } from './checkpoint-barrier-handler';

/** A channel of the task: its gate and index there, and its number across all gates (barrier handling). */
export interface TaskChannel {
  readonly gate: number;
  readonly channel: number;
  readonly taskChannel: number;
}

/**
 * The in-flight data of one unaligned checkpoint (Flink's ChannelStateWriter for one checkpoint): a
 * recorder per input channel takes every element it is given until the channel's barrier of this
 * checkpoint (or a newer one) or its end, and packs each batch of them when the channel ends the batch,
 * before the task's operators see any of them (they may change the values after they consume them).
 * One pack per batch (a buffer's worth, or all that was queued ahead of a barrier), not per element:
 * packing 20 000 small records one by one took ~150 ms of the task's thread. A barrier seen this way
 * is reported at once (`onBarrier`), ahead of its element.
 */
export class ChannelStateCollector {
  private readonly channels = new Map<number, { gate: number; channel: number; entries: Uint8Array[]; pending: ChannelStateTuple[] }>();

  constructor(
    readonly checkpointId: number,
    private readonly onBarrier: (taskChannel: number, barrier: CheckpointBarrier) => void,
  ) {}

  recorderFor(c: TaskChannel): ChannelRecorder {
    const state = { gate: c.gate, channel: c.channel, entries: [] as Uint8Array[], pending: [] as ChannelStateTuple[] };
    this.channels.set(c.taskChannel, state);
    return {
      record: (e) => {
        if (e.kind === ElementKind.RECORD) {
          state.pending.push(channelStateTuple({ kind: 'record', value: e.value, timestamp: e.timestamp === NO_TIMESTAMP ? undefined : e.timestamp }));
        } else if (e.kind === ElementKind.WATERMARK) {
          state.pending.push(channelStateTuple({ kind: 'watermark', timestamp: e.timestamp }));
        } else if (e.event?.kind === 'watermark-status') {
          state.pending.push(channelStateTuple({ kind: 'watermark-status', idle: e.event.idle }));
        } else if (e.event?.kind === 'barrier' && e.event.checkpointId >= this.checkpointId) {
          this.onBarrier(c.taskChannel, e.event);
          return false;
        } else if (e.event?.kind === 'end-of-partition') {
          return false;
        }
        // Latency markers and barriers of older checkpoints are not state.
        return true;
      },
      endBatch: () => endBatch(state),
    };
  }

  /** The channel state file, or undefined when no channel held data. */
  finish(): Uint8Array | undefined {
    const channels = [...this.channels.values()];
    for (const c of channels) endBatch(c);
    return channels.some((c) => c.entries.length > 0) ? encodeChannelStateFile(channels) : undefined;
  }
}

function endBatch(state: { entries: Uint8Array[]; pending: ChannelStateTuple[] }): void {
  if (state.pending.length === 0) return;
  state.entries.push(packChannelStateBatch(state.pending));
  state.pending = [];
}

/** A channel state file back as the elements each channel consumes first, by gate. */
export function restoredChannelElements(bytes: Uint8Array, file: string): Array<{ gate: number; channel: number; elements: InputElement[] }> {
  return decodeChannelStateFile(bytes, file).map(({ gate, channel, elements }) => ({
    gate,
    channel,
    elements: elements.map((e) => toInputElement(e, channel)),
  }));
}

function toInputElement(e: ChannelStateElement, channel: number): InputElement {
  switch (e.kind) {
    case 'record':
      return { kind: ElementKind.RECORD, value: e.value, timestamp: e.timestamp ?? NO_TIMESTAMP, channel, event: undefined };
    case 'watermark':
      return { kind: ElementKind.WATERMARK, value: undefined, timestamp: e.timestamp, channel, event: undefined };
    case 'watermark-status':
      return { kind: ElementKind.EVENT, value: undefined, timestamp: NO_TIMESTAMP, channel, event: { kind: 'watermark-status', idle: e.idle } };
  }
}
