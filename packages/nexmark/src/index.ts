// @flott/nexmark: the Nexmark event generator as a splittable Flott source, and the record types.
export type { Person, Auction, Bid, NexmarkEvent, GeneratorConfig } from './model';
export { NEXMARK_DEFAULTS, nexmarkConfig, eventAt, events, eventTimestamp, eventTime, NexmarkGenerator, AVG_PERSON_BYTES,
  AVG_AUCTION_BYTES, AVG_BID_BYTES } from './generator';
export { nexmarkSource, NexmarkSource, NexmarkSourceReader, nexmarkSplits, nexmarkSubtaskCount, NEXMARK_SPLIT_BLOCK, NEXMARK_OUT_OF_ORDERNESS_MS } from './source';
export type { NexmarkSplit } from './source';
export { nexmarkSerializers, bidCodec, auctionCodec, personCodec, eventCodec } from './codecs';
export { nexmarkArgs, sinkResults, flattenEvent, DEFAULT_NEXMARK_EVENTS } from './job-support';
export type { NexmarkArgs, FlatNexmarkEvent } from './job-support';
export { lastPersonId, lastAuctionId, kindOf, FIRST_PERSON_ID, FIRST_AUCTION_ID, FIRST_CATEGORY_ID, HOT_GROUP, ID_LEAD } from './ids';
export type { EventKind } from './ids';
export { US_STATES, US_CITIES, FIRST_NAMES, LAST_NAMES, HOT_CHANNELS } from './strings';
