import type { SerializedError } from '@flott/core';
import type { Cancellable } from '../time/clock';

// The lower of the two RPC layers (docs/rpc.md): a transport moves request, one-way, response and
// error messages between processes ("peers", one base address each). Typed proxies, timeouts,
// fencing and error serialisation are the service layer's (TransportRpcService), the same over
// every transport.

/** A call to endpoint `endpoint` of the receiving peer. */
export interface RpcRequest {
  readonly endpoint: string;
  readonly method: string;
  readonly args: readonly unknown[];
  /** The fencing token the caller knows (a leader session id); checked by fenced endpoints. */
  readonly fencingToken?: string;
}

/** The outcome of a request: its result, or the serialised error. */
export type RpcReply =
  | { readonly ok: true; readonly value: unknown }
  /** `thrown`: the error object itself, kept only by an in-process network that passes error instances (never on TCP). */
  | { readonly ok: false; readonly error: SerializedError; readonly thrown?: unknown };

/** Serves requests that arrive at this peer; never rejects (errors are replies). */
export type RpcRequestHandler = (request: RpcRequest) => Promise<RpcReply>;

/**
 * Moves messages between this peer and others. Contract: `request` resolves with the peer's reply, or
 * rejects with RpcConnectionError (unreachable, connection lost: at once, not at a timeout),
 * RpcAuthenticationError, RpcFrameTooLargeError or RpcOutboundQueueFullError; once `signal` aborts,
 * the transport forgets the request (a late reply is dropped). `tell` resolves when the message is
 * handed to the connection. `watch` calls `onLost` once when the connection to `peer` is lost (or
 * cannot be made); a later call connects again. All callbacks run on the event loop of the owner.
 */
export interface RpcTransport {
  /** The base address of this peer: endpoint addresses are `${baseAddress}/${name}`. */
  readonly baseAddress: string;
  request(peer: string, request: RpcRequest, signal: AbortSignal): Promise<RpcReply>;
  tell(peer: string, request: RpcRequest): Promise<void>;
  watch(peer: string, onLost: (cause: Error) => void): Cancellable;
  /** Stops serving, closes every connection (pending calls reject with RpcConnectionError). */
  close(): Promise<void>;
}

/** Splits an endpoint address into its peer's base address and the endpoint's name. */
export function splitAddress(address: string): { peer: string; endpoint: string } {
  const slash = address.lastIndexOf('/');
  const scheme = address.indexOf('://');
  if (slash <= scheme + 2) return { peer: address, endpoint: '' };
  return { peer: address.slice(0, slash), endpoint: address.slice(slash + 1) };
}
