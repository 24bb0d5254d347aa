import { checkpointFileDamageTests } from '../../testing/checkpoint-file-damage';
import { channelStateTuple, decodeChannelStateFile, encodeChannelStateFile, packChannelStateBatch, type ChannelStateElement } from './channel-state-file';
import { encodeOperatorStateFile } from './operator-state-file';
import { CHANNEL_STATE_FILE, writeSectionedFile } from './sectioned-file';
import { packSection } from './state-values';

const FILE = '/checkpoints/job/chk-3/op-1-0-0-channels';

const GATE0: ChannelStateElement[] = [
  { kind: 'record', value: { user: 'a', amount: 12.5, tags: new Set(['x']) }, timestamp: 1_700_000_000_000 },
  { kind: 'watermark', timestamp: 1_699_999_999_000 },
  { kind: 'record', value: 7n, timestamp: undefined },
  { kind: 'watermark-status', idle: true },
];

function sample(): Uint8Array {
  return encodeChannelStateFile([
    // Two batches (e.g. two buffers' worth recorded at different times), kept in order.
    { gate: 0, channel: 1, entries: [packChannelStateBatch(GATE0.slice(0, 3).map(channelStateTuple)), packChannelStateBatch(GATE0.slice(3).map(channelStateTuple))] },
    { gate: 0, channel: 0, entries: [] },
    { gate: 1, channel: 0, entries: [packChannelStateBatch([channelStateTuple({ kind: 'record', value: 'b', timestamp: 5 })])] },
  ]);
}

describe('channel state file', () => {
  it('round-trips the in-flight data of each channel that held some, in order, by gate and channel', () => {
    expect(decodeChannelStateFile(sample(), FILE)).toStrictEqual([
      { gate: 0, channel: 1, elements: GATE0 },
      { gate: 1, channel: 0, elements: [{ kind: 'record', value: 'b', timestamp: 5 }] },
    ]);
  });

  it('keeps a value as it was when recorded, whatever happens to the object later', () => {
    const value = { n: 1 };
    const entry = packChannelStateBatch([channelStateTuple({ kind: 'record', value, timestamp: undefined })]);
    value.n = 2;
    const [decoded] = decodeChannelStateFile(encodeChannelStateFile([{ gate: 0, channel: 0, entries: [entry] }]), FILE);
    expect(decoded.elements).toEqual([{ kind: 'record', value: { n: 1 }, timestamp: undefined }]);
  });

  it('still reads version 1, where each entry is one element packed alone', () => {
    const v1 = writeSectionedFile(CHANNEL_STATE_FILE, [], [{ id: 1, bytes: packSection(GATE0.map((e) => packSection(channelStateTuple(e)))) }], 1);
    expect(decodeChannelStateFile(v1, FILE)).toStrictEqual([{ gate: 0, channel: 1, elements: GATE0 }]);
  });
});

checkpointFileDamageTests({
  description: 'channel state file',
  sample,
  decode: (bytes, file) => decodeChannelStateFile(bytes, file),
  versions: [1, 2],
  malformed: () => {
    const file = (value: unknown): Uint8Array => writeSectionedFile(CHANNEL_STATE_FILE, [], [{ id: 3, bytes: packSection(value) }]);
    return [
      [file({}), 'the in-flight data of gate 0 channel 3 is malformed: expected a list of packed entries'],
      [file([packSection([[9, 1]])]), 'entry 0 of the in-flight data of gate 0 channel 3 is malformed: unknown entry kind 9'],
      [file([packSection([[0, 'a', null], [1, 'late']])]), 'entry 0 of the in-flight data of gate 0 channel 3 is malformed: expected [1, watermark]'],
      [file([packSection({ n: 1 })]), 'entry 0 of the in-flight data of gate 0 channel 3 is malformed: expected a list of elements'],
      [file([new Uint8Array([0x92, 0x01])]), 'entry 0 of the in-flight data of gate 0 channel 3 cannot be decoded'],
    ];
  },
  otherKind: { description: 'operator state file', bytes: () => encodeOperatorStateFile({ states: [] }) },
});
