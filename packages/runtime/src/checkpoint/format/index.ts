// The versioned checkpoint file formats (docs/checkpoint-format.md): one codec per file kind.
export { encodeKeyedStateFile, decodeKeyedStateFile } from './keyed-state-file';
export { encodeOperatorStateFile, decodeOperatorStateFile } from './operator-state-file';
export { encodeCheckpointMetadata, decodeCheckpointMetadata } from './checkpoint-metadata-file';
export { encodeChannelStateFile, decodeChannelStateFile, channelStateTuple, packChannelStateBatch } from './channel-state-file';
export type { ChannelState, ChannelStateElement, ChannelStateTuple } from './channel-state-file';
