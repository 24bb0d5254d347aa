// Public names of the network stack (DESIGN.md §6).
export { networkConfigFrom, defaultNetworkConfig, initialCreditsPerChannel } from './network-config';
export type { NetworkConfig } from './network-config';
export type { NetworkEvent } from './buffer-format';
export { createLocalChannel, producerEndpointFromPort, consumerEndpointFromPort } from './transport';
export type { ProducerEndpoint, ConsumerEndpoint } from './transport';
export { ResultPartition } from './result-partition';
export { BlockingResultPartition, BlockingPartitionIoError, FileSubpartitionReader, blockingSubpartitionFile } from './blocking-partition';
export type { ResultPartitionStats } from './result-partition';
export type { SubpartitionStats } from './subpartition';
export { InputGate } from './input-gate';
export type { ChannelRecorder, BarrierEvent } from './input-channel';
export type { InputGateStats } from './input-gate';
export { ElementKind } from './input-element';
export type { InputElement } from './input-element';
export { createChannelSelector } from './partitioners';
export type { ChannelSelector, ChannelSelectorOptions } from './partitioners';
export { assignToKeyGroup, computeKeyGroupForKeyHash, computeOperatorIndexForKeyGroup, computeKeyGroupRangeForOperatorIndex,
  assignKeyToParallelOperator, hashKey, murmurHashInt, murmur3x86_32, defaultMaxParallelism } from './key-groups';
export { BufferOverdraftError, NetworkReleasedError, UnsupportedKeyError, CorruptNetworkBufferError } from './network-errors';
export { DataClientConnections, type DataClientOptions } from './data-client';
export { DirectRemoteChannel } from './direct-remote-channel';
export { DirectProducerChannel } from './direct-producer-channel';
export { DataServer, type DataServerOptions } from './data-server';
export { WaitingPartitionRequests } from './waiting-partition-requests';
export { portProducer, type RemotePartitionProvider, type AttachedProducer } from './partition-request-server';
export { CorruptDataFrameError, PartitionNotFoundError, RemoteTransportError } from './network-errors';
