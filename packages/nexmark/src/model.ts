/** Nexmark records (shared/NEXMARK.md): ids, prices and references are integers; times epoch ms. */
export interface Person {
  readonly id: number;
  readonly name: string;
  readonly emailAddress: string;
  readonly creditCard: string;
  readonly city: string;
  readonly state: string;
  readonly dateTime: number;
  readonly extra: string;
}

export interface Auction {
  readonly id: number;
  readonly itemName: string;
  readonly description: string;
  readonly initialBid: number;
  readonly reserve: number;
  readonly dateTime: number;
  readonly expires: number;
  readonly seller: number;
  readonly category: number;
  readonly extra: string;
}

export interface Bid {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly channel: string;
  readonly url: string;
  readonly dateTime: number;
  readonly extra: string;
}

/** One event of the stream: exactly one of the three. */
export type NexmarkEvent =
  | { readonly type: 'person'; readonly person: Person }
  | { readonly type: 'auction'; readonly auction: Auction }
  | { readonly type: 'bid'; readonly bid: Bid };

export interface GeneratorConfig {
  /** Events of the whole stream (Infinity: unbounded). */
  readonly events: number;
  /** Target rate of the whole stream in events/s, 0 = as fast as possible (event times still use `eventsPerSecond`). */
  readonly targetRate: number;
  /**
   * The rate event times are spaced for: event n has dateTime `baseTime + floor(n × 1000 / eventsPerSecond)`.
   * Default 10 000 / s (Beam's default first event rate), so 200 000 events span 20 s of event time.
   */
  readonly eventsPerSecond: number;
  /** Id of event number 0 (default 1). */
  readonly firstEventId: number;
  /** dateTime of event number 0, epoch ms (fixed by default, so runs are reproducible). */
  readonly baseTime: number;
}
