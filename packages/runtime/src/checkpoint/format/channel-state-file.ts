import { CHANNEL_STATE_FILE, SectionedFileReader, writeSectionedFile } from './sectioned-file';
import { packSection, readSection, unpackValue } from './state-values';

// A channel state file (docs/checkpoint-format.md): the in-flight data an unaligned checkpoint stored
// for one task's input channels. One section per channel that held data, id = gate << 16 | channel,
// holding a list of entries. Version 2: each entry is a batch of elements packed together when they
// were recorded (so later changes to the values by the task's operators do not reach the checkpoint);
// version 1 (still read) packed each element alone. An element is one of
//   [0, value, timestamp | nil]   a record
//   [1, watermark]                a watermark
//   [2, idle]                     a watermark status

/** One element of a channel's in-flight data. */
export type ChannelStateElement =
  | { readonly kind: 'record'; readonly value: unknown; readonly timestamp: number | undefined }
  | { readonly kind: 'watermark'; readonly timestamp: number }
  | { readonly kind: 'watermark-status'; readonly idle: boolean };

export interface ChannelState {
  readonly gate: number;
  readonly channel: number;
  readonly elements: readonly ChannelStateElement[];
}

/** Most channels per gate a section id can name. */
const MAX_CHANNELS_PER_GATE = 0x10000;

/** An element as the file holds it. */
export type ChannelStateTuple = readonly [0, unknown, number | null] | readonly [1, number] | readonly [2, boolean];

export function channelStateTuple(element: ChannelStateElement): ChannelStateTuple {
  switch (element.kind) {
    case 'record':
      return [0, element.value, element.timestamp ?? null];
    case 'watermark':
      return [1, element.timestamp];
    case 'watermark-status':
      return [2, element.idle];
  }
}

/** Packs a batch of elements for a channel state file (one entry), at the moment they are recorded. */
export function packChannelStateBatch(elements: readonly ChannelStateTuple[]): Uint8Array {
  return packSection(elements);
}

/** Lays out the recorded channels (each with its packed entries) as a channel state file. */
export function encodeChannelStateFile(channels: ReadonlyArray<{ readonly gate: number; readonly channel: number; readonly entries: readonly Uint8Array[] }>): Uint8Array {
  const sections = channels
    .filter((c) => c.entries.length > 0)
    .map((c) => {
      if (c.channel >= MAX_CHANNELS_PER_GATE) throw new Error(`Assertion failed: channel ${c.channel} of gate ${c.gate} exceeds ${MAX_CHANNELS_PER_GATE} channels`);
      return { id: c.gate * MAX_CHANNELS_PER_GATE + c.channel, bytes: packSection(c.entries) };
    })
    .sort((a, b) => a.id - b.id);
  return writeSectionedFile(CHANNEL_STATE_FILE, [], sections);
}

/** Decodes a channel state file; `file` names it in errors. */
export function decodeChannelStateFile(bytes: Uint8Array, file: string): ChannelState[] {
  const reader = SectionedFileReader.open(bytes, file, CHANNEL_STATE_FILE);
  return reader.index.map((entry, i) => {
    const gate = Math.floor(entry.id / MAX_CHANNELS_PER_GATE);
    const channel = entry.id % MAX_CHANNELS_PER_GATE;
    const what = `the in-flight data of gate ${gate} channel ${channel}`;
    const fail = (reason: string): never => reader.fail(reason);
    const entries = readSection(reader, i, what);
    if (!Array.isArray(entries) || !entries.every((e) => e instanceof Uint8Array)) fail(`${what} is malformed: expected a list of packed entries`);
    const elements: ChannelStateElement[] = [];
    (entries as Uint8Array[]).forEach((packed, j) => {
      const entry = unpackValue(packed, fail, `entry ${j} of ${what}`);
      const malformed = (why: string): never => fail(`entry ${j} of ${what} is malformed: ${why}`);
      if (reader.version === 1) {
        elements.push(unpackElement(entry, malformed));
        return;
      }
      if (!Array.isArray(entry)) malformed('expected a list of elements');
      for (const e of entry as unknown[]) elements.push(unpackElement(e, malformed));
    });
    return { gate, channel, elements };
  });
}

function unpackElement(e: unknown, malformed: (why: string) => never): ChannelStateElement {
  if (!Array.isArray(e)) return malformed('expected a list');
  switch (e[0]) {
    case 0:
      if (e.length !== 3 || (e[2] !== null && typeof e[2] !== 'number')) malformed('expected [0, value, timestamp]');
      return { kind: 'record', value: e[1], timestamp: e[2] ?? undefined };
    case 1:
      if (e.length !== 2 || typeof e[1] !== 'number') malformed('expected [1, watermark]');
      return { kind: 'watermark', timestamp: e[1] };
    case 2:
      if (e.length !== 2 || typeof e[1] !== 'boolean') malformed('expected [2, idle]');
      return { kind: 'watermark-status', idle: e[1] };
    default:
      return malformed(`unknown entry kind ${JSON.stringify(e[0])}`);
  }
}
